"""French formatting for messages built by the rules (no Django, no locale)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def french_date(day: date) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {_MONTHS[day.month - 1]} {day.year}"


def french_money(amount: Decimal) -> str:
    """« 34 891 $ », « 17 654,50 $ » (narrow no-break space between thousands)."""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    whole, _, cents = f"{amount:.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = "\u202f".join(groups)
    if cents != "00":
        text += "," + cents
    return f"{sign}{text}\u00a0$"
