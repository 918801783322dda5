"""The yearly accountability of clause 8: what the organization owes, by when, in which form.

- The obligations of an agreement year, each with its clause.
- The period the report covers (the organization's own fiscal year) and its due date, a
  parameter of the norms marked as an assumption (`report_due_days`).
- The form of the financial report required from the Québec government funding received,
  and whether the form produced is at least that one.
- Results by sex as counts that add up, and the « moins de 5 » of published statistics.
- The ministry's indicators, a data file beside the norms (`indicators/2018-2020.toml`).
"""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from .fiscal import FiscalYear
from .norms import YearValues
from .reporting import FinancialReportType, financial_report_type
from .text import french_money as _money

INDICATORS_FILE = Path(__file__).with_name("indicators") / "2018-2020.toml"

# What the organization owes each agreement year (clause 8; the minutes: clause 3, an
# autonomous community organization accounts to its members).
OBLIGATIONS: tuple[tuple[str, str, str], ...] = (
    ("activities", "Rapport d'activité et résultats selon les sexes", "8"),
    ("funding_sources", "Autres sources de financement", "8"),
    ("financial_report", "Rapport financier annuel", "8"),
    ("related_parties", "Déclaration des sociétés apparentées", "8"),
    ("agm_minutes", "Procès-verbal de l'assemblée générale annuelle", "3"),
)

# Audit is more than a review engagement, which is more than a compilation (clause 8).
_RANK = {
    FinancialReportType.COMPILATION: 1,
    FinancialReportType.REVIEW: 2,
    FinancialReportType.AUDIT: 3,
}

# Counts below this are shown as « moins de 5 » in any published statistic.
SMALL_COUNT = 5


def form_satisfies(given: FinancialReportType, required: FinancialReportType) -> bool:
    """A report in the required form or a more demanding one meets clause 8."""
    return _RANK[given] >= _RANK[required]


@dataclass(frozen=True, slots=True)
class RequiredForm:
    """The form required and the figures it comes from, to explain it later."""

    form: FinancialReportType
    program_paid: Decimal  # this program's payments in the period, from the ledger
    other_quebec: Decimal  # declared Québec government sources
    clause: str = "8"

    @property
    def quebec_funding(self) -> Decimal:
        return self.program_paid + self.other_quebec

    def explanation(self) -> str:
        return (
            f"Sommes versées par le gouvernement du Québec pendant l'exercice de l'organisme : "
            f"{_money(self.quebec_funding)} (ce programme {_money(self.program_paid)}, autres "
            f"sources du Québec déclarées {_money(self.other_quebec)}) ; forme exigée : "
            f"{self.form.label} (clause {self.clause})."
        )


def required_form(program_paid: Decimal, other_quebec: Decimal, values: YearValues) -> RequiredForm:
    """From the Québec government funding actually received (clause 8)."""
    form = financial_report_type(program_paid + other_quebec, values)
    return RequiredForm(form, program_paid, other_quebec)


def covered_period(fiscal_year: FiscalYear, end_month: int, end_day: int) -> tuple[date, date]:
    """The organization's fiscal year that covers most of the government's fiscal year
    (reading retained with `report_due_days`): the one whose end falls within six months
    either side of March 31; on a tie, the later."""
    year = fiscal_year.start_year
    # On a tie (a year ending September 30) the later one, whose report is due later.
    candidates = [_period_ending(y, end_month, end_day) for y in (year + 1, year)]
    gov_start, gov_end = fiscal_year.starts_on, fiscal_year.ends_on

    def overlap(period: tuple[date, date]) -> int:
        start, end = max(period[0], gov_start), min(period[1], gov_end)
        return max((end - start).days + 1, 0)

    return max(candidates, key=overlap)


def _period_ending(year: int, month: int, day: int) -> tuple[date, date]:
    end = date(year, month, min(day, calendar.monthrange(year, month)[1]))
    previous = date(year - 1, month, min(day, calendar.monthrange(year - 1, month)[1]))
    return previous + timedelta(days=1), end


def report_due_on(period_end: date, values: YearValues) -> date:
    """`report_due_days` after the end of the organization's fiscal year (an assumption)."""
    return period_end + timedelta(days=int(values.report_due_days))


def counts_error(women: int, men: int, other: int, total: int) -> str | None:
    """Why the counts of one indicator are refused, or None."""
    if min(women, men, other, total) < 0:
        return "Les nombres ne peuvent pas être négatifs."
    if women + men + other != total:
        return (
            f"Les nombres selon les sexes ({women} + {men} + {other} = {women + men + other}) "
            f"ne donnent pas le total inscrit ({total})."
        )
    return None


def published_count(count: int) -> str:
    """A count as published: small counts could identify a person."""
    if 0 < count < SMALL_COUNT:
        return f"moins de {SMALL_COUNT}"
    return str(count)


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    service: str
    label: str
    clause: str


@dataclass(frozen=True, slots=True)
class Indicators:
    version: str
    assumption: str
    items: tuple[Indicator, ...]

    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)


@cache
def indicators() -> Indicators:
    data = tomllib.loads(INDICATORS_FILE.read_text(encoding="utf-8"))
    items = tuple(
        Indicator(str(i["code"]), str(i["service"]), str(i["label"]), str(i["clause"]))
        for i in data["indicators"]
    )
    if len({item.code for item in items}) != len(items):
        raise ValueError(f"{INDICATORS_FILE.name}: an indicator code appears twice")
    return Indicators(str(data["version"]), str(data["assumption"]), items)
