"""Funding agreements (5.4), their non-compliance cases and measures (5.5), and exports for
finance, in the ministry's workspace."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from soutien.accounts.access import Capability, can, workspace_view
from soutien.applications.models import Application
from soutien.budget import ledger
from soutien.core import clock
from soutien.core.forms import add_action_errors, error_messages
from soutien.core.jobs import REFRESH_SECONDS, start_job
from soutien.core.models import BackgroundJob, JobState, JournalEntry
from soutien.core.pagination import paginate
from soutien.core.pdf import pdf_response
from soutien.evaluations.models import Decision, Outcome
from soutien.rules import FiscalYear

from . import actions, exports, obligations
from .documents import agreement_pdf as render_agreement_pdf
from .forms import (
    FinanceFilterForm,
    OpenCaseForm,
    PrepareAgreementForm,
    ProposeMeasureForm,
    ReasonForm,
    RenewalReviewForm,
    RenewYearForm,
    ReviewMeasureForm,
    SignAgreementForm,
)
from .letters import JOURNAL_LETTERS, measure_letter_pdf
from .models import (
    Agreement,
    AgreementDocumentKind,
    CaseState,
    MeasureProposal,
    NonComplianceCase,
    ProposalState,
    State,
    YearState,
)
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
    return _render_agreement(request, agreement, status, form=form)


JOURNAL_LABELS = {
    "agreement.prepared": gettext_lazy("Convention préparée (5.4)"),
    "agreement.document_uploaded": gettext_lazy("Document de la convention déposé"),
    "agreement.signed": gettext_lazy("Convention signée, en vigueur"),
    "agreement.renewed": gettext_lazy("Année reconduite (5.6)"),
    "agreement.suspended": gettext_lazy("Versements suspendus (5.5)"),
    "agreement.resumed": gettext_lazy("Suspension levée (5.5)"),
    "agreement.revised": gettext_lazy("Contribution révisée (5.5)"),
    "agreement.terminated": gettext_lazy("Convention résiliée (6.2)"),
    "agreement.ended": gettext_lazy("Convention échue"),
    "agreement.shortened": gettext_lazy("Convention écourtée : reconduction non accordée (5.6)"),
    "agreement.signed_copy_received": gettext_lazy("Copie signée reçue de l'organisme"),
    "case.opened": gettext_lazy("Dossier de non-respect ouvert"),
    "case.closed": gettext_lazy("Dossier de non-respect fermé"),
    "measure.proposed": gettext_lazy("Mesure proposée"),
    "measure.approved": gettext_lazy("Mesure approuvée et appliquée"),
    "measure.rejected": gettext_lazy("Mesure refusée"),
}


def journal_of(agreement: Agreement, limit: int = 100) -> list[JournalEntry]:
    """What happened to the agreement, its cases and its measures, latest first."""
    subjects = Q(subject_type=ContentType.objects.get_for_model(Agreement), subject_id=agreement.pk)
    cases = list(agreement.cases.values_list("pk", flat=True))
    if cases:
        subjects |= Q(
            subject_type=ContentType.objects.get_for_model(NonComplianceCase),
            subject_id__in=cases,
        ) | Q(
            subject_type=ContentType.objects.get_for_model(MeasureProposal),
            subject_id__in=MeasureProposal.objects.filter(case_id__in=cases).values("pk"),
        )
    entries = list(
        JournalEntry.objects.filter(subjects).select_related("actor").order_by("-at", "-pk")[:limit]
    )
    for entry in entries:
        entry.label = JOURNAL_LABELS.get(entry.action, entry.action)
        if entry.action in JOURNAL_LETTERS and entry.subject_id == agreement.pk:
            entry.letter_url = reverse("agreement-letter", args=[agreement.pk, entry.pk])
    return entries


def _measures_context(request, agreement: Agreement, **forms) -> dict:
    """The agreement's cases and measures, and the forms the person's role allows (5.5)."""
    open_to_measures = agreement.state in actions.OPEN_TO_MEASURES
    return {
        "cases": agreement.cases.prefetch_related("proposals").order_by("-found_on", "-pk"),
        "case_form": forms.get("case_form")
        or OpenCaseForm(initial=OpenCaseForm.initial_from(request.GET, today=clock.today())),
        "can_open_case": open_to_measures and can(request.user, Capability.AGREEMENT),
        "lift_form": forms.get("lift_form") or ReasonForm(),
        "can_lift": agreement.state == State.SUSPENDED and can(request.user, Capability.MEASURES),
        "journal": journal_of(agreement),
        "reports": obligations.reports_of(agreement),
        "can_review_reports": can(request.user, Capability.ACCOUNTABILITY),
    }


def _agreement_for(request, pk: int) -> Agreement:
    return get_object_or_404(
        Agreement.objects.for_user(request.user).select_related("organization", "application"),
        pk=pk,
    )


def _render_agreement(request, agreement: Agreement, status: int, *, form=None, **forms):
    """The agreement's page: its years from the ledger, its signed copies, its cases, and the
    forms the person's role allows; `form` and `forms` carry a refused form's errors."""
    return render(
        request,
        "workspace/agreement.html",
        {
            "agreement": agreement,
            "form": form
            if form is not None
            else SignAgreementForm(initial={"signed_on": clock.today()}),
            "years": with_ledger(agreement),
            "documents": agreement.documents.filter(
                kind=AgreementDocumentKind.SIGNED_AGREEMENT
            ).order_by("-number"),
            "can_sign": can(request.user, Capability.AGREEMENT) and agreement.state == "draft",
            "can_reschedule": can(request.user, Capability.RESCHEDULE),
            **_measures_context(request, agreement, **forms),
        },
        status=status,
    )


@require_POST
@workspace_view(Capability.AGREEMENT)
def open_case(request, pk: int):
    agreement = _agreement_for(request, pk)
    form = OpenCaseForm(request.POST)
    if form.is_valid():
        try:
            case = actions.open_case(
                agreement, **form.cleaned_data, by=request.user, at=clock.now()
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("Le dossier de non-respect est ouvert."))
            return redirect("workspace:case", pk=case.pk)
    return _render_agreement(request, agreement, 422, case_form=form)


@require_POST
@workspace_view(Capability.MEASURES)
def lift_suspension(request, pk: int):
    agreement = _agreement_for(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            actions.lift_suspension(
                agreement, reason=form.cleaned_data["reason"], by=request.user, at=clock.now()
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request, _("La suspension est levée : les versements retenus sont payables.")
            )
            return redirect("workspace:agreement", pk=agreement.pk)
    agreement = _agreement_for(request, pk)
    return _render_agreement(request, agreement, 422, lift_form=form)


def _case_for(request, pk: int) -> NonComplianceCase:
    return get_object_or_404(
        NonComplianceCase.objects.for_user(request.user).select_related(
            "agreement", "agreement__organization", "opened_by"
        ),
        pk=pk,
    )


def _years_open_to_revision(agreement: Agreement) -> list:
    return list(agreement.years.filter(state=YearState.CONFIRMED).order_by("year_number"))


@workspace_view(Capability.VIEW, post=Capability.AGREEMENT)
def case(request, pk: int):
    """A non-compliance case: its finding, its measures, proposing one (5.5)."""
    case = _case_for(request, pk)
    agreement = case.agreement
    years = _years_open_to_revision(agreement)
    form = ProposeMeasureForm(years=years)
    status = 200
    if request.method == "POST":
        form = ProposeMeasureForm(request.POST, years=years)
        if form.is_valid():
            data = dict(form.cleaned_data)
            year_pk = data.pop("agreement_year")
            year = next((y for y in years if y.pk == year_pk), None)
            try:
                actions.propose_measure(
                    case, **data, agreement_year=year, by=request.user, at=clock.now()
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(
                    request,
                    _("La mesure est proposée : une autre personne doit l'approuver (5.5)."),
                )
                return redirect("workspace:case", pk=case.pk)
        status = 422
    return _render_case(request, case, form, status)


def _render_case(request, case, form, status, *, review_forms=None):
    proposals = list(
        case.proposals.select_related(
            "agreement_year", "proposed_by", "reviewed_by", "measure"
        ).order_by("-proposed_at", "-pk")
    )
    may_review = can(request.user, Capability.MEASURES)
    for proposal in proposals:
        proposal.reviewable = (
            may_review
            and proposal.state == ProposalState.PROPOSED
            and proposal.proposed_by_id != request.user.pk
        )
        proposal.review_form = (review_forms or {}).get(proposal.pk) or ReviewMeasureForm(
            prefix=f"m{proposal.pk}"
        )
    return render(
        request,
        "agreements/case.html",
        {
            "case": case,
            "agreement": case.agreement,
            "proposals": proposals,
            "form": form,
            "can_propose": case.state == CaseState.OPEN
            and case.agreement.state in actions.OPEN_TO_MEASURES
            and can(request.user, Capability.AGREEMENT),
            "close_form": ReasonForm(prefix="close"),
            "can_close": case.state == CaseState.OPEN and can(request.user, Capability.MEASURES),
            "journal": journal_of(case.agreement),
        },
        status=status,
    )


@require_POST
@workspace_view(Capability.MEASURES)
def review_measure(request, pk: int):
    proposal = get_object_or_404(
        MeasureProposal.objects.for_user(request.user).select_related("case"), pk=pk
    )
    case = _case_for(request, proposal.case_id)
    form = ReviewMeasureForm(request.POST, prefix=f"m{proposal.pk}")
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                actions.approve_measure(proposal, by=request.user, at=clock.now())
                messages.success(
                    request,
                    _("La mesure est approuvée et appliquée ; l'organisme reçoit sa lettre."),
                )
            else:
                actions.reject_measure(
                    proposal,
                    reason=form.cleaned_data["review_reason"],
                    by=request.user,
                    at=clock.now(),
                )
                messages.success(request, _("La mesure est refusée."))
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("workspace:case", pk=case.pk)
    case = _case_for(request, proposal.case_id)
    years = _years_open_to_revision(case.agreement)
    return _render_case(
        request, case, ProposeMeasureForm(years=years), 422, review_forms={proposal.pk: form}
    )


@require_POST
@workspace_view(Capability.MEASURES)
def close_case(request, pk: int):
    case = _case_for(request, pk)
    form = ReasonForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            actions.close_case(
                case, reason=form.cleaned_data["reason"], by=request.user, at=clock.now()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Le dossier de non-respect est fermé."))
    else:
        messages.error(request, _("Le motif est requis pour fermer le dossier."))
    return redirect("workspace:case", pk=case.pk)


def measure_letter(request, pk: int):
    """The measure's letter as a PDF, to whoever may see the agreement (`for_user`): the
    ministry's staff and the organization's members; anyone else gets a 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    proposal = get_object_or_404(
        MeasureProposal.objects.for_user(request.user).select_related(
            "case", "case__agreement", "case__agreement__organization", "measure", "reviewed_by"
        ),
        pk=pk,
        state=ProposalState.APPROVED,
    )
    return pdf_response(measure_letter_pdf(proposal), f"mesure-{proposal.pk}.pdf")


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
    return pdf_response(render_agreement_pdf(agreement), f"convention-{agreement.reference}.pdf")


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


