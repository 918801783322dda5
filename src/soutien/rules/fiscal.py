"""The government of Québec's fiscal year: April 1 to March 31."""

from __future__ import annotations

import re
from datetime import date

from msgspec import Struct

_LABEL = re.compile(r"^(\d{4})-(\d{4})$")


class InvalidFiscalYear(ValueError):
    """The text is not a fiscal year such as « 2019-2020 »."""


class FiscalYear(Struct, frozen=True, order=True, gc=False):  # a Struct: see facts.py
    """Fiscal year starting April 1 of `start_year`, ending March 31 of the next year."""

    start_year: int

    @classmethod
    def parse(cls, label: str) -> FiscalYear:
        match = _LABEL.match(label) if isinstance(label, str) else None
        if not match or int(match[2]) != int(match[1]) + 1:
            raise InvalidFiscalYear(label)
        return cls(int(match[1]))

    @classmethod
    def containing(cls, day: date) -> FiscalYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def ends_on(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"

    def month(self, month: int) -> tuple[int, int]:
        """(year, month) of a calendar month within this fiscal year."""
        return (self.start_year if month >= 4 else self.start_year + 1, month)

    def __add__(self, years: int) -> FiscalYear:
        return FiscalYear(self.start_year + years)

    def __str__(self) -> str:
        return self.label
