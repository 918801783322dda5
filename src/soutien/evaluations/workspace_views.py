"""The ministry's workspace (issue 5): dashboard, completeness review (5.1), evaluation,
explanation of a past amount. Every view checks the role (`access.workspace_view`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from soutien.accounts.access import Capability, can, workspace_view
from soutien.applications.models import Application, DocumentKind, InformationRequest
from soutien.core import clock
from soutien.core.forms import add_action_errors, error_messages
from soutien.core.pagination import paginate
from soutien.core.pdf import pdf_response
from soutien.core.redirects import safe_next
from soutien.rules.documents import DOCUMENTS_BY_CODE
from soutien.rules.eligibility import CRITERIA_BY_CODE

from . import actions
from .fact_labels import fact_label, fact_value
from .filters import DashboardFilter
from .forms import (
    AdjustmentForm,
    AssignForm,
    CompletenessForm,
    JudgmentsForm,
    RequestInformationForm,
    StepForm,
)
from .letters import decision_letter_pdf
from .models import (
    CHECKS_BY_DOCUMENT,
    CheckItem,
    Decision,
    Evaluation,
)
from .models import State as EvaluationState

# The facts a criterion decided from the facts reads, to show them beside its finding.
FACTS_BY_CRITERION = {
    "commitments_respected": ("organization.commitments_respected_last_3_years",),
    "non_profit_legally_constituted": ("organization.legal_form",),
    "annual_general_meeting": ("organization.annual_general_meeting_held",),
    "head_office_in_quebec": (
        "organization.head_office_in_quebec",
        "organization.majority_of_activities_in_quebec",
    ),
    "board_majority_qualified": ("organization.board",),
    "legal_existence_two_years": ("organization.incorporation_date", "application_date"),
    "not_excluded_category": ("organization.excluded_category",),
    "no_unsettled_debt": ("organization.debt_to_ministry", "organization.repayment_agreement"),
    "stream2_member_regions": ("organization.member_regions",),
}


def _now():
    return clock.now()


def _fact(facts: dict, path: str):
    value = facts
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return _("%(count)s membres") % {"count": len(value)}
    return value


# --- Dashboard -------------------------------------------------------------------------------


def dashboard_queryset(user):
    late_request = InformationRequest.objects.filter(
        application=OuterRef("pk"), answered_at__isnull=True, due_at__lt=clock.now()
    )
    completed = Evaluation.objects.filter(
        application=OuterRef("pk"), state=EvaluationState.COMPLETED
    )
    return (
        Application.objects.for_user(user)
        .select_related("organization", "organization__region", "assigned_advisor")
        .annotate(late_request=Exists(late_request), evaluated=Exists(completed))
        .order_by("-fiscal_year", "organization__legal_name", "pk")
    )


@workspace_view(Capability.VIEW)
def dashboard(request):
    filters = DashboardFilter(request.GET, queryset=dashboard_queryset(request.user))
    valid = filters.is_valid()
    page = paginate(request, filters.qs if valid else filters.qs.none())
    today = clock.today()
    late_requests = (
        InformationRequest.objects.for_user(request.user)
        .late(clock.now())
        .select_related("application", "application__organization")
        .order_by("due_at")[:20]
    )
    pending_decisions = (
        Evaluation.objects.for_user(request.user)
        .awaiting_decision()
        .select_related("application", "application__organization")
        .order_by("completed_at")[:20]
    )
    return render(
        request,
        "workspace/dashboard.html",
        {
            "page": page,
            "filters": filters,
            "late_requests": late_requests,
            "pending_decisions": pending_decisions,
            "today": today,
            "can_assign": can(request.user, Capability.ASSIGN),
        },
        status=200 if valid else 422,
    )


# --- One dossier -----------------------------------------------------------------------------


def application_for(request, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.for_user(request.user).select_related(
            "organization", "organization__region", "assigned_advisor"
        ),
        pk=pk,
    )


def current_evaluation(application: Application) -> Evaluation | None:
    return (
        application.evaluations.exclude(state=EvaluationState.CANCELLED)
        .order_by("-started_at", "-pk")
        .first()
    )


@require_POST
@workspace_view(Capability.ASSIGN)
def assign(request, pk: int):
    app = application_for(request, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            actions.assign_advisor(
                app, advisor=form.cleaned_data["advisor"], by=request.user, at=_now()
            )
            messages.success(request, _("Le dossier est attribué."))
        except ValidationError as error:
            add_action_errors(form, error)
    for message in error_messages(form):
        messages.error(request, message)
    target = form.cleaned_data.get("next") if form.is_valid() else request.POST.get("next")
    return redirect(safe_next(request, target, "workspace:application", pk=app.pk))


# --- Completeness (5.1) ----------------------------------------------------------------------


@workspace_view(Capability.VIEW, post=Capability.REVIEW)
def completeness(request, pk: int):
    app = application_for(request, pk)
    if request.method == "POST":
        form = CompletenessForm(request.POST)
        if form.is_valid():
            try:
                actions.record_document_checks(
                    app, checks=form.checks(), by=request.user, at=_now()
                )
                messages.success(request, _("La vérification des documents est enregistrée."))
                return redirect("workspace:completeness", pk=app.pk)
            except ValidationError as error:
                add_action_errors(form, error)
        return _completeness_page(request, app, checks_form=form, status=422)
    return _completeness_page(request, app)


def _row_errors(form, kind: str) -> list[str]:
    return [
        error
        for name, errors in form.errors.items()
        if name.startswith(f"{kind}-")
        for error in errors
    ]


def _completeness_page(request, app, *, checks_form=None, request_form=None, status=200):
    latest = app.documents.latest_by_kind()
    existing = {c.kind: c for c in app.document_checks.all()}
    bound = checks_form is not None and checks_form.is_bound
    rows = []
    for kind, label in DocumentKind.choices:
        check = existing.get(kind)
        rows.append(
            {
                "kind": kind,
                "label": label,
                "description": DOCUMENTS_BY_CODE[kind].description,
                "document": latest.get(kind),
                "check": check,
                "items": [
                    {
                        "code": item,
                        "label": CheckItem(item).label,
                        "checked": (
                            bool(checks_form[f"{kind}-{item}"].value())
                            if bound
                            else bool(check and getattr(check, item))
                        ),
                    }
                    for item in CHECKS_BY_DOCUMENT[kind]
                ],
                "note": (
                    checks_form[f"{kind}-note"].value() if bound else (check.note if check else "")
                ),
                "errors": _row_errors(checks_form, kind) if bound else [],
            }
        )
    return render(
        request,
        "workspace/completeness.html",
        {
            "application": app,
            "rows": rows,
            "checks_form": checks_form or CompletenessForm(),
            "request_form": request_form
            or RequestInformationForm(initial={"deadline": actions.default_deadline(_now())}),
            "requests": app.information_requests.select_related("requested_by"),
            "today": clock.today(),
            "can_review": can(request.user, Capability.REVIEW),
        },
        status=status,
    )


@require_POST
@workspace_view(Capability.REVIEW)
def request_information(request, pk: int):
    app = application_for(request, pk)
    form = RequestInformationForm(request.POST)
    if form.is_valid():
        try:
            actions.request_information(app, **form.cleaned_data, by=request.user, at=_now())
            messages.success(
                request, _("La demande est envoyée à l'organisme ; le dossier attend sa réponse.")
            )
            return redirect("workspace:completeness", pk=app.pk)
        except ValidationError as error:
            add_action_errors(form, error)
    return _completeness_page(request, app, request_form=form, status=422)


# --- Evaluation ------------------------------------------------------------------------------


def _findings(evaluation: Evaluation) -> list[dict]:
    if not evaluation.result:
        return []
    rows = []
    for finding in evaluation.result["findings"]:
        criterion = CRITERIA_BY_CODE.get(finding["criterion"])
        code = criterion.document if criterion else None
        document = DOCUMENTS_BY_CODE.get(code) if code else None
        rows.append(
            {
                **finding,
                "title": criterion.title if criterion else finding["criterion"],
                "kind": criterion.kind.value if criterion else "",
                "document": document.title if document else "",
                "facts": [
                    (fact_label(path), fact_value(path, _fact(evaluation.facts or {}, path)))
                    for path in FACTS_BY_CRITERION.get(finding["criterion"], ())
                ],
                "judgment": (evaluation.judgments or {}).get(finding["criterion"]),
            }
        )
    return rows


@workspace_view(Capability.VIEW, post=Capability.EVALUATE)
def evaluation(request, pk: int):
    app = application_for(request, pk)
    current = current_evaluation(app)
    if request.method == "POST":
        return _evaluation_post(request, app, current)
    return _evaluation_page(request, app, current)


def _evaluation_page(request, app, current, *, form=None, status=200):
    judgments_form = form if isinstance(form, JudgmentsForm) else JudgmentsForm(stream=app.stream)
    adjustment_form = form if isinstance(form, AdjustmentForm) else AdjustmentForm()
    judgeable = []
    if current is not None:
        for criterion in judgments_form.criteria:
            judgment = (current.judgments or {}).get(criterion.code)
            met = judgments_form[f"{criterion.code}-met"]
            justification = judgments_form[f"{criterion.code}-justification"]
            judgeable.append(
                {
                    "code": criterion.code,
                    "clause": criterion.clause,
                    "title": criterion.title,
                    "judgment": judgment,
                    "met": (
                        met.value()
                        if judgments_form.is_bound
                        else ("yes" if judgment["met"] else "no")
                        if judgment
                        else None
                    ),
                    "justification": (
                        justification.value()
                        if judgments_form.is_bound
                        else judgment["justification"]
                        if judgment
                        else ""
                    ),
                    "errors": [*met.errors, *justification.errors],
                }
            )
    to_verify = (
        [f for f in (current.result or {}).get("findings", []) if f["status"] == "to_verify"]
        if current
        else []
    )
    return render(
        request,
        "workspace/evaluation.html",
        {
            "application": app,
            "evaluation": current,
            "findings": _findings(current) if current else [],
            "judgeable": judgeable,
            "to_verify": to_verify,
            "form": form,
            "judgments_form": judgments_form,
            "adjustment_form": adjustment_form,
            "can_evaluate": can(request.user, Capability.EVALUATE),
        },
        status=status,
    )


def _evaluation_post(request, app: Application, current: Evaluation | None):
    now, user = _now(), request.user
    step_form = StepForm(request.POST)
    form = step_form
    if step_form.is_valid():
        step = step_form.cleaned_data["step"]
        if step == "judgments":
            form = JudgmentsForm(request.POST, stream=app.stream)
        elif step == "adjust":
            form = AdjustmentForm(request.POST)
        if step != "start" and current is None:
            form.add_error(None, _("Commencez l'évaluation."))
        elif form.is_valid():
            try:
                if step == "start":
                    actions.start_evaluation(app, by=user, at=now)
                    messages.success(request, _("L'évaluation est commencée."))
                elif step == "judgments":
                    actions.judge_and_compute(current, judgments=form.judgments(), by=user, at=now)
                    messages.success(
                        request, _("Les jugements sont enregistrés et l'évaluation calculée.")
                    )
                elif step == "compute":
                    actions.compute_evaluation(current, by=user, at=now)
                    messages.success(request, _("L'évaluation est calculée."))
                elif step == "adjust":
                    actions.adjust_evaluation(current, **form.cleaned_data, by=user, at=now)
                    messages.success(
                        request, _("L'ajustement est consigné et le montant recalculé.")
                    )
                else:
                    actions.complete_evaluation(current, by=user, at=now)
                    messages.success(request, _("L'évaluation est terminée."))
                return redirect("workspace:evaluation", pk=app.pk)
            except ValidationError as error:
                add_action_errors(form, error)
    # The page as stored (the refused action changed nothing), with the form's errors.
    return _evaluation_page(request, app, current_evaluation(app), form=form, status=422)


# --- Explain a past amount -------------------------------------------------------------------


@workspace_view(Capability.VIEW)
def explain(request, pk: int):
    """Read-only: everything comes from the stored snapshot; nothing is recomputed."""
    decision = get_object_or_404(
        Decision.objects.for_user(request.user).select_related(
            "application",
            "application__organization",
            "evaluation",
            "decided_by",
            "evaluation__advisor",
        ),
        pk=pk,
    )
    evaluation = decision.evaluation
    result = evaluation.result or {}
    facts = evaluation.facts or {}
    return render(
        request,
        "workspace/explain.html",
        {
            "decision": decision,
            "evaluation": evaluation,
            "findings": _findings(evaluation),
            "lines": result.get("amount_lines", []),
            "assumptions": [
                line for line in result.get("amount_lines", []) if line.get("assumption")
            ],
            "priority": result.get("priority", {}),
            "financial_report": result.get("financial_report", {}),
            "installments": result.get("installments", []),
            "application_date": (
                fact_label("application_date"),
                facts.get("application_date"),
            ),
            "organization_facts": sorted(
                (fact_label(f"organization.{k}"), fact_value(f"organization.{k}", v))
                for k, v in facts.get("organization", {}).items()
                if k != "board"
            ),
            "finances": sorted(
                (fact_label(f"finances.{k}"), v) for k, v in facts.get("finances", {}).items()
            ),
            "board_size": len(facts.get("organization", {}).get("board", [])),
            "facts": facts,
            "adjustments": evaluation.adjustments or [],
            "judgments": [
                (
                    f"{CRITERIA_BY_CODE[code].clause} — {CRITERIA_BY_CODE[code].title}"
                    if code in CRITERIA_BY_CODE
                    else code,
                    judgment,
                )
                for code, judgment in sorted((evaluation.judgments or {}).items())
            ],
        },
    )


# --- The decision letter (staff and the organization's members) -----------------------------


def decision_letter(request, pk: int):
    """The letter as a PDF, to whoever may see the decision (`for_user`): the ministry's staff
    and the organization's members; anyone else gets a 404; anonymous, the login page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    decision = get_object_or_404(
        Decision.objects.for_user(request.user).select_related(
            "application", "application__organization", "decided_by", "evaluation"
        ),
        pk=pk,
    )

    return pdf_response(decision_letter_pdf(decision), f"decision-{decision.pk}.pdf")