@require_POST
@workspace_view(Capability.EVALUATE)
def review_renewal(request, pk: int):
    """The advisor records whether the agreement's requirements were continuously met (5.6)."""
    application = get_object_or_404(Application.objects.for_user(request.user), pk=pk)
    form = RenewalReviewForm(request.POST)
    if form.is_valid():
        try:
            actions.review_renewal(
                application, **form.cleaned_data, by=request.user, at=clock.now()
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("La revue de la reconduction est enregistrée."))
            return redirect("workspace:application", pk=application.pk)
    for message in error_messages(form):
        messages.error(request, message)
    return redirect("workspace:application", pk=application.pk)


@require_POST
@workspace_view(Capability.MEASURES)
def end_at_renewal(request, pk: int):
    """A refused renewal: the agreement ends with its last confirmed year (5.6)."""
    application = get_object_or_404(Application.objects.for_user(request.user), pk=pk)
    form = ReasonForm(request.POST, prefix="end")
    if form.is_valid():
        try:
            agreement = actions.end_at_renewal(
                application, reason=form.cleaned_data["reason"], by=request.user, at=clock.now()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "La convention prend fin avec sa dernière année confirmée ; l'organisme "
                    "est avisé."
                ),
            )
            return redirect("workspace:agreement", pk=agreement.pk)
    else:
        messages.error(request, _("Le motif est requis pour mettre fin à la convention."))
    return redirect("workspace:application", pk=application.pk)
