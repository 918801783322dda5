from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from soutien.core.admin import RecordAdmin, download_link, fiscal_year_filter
from soutien.core.fiscal import label

from .models import Application, ApplicationDocument, SubmissionPeriod


class DocumentInline(admin.TabularInline):
    model = ApplicationDocument
    fields = ("kind", "number", "link", "size", "sha256", "uploaded_at", "uploaded_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False  # documents are uploaded through applications.actions.upload_document

    @admin.display(description=_("fichier"))
    def link(self, document):
        return download_link(document, "application-document")


@admin.register(Application)
class ApplicationAdmin(RecordAdmin):
    list_display = (
        "organization_name",
        "neq",
        "region",
        "fiscal_year_label",
        "stream",
        "state",
        "priority",
        "deadline_at",
        "submitted_at",
    )
    list_filter = (
        "organization__region",
        "state",
        fiscal_year_filter("fiscal_year"),
        "stream",
        "priority",
        "kind",
    )
    search_fields = ("organization__legal_name", "organization__neq")
    list_select_related = ("organization", "organization__region")
    raw_id_fields = ("organization", "last_statements")
    readonly_fields = ("submitted_at", "priority")
    inlines = (DocumentInline,)

    @admin.display(description=_("organisme"), ordering="organization__legal_name")
    def organization_name(self, application):
        return application.organization.legal_name

    @admin.display(description=_("NEQ"), ordering="organization__neq")
    def neq(self, application):
        return application.organization.neq

    @admin.display(description=_("région"), ordering="organization__region")
    def region(self, application):
        return application.organization.region

    @admin.display(description=_("exercice financier"), ordering="fiscal_year")
    def fiscal_year_label(self, application):
        return label(application.fiscal_year)


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(RecordAdmin):
    list_display = (
        "original_name",
        "kind",
        "number",
        "organization_name",
        "fiscal_year",
        "size",
        "uploaded_at",
    )
    list_filter = (
        "kind",
        "application__organization__region",
        fiscal_year_filter("application__fiscal_year"),
    )
    search_fields = (
        "original_name",
        "sha256",
        "application__organization__legal_name",
        "application__organization__neq",
    )
    list_select_related = ("application", "application__organization")
    readonly_fields = (
        "application",
        "kind",
        "link",
        "original_name",
        "mime_type",
        "size",
        "sha256",
        "number",
        "uploaded_at",
        "uploaded_by",
    )
    exclude = ("file",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("organisme"), ordering="application__organization__legal_name")
    def organization_name(self, document):
        return document.application.organization.legal_name

    @admin.display(description=_("exercice financier"), ordering="application__fiscal_year")
    def fiscal_year(self, document):
        return label(document.application.fiscal_year)

    @admin.display(description=_("fichier"))
    def link(self, document):
        return download_link(document, "application-document")


@admin.register(SubmissionPeriod)
class SubmissionPeriodAdmin(admin.ModelAdmin):
    """The dates of the Ministry's instructions (5.1): staff open a fiscal year to the portal."""

    list_display = ("fiscal_year_label", "stream", "opens_at", "deadline_at")
    list_filter = ("stream",)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("exercice financier"), ordering="fiscal_year")
    def fiscal_year_label(self, period):
        return label(period.fiscal_year)
