"""Form of the yearly financial report (clause 8) and the installments (6.2)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from .fiscal import FiscalYear
from .money import ZERO, to_cent_half_up
from .norms import YearValues


class FinancialReportType(StrEnum):
    AUDIT = "audit"  # rapport d'audit
    REVIEW = "review"  # rapport de mission d'examen
    COMPILATION = "compilation"  # compilation

    @property
    def label(self) -> str:
        return _REPORT_LABELS[self]


_REPORT_LABELS = {
    FinancialReportType.AUDIT: "Rapport d'audit signé par un CPA",
    FinancialReportType.REVIEW: "Rapport de mission d'examen signé par un CPA",
    FinancialReportType.COMPILATION: "Compilation signée par un CPA",
}


def financial_report_type(quebec_funding: Decimal, values: YearValues) -> FinancialReportType:
    """From the sums paid by the Québec government, this program included (clause 8)."""
    if quebec_funding >= values.audit_threshold:
        return FinancialReportType.AUDIT
    if quebec_funding > values.compilation_ceiling:
        return FinancialReportType.REVIEW
    return FinancialReportType.COMPILATION


class Installment(NamedTuple):
    year: int
    month: int
    amount: Decimal
    clause: str = "6.2"

    @property
    def label(self) -> str:
        """« 2019-11 »."""
        return _month_label(self.year, self.month)


@lru_cache(maxsize=8192)  # most amounts are a floor or a set amount: they recur
def installments(
    amount: Decimal, fiscal_year: FiscalYear, values: YearValues
) -> tuple[Installment, ...]:
    """Equal parts in the months of 6.2 (November, March), to the cent, adding up to `amount`."""
    if amount <= ZERO:
        return ()
    *firsts, last = values.installment_months
    part = to_cent_half_up(amount / (len(firsts) + 1))
    return (
        *[Installment(*fiscal_year.month(month), part) for month in firsts],
        Installment(*fiscal_year.month(last), amount - part * len(firsts)),
    )


@lru_cache(maxsize=1024)
def _month_label(year: int, month: int) -> str:
    return f"{year}-{month:02d}"
