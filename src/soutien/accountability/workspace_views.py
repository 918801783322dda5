"""Claims (clause 7; 6.2 on termination) in the ministry's workspace: an agreement's claims,
establishing one, its repayment agreement and the repayments received; and the review of
the yearly reports (clause 8): their list, the checklist, corrections and acceptance."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from soutien.accounts.access import Capability, can, workspace_view
from soutien.agreements.forms import ReasonForm
from soutien.agreements.models import Agreement, Breach, Installment, InstallmentState
from soutien.core import clock
from soutien.core.forms import add_action_errors
from soutien.core.models import JournalEntry
from soutien.core.pagination import paginate
from soutien.core.templatetags.french import jour
from soutien.core.views import download
from soutien.organizations.models import FinancialReportTypeChoices
from soutien.payments.models import LineState
from soutien.rules import FiscalYear
from soutien.rules.accountability import SMALL_COUNT, indicators, published_count

from . import actions
from .forms import EstablishClaimForm, OffsetForm, RepaymentAgreementForm, RepaymentForm
from .models import (
    AnnualReport,
    Claim,
    ClaimOffset,
    ClaimState,
    IndicatorResult,
    Obligation,
    OffsetState,
    ReportDocument,
    ReportDocumentKind,
    ReportState,
)
from .reports import TOPICS, content_of, form_refusal, required_form_of, status_label
from .review_forms import (
    CORRECTION_FIELDS,
    AcceptReportForm,
    CheckObligationForm,
    ReportCorrectionForm,
    ReportFilter,
    deadline_at,
)


def _fiscal_years(agreement: Agreement) -> list[FiscalYear]:
    return [FiscalYear(y.fiscal_year) for y in agreement.years.order_by("year_number")]


@workspace_view(Capability.VIEW, post=Capability.CLAIMS)
def agreement_claims(request, pk: int):
    agreement = get_object_or_404(
        Agreement.objects.for_user(request.user).select_related("organization"), pk=pk
    )
    years = _fiscal_years(agreement)
    today = clock.today()
    form = EstablishClaimForm(
        fiscal_years=years,
        initial={"established_on": today, "due_on": today, "fiscal_year": years[-1].start_year},
    )
    status = 200
    if request.method == "POST":
        form = EstablishClaimForm(request.POST, fiscal_years=years)
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = actions.establish_claim(
                    agreement.organization,
                    agreement=agreement,
                    kind=data["kind"],
                    amount=data["amount"],
                    fiscal_year=FiscalYear(data["fiscal_year"]),
                    established_on=data["established_on"],
                    due_on=data["due_on"],
                    reason=data["reason"],
                    by=request.user,
                    at=clock.now(),
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, _("La créance est établie et inscrite au grand livre."))
                return redirect("workspace:claim", pk=claim.pk)
        status = 422
    return render(
        request,
        "accountability/agreement_claims.html",
        {
            "agreement": agreement,
            "claims": Claim.objects.filter(agreement=agreement).order_by("-established_on", "-pk"),
            "form": form,
            "can_establish": can(request.user, Capability.CLAIMS),
        },
        status=status,
    )


def _claim_for(request, pk: int) -> Claim:
    return get_object_or_404(
        Claim.objects.for_user(request.user).select_related("organization", "agreement"), pk=pk
    )


CLAIM_LABELS = {
    "claim.established": _lazy("Créance établie"),
    "claim.repayment_agreed": _lazy("Entente de remboursement conclue"),
    "claim.repayment_defaulted": _lazy("Entente de remboursement non respectée"),
    "claim.repayment_reinstated": _lazy("Entente de nouveau respectée"),
    "claim.repayment_recorded": _lazy("Remboursement reçu"),
    "claim.settled": _lazy("Créance remboursée"),
    "claim.offset_planned": _lazy("Compensation prévue sur un versement à venir"),
}


def _labelled(entries) -> list:
    entries = list(entries)
    for entry in entries:
        entry.label = CLAIM_LABELS.get(entry.action, entry.action)
    return entries


def _offset_targets(claim) -> list:
    """The organization's installments still to pay, outside any run, none offset yet."""
    return list(
        Installment.objects.filter(
            agreement_year__agreement__organization_id=claim.organization_id,
            state=InstallmentState.SCHEDULED,
        )
        .exclude(payment_lines__state=LineState.PENDING)
        .exclude(offsets__state__in=[OffsetState.PLANNED, OffsetState.APPLIED])
        .select_related("agreement_year__agreement")
        .order_by("due_year", "due_month", "pk")
    )


def _offsets_with_forms(claim, manage: bool) -> list:
    """Each offset of the claim, with the form that gives it up while it is still planned."""
    rows = []
    for o in claim.offsets.select_related("installment").order_by("-created_at"):
        planned = manage and o.state == OffsetState.PLANNED
        rows.append((o, ReasonForm(prefix=f"o{o.pk}") if planned else None))
    return rows


