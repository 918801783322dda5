from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from soutien.core.admin import ActionOnlyAdmin, ActionOnlyInline, ReadOnlyAdmin, fiscal_year_filter
from soutien.core.fiscal import label

from . import ledger
from .models import AllocationLine, AllocationRun, BudgetEnvelope, LedgerEntry


@admin.register(BudgetEnvelope)
class BudgetEnvelopeAdmin(ActionOnlyAdmin):
    """Credits are voted through open_envelope (its ledger entry): read here (decision 008)."""

    list_display = ("fiscal_year_label", "stream", "amount", "committed", "available", "state")
    list_filter = (fiscal_year_filter("fiscal_year"), "stream", "state")
    search_fields = ("notes",)

    @admin.display(description=_("exercice financier"), ordering="fiscal_year")
    def fiscal_year_label(self, envelope):
        return label(envelope.fiscal_year)

    def get_queryset(self, request):
        queryset = ledger.annotate_balance(super().get_queryset(request), "credits")
        return ledger.annotate_balance(queryset, "committed")

    @admin.display(description=_("engagé (grand livre)"))
    def committed(self, envelope):
        return envelope.ledger_committed

    @admin.display(description=_("disponible (grand livre)"))
    def available(self, envelope):
        return envelope.ledger_credits - envelope.ledger_committed


class AllocationLineInline(ActionOnlyInline):
    model = AllocationLine
    fields = ("position", "application", "tier", "amount", "funded")
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("application__organization")


@admin.register(AllocationRun)
class AllocationRunAdmin(ActionOnlyAdmin):
    """Prepared, approved and cancelled through budget.actions: read here (decision 008)."""

    list_display = (
        "pk",
        "fiscal_year_label",
        "stream",
        "state",
        "available",
        "funded",
        "shortfall",
        "created_on",
        "approved_at",
    )
    list_filter = (fiscal_year_filter("fiscal_year"), "stream", "state")
    inlines = (AllocationLineInline,)

    @admin.display(description=_("exercice financier"), ordering="fiscal_year")
    def fiscal_year_label(self, run):
        return label(run.fiscal_year)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """The ledger is read here, never written: entries come from the actions."""

    list_display = ("at", "fiscal_year", "stream", "kind", "amount", "organization", "clause")
    list_filter = (fiscal_year_filter("fiscal_year"), "stream", "kind")
    search_fields = ("source_repr", "organization__legal_name", "reason")
    list_select_related = ("organization",)
