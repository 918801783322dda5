import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from soutien.core.admin import ActionOnlyAdmin, fiscal_year_filter
from soutien.core.fiscal import label
from soutien.core.jsonutil import dumps

from .models import Decision, Evaluation


def _pretty(value):
    if value is None:
        return "—"
    return format_html(
        "<pre>{}</pre>", json.dumps(json.loads(dumps(value)), indent=2, ensure_ascii=False)
    )


@admin.register(Evaluation)
class EvaluationAdmin(ActionOnlyAdmin):
    """Judgments, adjustments and computations go through evaluations.actions (decision 008)."""

    list_display = (
        "pk",
        "organization_name",
        "fiscal_year",
        "stream",
        "state",
        "eligibility",
        "amount",
        "norms_version",
        "advisor",
        "started_at",
    )
    list_filter = (
        "state",
        "eligibility",
        "application__organization__region",
        fiscal_year_filter("application__fiscal_year"),
        "application__stream",
        "application__priority",
    )
    search_fields = ("application__organization__legal_name", "application__organization__neq")
    list_select_related = ("application", "application__organization", "advisor")
    exclude = ("facts", "result")  # shown indented by facts_display and result_display
    readonly_fields = ("facts_display", "result_display")

    @admin.display(description=_("organisme"), ordering="application__organization__legal_name")
    def organization_name(self, evaluation):
        return evaluation.application.organization.legal_name

    @admin.display(description=_("exercice financier"), ordering="application__fiscal_year")
    def fiscal_year(self, evaluation):
        return label(evaluation.application.fiscal_year)

    @admin.display(description=_("volet"), ordering="application__stream")
    def stream(self, evaluation):
        return evaluation.application.stream

    @admin.display(description=_("faits soumis aux règles"))
    def facts_display(self, evaluation):
        return _pretty(evaluation.facts)

    @admin.display(description=_("résultat des règles"))
    def result_display(self, evaluation):
        return _pretty(evaluation.result)


@admin.register(Decision)
class DecisionAdmin(ActionOnlyAdmin):
    """Taken by decide_within_budget and fixed from then on, in the database too (decision 008)."""

    list_display = (
        "pk",
        "organization_name",
        "fiscal_year",
        "outcome",
        "amount",
        "decided_at",
        "communicated_on",
    )
    list_filter = (
        "outcome",
        "application__organization__region",
        fiscal_year_filter("application__fiscal_year"),
        "application__stream",
        "application__priority",
    )
    search_fields = ("application__organization__legal_name", "application__organization__neq")
    list_select_related = ("application", "application__organization")

    @admin.display(description=_("organisme"), ordering="application__organization__legal_name")
    def organization_name(self, decision):
        return decision.application.organization.legal_name

    @admin.display(description=_("exercice financier"), ordering="application__fiscal_year")
    def fiscal_year(self, decision):
        return label(decision.application.fiscal_year)
