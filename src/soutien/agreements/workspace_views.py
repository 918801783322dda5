"""Funding agreements (5.4) and exports for finance, in the ministry's workspace."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from soutien.accounts.access import Capability, can, workspace_view
from soutien.budget import ledger
from soutien.core import clock
from soutien.core.forms import add_action_errors
from soutien.core.jobs import REFRESH_SECONDS, start_job
from soutien.core.models import BackgroundJob, JobState
from soutien.core.pagination import paginate
from soutien.evaluations.models import Decision, Outcome
from soutien.rules import FiscalYear

from . import actions, exports
from .documents import agreement_pdf as render_agreement_pdf
from .forms import FinanceFilterForm, PrepareAgreementForm, RenewYearForm, SignAgreementForm
from .models import Agreement, AgreementDocumentKind
from .tasks import FINANCE_EXPORT, build_finance_export

ALREADY_PREPARED = gettext_lazy(
    "La convention de cette demande est déjà préparée : ouvrez-la depuis le dossier."
)


def proposed_signatory(application) -> tuple[str, str]:
    """The president of the board on the day of the application: the usual designation of the
    board resolution (5.1), proposed to the person who prepares the agreement, who checks it."""
    day = clock.localdate_of(application.submitted_at) if application.submitted_at else None
    president = application.organization.board_members.president_on(day)
    if president is None:
        return "", ""
    return president.full_name, _("Présidence du conseil d'administration")


@require_POST
@workspace_view(Capability.AGREEMENT)
def renew_year(request, pk: int):
    """The renewal's decision confirms the year of the agreement that covers it (5.6)."""
    decision = get_object_or_404(
        Decision.objects.for_user(request.user).select_related("application"),
        pk=pk,
        outcome=Outcome.GRANTED,
    )
    form = RenewYearForm(request.POST)
    if form.is_valid():
        try:
            year = actions.renew_year(
                decision,
                over_credits_reason=form.cleaned_data["over_credits_reason"],
                by=request.user,
                at=clock.now(),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("L'année %(number)s de la convention %(reference)s est confirmée (5.6).")
                % {"number": year.year_number, "reference": year.agreement.reference},
            )
            return redirect("workspace:agreement", pk=year.agreement_id)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("workspace:application", pk=decision.application_id)


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
    durations = list(range(1, actions.max_duration_years(FiscalYear(application.fiscal_year)) + 1))
    status, proposed = 200, False
    if request.method == "POST":
        form = PrepareAgreementForm(request.POST, durations=durations)
        if form.is_valid():
            try:
                if Agreement.objects.filter(application=application).exists():
                    raise IntegrityError("agreement exists")
                agreement = actions.prepare_agreement(
                    decision, **form.cleaned_data, by=request.user, at=clock.now()
                )
                messages.success(request, _("La convention est préparée."))
                return redirect("workspace:agreement", pk=agreement.pk)
            except ValidationError as error:
                add_action_errors(form, error)
            except IntegrityError:
                # a second preparation (another tab, a double click): one agreement (5.4)
                form.add_error(None, ALREADY_PREPARED)
        status = 422
    else:
        name, title = proposed_signatory(application)
        proposed = bool(name)
        form = PrepareAgreementForm(
            durations=durations, initial={"signatory_name": name, "signatory_title": title}
        )
    return render(
        request,
        "workspace/prepare_agreement.html",
        {
            "decision": decision,
            "application": application,
            "form": form,
            "durations": durations,
            "resolution": application.documents.latest_of_kind("board_resolution"),
            "proposed": proposed,
        },
        status=status,
    )


@workspace_view(Capability.VIEW, post=Capability.AGREEMENT)
def agreement(request, pk: int):
    agreement = get_object_or_404(
        Agreement.objects.for_user(request.user).select_related("organization", "application"),
        pk=pk,
    )
    status = 200
    form = SignAgreementForm(initial={"signed_on": clock.today()})
    if request.method == "POST":
        form = SignAgreementForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                actions.sign_agreement(
                    agreement,
                    upload=form.cleaned_data["signed_copy"],
                    signed_on=form.cleaned_data["signed_on"],
                    over_credits_reason=form.cleaned_data["over_credits_reason"],
                    by=request.user,
                    at=clock.now(),
                )
                messages.success(
                    request, _("La convention signée est déposée : elle est en vigueur.")
                )
                return redirect("workspace:agreement", pk=agreement.pk)
            except ValidationError as error:
                add_action_errors(form, error)
                # The refused action rolled back: show the agreement as it is stored.
                agreement = Agreement.objects.select_related("organization", "application").get(
                    pk=agreement.pk
                )
        status = 422
    return render(
        request,
        "workspace/agreement.html",
        {
            "agreement": agreement,
            "form": form,
            "years": with_ledger(agreement),
            "documents": agreement.documents.filter(
                kind=AgreementDocumentKind.SIGNED_AGREEMENT
            ).order_by("-number"),
            "can_sign": can(request.user, Capability.AGREEMENT) and agreement.state == "draft",
            "can_reschedule": can(request.user, Capability.RESCHEDULE),
        },
        status=status,
    )


def with_ledger(agreement: Agreement) -> list:
    """The agreement's years, each with `money`: what the ledger commits, pays and holds."""
    years = list(agreement.years.prefetch_related("installments").order_by("year_number"))
    money = ledger.balances(
        ("fiscal_year",), organization_id=agreement.organization_id, stream=agreement.stream
    )
    for year in years:
        year.money = money.get((year.fiscal_year,), ledger.Balance())
    return years


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


KINDS = exports.KINDS


def _finance_filters(request) -> FinanceFilterForm:
    data = request.GET.copy()
    data.setdefault("kind", "installments")
    form = FinanceFilterForm(data)
    form.is_valid()
    return form


@workspace_view(Capability.EXPORT)
def finance(request):
    """One page of the selected rows; the total is over the whole selection, in SQL, as the
    extraction's (decision 013)."""
    form = _finance_filters(request)
    kind = form.cleaned_data.get("kind") or "installments"
    title, _rows_for = KINDS[kind]
    listing = exports.LISTINGS[kind]
    selection = (
        listing.queryset(request.user, form.cleaned_data.get("fiscal_year"))
        if not form.errors
        else listing.queryset(request.user).none()
    )
    page = paginate(request, selection)
    return render(
        request,
        "workspace/finance.html",
        {
            "form": form,
            "kind": kind,
            "title": title,
            "page": page,
            "rows": [listing.row(item) for item in page.object_list],
            "total": listing.total(selection) if not form.errors else exports.ZERO,
            "money": sorted(ledger.balances().items()),
            "fiscal_year": "" if form.errors else (form.cleaned_data.get("fiscal_year") or ""),
            "export_formats": [
                ("csv", _("Extraire en CSV")),
                ("xlsx", _("Extraire en XLSX")),
            ],
        },
        status=422 if form.errors else 200,
    )


@workspace_view(Capability.EXPORT)
def export(request, fmt: str):
    """Start the extraction in the background (POST), then follow it on its page."""
    if fmt not in exports.FORMATS:
        raise Http404
    if request.method != "POST":  # an old link: the page where the extraction is asked for
        return redirect(f"{reverse('workspace:finance')}?{request.GET.urlencode()}")
    data = request.POST.copy()
    data.setdefault("kind", "installments")
    form = FinanceFilterForm(data)
    if not form.is_valid():  # the finance page shows the filters' errors
        query = data.copy()
        query.pop("csrfmiddlewaretoken", None)
        return redirect(f"{reverse('workspace:finance')}?{query.urlencode()}")
    job = start_job(
        FINANCE_EXPORT,
        by=request.user,
        params={
            "kind": form.cleaned_data["kind"],
            "fmt": fmt,
            "fiscal_year": form.cleaned_data["fiscal_year"],
        },
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
