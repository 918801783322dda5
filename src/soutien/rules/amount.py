"""The amount of the financial assistance (6.1) and its explanation."""

from __future__ import annotations

import itertools
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from .facts import Dossier, Stream
from .money import ZERO, to_dollar_down, to_dollar_half_up
from .norms import YearValues
from .text import french_money


class AmountError(ValueError):
    """The advisor's adjustment is not one the norms allow."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AmountLine(NamedTuple):
    clause: str
    label: str
    value: Decimal  # signed: the lines add up to the amount
    assumption: str | None = None  # the reading of the norms this line rests on, if any


class Amount(NamedTuple):
    amount: Decimal
    lines: tuple[AmountLine, ...]
    cap_applied: bool
    surplus_flag: bool
    # 6.1.3, second sentence: in year 2 or 3 a surplus that persists withdraws the aid in whole
    # or in part; until the withdrawal is judged, the amount is not final.
    withdrawal_required: bool = False
    final: bool = True


def volunteer_amount(refugees: int, scale: tuple[tuple[Decimal, Decimal], ...]) -> Decimal:
    """Piecewise-linear between the scale's points, flat beyond its ends (6.1.1)."""
    count = Decimal(refugees)
    if count <= scale[0][0]:
        return scale[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(scale):
        if count <= x1:
            return to_dollar_half_up(y0 + (y1 - y0) * (count - x0) / (x1 - x0))
    return scale[-1][1]


def has_surplus(dossier: Dossier, values: YearValues) -> bool:
    """Unrestricted net assets above half of total expenses (6.1.3); exactly half is not."""
    finances = dossier.finances
    return finances.unrestricted_net_assets > values.surplus_ratio * finances.total_expenses


def _stream1_base(dossier: Dossier, values: YearValues) -> list[AmountLine]:
    org = dossier.organization
    if org.refugee_reception:
        refugees = org.refugees_received_per_year
        large = refugees >= values.refugee_floor_threshold
        floor_line = _refugee_floor_line(
            values, "refugee_floor_large" if large else "refugee_floor_small", refugees
        )
    else:
        floor_line = _other_floor_line(values, org.attached_to_ministry)
    floor = floor_line.value
    lines = [floor_line]

    keeps_additional = True
    historic = org.historic_funding
    if org.transferred_from_other_ministry and historic is not None:
        historic = to_dollar_down(historic)
        if historic > floor:
            rule = values.parameter("historic_funding_keeps_additional_amount")
            keeps_additional = values.historic_funding_keeps_additional_amount
            lines.append(
                AmountLine(
                    "6.1.1, note 2",
                    f"Financement historique maintenu ({french_money(historic)}), supérieur au "
                    "seuil plancher, pour un organisme transféré d'un autre ministère",
                    historic - floor,
                    rule.assumption if org.refugee_reception else None,
                )
            )
        else:
            lines.append(
                AmountLine(
                    "6.1.1, note 2",
                    f"Financement historique ({french_money(historic)}) non supérieur au seuil "
                    "plancher : le seuil plancher s'applique",
                    ZERO,
                )
            )

    if org.refugee_reception and keeps_additional:
        lines.append(_volunteer_line(values, org.refugees_received_per_year))
    return lines


# Lines that depend on a few facts only are built once per fiscal year and count.
@lru_cache(maxsize=4096)
def _refugee_floor_line(values: YearValues, name: str, refugees: int) -> AmountLine:
    return AmountLine(
        "6.1.1",
        f"{values.parameter(name).label}, {values.fiscal_year} : {refugees} personnes réfugiées "
        "accueillies par année",
        getattr(values, name),
    )


@lru_cache(maxsize=64)
def _other_floor_line(values: YearValues, attached: bool) -> AmountLine:
    status = "" if attached else " (applicable une fois le rattachement établi)"
    return AmountLine(
        "6.1.1",
        f"{values.parameter('other_attached_floor').label}, {values.fiscal_year}{status}",
        values.other_attached_floor,
    )


@lru_cache(maxsize=4096)
def _volunteer_line(values: YearValues, refugees: int) -> AmountLine:
    return AmountLine(
        "6.1.1",
        "Montant additionnel pour la gestion des bénévoles jumelés aux familles de réfugiés "
        f"({refugees} personnes réfugiées accueillies par année)",
        volunteer_amount(refugees, values.volunteer_amount_scale),
        values.parameter("volunteer_amount_scale").assumption,
    )


def _stream2_base(dossier: Dossier) -> list[AmountLine]:
    set_amount = dossier.stream2_amount
    if set_amount is None:
        raise AmountError(
            "Le champ « stream2_amount » est requis pour le volet 2 : le montant d'un "
            "regroupement national est fixé par la conseillère ou le conseiller (clause 6.1.2)."
        )
    reason = set_amount.justification or "justification à consigner"
    return [
        AmountLine(
            "6.1.2",
            "Montant fixé selon les activités, les dépenses admissibles et l'historique de "
            f"financement du regroupement : {reason}",
            to_dollar_down(set_amount.amount),
        )
    ]


@lru_cache(maxsize=64)  # a ratio of the norms: a few per version
def _percent(ratio: Decimal) -> str:
    return f"{ratio * 100:.0f}\u00a0%"


def withdrawal_required(dossier: Dossier, surplus: bool) -> bool:
    """6.1.3, second sentence: the surplus persists in year 2 or 3 of the agreement."""
    year = dossier.agreement_year
    return surplus and year is not None and year >= 2


def compute_amount(
    dossier: Dossier, values: YearValues, *, ineligible: bool, explain: bool = True
) -> Amount:
    """The amount and its lines. `explain=False` leaves the labels of the lines that name the
    dossier's own figures empty (the values stay): for a result that writes no line."""
    surplus = has_surplus(dossier, values)
    required = withdrawal_required(dossier, surplus)
    if dossier.surplus_withdrawal is not None and not required:
        raise AmountError(
            "Le champ « surplus_withdrawal » n'est permis que pour l'année 2 ou 3 d'une "
            "convention (« agreement_year ») dont l'actif net non affecté dépasse "
            f"{_percent(values.surplus_ratio)} des dépenses totales (clause 6.1.3)."
        )
    if ineligible:
        line = AmountLine(
            "3, 4", "Organisme non admissible : aucune aide financière n'est accordée", ZERO
        )
        return Amount(
            ZERO, (line,), cap_applied=False, surplus_flag=surplus, withdrawal_required=required
        )

    if dossier.stream is Stream.NATIONAL_GROUPING:
        lines = _stream2_base(dossier)
    else:
        lines = _stream1_base(dossier, values)
    subtotal = sum((line.value for line in lines), ZERO)

    finances = dossier.finances
    if surplus and not explain:
        lines.append(AmountLine("6.1.3", "", ZERO))
    elif surplus:
        lines.append(
            AmountLine(
                "6.1.3",
                f"Actif net non affecté ({french_money(finances.unrestricted_net_assets)}) "
                f"supérieur à {_percent(values.surplus_ratio)} des dépenses totales "
                f"({french_money(finances.total_expenses)}) : le Ministère peut réviser le "
                "montant à la baisse selon les besoins réels",
                ZERO,
            )
        )
    revision = dossier.surplus_revision
    if revision is not None:
        if not surplus:
            raise AmountError(
                "Le champ « surplus_revision » n'est permis que si l'actif net non affecté "
                f"dépasse {_percent(values.surplus_ratio)} des dépenses totales (clause 6.1.3)."
            )
        reduction = min(to_dollar_down(revision.amount), subtotal)
        lines.append(
            AmountLine(
                "6.1.3",
                f"Révision à la baisse selon les besoins réels : {revision.justification}",
                -reduction,
            )
        )
        subtotal -= reduction

    cap_ratio = values.public_funding_cap_ratio
    limit = cap_ratio * finances.estimated_operating_costs - finances.other_public_funding
    cap_applied = subtotal > limit
    if cap_applied:
        capped = max(ZERO, to_dollar_down(limit))
        if not explain:
            lines.append(AmountLine("6.1.4", "", capped - subtotal))
        else:
            lines.append(
                AmountLine(
                    "6.1.4",
                    f"Cumul de l'aide publique limité à {_percent(cap_ratio)} des coûts estimés "
                    f"de fonctionnement ({french_money(finances.estimated_operating_costs)}), "
                    f"moins les autres aides du Québec et du Canada "
                    f"({french_money(finances.other_public_funding)}) : montant ramené à "
                    f"{french_money(capped)}",
                    capped - subtotal,
                )
            )
        subtotal = capped
    final = True
    if required:
        subtotal, final = _withdraw(dossier, values, lines, subtotal)
    return Amount(
        subtotal,
        tuple(lines),
        cap_applied=cap_applied,
        surplus_flag=surplus,
        withdrawal_required=required,
        final=final,
    )


def _withdraw(
    dossier: Dossier, values: YearValues, lines: list[AmountLine], subtotal: Decimal
) -> tuple[Decimal, bool]:
    """6.1.3, second sentence, after the cap: the year's aid, less what the advisor withdraws
    (never more than it); without a withdrawal the amount is provisional."""
    year = dossier.agreement_year
    withdrawal = dossier.surplus_withdrawal
    ratio = _percent(values.surplus_ratio)
    if withdrawal is None:
        lines.append(
            AmountLine(
                "6.1.3",
                f"Actif net non affecté encore supérieur à {ratio} des dépenses totales en année "
                f"{year} de la convention : l'aide doit être retirée en tout ou en partie ; "
                "montant provisoire tant que le retrait n'est pas consigné",
                ZERO,
            )
        )
        return subtotal, False
    amount = to_dollar_down(withdrawal.amount)
    if amount > subtotal:
        raise AmountError(
            f"Le retrait de « surplus_withdrawal » ({french_money(amount)}) dépasse l'aide de "
            f"l'année ({french_money(subtotal)}) : au plus l'aide entière est retirée "
            "(clause 6.1.3)."
        )
    lines.append(
        AmountLine(
            "6.1.3",
            f"Retrait de l'aide pour un surplus qui persiste en année {year} de la convention : "
            f"{withdrawal.justification}",
            -amount,
        )
    )
    return subtotal - amount, True
