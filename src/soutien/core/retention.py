"""Retention of records (clause 7): six years from the end of the last fiscal year they
relate to. The number of years is the norms' parameter `records_retention_years`."""

from __future__ import annotations

from datetime import date

from soutien.rules import FiscalYear, all_norms
from soutien.rules.eligibility import anniversary


def retention_years(last: FiscalYear) -> int:
    """From the norms that cover `last`, else the latest norms (clause 7)."""
    norms = all_norms()
    covering = [n for n in norms if last in n.fiscal_years] or list(norms)
    parameter = covering[-1].parameters["records_retention_years"]
    applicable = [value for effective, value in parameter.values if effective <= last.ends_on]
    return int(applicable[-1] if applicable else parameter.values[0][1])


def retention_until(last: FiscalYear) -> date:
    """The day until which a record of fiscal year `last` is kept (clause 7)."""
    return anniversary(last.ends_on, retention_years(last))
