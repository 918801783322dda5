from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from soutien.core.admin import ReadOnlyAdmin, RecordAdmin, fiscal_year_filter
from soutien.core.fiscal import label

from . import ledger
from .models import BudgetEnvelope, LedgerEntry


@admin.register(BudgetEnvelope)
class BudgetEnvelopeAdmin(RecordAdmin):
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


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """The ledger is read here, never written: entries come from the actions."""

    list_display = ("at", "fiscal_year", "stream", "kind", "amount", "organization", "clause")
    list_filter = (fiscal_year_filter("fiscal_year"), "stream", "kind")
    search_fields = ("source_repr", "organization__legal_name", "reason")
    list_select_related = ("organization",)
