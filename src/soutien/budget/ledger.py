"""The program's one ledger: written by the actions, read by every page, export and PDF.

Each action that moves money calls one of the functions below inside its own transaction;
the figures shown anywhere are the sums of `balances()`. Amounts are positive; the kind says
which balance an entry moves (see `_SIGNS`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, DecimalField, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from soutien.core import clock
from soutien.rules import FiscalYear
from soutien.rules.text import french_money

from .models import BudgetEnvelope, LedgerEntry, LedgerKind

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)

# Each balance: the kinds that raise it (+1) and lower it (-1).
_SIGNS: dict[str, dict[str, int]] = {
    "credits": {LedgerKind.CREDITS: 1, LedgerKind.CREDITS_REDUCED: -1},
    "committed": {LedgerKind.COMMITMENT: 1, LedgerKind.INCREASE: 1, LedgerKind.RELEASE: -1},
    "paid": {LedgerKind.PAYMENT: 1},
    "held": {LedgerKind.HOLD: 1, LedgerKind.HOLD_RELEASED: -1},
    "claimed": {LedgerKind.CLAIM: 1},
    "recovered": {LedgerKind.RECOVERY: 1},
    # What releases gave back (« Dégagé »); `committed` already nets it.
    "released": {LedgerKind.RELEASE: 1},
}


@dataclass(frozen=True, slots=True)
class Balance:
    """The money of a fiscal year and stream (or of one organization's part of it)."""

    credits: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    held: Decimal = ZERO
    claimed: Decimal = ZERO
    recovered: Decimal = ZERO
    released: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        """Voted credits not committed (6.2: payments depend on available funds)."""
        return self.credits - self.committed

    @property
    def to_pay(self) -> Decimal:
        return self.committed - self.paid

    @property
    def to_recover(self) -> Decimal:
        return self.claimed - self.recovered

    @property
    def over_committed(self) -> Decimal:
        return max(self.committed - self.credits, ZERO)


def _signed_amount(name: str) -> Case:
    """The entries' amounts as they move the balance `name` (0 for the other kinds)."""
    whens = [
        When(kind=kind, then="amount" if sign > 0 else models.F("amount") * -1)
        for kind, sign in _SIGNS[name].items()
    ]
    return Case(*whens, default=Value(ZERO), output_field=MONEY)


def _by_kind(entries: models.QuerySet, *fields: str) -> models.QuerySet:
    """The entries' amounts summed per kind (and per `fields`): one small grouped query."""
    return entries.order_by().values(*fields, "kind").annotate(sum=Sum("amount"))


def _balance_of(entries: models.QuerySet) -> Balance:
    return _fold({row["kind"]: row["sum"] for row in _by_kind(entries)})


def _fold(sums: dict[str, Decimal]) -> Balance:
    """Each balance from the sums per kind, by the signs of `_SIGNS`."""
    return Balance(
        **{
            name: sum((sign * sums.get(kind, ZERO) for kind, sign in signs.items()), ZERO)
            for name, signs in _SIGNS.items()
        }
    )


def balance(**filters) -> Balance:
    """One balance over the entries matching `filters` (fiscal_year, stream, organization…)."""
    return _balance_of(LedgerEntry.objects.filter(**filters))


def total(entries: models.QuerySet, name: str) -> Decimal:
    """The balance `name` moved by `entries`, a selection of the ledger (a list's filters),
    in one grouped query."""
    return getattr(_balance_of(entries), name)


def balances(
    group_by: Iterable[str] = ("fiscal_year", "stream"), **filters
) -> dict[tuple, Balance]:
    """Balances grouped by `group_by` fields, in one query: {(values…): Balance}."""
    fields = tuple(group_by)
    sums: dict[tuple, dict[str, Decimal]] = {}
    for row in _by_kind(LedgerEntry.objects.filter(**filters), *fields):
        sums.setdefault(tuple(row[f] for f in fields), {})[row["kind"]] = row["sum"]
    return {key: _fold(by_kind) for key, by_kind in sums.items()}


def commitment_of(organization_id: int, fiscal_year: int, stream: int) -> LedgerEntry | None:
    return LedgerEntry.objects.filter(
        organization_id=organization_id,
        fiscal_year=fiscal_year,
        stream=stream,
        kind=LedgerKind.COMMITMENT,
    ).first()


def lock_envelope(fiscal_year: int, stream: int) -> BudgetEnvelope | None:
    """Lock the envelope's row: two commitments of one year and stream are taken in turn."""
    return (
        BudgetEnvelope.objects.select_for_update()
        .filter(fiscal_year=fiscal_year, stream=stream)
        .first()
    )


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("A ledger entry is written inside its action's transaction.")


def write(
    kind: str,
    amount: Decimal,
    *,
    fiscal_year: int,
    stream: int,
    source: models.Model,
    by,
    at: datetime,
    clause: str,
    reason: str = "",
    organization_id: int | None = None,
    application_id: int | None = None,
    on: date | None = None,
) -> LedgerEntry | None:
    """Append one entry (none for a zero amount). Call inside the action's transaction."""
    _require_transaction()
    amount = Decimal(amount)
    if amount == ZERO:
        return None
    if amount < ZERO:
        raise ValueError("Ledger amounts are positive; the kind gives the direction.")
    entry = LedgerEntry(
        fiscal_year=fiscal_year,
        stream=stream,
        kind=kind,
        amount=amount,
        on=on or clock.localdate_of(at),
        at=at,
        organization_id=organization_id,
        application_id=application_id,
        source_type=ContentType.objects.get_for_model(source),
        source_id=source.pk,
        source_repr=str(source)[:300],
        actor=by if getattr(by, "pk", None) else None,
        clause=clause,
        reason=reason,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:
        raise ValidationError(_duplicate_message(kind), code="ledger_duplicate") from error
    return entry


def _duplicate_message(kind: str) -> str:
    if kind == LedgerKind.COMMITMENT:
        return _(
            "Cet organisme a déjà un engagement pour cet exercice financier et ce volet, ou "
            "ce dossier est déjà financé : l'aide n'est pas engagée deux fois (5.2, 5.6)."
        )
    if kind == LedgerKind.PAYMENT:
        return _("Ce versement est déjà payé : il ne l'est pas deux fois (6.2).")
    return _("Cette écriture existe déjà au grand livre.")


def commit_to(
    target: Decimal,
    *,
    organization_id: int,
    fiscal_year: int,
    stream: int,
    application_id: int | None,
    source: models.Model,
    by,
    at: datetime,
    clause: str,
    reason: str = "",
    over_credits_reason: str = "",
) -> Decimal:
    """Bring the organization's commitment for the year and stream to `target`: the first
    commitment, then increases and releases. Beyond the available credits, only with a
    person's reason. Returns the change (positive, negative or zero)."""
    _require_transaction()
    lock_envelope(fiscal_year, stream)
    existing = commitment_of(organization_id, fiscal_year, stream)
    if (
        existing is not None
        and application_id is not None
        and existing.application_id not in (None, application_id)
    ):
        raise ValidationError(
            _(
                "Cet organisme a déjà un engagement pour l'exercice %(fiscal_year)s, volet "
                "%(stream)s (%(source)s) : une seconde aide n'est pas engagée pour la même "
                "année (5.4, 5.6)."
            )
            % {
                "fiscal_year": FiscalYear(fiscal_year).label,
                "stream": stream,
                "source": existing.source_repr,
            },
            code="already_committed",
        )
    current = (
        balance(organization_id=organization_id, fiscal_year=fiscal_year, stream=stream).committed
        if existing is not None
        else ZERO
    )
    change = Decimal(target) - current
    if change > ZERO:
        year = balance(fiscal_year=fiscal_year, stream=stream)
        if change > year.available and not over_credits_reason.strip():
            raise ValidationError(
                {
                    "over_credits_reason": _(
                        "Les crédits disponibles de l'exercice %(fiscal_year)s, volet "
                        "%(stream)s (%(available)s) ne couvrent pas cet engagement "
                        "(%(amount)s) : indiquez le motif pour lequel vous l'engagez quand même "
                        "(6.2)."
                    )
                    % {
                        "fiscal_year": FiscalYear(fiscal_year).label,
                        "stream": stream,
                        "available": french_money(max(year.available, ZERO)),
                        "amount": french_money(change),
                    }
                },
                code="over_credits",
            )
        if change > year.available:
            reason = "\n".join(r for r in (reason, over_credits_reason.strip()) if r)
    if change == ZERO and existing is not None:
        return ZERO
    common = {
        "fiscal_year": fiscal_year,
        "stream": stream,
        "source": source,
        "by": by,
        "at": at,
        "clause": clause,
        "reason": reason,
        "organization_id": organization_id,
    }
    if existing is None:
        write(LedgerKind.COMMITMENT, change, application_id=application_id, **common)
    elif change > ZERO:
        write(LedgerKind.INCREASE, change, **common)
    elif change < ZERO:
        write(LedgerKind.RELEASE, -change, **common)
    return change


def credits_of(fiscal_year: int, stream: int) -> Decimal:
    return balance(fiscal_year=fiscal_year, stream=stream).credits


def funded_applications(application_ids: Iterable[int]) -> set[int]:
    """Those of `application_ids` that the ledger already funds."""
    return set(
        LedgerEntry.objects.filter(
            kind=LedgerKind.COMMITMENT, application_id__in=list(application_ids)
        ).values_list("application_id", flat=True)
    )


def annotate_balance(queryset, name: str, *, fiscal_year="fiscal_year", stream="stream"):
    """Annotate each row of `queryset` with the ledger balance `name` of its fiscal year and
    stream (one subquery: a list stays at a constant number of queries)."""
    total = (
        LedgerEntry.objects.filter(
            fiscal_year=models.OuterRef(fiscal_year), stream=models.OuterRef(stream)
        )
        .order_by()
        .values("fiscal_year")
        .annotate(total=Sum(_signed_amount(name)))
        .values("total")
    )
    return queryset.annotate(
        **{f"ledger_{name}": Coalesce(models.Subquery(total), Value(ZERO), output_field=MONEY)}
    )
