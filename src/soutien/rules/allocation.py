"""The allocation of an envelope among evaluated dossiers, in the order of 5.2 (pure Python).

Order: tier 1 (refugee reception), 2 (national groupings), 3 (already attached), 4 (new
attachment requests, ranked by `soutien.rules.priority.rank_new_attachment_requests` from the
territory's reference figures; a request without figures comes last in its tier). Within tiers
1 to 3 the given order (date of submission, then id) is kept.

Funding is strict (see docs/decisions/003-allocation-strict-priority.md): dossiers are funded
in that order, each for its whole evaluated amount — a floor amount is never split — and the
first dossier that does not fit stops the funding: no dossier after it is funded, even a
smaller one that would fit. Hence: if a dossier of tier t is unfunded, no dossier of a tier
greater than t (nor any later dossier of tier t) is funded. The money left (`unused`) is shown
to the manager, who may raise the envelope or revise an amount and run the allocation again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from soutien.rules.facts import Territory
from soutien.rules.priority import Tier, rank_new_attachment_requests

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class Candidate:
    key: Hashable
    tier: int
    amount: Decimal
    territory: Territory | None = None


@dataclass(frozen=True, slots=True)
class Line:
    candidate: Candidate
    position: int
    funded: bool


@dataclass(frozen=True, slots=True)
class Allocation:
    lines: tuple[Line, ...]
    available: Decimal
    requested: Decimal
    funded: Decimal
    shortfall: Decimal  # what is missing to fund every dossier
    unused: Decimal  # left in the envelope after the strict order stopped


def priority_order(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The candidates in the order of 5.2."""
    by_tier: dict[int, list[Candidate]] = {}
    for candidate in candidates:
        by_tier.setdefault(int(candidate.tier), []).append(candidate)
    ordered: list[Candidate] = []
    for tier in sorted(by_tier):
        group = by_tier[tier]
        if tier == Tier.NEW_ATTACHMENT:
            with_figures = [(c, c.territory) for c in group if c.territory is not None]
            without = [c for c in group if c.territory is None]
            ranked = rank_new_attachment_requests(
                (index, territory) for index, (_c, territory) in enumerate(with_figures)
            )
            group = [with_figures[index][0] for index in ranked] + without
        ordered.extend(group)
    return ordered


def allocate(candidates: Iterable[Candidate], available: Decimal) -> Allocation:
    available = max(available, ZERO)
    ordered = priority_order(candidates)
    remaining = available
    stopped = False
    lines = []
    for position, candidate in enumerate(ordered, start=1):
        fits = not stopped and candidate.amount <= remaining
        if fits:
            remaining -= candidate.amount
        else:
            stopped = True
        lines.append(Line(candidate, position, fits))
    requested = sum((c.amount for c in ordered), ZERO)
    funded = available - remaining
    return Allocation(
        lines=tuple(lines),
        available=available,
        requested=requested,
        funded=funded,
        shortfall=max(requested - available, ZERO),
        unused=remaining,
    )
