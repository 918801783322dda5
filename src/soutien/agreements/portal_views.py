"""The organization's side of its agreements in the portal: the agreement to sign and deposit
(5.4), the renewal of years 2 and 3 (5.6); the agreement's PDF for its members and staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from soutien.applications import actions
from soutien.applications.portal_views import portal_login_required
from soutien.core import clock
from soutien.core.forms import add_action_errors
from soutien.core.models import JournalEntry
from soutien.core.pdf import pdf_response
from soutien.organizations.members import members_act
from soutien.rules.documents import REQUIRED_DOCUMENTS

from . import actions as agreement_actions
from .documents import agreement_pdf
from .forms import SignedCopyForm
from .letters import JOURNAL_LETTERS, journal_letter_pdf
from .models import Agreement, AgreementDocumentKind, AgreementYear, State


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


@portal_login_required
@members_act(reads=True)
@require_http_methods(["GET", "POST"])
def signed_copy(request, pk: int):
    """The organization deposits its signed copy of a prepared agreement (5.4)."""
    agreement = get_object_or_404(
        Agreement.objects.for_user(request.user).select_related("organization", "application"),
        pk=pk,
        state=State.DRAFT,
    )
    form = SignedCopyForm(request.POST or None, request.FILES or None, agreement=agreement)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                agreement_actions.receive_signed_copy(
                    agreement,
                    upload=form.cleaned_data["signed_copy"],
                    signatory_confirmed=form.cleaned_data["signatory_confirmed"],
                    by=request.user,
                    at=clock.now(),
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "La convention signée est déposée : le Ministère la signe à son tour "
                        "et vous avise de son entrée en vigueur."
                    ),
                )
                return redirect("portal:agreements")
        status = 422
    return render(
        request,
        "agreements/signed_copy.html",
        {
            "agreement": agreement,
            "form": form,
            "copies": agreement.documents.filter(
                kind=AgreementDocumentKind.SIGNED_AGREEMENT
            ).order_by("-number"),
        },
        status=status,
    )


def agreement_document_pdf(request, pk: int):
    """The agreement as a PDF, to whoever may see it (`for_user`): staff and the organization's
    members; anyone else gets a 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    agreement = get_object_or_404(
        Agreement.objects.for_user(request.user).select_related("organization", "application"),
        pk=pk,
    )
    return pdf_response(agreement_pdf(agreement), f"convention-{agreement.reference}.pdf")


def journal_letter(request, pk: int, entry_pk: int):
    """A letter that follows from the agreement's journal (a suspension lifted, an agreement
    ended at its renewal), to whoever may see the agreement; anyone else gets a 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    agreement = get_object_or_404(
        Agreement.objects.for_user(request.user).select_related("organization"), pk=pk
    )
    entry = get_object_or_404(
        JournalEntry.objects.for_subject(agreement).select_related("actor"),
        pk=entry_pk,
        action__in=list(JOURNAL_LETTERS),
    )
    return pdf_response(
        journal_letter_pdf(agreement, entry), f"lettre-{agreement.reference}-{entry.pk}.pdf"
    )
