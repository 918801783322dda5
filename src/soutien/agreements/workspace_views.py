"""Funding agreements (5.4) and exports for finance, in the ministry's workspace."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from soutien.accounts.access import Capability, can, workspace_view
from soutien.core import clock, fiscal
from soutien.core.jobs import REFRESH_SECONDS, start_job
from soutien.core.models import BackgroundJob, JobState
from soutien.evaluations.models import Decision, Outcome
from soutien.organizations.models import BoardPosition
from soutien.rules import FiscalYear

from . import actions, exports
from .documents import agreement_pdf as render_agreement_pdf
from .models import Agreement, AgreementDocumentKind
from .tasks import FINANCE_EXPORT, build_finance_export


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


KINDS = exports.KINDS


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
            "export_formats": [
                ("csv", _("Extraire en CSV")),
                ("xlsx", _("Extraire en XLSX")),
            ],
        },
    )


@workspace_view(Capability.EXPORT)
def export(request, fmt: str):
    """Start the extraction in the background (POST), then follow it on its page."""
    if fmt not in exports.FORMATS:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    kind = data.get("kind", "installments")
    if kind not in KINDS:
        kind = "installments"
    year = data.get("fiscal_year", "")
    if request.method != "POST":  # an old link: the page where the extraction is asked for
        return redirect(f"{reverse('workspace:finance')}?{request.GET.urlencode()}")
    job = start_job(
        FINANCE_EXPORT,
        by=request.user,
        params={"kind": kind, "fmt": fmt, "fiscal_year": int(year) if year.isdigit() else None},
        task=build_finance_export,
    )
    return redirect("workspace:export_job", job.pk)


def _own_export(request, pk: int) -> BackgroundJob:
    """Only the person who asked for an extraction sees it (another id: 404)."""
    return get_object_or_404(
        BackgroundJob.objects.filter(kind=FINANCE_EXPORT, started_by=request.user), pk=pk
    )


@workspace_view(Capability.EXPORT)
def export_job(request, pk: int):
    job = _own_export(request, pk)
    title, _rows_for = KINDS[job.params["kind"]]
    return render(
        request,
        "workspace/export_job.html",
        {
            "job": job,
            "title": title,
            "fmt": job.params["fmt"].upper(),
            "refresh_seconds": REFRESH_SECONDS,
        },
    )


@workspace_view(Capability.EXPORT)
def export_file(request, pk: int):
    job = _own_export(request, pk)
    if job.state != JobState.DONE:
        raise Http404
    response = FileResponse(
        job.result_file.open("rb"),
        as_attachment=True,
        filename=job.result_name,
        content_type=job.result_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