def _render_claim(
    request, claim, *, repayment_form=None, step_form=None, offset_form=None, status=200
):
    manage = can(request.user, Capability.CLAIMS) and claim.state != ClaimState.SETTLED
    targets = _offset_targets(claim) if manage else []
    return render(
        request,
        "accountability/claim.html",
        {
            "claim": claim,
            "repayment_form": repayment_form or RepaymentForm(),
            "step_form": step_form or RepaymentAgreementForm(),
            "offset_form": offset_form or OffsetForm(installments=targets),
            "can_offset": manage and bool(targets),
            "offsets": _offsets_with_forms(claim, manage),
            "can_manage": manage,
            "journal": _labelled(
                JournalEntry.objects.for_subject(claim)
                .select_related("actor")
                .order_by("-at", "-pk")
            ),
        },
        status=status,
    )


@workspace_view(Capability.VIEW, post=Capability.CLAIMS)
def claim(request, pk: int):
    """A claim and its repayments; posting records a repayment received."""
    claim = _claim_for(request, pk)
    if request.method != "POST":
        return _render_claim(request, claim)
    form = RepaymentForm(request.POST)
    if form.is_valid():
        try:
            actions.record_repayment(
                claim, amount=form.cleaned_data["repayment"], by=request.user, at=clock.now()
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("Le remboursement est inscrit au grand livre."))
            return redirect("workspace:claim", pk=claim.pk)
    return _render_claim(request, _claim_for(request, pk), repayment_form=form, status=422)


STEPS = {
    "agree": actions.agree_repayment,
    "default": actions.default_repayment,
    "reinstate": actions.reinstate_repayment,
}


@require_POST
@workspace_view(Capability.CLAIMS)
def repayment_agreement(request, pk: int):
    claim = _claim_for(request, pk)
    form = RepaymentAgreementForm(request.POST)
    if form.is_valid():
        step = STEPS[form.cleaned_data["step"]]
        try:
            step(
                claim,
                reason=form.cleaned_data["step_reason"].strip(),
                by=request.user,
                at=clock.now(),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("L'entente de remboursement est à jour."))
            return redirect("workspace:claim", pk=claim.pk)
    return _render_claim(request, _claim_for(request, pk), step_form=form, status=422)


@require_POST
@workspace_view(Capability.CLAIMS)
def plan_offset(request, pk: int):
    """Keep back part of a later installment to repay the claim (7)."""
    claim = _claim_for(request, pk)
    targets = _offset_targets(claim)
    form = OffsetForm(request.POST, installments=targets)
    if form.is_valid():
        installment = next(i for i in targets if i.pk == form.cleaned_data["installment"])
        try:
            actions.plan_offset(
                claim,
                installment=installment,
                amount=form.cleaned_data["offset_amount"],
                reason=form.cleaned_data["offset_reason"],
                by=request.user,
                at=clock.now(),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                _("La compensation est prévue : le prochain lot de paiement versera le reste."),
            )
            return redirect("workspace:claim", pk=claim.pk)
    return _render_claim(request, _claim_for(request, pk), offset_form=form, status=422)


@require_POST
@workspace_view(Capability.CLAIMS)
def cancel_offset(request, pk: int):
    """An offset still planned is given up, with its reason: the installment is paid whole."""
    offset = get_object_or_404(
        ClaimOffset.objects.for_user(request.user).select_related("claim"), pk=pk
    )
    form = ReasonForm(request.POST, prefix=f"o{offset.pk}")
    if form.is_valid():
        try:
            actions.cancel_offset(
                offset, reason=form.cleaned_data["reason"], by=request.user, at=clock.now()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("La compensation est annulée : le versement sera entier."))
    else:
        messages.error(request, _("Le motif est requis pour annuler la compensation."))
    return redirect("workspace:claim", pk=offset.claim_id)


# --- Yearly reports (clause 8): the list, the review, the decisions ---------------------------


def reports_queryset(user):
    return (
        AnnualReport.objects.for_user(user)
        .for_lists()
        .select_related("agreement_year__agreement__application__assigned_advisor")
        .order_by("due_on", "organization__legal_name", "pk")
    )


def _late_case_url(report: AnnualReport, today) -> str | None:
    """The agreement's case form, prefilled, for a report late beyond the delay after which
    a case is proposed (settings.REPORT_LATE_CASE_DAYS); a person decides to open it."""
    if report.state != ReportState.EXPECTED:
        return None
    days = (today - report.due_on).days
    if days <= settings.REPORT_LATE_CASE_DAYS:
        return None
    finding = _(
        "La reddition de comptes de l'exercice %(year)s, attendue le %(due)s, n'est pas reçue "
        "(%(days)s jours de retard)."
    ) % {
        "year": FiscalYear(report.agreement_year.fiscal_year).label,
        "due": jour(report.due_on),
        "days": days,
    }
    query = urlencode(
        {"manquement": Breach.ACCOUNTABILITY, "article": _("clause 8"), "constat": finding}
    )
    url = reverse("workspace:agreement", args=[report.agreement_year.agreement_id])
    return f"{url}?{query}#ouvrir-un-dossier"


