"""When an installment may be paid (6.2), decided from plain facts.

6.2: the yearly aid is paid in two installments, in November and in March; payments depend
on the funds available and on the credits approved by the Assemblée nationale. An installment
is payable in a month when its month has come, its agreement is in force and its year
confirmed (5.4, 5.6), no suspension or termination holds it (5.5), the credits of its fiscal
year are approved, the financial system can identify its payee, and the ledger has the money:
the envelope's credits not yet paid, and the organization's commitment not yet paid.

`status` says where one installment stands, with its reason and clause; `select_payable`
takes a month's installments in order and keeps those the money covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .fiscal import FiscalYear
from .money import ZERO
from .text import french_date, french_money, french_month


class Standing(StrEnum):
    """What an organization reads (portal): « prévu », « payable », « versé », « retenu »."""

    PLANNED = "planned"
    PAYABLE = "payable"
    IN_RUN = "in_run"
    PAID = "paid"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Standing.PLANNED: "Prévu",
    Standing.PAYABLE: "Payable",
    Standing.IN_RUN: "En cours de paiement",
    Standing.PAID: "Versé",
    Standing.HELD: "Retenu",
    Standing.CANCELLED: "Annulé",
}


@dataclass(frozen=True, slots=True)
class InstallmentFacts:
    """One installment as the payment rules read it (states are the stored codes)."""

    installment_id: int
    organization_id: int
    fiscal_year: int
    stream: int
    amount: Decimal
    due_year: int
    due_month: int
    state: str  # scheduled, paid, suspended, cancelled
    agreement_state: str  # draft, active, suspended, terminated, ended
    year_number: int
    year_state: str  # planned, confirmed, withdrawn
    credits_approved: bool
    has_supplier: bool
    measure_since: date | None = None  # the suspension's or termination's effective date
    paid_on: date | None = None
    payment_number: str = ""
    in_run: str = ""  # the reference of the live run that holds it

    @property
    def due(self) -> tuple[int, int]:
        return (self.due_year, self.due_month)


@dataclass(frozen=True, slots=True)
class Status:
    standing: Standing
    reason: str
    clause: str

    @property
    def payable(self) -> bool:
        return self.standing is Standing.PAYABLE

    @property
    def text(self) -> str:
        return f"{self.reason} ({self.clause})" if self.clause else self.reason


def _since(prefix: str, day: date | None) -> str:
    return f"{prefix} depuis le {french_date(day)}" if day else prefix


def status(facts: InstallmentFacts, month: tuple[int, int]) -> Status:
    """Where the installment stands for a payment run of `month` (year, month), before the
    money is counted (`select_payable` counts it)."""
    if facts.state == "paid":
        number = f" (paiement n° {facts.payment_number})" if facts.payment_number else ""
        day = french_date(facts.paid_on) if facts.paid_on else ""
        return Status(Standing.PAID, f"Versé le {day}{number}".strip(), "6.2")
    if facts.state == "cancelled":
        return Status(Standing.CANCELLED, "Annulé : la convention a été révisée ou résiliée", "5.5")
    if facts.agreement_state == "terminated":
        when = f" le {french_date(facts.measure_since)}" if facts.measure_since else ""
        return Status(Standing.HELD, f"Convention résiliée{when}", "5.5")
    if facts.agreement_state == "suspended" or facts.state == "suspended":
        return Status(Standing.HELD, _since("Convention suspendue", facts.measure_since), "5.5")
    if facts.agreement_state == "draft":
        return Status(Standing.HELD, "Convention non signée", "5.4")
    if facts.agreement_state == "ended":
        return Status(Standing.HELD, "Convention échue", "5.4")
    if facts.year_state != "confirmed":
        return Status(
            Standing.HELD,
            f"Année {facts.year_number} de la convention non confirmée",
            "5.6",
        )
    if facts.in_run:
        return Status(Standing.IN_RUN, f"Inclus dans le lot {facts.in_run}", "6.2")
    if facts.due > month:
        return Status(
            Standing.PLANNED,
            f"Prévu pour {french_month(facts.due_year, facts.due_month)}",
            "6.2",
        )
    if not facts.credits_approved:
        label = FiscalYear(facts.fiscal_year).label
        return Status(Standing.HELD, f"Crédits {label} non approuvés", "6.2")
    if not facts.has_supplier:
        return Status(
            Standing.HELD,
            "Identification de fournisseur à inscrire par le Ministère (numéro de fournisseur "
            "et référence bancaire)",
            "",  # the ministry's own requirement, not a clause of the norms
        )
    return Status(Standing.PAYABLE, "Payable", "6.2")


@dataclass(frozen=True, slots=True)
class Selection:
    included: list[InstallmentFacts]
    excluded: list[tuple[InstallmentFacts, Status]]

    @property
    def total(self) -> Decimal:
        return sum((f.amount for f in self.included), ZERO)


def select_payable(
    installments: Iterable[InstallmentFacts],
    month: tuple[int, int],
    *,
    funds: dict[tuple[int, int], Decimal],
    commitments: dict[tuple[int, int, int], Decimal],
) -> Selection:
    """The installments payable in `month`, in the order given (oldest due first), each taken
    only while the money lasts (6.2): `funds` is what the credits of (fiscal year, stream)
    still allow to pay, `commitments` what each (organization, fiscal year, stream)
    commitment still owes. Those due later are left out silently; the others held say why."""
    funds = dict(funds)
    commitments = dict(commitments)
    included: list[InstallmentFacts] = []
    excluded: list[tuple[InstallmentFacts, Status]] = []
    for facts in installments:
        found = status(facts, month)
        if found.standing in (Standing.PAID, Standing.CANCELLED, Standing.PLANNED):
            continue
        if not found.payable:
            excluded.append((facts, found))
            continue
        envelope_key = (facts.fiscal_year, facts.stream)
        owed_key = (facts.organization_id, facts.fiscal_year, facts.stream)
        left = funds.get(envelope_key, ZERO)
        owed = commitments.get(owed_key, ZERO)
        label = FiscalYear(facts.fiscal_year).label
        if facts.amount > owed:
            excluded.append(
                (
                    facts,
                    Status(
                        Standing.HELD,
                        f"L'engagement {label} de l'organisme ne couvre plus ce versement "
                        f"(reste {french_money(max(owed, ZERO))})",
                        "6.2",
                    ),
                )
            )
            continue
        if facts.amount > left:
            excluded.append(
                (
                    facts,
                    Status(
                        Standing.HELD,
                        f"Fonds insuffisants : crédits {label}, volet {facts.stream}, "
                        f"disponibles {french_money(max(left, ZERO))}",
                        "6.2",
                    ),
                )
            )
            continue
        funds[envelope_key] = left - facts.amount
        commitments[owed_key] = owed - facts.amount
        included.append(facts)
    return Selection(included, excluded)
