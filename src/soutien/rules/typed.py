"""The fast reader: a dossier's JSON bytes decoded straight into typed structures (msgspec).

It accepts only what `contract.parse_dossier` accepts and builds the same `Dossier`; anything
else (a wrong type, a duplicate or unknown key, a colon inside a text, a rule of the norms)
returns None and the caller goes through the reference path, whose French message names the
field. `tests/rules/test_streaming.py` proves both paths agree (decision 011).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
from msgspec import UNSET, Struct, UnsetType

from .contract import _FISCAL_YEAR_SHAPE, _REGION_CODES, MONEY_LIMIT, DossierError, _Shape
from .eligibility import CRITERIA_BY_CODE, JUDGEABLE
from .facts import (
    NO_JUDGMENTS,
    Adjustment,
    BoardMember,
    BoardStatus,
    Dossier,
    ExcludedCategory,
    Finances,
    Judgment,
    LegalForm,
    Organization,
    RepaymentAgreement,
    Stream,
    Territory,
)
from .fiscal import FiscalYear, InvalidFiscalYear
from .money import ZERO


class _Member(Struct, gc=False, frozen=True):  # frozen: hashable, a key of _BOARD_MEMBERS
    domiciled_in_quebec: bool
    status: BoardStatus
    volunteer: bool


# msgspec has checked each member's types: it is one of these, built once.
_BOARD_MEMBERS = {
    _Member(domiciled, status, volunteer): BoardMember(domiciled, status, volunteer)
    for domiciled in (False, True)
    for status in BoardStatus
    for volunteer in (False, True)
}
_BOARD_MEMBER = _BOARD_MEMBERS.__getitem__


class _Organization(Struct, gc=False):
    legal_form: LegalForm
    incorporation_date: date
    head_office_in_quebec: bool
    majority_of_activities_in_quebec: bool
    annual_general_meeting_held: bool
    debt_to_ministry: Any  # a number or a boolean: checked below, never through a float
    repayment_agreement: RepaymentAgreement
    commitments_respected_last_3_years: bool
    board: list[_Member]
    refugee_reception: bool
    refugees_received_per_year: int
    attached_to_ministry: bool
    transferred_from_other_ministry: bool
    excluded_category: ExcludedCategory | UnsetType | None = UNSET
    historic_funding: Any = UNSET
    member_regions: list[str] | UnsetType | None = UNSET


class _Finances(Struct, gc=False):
    # Money is `Any`: msgspec's Decimal would also take a string; the contract wants a number.
    estimated_operating_costs: Any
    other_public_funding: Any
    quebec_government_funding_other: Any
    unrestricted_net_assets: Any
    total_expenses: Any


class _Revision(Struct, gc=False):
    amount: Any
    justification: str


class _Judgment(Struct, gc=False):
    met: bool
    justification: str


class _Territory(Struct, gc=False):
    attached_organizations: int
    immigrant_population: int


class _Dossier(Struct, gc=False):
    id: Any
    fiscal_year: str
    application_date: date
    stream: Any
    organization: _Organization
    finances: _Finances
    stream2_amount: Any = UNSET
    stream2_justification: str | UnsetType | None = UNSET
    surplus_revision: _Revision | UnsetType | None = UNSET
    judgments: dict[str, _Judgment] | UnsetType | None = UNSET
    territory: _Territory | UnsetType | None = UNSET
    agreement_year: Any = UNSET  # an integer 1 to 3: checked below (a boolean is not one)
    surplus_withdrawal: _Revision | UnsetType | None = UNSET


_STREAMS = {1: Stream.ORGANIZATION, 2: Stream.NATIONAL_GROUPING}
# A named tuple's own constructor is a Python function; its fields are given in order here.
_TUPLE = tuple.__new__
_COLON = ord(":")
_FISCAL_YEARS: dict[str, FiscalYear] = {}


def _keys(d: _Dossier) -> int:
    """How many keys the JSON text holds if none is repeated and none is unknown."""
    org = d.organization
    count = 6 + 13 + 5 + 3 * len(org.board)
    for value in (d.stream2_amount, d.stream2_justification, d.judgments, d.territory):
        if value is not UNSET:
            count += 1
    for value in (org.excluded_category, org.historic_funding, org.member_regions):
        if value is not UNSET:
            count += 1
    if d.agreement_year is not UNSET:
        count += 1
    for revision in (d.surplus_revision, d.surplus_withdrawal):
        if revision is not UNSET:
            count += 1 if revision is None else 3
    if type(d.territory) is _Territory:
        count += 2
    judgments = d.judgments
    if judgments:
        count += 3 * len(judgments)
    return count


# What building a Dossier raises for a dossier only the reference path can explain.
_REFUSED = (_Shape, DossierError, KeyError, TypeError, ValueError)


def read_dossier(raw: bytes | memoryview) -> Dossier | None:
    """The Dossier, or None when only the reference path can say what is wrong."""
    try:
        d = _DECODER.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    # Every key is followed by exactly one structural colon and a colon can only add to the
    # count: as many colons as keys means no key is repeated (JSON leaves that undefined and
    # the contract refuses it) and none is unknown.
    if bytes(raw).count(b":") != _keys(d):
        return None
    try:
        return _build(d)
    except _REFUSED:
        return None


def read_block(raw: bytes) -> list[Dossier] | None:
    """The Dossiers of `[` + whole dossiers' text + `]`, or None unless `read_dossier` would
    take each one of them (the caller then reads them one at a time).

    Each dossier holds at least as many colons as it has keys: the block holds exactly as
    many as its dossiers' keys only if each dossier does.
    """
    try:
        decoded = _BLOCK_DECODER.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if raw.count(b":") != sum(map(_keys, decoded)):
        return None
    try:
        return list(map(_build, decoded))
    except _REFUSED:
        return None


class _NotPlain:
    """A JSON number the typed reader leaves to the reference path (an exponent, more than two
    decimals, more than twelve digits before the point)."""


_NOT_PLAIN = _NotPlain()
_PLAIN_NUMBER = re.compile(r"-?[0-9]{1,12}(?:\.[0-9]{1,2})?").fullmatch


def _number(text: str) -> Decimal | _NotPlain:
    # msgspec hands over the number's own text: it becomes a Decimal digit for digit.
    return Decimal(text) if _PLAIN_NUMBER(text) else _NOT_PLAIN


_DECODER = msgspec.json.Decoder(_Dossier, float_hook=_number)
_BLOCK_DECODER = msgspec.json.Decoder(list[_Dossier], float_hook=_number)


def _money(value: Any, minimum: bool = True) -> Decimal:
    """As `contract._money`, in fewer steps; anything it would refuse is `_Shape` here.

    A Decimal here has at most two decimals and twelve digits before the point (`_number`).
    """
    kind = type(value)
    if kind is Decimal:  # the commonest: an amount with its cents
        if minimum and value < ZERO:
            raise _Shape
        amount: Decimal = value  # typed without typing.cast's call
        return amount
    if kind is int:
        if (minimum and value < 0) or not -MONEY_LIMIT < value < MONEY_LIMIT:
            raise _Shape
        return Decimal(value)
    raise _Shape


def _fiscal_year(label: str) -> FiscalYear:
    found = _FISCAL_YEARS.get(label)
    if found is None:
        if not _FISCAL_YEAR_SHAPE.match(label):
            raise _Shape
        try:
            found = FiscalYear.parse(label)
        except InvalidFiscalYear:
            raise _Shape from None
        if len(_FISCAL_YEARS) < 1024:
            _FISCAL_YEARS[label] = found
    return found


def _build(d: _Dossier) -> Dossier:
    identifier = d.id
    if type(identifier) is not str and type(identifier) is not int:
        raise _Shape
    stream = _STREAMS[d.stream] if type(d.stream) is int else None
    if stream is None:
        raise _Shape
    fin = d.finances
    finances = _TUPLE(
        Finances,
        (
            _money(fin.estimated_operating_costs),
            _money(fin.other_public_funding),
            _money(fin.quebec_government_funding_other),
            _money(fin.unrestricted_net_assets, minimum=False),
            _money(fin.total_expenses),
        ),
    )
    stream2_amount = None
    set_amount = d.stream2_amount
    if set_amount is not UNSET and set_amount is not None:
        set_amount = _money(set_amount)
    else:
        set_amount = None
    if stream is Stream.NATIONAL_GROUPING:
        if set_amount is None:
            raise _Shape
        justification = d.stream2_justification
        text = justification if type(justification) is str else ""
        stream2_amount = Adjustment(set_amount, text.strip())
    revision: Any = d.surplus_revision
    if revision is UNSET or revision is None:
        revision = None
    else:
        amount = _money(revision.amount)
        if not amount or not revision.justification:
            raise _Shape
        revision = Adjustment(amount, revision.justification)
    territory: Any = d.territory
    if territory is UNSET or territory is None:
        territory = None
    else:
        if territory.attached_organizations < 0 or territory.immigrant_population < 0:
            raise _Shape
        territory = Territory(territory.attached_organizations, territory.immigrant_population)
    withdrawal: Any = d.surplus_withdrawal
    if withdrawal is UNSET or withdrawal is None:
        withdrawal = None
    else:
        amount = _money(withdrawal.amount)
        if not amount or not withdrawal.justification:
            raise _Shape
        withdrawal = Adjustment(amount, withdrawal.justification)
    agreement_year = d.agreement_year
    if agreement_year is UNSET or agreement_year is None:
        agreement_year = None
    elif type(agreement_year) is not int or not 1 <= agreement_year <= 3:
        raise _Shape
    judgments = d.judgments
    return Dossier(
        id=identifier,
        fiscal_year=_fiscal_year(d.fiscal_year),
        application_date=d.application_date,
        stream=stream,
        organization=_organization(d.organization, stream),
        finances=finances,
        stream2_amount=stream2_amount,
        surplus_revision=revision,
        judgments=_judgments(judgments, stream) if judgments else NO_JUDGMENTS,
        territory=territory,
        agreement_year=agreement_year,
        surplus_withdrawal=withdrawal,
    )


def _organization(org: _Organization, stream: Stream) -> Organization:
    debt = org.debt_to_ministry
    if debt is True or debt is False:
        has_debt, debt_amount = debt, None
    else:
        debt_amount = _money(debt)
        has_debt = debt_amount > 0
    regions: Any = org.member_regions
    if regions is UNSET or regions is None:
        if stream is Stream.NATIONAL_GROUPING:
            raise _Shape
        regions = ()
    else:
        for region in regions:
            if region not in _REGION_CODES:
                raise _Shape
        regions = tuple(regions)
    if org.refugees_received_per_year < 0:
        raise _Shape
    category = org.excluded_category
    historic = org.historic_funding
    return _TUPLE(
        Organization,
        (
            org.legal_form,
            org.incorporation_date,
            org.head_office_in_quebec,
            org.majority_of_activities_in_quebec,
            org.annual_general_meeting_held,
            has_debt,
            org.repayment_agreement,
            org.commitments_respected_last_3_years,
            tuple(map(_BOARD_MEMBER, org.board)),
            org.refugee_reception,
            org.refugees_received_per_year,
            org.attached_to_ministry,
            org.transferred_from_other_ministry,
            None if category is UNSET else category,
            debt_amount,
            None if historic is UNSET or historic is None else _money(historic),
            regions,
        ),
    )


def _judgments(raw: dict[str, _Judgment], stream: Stream) -> dict[str, Judgment]:
    judgments = {}
    for code, value in raw.items():
        criterion = CRITERIA_BY_CODE.get(code)
        if criterion is None or code not in JUDGEABLE or stream not in criterion.streams:
            raise _Shape
        justification = value.justification.strip()
        if not justification:
            raise _Shape
        judgments[code] = Judgment(value.met, justification)
    return judgments
