"""The organization sees what it owes the ministry (clause 7; 6.2): each claim, its due date,
its repayment agreement and what is left to pay."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soutien.applications.portal_views import portal_login_required
from soutien.core import clock
from soutien.core.forms import add_action_errors
from soutien.organizations.members import members_act
from soutien.rules import FiscalYear

from . import actions
from .models import (
    AnnualReport,
    Claim,
    ClaimOffset,
    ObligationKind,
    OffsetState,
    ReportDocumentKind,
)
from .report_forms import (
    ActivitiesForm,
    AgmForm,
    CorrectionAnswerForm,
    FinancialReportForm,
    FundingSourceForm,
    RelatedPartiesAnswerForm,
    RelatedPartyForm,
)
from .reports import (
    EDITABLE_STATES,
    TOPICS,
    TOPICS_BY_CODE,
    content_of,
    is_late,
    missing,
    required_form_of,
    status_label,
)


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


# --- The yearly report (clause 8): one topic per page, autosaved like the application ------


def _report(request, pk: int) -> AnnualReport:
    return get_object_or_404(
        AnnualReport.objects.for_user(request.user).select_related(
            "organization", "agreement_year", "agreement_year__agreement"
        ),
        pk=pk,
    )


def _report_context(request, report: AnnualReport, **extra) -> dict:
    today = clock.today()
    gaps = missing(report)
    corrections = list(report.corrections.order_by("-requested_at"))
    return {
        "report": report,
        "content": content_of(report),
        "topics": [(topic, gaps[topic.code]) for topic in TOPICS],
        "complete": not any(gaps.values()),
        "editable": report.state in EDITABLE_STATES,
        "status": status_label(report, today),
        "late": is_late(report, today),
        "required": required_form_of(report),
        "open_corrections": [c for c in corrections if c.is_open],
        "answered_corrections": [c for c in corrections if not c.is_open],
        "fiscal_year": FiscalYear(report.agreement_year.fiscal_year),
        "now": clock.now(),
        **extra,
    }


@portal_login_required
@require_GET
def reports(request):
    found = (
        AnnualReport.objects.for_user(request.user)
        .select_related("organization", "agreement_year", "agreement_year__agreement")
        .order_by("-due_on", "organization__legal_name")
    )
    today = clock.today()
    rows = [(report, status_label(report, today), is_late(report, today)) for report in found]
    return render(request, "accountability/portal_reports.html", {"rows": rows})


@portal_login_required
@require_GET
def report(request, pk: int):
    report = _report(request, pk)
    return render(
        request,
        "accountability/portal_report.html",
        _report_context(request, report, page="overview", answer_form=CorrectionAnswerForm()),
    )


def _rename_file_errors(error: ValidationError) -> ValidationError:
    """`core.files` names the upload « fichier »; the forms call it « file »."""
    if hasattr(error, "error_dict") and "fichier" in error.error_dict:
        error.error_dict["file"] = error.error_dict.pop("fichier")
    return error


def _autosave_json(request, report, form, *, saved: bool, status: int = 200):
    if saved:
        local = timezone.localtime(clock.now())
        return JsonResponse(
            {
                "saved": True,
                "message": _("Brouillon enregistré à %(hour)s h %(minute)02d.")
                % {"hour": local.hour, "minute": local.minute},
            }
        )
    return JsonResponse(
        {
            "saved": False,
            "message": _("Brouillon non enregistré : corrigez les champs signalés."),
            "errors": {f: [str(e) for e in errs] for f, errs in form.errors.items()},
        },
        status=status,
    )


@portal_login_required
@members_act(reads=True)
@require_http_methods(["GET", "POST"])
def report_topic(request, pk: int, topic: str):
    report = _report(request, pk)
    spec = TOPICS_BY_CODE.get(topic)
    if spec is None:
        raise Http404
    content = content_of(report)
    autosave = request.headers.get("X-Autosave") == "1"
    posted = request.method == "POST"
    if posted and report.state not in EDITABLE_STATES:
        message = _("Cette reddition de comptes est transmise : elle ne change plus.")
        if autosave:
            return JsonResponse({"saved": False, "message": message}, status=409)
        messages.error(request, message)
        return redirect("portal:report", report.pk)
    data = request.POST if posted else None
    files = request.FILES if posted else None
    extra: dict = {}
    form = None
    handled = None
    if topic == ObligationKind.ACTIVITIES:
        form = ActivitiesForm(data, initial=ActivitiesForm.initial_for(report, content))
        if posted:
            handled = _save_form(
                request,
                form,
                lambda: actions.save_activities(
                    report,
                    activities=form.cleaned_data["activities"] or "",
                    results=form.results(),
                    by=request.user,
                    at=clock.now(),
                    autosave=autosave,
                ),
                errors_to=lambda key: (
                    f"{key.removeprefix('indicator_')}_total"
                    if key.startswith("indicator_")
                    else key
                ),
            )
    elif topic == ObligationKind.FUNDING_SOURCES:
        form = FundingSourceForm(data)
        if posted:
            handled = _save_form(
                request,
                form,
                lambda: actions.add_funding_source(
                    report, by=request.user, at=clock.now(), **form.cleaned_data
                ),
            )
        extra["sources"] = list(report.funding_sources.order_by("pk"))
    elif topic == ObligationKind.FINANCIAL_REPORT:
        form = FinancialReportForm(data, files, initial=FinancialReportForm.initial_for(content))
        if posted:
            handled = _save_form(
                request,
                form,
                lambda: actions.save_financial_report(
                    report,
                    financial_form=form.cleaned_data["financial_form"],
                    cpa_name=form.cleaned_data["cpa_name"],
                    cpa_permit=form.cleaned_data["cpa_permit"],
                    unspent_program_funds=form.cleaned_data["unspent_program_funds"],
                    statements_complete=form.cleaned_data["statements_complete"],
                    # an autosave never deposits the file: « Enregistrer » does
                    upload=None if autosave else form.cleaned_data.get("file"),
                    by=request.user,
                    at=clock.now(),
                    autosave=autosave,
                ),
            )
        extra["documents"] = _documents(report, ReportDocumentKind.FINANCIAL_STATEMENTS)
    elif topic == ObligationKind.RELATED_PARTIES:
        answer = RelatedPartiesAnswerForm(
            data if posted and "has_related_parties" in request.POST else None,
            initial={"has_related_parties": content.has_related_parties},
            prefix="",
        )
        form = RelatedPartyForm(data if posted and "legal_name" in request.POST else None, files)
        if posted and "has_related_parties" in request.POST:
            handled = _save_form(
                request,
                answer,
                lambda: actions.answer_related_parties(
                    report,
                    has_related_parties=answer.cleaned_data["has_related_parties"],
                    by=request.user,
                    at=clock.now(),
                ),
            )
        elif posted:
            handled = _save_form(
                request,
                form,
                lambda: actions.declare_related_party(
                    report,
                    legal_name=form.cleaned_data["legal_name"],
                    neq=form.cleaned_data["neq"],
                    relationship=form.cleaned_data["relationship"],
                    transactions_amount=form.cleaned_data["transactions_amount"],
                    sole_beneficiary=form.cleaned_data["sole_beneficiary"],
                    proofs=form.proofs(),
                    uploads=form.uploads(),
                    by=request.user,
                    at=clock.now(),
                ),
            )
        extra["answer_form"] = answer
        extra["parties"] = list(report.related_parties.prefetch_related("documents"))
    else:
        form = AgmForm(data, files, initial={"agm_held_on": content.agm_held_on})
        if posted:
            handled = _save_form(
                request,
                form,
                lambda: actions.save_agm(
                    report,
                    held_on=form.cleaned_data["agm_held_on"],
                    upload=None if autosave else form.cleaned_data.get("file"),
                    by=request.user,
                    at=clock.now(),
                    autosave=autosave,
                ),
            )
        extra["documents"] = _documents(report, ReportDocumentKind.AGM_MINUTES)
    status = 200
    if posted:
        if autosave:
            return _autosave_json(request, report, form, saved=bool(handled), status=422)
        if handled:
            messages.success(request, _("« %(title)s » enregistré.") % {"title": spec.title})
            return redirect("portal:report_topic", report.pk, topic)
        status = 422
    context = _report_context(request, report, page=topic, topic=spec, form=form, **extra)
    return render(request, "accountability/portal_report_topic.html", context, status=status)


def _save_form(request, form, save, *, errors_to=None) -> bool:
    """Validate, run the action; its refusal is shown on the form. True when saved."""
    if not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        error = _rename_file_errors(error)
        if errors_to and hasattr(error, "error_dict"):
            error = ValidationError({errors_to(k): v for k, v in error.error_dict.items()})
        add_action_errors(form, error)
        return False
    return True


def _documents(report, kind):
    return list(report.documents.filter(kind=kind).order_by("-number"))


def _remove_line(request, report, verb, line, done: str, topic: str):
    """A draft line withdrawn (a source, a related party), back to its topic's page."""
    try:
        verb(line, by=request.user, at=clock.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("portal:report_topic", report.pk, topic)


@portal_login_required
@members_act
@require_POST
def remove_funding_source(request, pk: int, source_pk: int):
    report = _report(request, pk)
    source = get_object_or_404(report.funding_sources, pk=source_pk)
    done = _("La source « %(funder)s » est retirée.") % {"funder": source.funder}
    return _remove_line(
        request, report, actions.remove_funding_source, source, done,
        ObligationKind.FUNDING_SOURCES,
    )  # fmt: skip


@portal_login_required
@members_act
@require_POST
def withdraw_related_party(request, pk: int, party_pk: int):
    report = _report(request, pk)
    party = get_object_or_404(report.related_parties, pk=party_pk)
    done = _("La société « %(name)s » est retirée.") % {"name": party.legal_name}
    return _remove_line(
        request, report, actions.withdraw_related_party, party, done,
        ObligationKind.RELATED_PARTIES,
    )  # fmt: skip


def _refused_overview(request, report, error: ValidationError, *, answer_form=None):
    """The report's summary with what the refusal says, nothing transmitted (422)."""
    report.refresh_from_db()
    problems = (
        [m for errors in error.message_dict.values() for m in errors]
        if hasattr(error, "error_dict")
        else error.messages
    )
    context = _report_context(
        request, report, page="overview", answer_form=answer_form or CorrectionAnswerForm(),
        refusals=problems,
    )  # fmt: skip
    return render(request, "accountability/portal_report.html", context, status=422)


@portal_login_required
@members_act
@require_POST
def submit_report(request, pk: int):
    report = _report(request, pk)
    try:
        actions.submit_report(report, by=request.user, at=clock.now())
    except ValidationError as error:
        return _refused_overview(request, report, error)
    messages.success(
        request,
        _("Votre reddition de comptes est transmise au Ministère. Merci."),
    )
    return redirect("portal:report", report.pk)


@portal_login_required
@members_act
@require_POST
def answer_report_correction(request, pk: int, correction_pk: int):
    report = _report(request, pk)
    correction = get_object_or_404(report.corrections, pk=correction_pk)
    form = CorrectionAnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.answer_report_correction(
                correction, answer=form.cleaned_data["answer"], by=request.user, at=clock.now()
            )
        except ValidationError as error:
            return _refused_overview(request, report, error, answer_form=form)
        messages.success(
            request,
            _("Votre réponse est transmise ; la reddition de comptes est transmise de nouveau."),
        )
    return redirect("portal:report", report.pk)
