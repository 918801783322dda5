"""Funding agreements (5.4) and exports for finance, in the ministry's workspace."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from soutien.accounts.access import Capability, can, workspace_view
from soutien.core import clock, fiscal
from soutien.evaluations.models import Decision, Outcome
from soutien.organizations.models import BoardPosition
from soutien.rules import FiscalYear

from . import actions, exports
from .documents import agreement_pdf as render_agreement_pdf
from .models import Agreement, AgreementDocumentKind


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def proposed_signatory(application) -> tuple[str, str]:
    """The president of the board on the day of the application: the usual designation of the
    board resolution (5.1), proposed to the person who prepares the agreement, who checks it."""
    day = clock.localdate_of(application.submitted_at) if application.submitted_at else None
    members = application.organization.board_members.filter(position=BoardPosition.PRESIDENT)
    if day is not None:
        members = members.filter(term_start__lte=day).exclude(term_end__lt=day)
    president = members.order_by("-term_start", "pk").first()
    if president is None:
        return "", ""
    return president.full_name, _("Présidence du conseil d'administration")


def next_reference(fiscal_year: int) -> str:
    count = Agreement.objects.filter(start_fiscal_year=fiscal_year).count()
    while True:
        count += 1
        reference = f"SAM-{fiscal_year}-{count:04d}"
        if not Agreement.objects.filter(reference=reference).exists():
            return reference


@workspace_view(Capability.AGREEMENT)
def prepare_agreement(request, pk: int):
    decision = get_object_or_404(
        Decision.objects.for_user(request.user).select_related(
            "application", "application__organization"
        ),
        pk=pk,
        outcome=Outcome.GRANTED,
    )
    application = decision.application
    start = FiscalYear(application.fiscal_year)
    allowed = actions.max_duration_years(start)
    resolution = application.documents.filter(kind="board_resolution").order_by("-number").first()
    name, title = proposed_signatory(application)
    if request.method == "POST":
        name = request.POST.get("signatory_name", "").strip()
        title = request.POST.get("signatory_title", "").strip()
        try:
            duration = int(request.POST.get("duration_years", "1"))
        except ValueError:
            duration = 0
        try:
            agreement = actions.prepare_agreement(
                decision,
                reference=next_reference(application.fiscal_year),
                duration_years=duration,
                starts_on=start.starts_on,
                ends_on=(start + max(duration - 1, 0)).ends_on,
                signatory_name=name,
                signatory_title=title,
                by=request.user,
                at=clock.now(),
            )
            messages.success(request, _("La convention est préparée."))
            return redirect("workspace:agreement", pk=agreement.pk)
        except ValidationError as error:
            _errors(request, error)
    return render(
        request,
        "workspace/prepare_agreement.html",
        {
            "decision": decision,
            "application": application,
            "durations": list(range(1, allowed + 1)),
            "resolution": resolution,
            "signatory_name": name,
            "signatory_title": title,
        },
    )


@workspace_view(Capability.VIEW, post=Capability.AGREEMENT)
def agreement(request, pk: int):
    agreement = get_object_or_404(
        Agreement.objects.for_user(request.user).select_related("organization", "application"),
        pk=pk,
    )
    if request.method == "POST":
        upload = request.FILES.get("signed_copy")
        try:
            if upload is None:
                raise ValidationError(_("Choisissez le fichier de la convention signée."))
            signed_on = date.fromisoformat(request.POST.get("signed_on") or "")
        except ValueError:
            messages.error(request, _("La date de signature n'est pas une date valide."))
            return redirect("workspace:agreement", pk=agreement.pk)
        except ValidationError as error:
            _errors(request, error)
            return redirect("workspace:agreement", pk=agreement.pk)
        try:
            now = clock.now()
            actions.upload_agreement_document(agreement, upload=upload, by=request.user, at=now)
            actions.sign_agreement(agreement, signed_on=signed_on, by=request.user, at=now)
            messages.success(request, _("La convention signée est déposée : elle est en vigueur."))
        except ValidationError as error:
            _errors(request, error)
        return redirect("workspace:agreement", pk=agreement.pk)
    return render(
        request,
        "workspace/agreement.html",
        {
            "agreement": agreement,
            "years": agreement.years.prefetch_related("installments").order_by("year_number"),
            "documents": agreement.documents.filter(
                kind=AgreementDocumentKind.SIGNED_AGREEMENT
            ).order_by("-number"),
            "today": clock.today(),
            "can_sign": can(request.user, Capability.AGREEMENT) and agreement.state == "draft",
        },
    )


@workspace_view(Capability.VIEW)
def agreement_pdf(request, pk: int):
    agreement = get_object_or_404(
        Agreement.objects.for_user(request.user).select_related("organization", "application"),
        pk=pk,
    )
    response = HttpResponse(render_agreement_pdf(agreement), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="convention-{agreement.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _fiscal_year(request) -> int | None:
    value = request.GET.get("fiscal_year", "")
    return int(value) if value.isdigit() else None


KINDS = {
    "installments": (_("Versements prévus"), exports.installment_rows),
    "decisions": (_("Décisions"), exports.decision_rows),
}


@workspace_view(Capability.EXPORT)
def finance(request):
    kind = request.GET.get("kind", "installments")
    if kind not in KINDS:
        kind = "installments"
    title, rows_for = KINDS[kind]
    year = _fiscal_year(request)
    rows = rows_for(request.user, year)
    return render(
        request,
        "workspace/finance.html",
        {
            "kind": kind,
            "title": title,
            "rows": rows,
            "total": exports.total(rows),
            "fiscal_year": year or "",
            "fiscal_years": [(y, fiscal.label(y)) for y in range(2018, 2021)],
            "query": request.GET.urlencode(),
        },
    )


@workspace_view(Capability.EXPORT)
def export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    kind = request.GET.get("kind", "installments")
    if kind not in KINDS:
        kind = "installments"
    title, rows_for = KINDS[kind]
    rows = rows_for(request.user, _fiscal_year(request))
    name = f"soutien-{kind}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = HttpResponse(
            exports.to_xlsx(rows, str(title)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