@workspace_view(Capability.ACCOUNTABILITY)
def reports(request):
    """Every yearly report, by state and advisor; the late ones propose a case (5.5)."""
    today = clock.today()
    filters = ReportFilter(request.GET, queryset=reports_queryset(request.user), today=today)
    valid = filters.is_valid()
    page = paginate(request, filters.qs if valid else filters.qs.none())
    for report in page.object_list:
        report.status = status_label(report, today)
        report.fiscal_year_label = FiscalYear(report.agreement_year.fiscal_year).label
        report.case_url = _late_case_url(report, today)
    return render(
        request,
        "accountability/workspace_reports.html",
        {"page": page, "filters": filters, "late_days": settings.REPORT_LATE_CASE_DAYS},
        status=200 if valid else 422,
    )


REPORT_LABELS = {
    "annual_report.expected": _lazy("Reddition de comptes attendue"),
    "annual_report.saved": _lazy("Réponse enregistrée par l'organisme"),
    "annual_report.received": _lazy("Reddition de comptes transmise"),
    "annual_report.obligation_checked": _lazy("Obligation vérifiée"),
    "annual_report.correction_requested": _lazy("Correction demandée à l'organisme"),
    "annual_report.correction_answered": _lazy("Correction transmise par l'organisme"),
    "annual_report.accepted": _lazy("Reddition de comptes acceptée"),
}


def _report_for(request, pk: int) -> AnnualReport:
    return get_object_or_404(
        AnnualReport.objects.for_user(request.user).select_related(
            "organization",
            "agreement_year__agreement__application__assigned_advisor",
        ),
        pk=pk,
    )


def _check_form(obligation: Obligation, data=None) -> CheckObligationForm:
    initial = {}
    if obligation.met is not None:
        initial = {"met": "yes" if obligation.met else "no", "note": obligation.check_note}
    return CheckObligationForm(data, prefix=f"o{obligation.pk}", initial=initial)


def _render_report(
    request, report, *, check_forms=None, correction_form=None, accept_form=None, status=200
):
    """The review page: each obligation in the order of the portal's topics, its content
    read-only and, while the report is received, its checklist; `*_form` carry a refusal."""
    today = clock.today()
    reviewing = report.state == ReportState.RECEIVED
    check_forms = check_forms or {}
    by_kind = {o.kind: o for o in report.obligations.select_related("checked_by")}
    obligations = []
    for topic in TOPICS:
        obligation = by_kind.get(topic.code)
        if obligation is None:
            continue
        form = (check_forms.get(obligation.pk) or _check_form(obligation)) if reviewing else None
        obligations.append({"obligation": obligation, "topic": topic, "form": form})
    results = {r.indicator: r for r in report.indicator_results.all()}
    documents = list(report.documents.select_related("related_party").order_by("kind", "-number"))
    content = content_of(report)
    required = required_form_of(report)
    return render(
        request,
        "accountability/workspace_report.html",
        {
            "report": report,
            "agreement": report.agreement_year.agreement,
            "fiscal_year": FiscalYear(report.agreement_year.fiscal_year),
            "status": status_label(report, today),
            "late_case_url": _late_case_url(report, today),
            "content": content,
            "financial_form_label": FinancialReportTypeChoices(content.financial_form).label
            if content.financial_form
            else "",
            "required": required,
            "required_label": FinancialReportTypeChoices(required.form.value).label,
            "refusal": form_refusal(report),
            "indicator_rows": [(i.label, results.get(i.code)) for i in indicators().items],
            "funding_sources": report.funding_sources.all(),
            "statements_documents": [
                d for d in documents if d.kind == ReportDocumentKind.FINANCIAL_STATEMENTS
            ],
            "agm_documents": [d for d in documents if d.kind == ReportDocumentKind.AGM_MINUTES],
            "related_parties": [
                (party, [d for d in documents if d.related_party_id == party.pk])
                for party in report.related_parties.all()
            ],
            "obligations": obligations,
            "reviewing": reviewing,
            "correction_form": correction_form or ReportCorrectionForm(report=report, today=today),
            "accept_form": accept_form or AcceptReportForm(),
            "corrections": report.corrections.select_related(
                "requested_by", "answered_by"
            ).order_by("-requested_at"),
            "journal": _report_journal(report),
        },
        status=status,
    )


