"""The agreements' answers to the budget's questions (`budget.commitments`)."""

from __future__ import annotations

from django.db.models import DecimalField, Exists, OuterRef, Subquery, Sum

from .models import AgreementYear, YearState


def committed_by_agreements() -> Subquery:
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
    return Subquery(committed, output_field=DecimalField(max_digits=14, decimal_places=2))


def has_agreement_year(fiscal_year: int) -> Exists:
    return Exists(
        AgreementYear.objects.filter(
            fiscal_year=fiscal_year, agreement__application=OuterRef("application")
        )
    )
