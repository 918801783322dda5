"""A draft version of the norms against the one in force: clause by clause, then a campaign
replayed under both (pure: the caller brings the frozen facts and the credits).

Nothing here decides: the figures say what the draft would change (5.2, 6.1), no more.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from .allocation import Allocation, Candidate, allocate
from .amount import AmountError
from .contract import DossierError, parse_dossier
from .eligibility import Eligibility
from .evaluation import evaluate
from .facts import Territory
from .norms import NoNormsInForce, Norms, NormsFileError

ZERO = Decimal("0")


# ---------------------------------------------------------------------------------------------
# Clause by clause.


class ParameterChange(NamedTuple):
    name: str
    clause: str
    label: str
    unit: str
    before: tuple[tuple[str, str], ...]  # (effective date, value as shown), in date order
    after: tuple[tuple[str, str], ...]
    changed: bool
    clause_before: str = ""  # when the draft moves the parameter to another clause


def shown(value: Any, unit: str) -> str:
    """A parameter's value as the comparison shows it."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        if value and all(isinstance(p, list) for p in value):
            return " ; ".join(f"{p[0]} → {p[1]} $" for p in value)
        return ", ".join(str(v) for v in value)
    return f"{value} $" if unit == "$" else f"{value}"


def _dated(norms: Norms | None, name: str) -> tuple[tuple[str, str], ...]:
    if norms is None or name not in norms.parameters:
        return ()
    parameter = norms.parameters[name]
    return tuple((day.isoformat(), shown(v, parameter.unit)) for day, v in parameter.values)


def compare_norms(base: Norms, draft: Norms) -> list[ParameterChange]:
    """Each parameter of either version, in the order of the version in force."""
    names = list(base.parameters) + [n for n in draft.parameters if n not in base.parameters]
    changes = []
    for name in names:
        now, then = base.parameters.get(name), draft.parameters.get(name)
        spec = then or now
        assert spec is not None
        before, after = _dated(base, name), _dated(draft, name)
        moved = now is not None and then is not None and now.clause != then.clause
        changed = (
            before != after
            or moved
            or (now is not None and then is not None and now.label != then.label)
        )
        changes.append(
            ParameterChange(
                name,
                spec.clause,
                spec.label,
                spec.unit,
                before,
                after,
                changed,
                now.clause if moved and now is not None else "",
            )
        )
    return changes


# ---------------------------------------------------------------------------------------------
# The campaign replayed.


class Replayable(NamedTuple):
    key: Hashable  # the evaluation's id
    label: str  # what the manager reads: the application's reference and organization
    region: str  # the organization's region (grouping only)
    facts: Any  # the frozen dossier JSON (Evaluation.facts)
    territory: Territory | None = None  # figures that rank a new attachment request (5.2)


class Outcome(NamedTuple):
    eligibility: str
    tier: int
    amount: Decimal
    funded: bool


class Replayed(NamedTuple):
    key: Hashable
    label: str
    region: str
    before: Outcome
    after: Outcome

    @property
    def changed(self) -> bool:
        return self.before != self.after


class NotReplayed(NamedTuple):
    key: Hashable
    label: str
    reason: str


class WhatIf(NamedTuple):
    dossiers: tuple[Replayed, ...]
    not_replayed: tuple[NotReplayed, ...]
    before: Allocation
    after: Allocation


def _outcome(dossier: Any, norms: Norms) -> tuple[str, int, Decimal]:
    values = norms.values_for(dossier.fiscal_year)
    result = evaluate(dossier, explain=False, values=values)
    return result.eligibility.value, int(result.priority.tier), result.amount.amount


def _candidates(rows: list[tuple[Replayable, tuple[str, int, Decimal]]]) -> list[Candidate]:
    return [
        Candidate(item.key, tier, amount, item.territory)
        for item, (eligibility, tier, amount) in rows
        if eligibility == Eligibility.ELIGIBLE.value and amount > 0
    ]


def replay(items: Iterable[Replayable], *, base: Norms, draft: Norms, available: Decimal) -> WhatIf:
    """Every dossier under both versions, then the allocation of `available` under each."""
    before_rows, after_rows, not_replayed = [], [], []
    for item in items:
        if item.facts is None:
            not_replayed.append(NotReplayed(item.key, item.label, "Aucun fait figé."))
            continue
        try:
            dossier = parse_dossier(item.facts)
            before = _outcome(dossier, base)
            after = _outcome(dossier, draft)
        except (DossierError, NoNormsInForce, AmountError) as error:
            not_replayed.append(NotReplayed(item.key, item.label, error.message))
            continue
        except NormsFileError as error:
            not_replayed.append(NotReplayed(item.key, item.label, str(error)))
            continue
        before_rows.append((item, before))
        after_rows.append((item, after))
    first = allocate(_candidates(before_rows), available)
    second = allocate(_candidates(after_rows), available)
    funded_before = {line.candidate.key for line in first.lines if line.funded}
    funded_after = {line.candidate.key for line in second.lines if line.funded}
    dossiers = tuple(
        Replayed(
            item.key,
            item.label,
            item.region,
            Outcome(*b, item.key in funded_before),
            Outcome(*a, item.key in funded_after),
        )
        for (item, b), (_i, a) in zip(before_rows, after_rows, strict=True)
    )
    return WhatIf(dossiers, tuple(not_replayed), first, second)


class Total(NamedTuple):
    dossiers: int  # eligible with an amount
    amount: Decimal
    funded_dossiers: int
    funded: Decimal


def totals(dossiers: Iterable[Replayed], by: str) -> dict[str, tuple[Total, Total]]:
    """(before, after) by tier (`by="tier"`) or region (`by="region"`), in key order."""
    sums: dict[str, list[list[Any]]] = {}
    for dossier in dossiers:
        for side, outcome in enumerate((dossier.before, dossier.after)):
            key = str(outcome.tier) if by == "tier" else dossier.region
            cell = sums.setdefault(key, [[0, ZERO, 0, ZERO], [0, ZERO, 0, ZERO]])[side]
            if outcome.eligibility == Eligibility.ELIGIBLE.value and outcome.amount > 0:
                cell[0] += 1
                cell[1] += outcome.amount
            if outcome.funded:
                cell[2] += 1
                cell[3] += outcome.amount
    return {key: (Total(*sums[key][0]), Total(*sums[key][1])) for key in sorted(sums)}
