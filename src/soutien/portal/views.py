"""Portal pages that show several stages at once; each stage's own pages are in its app."""

from __future__ import annotations

from django.shortcuts import render

from soutien.accountability.models import AnnualReport, Claim
from soutien.accountability.reports import EDITABLE_STATES, status_label
from soutien.agreements.portal_views import renewals_offered
from soutien.applications.portal_views import dashboard_context, portal_login_required
from soutien.core import clock


@portal_login_required
def dashboard(request):
    context = dashboard_context(request.user, now=clock.now())
    context["renewals"] = renewals_offered(request.user, taken=context.pop("taken"))
    # What the organization owes (7; 6.2), with its due date: a step to take.
    context["claims_due"] = list(
        Claim.objects.for_user(request.user)
        .outstanding()
        .select_related("organization")
        .order_by("due_on")
    )
    # The yearly reports still to transmit or to correct (8), the late ones first.
    today = clock.today()
    context["reports_due"] = [
        (report, status_label(report, today))
        for report in AnnualReport.objects.for_user(request.user)
        .filter(state__in=EDITABLE_STATES)
        .select_related("organization", "agreement_year")
        .order_by("due_on", "pk")
    ]
    return render(request, "portal/dashboard.html", context)
