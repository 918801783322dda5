from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from soutien.core.admin import (
    ActionOnlyAdmin,
    ActionOnlyInline,
    download_link,
    fiscal_year_filter,
)
from soutien.core.fiscal import label

from .models import Agreement, AgreementDocument, AgreementYear, Installment, NonComplianceAction


class AgreementYearInline(ActionOnlyInline):
    model = AgreementYear
    fields = ("year_number", "fiscal_year", "amount", "state", "renewal_application")


class AgreementDocumentInline(ActionOnlyInline):
    model = AgreementDocument
    fields = ("kind", "number", "link", "sha256", "uploaded_at", "uploaded_by")
    readonly_fields = ("link",)
    show_change_link = False

    @admin.display(description=_("fichier"))
    def link(self, document):
        return download_link(document, "agreement-document")


class InstallmentInline(ActionOnlyInline):
    model = Installment
    fields = ("sequence", "due_year", "due_month", "amount", "state", "paid_on")


class NonComplianceActionInline(ActionOnlyInline):
    model = NonComplianceAction
    fields = ("kind", "decided_on", "notice_sent_on", "effective_on", "decided_by")


@admin.register(Agreement)
class AgreementAdmin(ActionOnlyAdmin):
    list_display = (
        "reference",
        "organization_name",
        "region",
        "stream",
        "fiscal_years",
        "starts_on",
        "ends_on",
        "state",
        "signed_on",
    )
    list_filter = (
        "organization__region",
        "state",
        fiscal_year_filter("start_fiscal_year", _("premier exercice financier")),
        "stream",
        "application__priority",
    )
    search_fields = ("reference", "organization__legal_name", "organization__neq")
    list_select_related = ("organization", "organization__region")
    inlines = (AgreementYearInline, NonComplianceActionInline, AgreementDocumentInline)

    @admin.display(description=_("organisme"), ordering="organization__legal_name")
    def organization_name(self, agreement):
        return agreement.organization.legal_name

    @admin.display(description=_("région"), ordering="organization__region")
    def region(self, agreement):
        return agreement.organization.region

    @admin.display(description=_("exercices financiers"), ordering="start_fiscal_year")
    def fiscal_years(self, agreement):
        first, last = agreement.fiscal_years[0], agreement.last_fiscal_year
        return first.label if first == last else f"{first.label} à {last.label}"


@admin.register(AgreementYear)
class AgreementYearAdmin(ActionOnlyAdmin):
    list_display = (
        "agreement_reference",
        "organization_name",
        "year_number",
        "fiscal_year_label",
        "amount",
        "state",
    )
    list_filter = (
        "state",
        fiscal_year_filter("fiscal_year"),
        "agreement__stream",
        "agreement__organization__region",
    )
    search_fields = (
        "agreement__reference",
        "agreement__organization__legal_name",
        "agreement__organization__neq",
    )
    list_select_related = ("agreement", "agreement__organization")
    inlines = (InstallmentInline,)

    @admin.display(description=_("convention"), ordering="agreement__reference")
    def agreement_reference(self, year):
        return year.agreement.reference

    @admin.display(description=_("organisme"), ordering="agreement__organization__legal_name")
    def organization_name(self, year):
        return year.agreement.organization.legal_name

    @admin.display(description=_("exercice financier"), ordering="fiscal_year")
    def fiscal_year_label(self, year):
        return label(year.fiscal_year)


@admin.register(Installment)
class InstallmentAdmin(ActionOnlyAdmin):
    list_display = (
        "agreement_reference",
        "organization_name",
        "sequence",
        "due",
        "amount",
        "state",
        "paid_on",
    )
    list_filter = (
        "state",
        fiscal_year_filter("agreement_year__fiscal_year"),
        "agreement_year__agreement__stream",
        "agreement_year__agreement__organization__region",
    )
    search_fields = (
        "agreement_year__agreement__reference",
        "agreement_year__agreement__organization__legal_name",
        "agreement_year__agreement__organization__neq",
    )
    list_select_related = (
        "agreement_year",
        "agreement_year__agreement",
        "agreement_year__agreement__organization",
    )

    @admin.display(description=_("convention"), ordering="agreement_year__agreement__reference")
    def agreement_reference(self, installment):
        return installment.agreement_year.agreement.reference

    @admin.display(description=_("organisme"))
    def organization_name(self, installment):
        return installment.agreement_year.agreement.organization.legal_name

    @admin.display(description=_("échéance"), ordering="due_year")
    def due(self, installment):
        return installment.due_label


@admin.register(NonComplianceAction)
class NonComplianceActionAdmin(ActionOnlyAdmin):
    list_display = (
        "agreement_reference",
        "organization_name",
        "kind",
        "decided_on",
        "notice_sent_on",
        "effective_on",
    )
    list_filter = ("kind", "agreement__organization__region")
    search_fields = (
        "agreement__reference",
        "agreement__organization__legal_name",
        "agreement__organization__neq",
    )
    list_select_related = ("agreement", "agreement__organization")

    @admin.display(description=_("convention"), ordering="agreement__reference")
    def agreement_reference(self, measure):
        return measure.agreement.reference

    @admin.display(description=_("organisme"))
    def organization_name(self, measure):
        return measure.agreement.organization.legal_name
