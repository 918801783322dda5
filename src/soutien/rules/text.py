"""French formatting for messages built by the rules (no Django, no locale)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


@lru_cache(maxsize=8192)
def french_date(day: date) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {_MONTHS[day.month - 1]} {day.year}"


def french_month(year: int, month: int) -> str:
    """« novembre 2019 »."""
    return f"{_MONTHS[month - 1]} {year}"


def french_month_label(label: str) -> str:
    """« 2019-11 » (the month of an installment in the rules' result) → « novembre 2019 »."""
    year, month = label.split("-")
    return french_month(int(year), int(month))


def french_money(amount: Decimal) -> str:
    """« 34 891 $ », « 17 654,50 $ » (narrow no-break space between thousands)."""
    exponent = amount.as_tuple().exponent
    if amount > 0 and isinstance(exponent, int) and exponent >= -2:
        # Whole cents: integer formatting gives the same text, several times faster.
        dollars, cents = divmod(int(amount * 100), 100)
        text = f"{dollars:,}".replace(",", "\u202f")
        return (f"{text},{cents:02d}" if cents else text) + "\u00a0$"
    text = f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")
    if text.endswith(",00"):
        text = text[:-3]
    return text + "\u00a0$"
