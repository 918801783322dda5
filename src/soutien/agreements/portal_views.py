"""The organization's side of its agreements in the portal: the renewal of years 2 and 3 (5.6)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from soutien.applications import actions
from soutien.applications.portal_views import portal_login_required
from soutien.core import clock
from soutien.organizations.members import members_act
from soutien.rules.documents import REQUIRED_DOCUMENTS

from .models import AgreementYear


def renewals_offered(user, *, taken: set[tuple[int, int, int]]) -> list[AgreementYear]:
    """The years the person's organizations may renew, unless already applied for (5.6)."""
    return [
        year
        for year in AgreementYear.objects.for_user(user).awaiting_renewal()
        if (year.agreement.organization_id, year.fiscal_year, year.agreement.stream) not in taken
    ]


@portal_login_required
@members_act
@require_http_methods(["GET", "POST"])
def start_renewal(request, year_pk: int):
    year = get_object_or_404(
        AgreementYear.objects.for_user(request.user).select_related(
            "agreement", "agreement__organization"
        ),
        pk=year_pk,
    )
    errors: list[str] = []
    if request.method == "POST":
        try:
            application = actions.start_renewal(year, by=request.user, at=clock.now())
        except ValidationError as error:
            errors = [str(m) for m in error.messages]
        else:
            messages.success(
                request,
                _(
                    "Le formulaire de reconduction est prérempli avec les réponses de l'an "
                    "dernier. Indiquez ce qui a changé."
                ),
            )
            return redirect("portal:application", application.pk)
    return render(
        request,
        "agreements/start_renewal.html",
        {"year": year, "errors": errors, "documents": REQUIRED_DOCUMENTS},
        status=422 if errors else 200,
    )
