"""Named roundings. Amounts of the program are whole dollars; installments are to the cent."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

DOLLAR = Decimal("1")
CENT = Decimal("0.01")
ZERO = Decimal("0")


def to_dollar_half_up(amount: Decimal) -> Decimal:
    """Nearest dollar, halves up: for amounts the norms scale (6.1.1)."""
    return amount.quantize(DOLLAR, rounding=ROUND_HALF_UP)


def to_dollar_down(amount: Decimal) -> Decimal:
    """Whole dollars, never above: for capped or advisor-set amounts."""
    return amount.quantize(DOLLAR, rounding=ROUND_DOWN)


def to_cent_half_up(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
