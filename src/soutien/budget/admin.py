from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from soutien.core.admin import RecordAdmin, fiscal_year_filter
from soutien.core.fiscal import label

from .models import BudgetEnvelope


@admin.register(BudgetEnvelope)
class BudgetEnvelopeAdmin(RecordAdmin):
    list_display = ("fiscal_year_label", "stream", "amount", "committed", "available", "state")
    list_filter = (fiscal_year_filter("fiscal_year"), "stream", "state")
    search_fields = ("notes",)

    def get_queryset(self, request):
        return super().get_queryset(request).with_commitments()

    @admin.display(description=_("exercice financier"), ordering="fiscal_year")
    def fiscal_year_label(self, envelope):
        return label(envelope.fiscal_year)

    @admin.display(description=_("engagé par les conventions"), ordering="committed")
    def committed(self, envelope):
        return envelope.committed

    @admin.display(description=_("disponible"))
    def available(self, envelope):
        return envelope.amount - envelope.committed