def _report_journal(report) -> list:
    entries = list(
        JournalEntry.objects.for_subject(report).select_related("actor").order_by("-at", "-pk")
    )
    for entry in entries:
        entry.label = REPORT_LABELS.get(entry.action, entry.action)
    return entries


@workspace_view(Capability.ACCOUNTABILITY)
def report(request, pk: int):
    return _render_report(request, _report_for(request, pk))


@require_POST
@workspace_view(Capability.ACCOUNTABILITY)
def check_obligation(request, pk: int):
    """One line of the checklist: met, or not with what is wrong (clause 8)."""
    obligation = get_object_or_404(Obligation.objects.for_user(request.user), pk=pk)
    form = _check_form(obligation, request.POST)
    if form.is_valid():
        try:
            actions.check_obligation(
                obligation,
                met=form.cleaned_data["met"],
                note=form.cleaned_data["note"],
                by=request.user,
                at=clock.now(),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                _("« %(obligation)s » est vérifiée.") % {"obligation": obligation},
            )
            return redirect(f"{reverse('workspace:report', args=[obligation.report_id])}#o{pk}")
    report = _report_for(request, obligation.report_id)
    return _render_report(request, report, check_forms={obligation.pk: form}, status=422)


@require_POST
@workspace_view(Capability.ACCOUNTABILITY)
def report_correction(request, pk: int):
    """The report goes back to the organization, to correct by a date; it is emailed."""
    report = _report_for(request, pk)
    today = clock.today()
    form = ReportCorrectionForm(request.POST, report=report, today=today)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.request_report_correction(
                report,
                reason=data["message"],
                due_at=deadline_at(data["deadline"]),
                obligations=data["obligations"],
                by=request.user,
                at=clock.now(),
            )
        except ValidationError as error:
            add_action_errors(form, _renamed(error, CORRECTION_FIELDS))
        else:
            messages.success(
                request,
                _("La demande de correction est envoyée à l'organisme ; le rapport lui revient."),
            )
            return redirect("workspace:report", pk=report.pk)
    return _render_report(request, _report_for(request, pk), correction_form=form, status=422)


def _renamed(error: ValidationError, names: dict) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(k, k): v for k, v in error.error_dict.items()})


@require_POST
@workspace_view(Capability.ACCOUNTABILITY)
def accept_report(request, pk: int):
    """Every obligation checked and met: the report is accepted (clause 8; read at 5.6)."""
    report = _report_for(request, pk)
    form = AcceptReportForm(request.POST)
    try:
        actions.accept_annual_report(report, by=request.user, at=clock.now())
    except ValidationError as error:
        form.is_valid()
        add_action_errors(form, error)
    else:
        messages.success(request, _("La reddition de comptes est acceptée."))
        return redirect("workspace:report", pk=report.pk)
    return _render_report(request, _report_for(request, pk), accept_form=form, status=422)


@workspace_view(Capability.ACCOUNTABILITY)
def report_document(request, pk: int):
    """A file of a yearly report, served as the application's documents are."""
    return download(request, model=ReportDocument, pk=pk)


@workspace_view(Capability.ACCOUNTABILITY)
def report_statistics(request):
    """Results by sex of the accepted reports of a fiscal year, per indicator and region, as
    published: a count of 1 to 4 shows as « moins de 5 » (clause 8, decision 017)."""
    years = sorted(
        set(
            AnnualReport.objects.filter(state=ReportState.ACCEPTED).values_list(
                "agreement_year__fiscal_year", flat=True
            )
        ),
        reverse=True,
    )
    chosen = request.GET.get("exercice") or (str(years[0]) if years else "")
    if chosen and (not chosen.isdigit() or int(chosen) not in years):
        raise Http404
    rows = (
        IndicatorResult.objects.filter(
            report__state=ReportState.ACCEPTED,
            report__agreement_year__fiscal_year=int(chosen) if chosen else None,
        )
        .values("indicator", "report__organization__region__name")
        .annotate(
            women=Sum("women"),
            men=Sum("men"),
            other=Sum("other"),
            total=Sum("total"),
            reports=Count("report", distinct=True),
        )
        .order_by("indicator", "report__organization__region__name")
    )
    labels = {i.code: i.label for i in indicators().items}
    order = {i.code: n for n, i in enumerate(indicators().items)}
    table = [
        {
            "indicator": labels.get(row["indicator"], row["indicator"]),
            "region": row["report__organization__region__name"],
            "reports": row["reports"],
            **{key: published_count(row[key]) for key in ("women", "men", "other", "total")},
        }
        for row in sorted(
            rows,
            key=lambda r: (order.get(r["indicator"], 99), r["report__organization__region__name"]),
        )
    ]
    return render(
        request,
        "accountability/workspace_report_statistics.html",
        {
            "years": [(year, FiscalYear(year).label) for year in years],
            "chosen": int(chosen) if chosen else None,
            "table": table,
            "small": SMALL_COUNT,
        },
    )
