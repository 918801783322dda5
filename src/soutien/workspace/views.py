"""Workspace pages that show several stages at once; each stage's own pages are in its app."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from soutien.accountability.models import Claim
from soutien.accountability.reports import renewal_findings
from soutien.accounts.access import Capability, can, workspace_view
from soutien.accounts.models import User
from soutien.agreements import actions as agreement_actions
from soutien.agreements.forms import ReasonForm, RenewalReviewForm, RenewYearForm
from soutien.agreements.models import Agreement, NonComplianceAction, RenewalReview, YearState
from soutien.applications.actions import latest_documents
from soutien.applications.answers import answers_of
from soutien.applications.models import DocumentKind, Kind
from soutien.applications.portal_views import ACTION_LABELS
from soutien.budget.actions import funded_line
from soutien.core import clock
from soutien.core.forms import add_action_errors, error_messages
from soutien.core.models import JournalEntry
from soutien.evaluations.dossier import application_date
from soutien.evaluations.models import Decision, Evaluation
from soutien.evaluations.workspace_views import application_for, current_evaluation
from soutien.organizations import actions as organization_actions
from soutien.organizations.attachment import attachment_of
from soutien.organizations.forms import AttachmentForm


@workspace_view(Capability.VIEW)
def application(request, pk: int):
    app = application_for(request, pk)
    organization = app.organization
    decision = Decision.objects.filter(application=app).first()
    agreement = Agreement.objects.filter(application=app).first()
    # 5.6: the agreement year that covers this fiscal year (a renewal confirms it; another
    # application for it cannot become a second agreement).
    covering = agreement_actions.covering_year(app.organization_id, app.fiscal_year, app.stream)
    if covering is not None and covering.agreement.application_id == app.pk:
        covering = None  # the application's own agreement
    renewal_year = covering if app.kind == Kind.RENEWAL else None
    marked = (
        JournalEntry.objects.for_subject(organization)
        .filter(action="organization.attachment_marked")
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
        if organization.attached_to_ministry
        else None
    )
    evaluation = current_evaluation(app)
    return render(
        request,
        "workspace/application.html",
        {
            **_renewal_review(request, app, renewal_year, decision),
            "application": app,
            "evaluation": evaluation,
            "digest": _digest(evaluation),
            "documents": sorted(
                latest_documents(app).values(), key=lambda d: DOCUMENT_ORDER.get(d.kind, 99)
            ),
            "journal": _history(app, evaluation, decision),
            "decision": decision,
            "agreement": agreement,
            "renewal_year": renewal_year,
            "covered_by": covering if app.kind != Kind.RENEWAL else None,
            "renew_form": RenewYearForm(),
            "funded_line": funded_line(app.pk),
            "requests": app.information_requests.select_related("requested_by"),
            "today": clock.today(),
            "advisors": User.objects.advisors(),
            "sections": answers_of(app),
            "attachment": attachment_of(organization, on=application_date(app)),
            "attachment_marked": marked,
            "can_assign": can(request.user, Capability.ASSIGN),
            "can_decide": can(request.user, Capability.DECIDE),
            "can_agreement": can(request.user, Capability.AGREEMENT),
            "can_attach": can(request.user, Capability.ATTACH),
        },
    )


DOCUMENT_ORDER = {kind: n for n, kind in enumerate(DocumentKind.values)}
HISTORY_LABELS = {
    **ACTION_LABELS,
    "application.advisor_assigned": _lazy("Conseillère ou conseiller attitré"),
    "application.completeness_checked": _lazy("Complétude vérifiée (5.1)"),
    "evaluation.started": _lazy("Évaluation commencée"),
    "evaluation.judgment_recorded": _lazy("Jugement consigné"),
    "evaluation.judgments_recorded": _lazy("Jugements consignés"),
    "evaluation.computed": _lazy("Calcul des règles"),
    "evaluation.adjusted": _lazy("Ajustement consigné"),
    "evaluation.completed": _lazy("Évaluation terminée"),
    "evaluation.cancelled": _lazy("Évaluation annulée"),
}


def _digest(evaluation) -> dict | None:
    """The evaluation in brief, before its details: state, eligibility, amount, and the
    criteria the rules leave to a person's judgment (« à vérifier »)."""
    if evaluation is None:
        return None
    findings = (evaluation.result or {}).get("findings", [])
    return {
        "to_judge": [f for f in findings if f.get("status") == "to_verify"],
        "unmet": [f for f in findings if f.get("status") == "unmet"],
        "computed": evaluation.result is not None,
    }


def _history(app, evaluation, decision, limit: int = 100) -> list[JournalEntry]:
    """What happened to the dossier: the application, its evaluations and its decision."""
    subjects = Q(subject_type=ContentType.objects.get_for_model(app), subject_id=app.pk)
    evaluations = list(app.evaluations.values_list("pk", flat=True))
    if evaluations:
        subjects |= Q(
            subject_type=ContentType.objects.get_for_model(Evaluation), subject_id__in=evaluations
        )
    if decision is not None:
        subjects |= Q(
            subject_type=ContentType.objects.get_for_model(decision), subject_id=decision.pk
        )
    entries = list(
        JournalEntry.objects.filter(subjects).select_related("actor").order_by("-at", "-pk")[:limit]
    )
    for entry in entries:
        entry.label = HISTORY_LABELS.get(entry.action, entry.action)
    return entries


def _renewal_review(request, app, year, decision) -> dict:
    """What the advisor reads to review a renewal (5.6): the form's « satisfait toujours »
    answer, the agreement's measures, its reports and the organization's claims."""
    if year is None:
        return {}
    agreement = year.agreement
    review = RenewalReview.objects.filter(application=app).select_related("reviewed_by").first()
    planned = year.state == YearState.PLANNED
    refused = decision is not None and decision.outcome != "granted"
    return {
        "review": review,
        "review_form": RenewalReviewForm(
            initial={"requirements_met": review.requirements_met, "evidence": review.evidence}
            if review
            else None
        ),
        "can_review": planned and can(request.user, Capability.EVALUATE),
        "can_end": planned
        and can(request.user, Capability.MEASURES)
        and (refused or (review is not None and not review.requirements_met)),
        "end_form": ReasonForm(prefix="end"),
        "measures": NonComplianceAction.objects.filter(agreement=agreement).order_by("decided_on"),
        "findings": renewal_findings(agreement, clock.today()),
        "claims": Claim.objects.filter(organization_id=agreement.organization_id).order_by(
            "-established_on"
        ),
    }


@require_POST
@workspace_view(Capability.ATTACH)
def attachment(request, pk: int):
    """The Ministry marks the dossier's organization attached (5.2), or withdraws its mark."""
    app = application_for(request, pk)
    form = AttachmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "withdraw":
                organization_actions.withdraw_attachment(
                    app.organization, reason=data["reason"], by=request.user, at=clock.now()
                )
                messages.success(request, _("Le rattachement inscrit par le Ministère est retiré."))
            else:
                organization_actions.mark_attached(
                    app.organization,
                    since=data["since"],
                    reason=data["reason"],
                    by=request.user,
                    at=clock.now(),
                )
                messages.success(request, _("Le rattachement de l'organisme est inscrit."))
        except ValidationError as error:
            add_action_errors(form, error)
    for message in error_messages(form):
        messages.error(request, message)
    return redirect("workspace:application", pk=app.pk)
