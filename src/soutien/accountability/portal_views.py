"""The organization sees what it owes the ministry (clause 7; 6.2): each claim, its due date,
its repayment agreement and what is left to pay."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_GET

from soutien.applications.portal_views import portal_login_required

from .models import Claim, ClaimOffset, OffsetState


@portal_login_required
@require_GET
def claims(request):
    found = (
        Claim.objects.for_user(request.user)
        .select_related("organization", "agreement")
        .prefetch_related(
            Prefetch(
                "offsets",
                queryset=ClaimOffset.objects.filter(state=OffsetState.PLANNED).select_related(
                    "installment"
                ),
                to_attr="planned",
            )
        )
        .order_by("organization__legal_name", "-established_on", "-pk")
    )
    return render(request, "accountability/portal_claims.html", {"claims": found})
