"""Back-office building blocks: scoped, never deleting, optimistic locking, read-only history."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from soutien.rules import FiscalYear

from .models import STALE_MESSAGE, JournalEntry, OutgoingEmail

RECORD_READONLY = ("created_at", "updated_at", "retention_until")


class VersionedForm(forms.ModelForm):
    """Carries the version the person saw; saving over a newer version is refused."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen_version")
        if self.instance.pk is not None and seen is not None:
            current = (
                type(self.instance)
                ._base_manager.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != seen:
                raise ValidationError(STALE_MESSAGE, code="stale")
            # Record.save checks it again atomically, in case someone saves meanwhile.
            self.instance.version = seen
        return cleaned


class RecordAdmin(SimpleHistoryAdmin):
    """Base admin of business records: scoped queryset, no delete, read-only history."""

    form = VersionedForm
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj)]
        workflow = getattr(self.model, "workflow", None)
        if workflow is not None and workflow.field not in fields:
            fields.insert(0, workflow.field)
        names = {f.name for f in self.model._meta.fields}
        return fields + [f for f in RECORD_READONLY if f in names and f not in fields]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        obj.save_as(request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # SIMPLE_HISTORY_REVERT_DISABLED only hides the button: a POST would still save the
        # past version over the record, outside any action. A past version is read, never
        # restored.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def _all_fields_read_only(model_admin, request, obj, readonly_fields) -> list[str]:
    """Every field of the model, in its order, then the admin's own read-only displays."""
    names = [f.name for f in model_admin.model._meta.fields if not f.primary_key]
    names += [f.name for f in model_admin.model._meta.many_to_many]
    declared = model_admin.fields or ()
    if declared:
        names = list(flatten_fieldsets([(None, {"fields": declared})]))
    names = [name for name in names if name not in (model_admin.exclude or ())]
    return names + [name for name in readonly_fields if name not in names]


class ActionOnlyAdmin(RecordAdmin):
    """Money and decisions are read here and changed only by their actions (decision 008).

    Every role sees the list, the record and its history; nobody adds, changes, deletes,
    runs a bulk action or restores a past version here: a change goes through its action, with
    the role check, the reason, the journal entry and the ledger entries.
    """

    form = forms.ModelForm  # nothing is edited: no version to carry

    def get_readonly_fields(self, request, obj=None):
        return _all_fields_read_only(self, request, obj, super().get_readonly_fields(request, obj))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


class ActionOnlyInline(admin.TabularInline):
    """The read-only rows of an action-only record (see ActionOnlyAdmin)."""

    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return _all_fields_read_only(self, request, obj, super().get_readonly_fields(request, obj))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


def fiscal_year_filter(field: str, title=None) -> type[admin.SimpleListFilter]:
    """A list filter on a fiscal-year column (start year), shown as « 2019-2020 »."""

    class FiscalYearFilter(admin.SimpleListFilter):
        parameter_name = field.replace("__", "_")

        def lookups(self, request, model_admin):
            years = (
                model_admin.get_queryset(request)
                .order_by()
                .values_list(field, flat=True)
                .distinct()
            )
            return [(str(y), FiscalYear(y).label) for y in sorted(set(years), reverse=True) if y]

        def queryset(self, request, queryset):
            value = self.value()
            if value and value.isdigit():
                return queryset.filter(**{field: int(value)})
            return queryset

    FiscalYearFilter.title = title or _("exercice financier")
    return FiscalYearFilter


def download_link(document, url_name: str):
    if document is None or document.pk is None:
        return "—"
    return format_html(
        '<a href="{}">{}</a>', reverse(url_name, args=[document.pk]), document.original_name
    )


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    """The journal is append-only: read-only here."""

    list_display = ("at", "action", "subject_repr", "from_state", "to_state", "actor_email")
    list_filter = ("action",)
    search_fields = ("subject_repr", "action", "organization__legal_name", "organization__neq")
    list_select_related = ("actor",)
    date_hierarchy = "at"
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    @admin.display(description=_("auteur"), ordering="actor__email")
    def actor_email(self, entry):
        return entry.actor.email if entry.actor else "—"


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    """The outbox: what was sent, what waits for the mail server, and why (`core.mail`)."""

    list_display = ("created_at", "subject", "state", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("state",)
    search_fields = ("subject", "recipients")
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser
