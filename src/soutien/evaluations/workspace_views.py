"""The ministry's workspace (issue 5): dashboard, completeness review (5.1), evaluation,
explanation of a past amount. Every view checks the role (`access.workspace_view`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from soutien.accounts.access import Capability, can, workspace_view
from soutien.accounts.models import Role, User
from soutien.applications.models import (
    Application,
    DocumentKind,
    InformationRequest,
    Priority,
    RequestKind,
    State,
    Stream,
)
from soutien.core import clock, fiscal
from soutien.organizations.models import Region
from soutien.rules.documents import DOCUMENTS_BY_CODE
from soutien.rules.eligibility import CRITERIA_BY_CODE, CRITERIA_BY_STREAM, JUDGEABLE
from soutien.rules.facts import Stream as RulesStream

from . import actions
from .fact_labels import fact_label, fact_value
from .letters import decision_letter_pdf
from .models import (
    CHECKS_BY_DOCUMENT,
    CheckItem,
    Decision,
    Evaluation,
)
from .models import State as EvaluationState

PAGE_SIZE = 50
FILTERS = ("state", "fiscal_year", "stream", "region", "priority", "advisor", "late")

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


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Dashboard -------------------------------------------------------------------------------


def dashboard_queryset(user, params):
    late_request = InformationRequest.objects.filter(
        application=OuterRef("pk"), answered_at__isnull=True, due_at__lt=clock.now()
    )
    completed = Evaluation.objects.filter(
        application=OuterRef("pk"), state=EvaluationState.COMPLETED
    )
    qs = (
        Application.objects.for_user(user)
        .select_related("organization", "organization__region", "assigned_advisor")
        .annotate(late_request=Exists(late_request), evaluated=Exists(completed))
        .order_by("-fiscal_year", "organization__legal_name", "pk")
    )
    lookups = {
        "state": "state",
        "fiscal_year": "fiscal_year",
        "stream": "stream",
        "region": "organization__region_id",
        "priority": "priority",
        "advisor": "assigned_advisor_id",
    }
    for name, lookup in lookups.items():
        value = params.get(name, "")
        if value == "none" and name == "advisor":
            qs = qs.filter(assigned_advisor__isnull=True)
        elif value:
            qs = qs.filter(**{lookup: value})
    if params.get("late") == "1":
        qs = qs.filter(Q(late_request=True) | Q(state=State.UNDER_EVALUATION, evaluated=True))
    return qs


@workspace_view(Capability.VIEW)
def dashboard(request):
    params = {name: request.GET.get(name, "") for name in FILTERS}
    page = Paginator(dashboard_queryset(request.user, params), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = clock.today()
    late_requests = (
        InformationRequest.objects.for_user(request.user)
        .filter(answered_at__isnull=True, due_at__lt=clock.now())
        .select_related("application", "application__organization")
        .order_by("due_at")[:20]
    )
    pending_decisions = (
        Evaluation.objects.for_user(request.user)
        .filter(
            state=EvaluationState.COMPLETED,
            application__state=State.UNDER_EVALUATION,
        )
        .select_related("application", "application__organization")
        .order_by("completed_at")[:20]
    )
    query = request.GET.copy()
    query.pop("page", None)
    advisors = User.objects.filter(role=Role.ADVISOR, is_active=True).order_by("full_name")
    return render(
        request,
        "workspace/dashboard.html",
        {
            "page": page,
            "params": params,
            "query": query.urlencode(),
            "states": State.choices,
            "streams": Stream.choices,
            "priorities": Priority.choices,
            "regions": Region.objects.all(),
            "advisors": advisors,
            "fiscal_years": [
                (year, fiscal.label(year))
                for year in Application.objects.order_by("-fiscal_year")
                .values_list("fiscal_year", flat=True)
                .distinct()
            ],
            "late_requests": late_requests,
            "pending_decisions": pending_decisions,
            "today": today,
            "can_assign": can(request.user, Capability.ASSIGN),
        },
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
    advisor_id = request.POST.get("advisor") or None
    advisor = get_object_or_404(User, pk=advisor_id) if advisor_id else None
    try:
        actions.assign_advisor(app, advisor=advisor, by=request.user, at=_now())
        messages.success(request, _("Le dossier est attribué."))
    except ValidationError as error:
        _errors(request, error)
    return redirect(request.POST.get("next") or "workspace:application", pk=app.pk)


# --- Completeness (5.1) ----------------------------------------------------------------------


@workspace_view(Capability.VIEW, post=Capability.REVIEW)
def completeness(request, pk: int):
    app = application_for(request, pk)
    if request.method == "POST":
        checks = {}
        for kind in DocumentKind.values:
            checks[kind] = {
                item: request.POST.get(f"{kind}-{item}") == "on"
                for item in CHECKS_BY_DOCUMENT[kind]
            }
            checks[kind]["note"] = request.POST.get(f"{kind}-note", "")
        try:
            actions.record_document_checks(app, checks=checks, by=request.user, at=_now())
            messages.success(request, _("La vérification des documents est enregistrée."))
        except ValidationError as error:
            _errors(request, error)
        return redirect("workspace:completeness", pk=app.pk)
    latest = {}
    for document in app.documents.order_by("kind", "-number"):
        latest.setdefault(document.kind, document)
    existing = {c.kind: c for c in app.document_checks.all()}
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
                        "checked": bool(check and getattr(check, item)),
                    }
                    for item in CHECKS_BY_DOCUMENT[kind]
                ],
                "note": check.note if check else "",
            }
        )
    return render(
        request,
        "workspace/completeness.html",
        {
            "application": app,
            "rows": rows,
            "request_kinds": RequestKind.choices,
            "default_deadline": actions.default_deadline(_now()),
            "requests": app.information_requests.select_related("requested_by"),
            "today": clock.today(),
            "can_review": can(request.user, Capability.REVIEW),
        },
    )


@require_POST
@workspace_view(Capability.REVIEW)
def request_information(request, pk: int):
    app = application_for(request, pk)
    deadline = None
    if request.POST.get("deadline"):
        try:
            deadline = date.fromisoformat(request.POST["deadline"])
        except ValueError:
            messages.error(request, _("La date limite n'est pas une date valide (AAAA-MM-JJ)."))
            return redirect("workspace:completeness", pk=app.pk)
    try:
        actions.request_information(
            app,
            kind=request.POST.get("kind", RequestKind.CORRECTION),
            message=request.POST.get("message", ""),
            deadline=deadline,
            by=request.user,
            at=_now(),
        )
        messages.success(
            request, _("La demande est envoyée à l'organisme ; le dossier attend sa réponse.")
        )
    except ValidationError as error:
        _errors(request, error)
    return redirect("workspace:completeness", pk=app.pk)


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
    judgeable = []
    if current is not None:
        stream = RulesStream(app.stream)
        for criterion in CRITERIA_BY_STREAM[stream]:
            if criterion.code in JUDGEABLE:
                judgeable.append(
                    {
                        "code": criterion.code,
                        "clause": criterion.clause,
                        "title": criterion.title,
                        "judgment": (current.judgments or {}).get(criterion.code),
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
            "adjustment_kinds": [
                (code, label, clause) for code, (clause, label) in actions.ADJUSTMENT_KINDS.items()
            ],
            "can_evaluate": can(request.user, Capability.EVALUATE),
        },
    )


def _evaluation_post(request, app: Application, current: Evaluation | None):
    step = request.POST.get("step")
    now, user = _now(), request.user
    try:
        if step == "start":
            actions.start_evaluation(app, by=user, at=now)
            messages.success(request, _("L'évaluation est commencée."))
        elif current is None:
            messages.error(request, _("Commencez l'évaluation."))
        elif step == "judgments":
            judgments = {}
            for code in JUDGEABLE:
                choice = request.POST.get(f"{code}-met")
                if choice in ("yes", "no"):
                    justification = request.POST.get(f"{code}-justification", "")
                    judgments[code] = (choice == "yes", justification)
            if judgments:
                actions.record_judgments(current, judgments=judgments, by=user, at=now)
            actions.compute_evaluation(current, by=user, at=now)
            messages.success(request, _("Les jugements sont enregistrés et l'évaluation calculée."))
        elif step == "compute":
            actions.compute_evaluation(current, by=user, at=now)
            messages.success(request, _("L'évaluation est calculée."))
        elif step == "adjust":
            try:
                amount = Decimal(request.POST.get("amount", "").replace(" ", "").replace(",", "."))
            except InvalidOperation:
                raise ValidationError({"amount": _("Le montant n'est pas un nombre.")}) from None
            actions.adjust_evaluation(
                current,
                kind=request.POST.get("kind", ""),
                amount=amount,
                justification=request.POST.get("justification", ""),
                by=user,
                at=now,
            )
            messages.success(request, _("L'ajustement est consigné et le montant recalculé."))
        elif step == "complete":
            actions.complete_evaluation(current, by=user, at=now)
            messages.success(request, _("L'évaluation est terminée."))
        else:
            messages.error(request, _("Opération inconnue."))
    except ValidationError as error:
        _errors(request, error)
    return redirect("workspace:evaluation", pk=app.pk)


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

    response = HttpResponse(decision_letter_pdf(decision), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{decision.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
