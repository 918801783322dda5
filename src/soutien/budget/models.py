"""Budget envelopes per government fiscal year and stream, and what agreements commit."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from soutien.core import fiscal
from soutien.core.models import Record, ScopedQuerySet
from soutien.core.workflow import Transition, Workflow
from soutien.rules import FiscalYear

ZERO = Decimal("0")


class State(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    APPROVED = "approved", _("Crédits approuvés")
    CLOSED = "closed", _("Fermée")


WORKFLOW = Workflow(
    "budget_envelope",
    State,
    initial=State.DRAFT,
    transitions=[
        Transition("approve", (State.DRAFT,), State.APPROVED, "budget_envelope.approved"),
        Transition("close", (State.APPROVED,), State.CLOSED, "budget_envelope.closed"),
    ],
)


class EnvelopeQuerySet(ScopedQuerySet):
    def with_commitments(self):
        """Annotate `committed`: the amounts of agreement years of the same year and stream."""
        from soutien.agreements.models import AgreementYear, YearState

        committed = (
            AgreementYear.objects.filter(
                fiscal_year=OuterRef("fiscal_year"),
                agreement__stream=OuterRef("stream"),
            )
            .exclude(state=YearState.WITHDRAWN)
            .order_by()
            .values("fiscal_year")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        money = DecimalField(max_digits=14, decimal_places=2)
        return self.annotate(
            committed=Coalesce(
                Subquery(committed, output_field=money), Value(ZERO), output_field=money
            )
        )


class BudgetEnvelope(Record):
    fiscal_year = fiscal.fiscal_year_field()
    stream = models.PositiveSmallIntegerField(
        _("volet"), choices=[(1, _("Volet 1")), (2, _("Volet 2"))]
    )
    amount = models.DecimalField(_("enveloppe"), max_digits=14, decimal_places=2)
    state = models.CharField(
        _("état"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False
    )
    notes = models.TextField(_("notes"), blank=True)
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = EnvelopeQuerySet.as_manager()
    scope_path: ClassVar[str | None] = None  # ministry staff only
    workflow: ClassVar[Workflow] = WORKFLOW

    class Meta:
        verbose_name = _("enveloppe budgétaire")
        verbose_name_plural = _("enveloppes budgétaires")
        ordering = ["-fiscal_year", "stream"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "stream"],
                name="budget_envelope_unique_year_stream",
                violation_error_message=_(
                    "Une enveloppe existe déjà pour cet exercice financier et ce volet."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_envelope_amount_not_negative",
                violation_error_message=_("L'enveloppe ne peut pas être négative."),
            ),
            fiscal.fiscal_year_check("fiscal_year", "budget_envelope_fiscal_year_range"),
        ]

    def __str__(self):
        return _("Enveloppe %(fiscal_year)s, volet %(stream)s") % {
            "fiscal_year": fiscal.label(self.fiscal_year),
            "stream": self.stream,
        }

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.fiscal_year)
