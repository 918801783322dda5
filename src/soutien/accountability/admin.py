from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from soutien.core.admin import ActionOnlyAdmin, fiscal_year_filter
from soutien.core.fiscal import label

from .models import AnnualReport, Claim, FundingSource


@admin.register(AnnualReport)
class AnnualReportAdmin(ActionOnlyAdmin):
    """Expected, submitted, corrected and accepted through accountability.actions."""

    list_display = (
        "pk",
        "organization",
        "agreement_reference",
        "fiscal_year",
        "required_report_type",
        "due_on",
        "received_on",
        "state",
    )
    list_filter = (
        "state",
        "required_report_type",
        "organization__region",
        fiscal_year_filter("agreement_year__fiscal_year"),
        "agreement_year__agreement__stream",
    )
    search_fields = (
        "organization__legal_name",
        "organization__neq",
        "agreement_year__agreement__reference",
    )
    list_select_related = ("organization", "agreement_year", "agreement_year__agreement")

    @admin.display(description=_("convention"), ordering="agreement_year__agreement__reference")
    def agreement_reference(self, report):
        return report.agreement_year.agreement.reference

    @admin.display(description=_("exercice financier"), ordering="agreement_year__fiscal_year")
    def fiscal_year(self, report):
        return label(report.agreement_year.fiscal_year)


@admin.register(FundingSource)
class FundingSourceAdmin(ActionOnlyAdmin):
    """Declared by the organization in its report (accountability.actions)."""

    list_display = ("funder", "program", "level", "amount", "organization_name", "period_end")
    list_filter = ("level", "report__organization__region")
    search_fields = (
        "funder",
        "program",
        "report__organization__legal_name",
        "report__organization__neq",
    )
    list_select_related = ("report", "report__organization")

    @admin.display(description=_("organisme"), ordering="report__organization__legal_name")
    def organization_name(self, source):
        return source.report.organization.legal_name

    @admin.display(description=_("fin de l'exercice de l'organisme"), ordering="report__period_end")
    def period_end(self, source):
        return source.report.period_end


@admin.register(Claim)
class ClaimAdmin(ActionOnlyAdmin):
    """Established, repaid and defaulted through accountability.actions (decision 008)."""

    list_display = (
        "pk",
        "organization",
        "kind",
        "fiscal_year_label",
        "amount",
        "repaid_amount",
        "due_on",
        "state",
    )
    list_filter = ("state", "kind", "organization__region", fiscal_year_filter("fiscal_year"))
    search_fields = ("organization__legal_name", "organization__neq", "agreement__reference")
    list_select_related = ("organization",)

    @admin.display(description=_("exercice financier"), ordering="fiscal_year")
    def fiscal_year_label(self, claim):
        return label(claim.fiscal_year)
