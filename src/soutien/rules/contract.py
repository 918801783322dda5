"""The JSON contract of `soutien-mission evaluate`: dossier in, result out.

Input is validated against the published JSON Schema (schema/dossier.schema.json, copied to
docs/); every refusal is a French sentence naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from .amount import AmountError
from .eligibility import CRITERIA_BY_CODE, JUDGEABLE
from .evaluation import Evaluation, evaluate
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
from .money import CENT, ZERO
from .norms import NoNormsInForce
from .priority import Tier, attachment_rank_key

if TYPE_CHECKING:
    import fastjsonschema

SCHEMA_PATH = Path(__file__).with_name("schema") / "dossier.schema.json"
# msgspec reads it as json would (same objects, same key order), without importing json.
SCHEMA = msgspec.json.decode(SCHEMA_PATH.read_bytes())
_compiled: list[Callable[[Any], Any]] = []


def _validate(data: Any) -> Any:
    """The published schema's check, compiled on first use: only a refused dossier needs it
    (compiling costs more than the whole start-up of the command)."""
    if not _compiled:
        import fastjsonschema

        _compiled.append(fastjsonschema.compile(SCHEMA))
    return _compiled[0](data)


_FISCAL_YEAR_SHAPE = re.compile(SCHEMA["properties"]["fiscal_year"]["pattern"])
MONEY_LIMIT = 10**12  # a trillion dollars: beyond any real figure

# Enum members by value: the schema has already checked the values.
_STREAMS = {m.value: m for m in Stream}
_LEGAL_FORMS = {m.value: m for m in LegalForm}
_CATEGORIES = {m.value: m for m in ExcludedCategory}
_REPAYMENTS = {m.value: m for m in RepaymentAgreement}
_BOARD_STATUSES = {m.value: m for m in BoardStatus}


class DossierError(ValueError):
    """The dossier cannot be evaluated; the message is French and names the field."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_TYPE_NAMES = {
    "string": "une chaîne de caractères",
    "integer": "un nombre entier",
    "number": "un nombre",
    "boolean": "vrai ou faux (true ou false)",
    "object": "un objet JSON",
    "array": "une liste",
    "null": "null",
}
_PATTERN_HINTS = {
    "fiscal_year": "un exercice financier de la forme « 2019-2020 »",
    "member_regions": "un code de région administrative, de « 01 » à « 17 »",
}


def _is_index(part: object) -> bool:
    return isinstance(part, int) or (isinstance(part, str) and part.isdigit())


def _field(path: Sequence[object]) -> str:
    """« organization.board[0].status » from fastjsonschema's ['data', 'organization', ...]."""
    text = ""
    for part in path[1:]:
        text += f"[{part}]" if _is_index(part) else (f".{part}" if text else str(part))
    return text


def _schema_message(error: fastjsonschema.JsonSchemaValueException) -> str:
    name = _field(error.path)
    rule, definition = error.rule, error.rule_definition
    if rule == "required":
        missing = [key for key in definition if key not in (error.value or {})]
        prefix = f"{name}." if name else ""
        return f"Le champ « {prefix}{missing[0]} » est requis."
    subject = f"Le champ « {name} »" if name else "Le dossier"
    if rule == "type":
        kinds = definition if isinstance(definition, list) else [definition]
        return f"{subject} doit être " + " ou ".join(_TYPE_NAMES[k] for k in kinds) + "."
    if rule == "enum":
        allowed = ", ".join("null" if v is None else str(v) for v in definition)
        return f"{subject} doit valoir l'une des valeurs suivantes : {allowed}."
    if rule == "minimum":
        return f"{subject} doit être supérieur ou égal à {definition}."
    if rule == "exclusiveMinimum":
        return f"{subject} doit être supérieur à {definition}."
    if rule == "minLength":
        return f"{subject} ne peut pas être vide."
    if rule == "format" and definition == "date":
        return f"{subject} doit être une date qui existe, au format AAAA-MM-JJ."
    if rule == "pattern":
        key = next((p for p in reversed(error.path) if not _is_index(p)), "")
        return f"{subject} doit être {_PATTERN_HINTS.get(key, 'au format attendu')}."
    return f"{subject} est invalide."


class _Shape(Exception):
    """The data does not have the schema's shape; the schema will say where and why."""


_DATE_SHAPE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_REGION_CODES = frozenset(f"{n:02d}" for n in range(1, 18))


def _bool(value: Any) -> bool:
    if value is True or value is False:
        return value
    raise _Shape


def _count(value: Any) -> int:
    if type(value) is int and value >= 0:
        return value
    raise _Shape


def _date(value: Any) -> date:
    if type(value) is not str or not _DATE_SHAPE.match(value):
        raise _Shape
    return date.fromisoformat(value)  # ValueError (no such day): the schema explains


def _money(value: Any, name: str, minimum: Decimal | None = ZERO) -> Decimal:
    """A JSON number as read (int or Decimal, never a float): dollars, at most two decimals."""
    kind = type(value)
    if kind is int:
        amount = Decimal(value)
    elif kind is Decimal:
        amount = value
    else:
        raise _Shape
    if minimum is not None and amount < minimum:
        raise _Shape
    if not -MONEY_LIMIT < amount < MONEY_LIMIT:
        raise DossierError(f"Le champ « {name} » dépasse le montant maximal accepté.")
    if kind is Decimal and amount != amount.quantize(CENT):
        raise DossierError(f"Le champ « {name} » doit être un montant avec au plus deux décimales.")
    return amount


def _board_member(member: Any) -> BoardMember:
    domiciled, volunteer = member["domiciled_in_quebec"], member["volunteer"]
    if (domiciled is not True and domiciled is not False) or (
        volunteer is not True and volunteer is not False
    ):
        raise _Shape
    return BoardMember(domiciled, _BOARD_STATUSES[member["status"]], volunteer)


def _text(value: Any) -> str:
    if type(value) is str and value:
        return value
    raise _Shape


def parse_dossier(data: Any) -> Dossier:
    """A frozen Dossier, or DossierError with a French message naming the field.

    The dossier is read and checked in one pass; anything not of the published schema's
    shape is then validated against the schema, whose error names the field. Tests prove
    that this pass accepts exactly what the schema accepts.
    """
    try:
        return _build(data)
    except (_Shape, KeyError, TypeError, AttributeError, ValueError) as error:
        if isinstance(error, DossierError):
            raise
    import fastjsonschema  # loaded with the schema, on the first refusal

    try:
        _validate(data)
    except fastjsonschema.JsonSchemaValueException as error:
        raise DossierError(_schema_message(error)) from None
    raise DossierError("Le dossier ne respecte pas le schéma publié.")  # not reached: see tests


def _build(data: Any) -> Dossier:
    identifier = data["id"]
    if type(identifier) is not str and type(identifier) is not int:
        raise _Shape
    label = data["fiscal_year"]
    if type(label) is not str or not _FISCAL_YEAR_SHAPE.match(label):
        raise _Shape
    try:
        fiscal_year = FiscalYear.parse(label)
    except InvalidFiscalYear:
        raise DossierError(
            "Le champ « fiscal_year » doit nommer deux années consécutives, par exemple "
            "« 2019-2020 »."
        ) from None
    application_date = _date(data["application_date"])
    stream = _STREAMS[data["stream"]] if type(data["stream"]) is int else None
    if stream is None:
        raise _Shape
    organization = _organization(data["organization"], stream)
    fin = data["finances"]
    finances = Finances(
        estimated_operating_costs=_money(
            fin["estimated_operating_costs"], "finances.estimated_operating_costs"
        ),
        other_public_funding=_money(fin["other_public_funding"], "finances.other_public_funding"),
        quebec_government_funding_other=_money(
            fin["quebec_government_funding_other"], "finances.quebec_government_funding_other"
        ),
        unrestricted_net_assets=_money(
            fin["unrestricted_net_assets"], "finances.unrestricted_net_assets", minimum=None
        ),
        total_expenses=_money(fin["total_expenses"], "finances.total_expenses"),
    )

    stream2_amount = None
    set_amount = data.get("stream2_amount")
    justification = data.get("stream2_justification")
    if justification is not None and type(justification) is not str:
        raise _Shape
    if set_amount is not None:
        set_amount = _money(set_amount, "stream2_amount")
    if stream is Stream.NATIONAL_GROUPING:
        if set_amount is None:
            raise DossierError(
                "Le champ « stream2_amount » est requis pour le volet 2 : le montant d'un "
                "regroupement national est fixé par la conseillère ou le conseiller "
                "(clause 6.1.2)."
            )
        stream2_amount = Adjustment(set_amount, (justification or "").strip())

    revision = data.get("surplus_revision")
    if revision is not None:
        amount = _money(revision["amount"], "surplus_revision.amount")
        if not amount:
            raise _Shape  # exclusiveMinimum 0
        revision = Adjustment(amount, _text(revision["justification"]))
    withdrawal = data.get("surplus_withdrawal")
    if withdrawal is not None:
        amount = _money(withdrawal["amount"], "surplus_withdrawal.amount")
        if not amount:
            raise _Shape  # exclusiveMinimum 0
        withdrawal = Adjustment(amount, _text(withdrawal["justification"]))
    agreement_year = data.get("agreement_year")
    if agreement_year is not None and (
        type(agreement_year) is not int or not 1 <= agreement_year <= 3
    ):
        raise DossierError(
            "Le champ « agreement_year » est l'année de la convention : 1, 2 ou 3 (clause 5.4)."
        )
    territory = data.get("territory")
    if territory is not None:
        territory = Territory(
            _count(territory["attached_organizations"]),
            _count(territory["immigrant_population"]),
        )
    judgments = data.get("judgments")
    return Dossier(
        id=identifier,
        fiscal_year=fiscal_year,
        application_date=application_date,
        stream=stream,
        organization=organization,
        finances=finances,
        stream2_amount=stream2_amount,
        surplus_revision=revision,
        judgments=NO_JUDGMENTS if judgments is None else _judgments(judgments, stream),
        territory=territory,
        agreement_year=agreement_year,
        surplus_withdrawal=withdrawal,
    )


def _organization(org: Any, stream: Stream) -> Organization:
    debt = org["debt_to_ministry"]
    if debt is True or debt is False:
        has_debt, debt_amount = debt, None
    else:
        debt_amount = _money(debt, "organization.debt_to_ministry")
        has_debt = debt_amount > 0
    regions = org.get("member_regions")
    if regions is not None:
        if type(regions) is not list or not all(
            type(r) is str and r in _REGION_CODES for r in regions
        ):
            raise _Shape
        regions = tuple(regions)
    elif stream is Stream.NATIONAL_GROUPING:
        raise DossierError(
            "Le champ « organization.member_regions » est requis pour le volet 2 "
            "(Volet 2, clause 2.3)."
        )
    board = org["board"]
    if type(board) is not list:
        raise _Shape
    category = org.get("excluded_category")
    historic = org.get("historic_funding")
    return Organization(
        legal_form=_LEGAL_FORMS[org["legal_form"]],
        incorporation_date=_date(org["incorporation_date"]),
        head_office_in_quebec=_bool(org["head_office_in_quebec"]),
        majority_of_activities_in_quebec=_bool(org["majority_of_activities_in_quebec"]),
        annual_general_meeting_held=_bool(org["annual_general_meeting_held"]),
        has_debt_to_ministry=has_debt,
        debt_amount=debt_amount,
        repayment_agreement=_REPAYMENTS[org["repayment_agreement"]],
        commitments_respected_last_3_years=_bool(org["commitments_respected_last_3_years"]),
        board=tuple([_board_member(m) for m in board]),
        refugee_reception=_bool(org["refugee_reception"]),
        refugees_received_per_year=_count(org["refugees_received_per_year"]),
        attached_to_ministry=_bool(org["attached_to_ministry"]),
        transferred_from_other_ministry=_bool(org["transferred_from_other_ministry"]),
        excluded_category=None if category is None else _CATEGORIES[category],
        historic_funding=None
        if historic is None
        else _money(historic, "organization.historic_funding"),
        member_regions=regions or (),
    )


def _judgments(raw: Any, stream: Stream) -> dict[str, Judgment]:
    if type(raw) is not dict:
        raise _Shape
    judgments = {}
    for code, value in raw.items():
        criterion = CRITERIA_BY_CODE.get(code)
        name = f"judgments.{code}"
        if criterion is None:
            raise DossierError(f"Le champ « {name} » ne nomme aucun critère connu.")
        if code not in JUDGEABLE:
            raise DossierError(
                f"Le champ « {name} » porte sur un critère décidé par les faits déclarés "
                f"(clause {criterion.clause}) : il ne se juge pas."
            )
        if stream not in criterion.streams:
            raise DossierError(
                f"Le champ « {name} » porte sur un critère qui ne s'applique pas au volet "
                f"{int(stream)}."
            )
        justification = _text(value["justification"]).strip()
        met = _bool(value["met"])
        if not justification:
            raise DossierError(f"Le champ « {name}.justification » ne peut pas être vide.")
        judgments[code] = Judgment(met, justification)
    return judgments


def _priority_json(tier: Tier) -> dict[str, Any]:
    return {"tier": int(tier), "label": tier.label, "clause": "5.2"}


# Shared between results: read-only.
_PRIORITY_JSON = {tier: _priority_json(tier) for tier in Tier}


def evaluation_to_json(evaluation: Evaluation, *, findings: Any = None) -> dict[str, Any]:
    """The contract's result. Constant parts are shared between results: do not mutate.

    `findings`, if given, stands for the findings' list (the batch's, already written).
    """
    dossier, amount = evaluation.dossier, evaluation.amount
    tier = evaluation.priority.tier
    priority = _PRIORITY_JSON[tier]
    if tier is Tier.NEW_ATTACHMENT and dossier.territory is not None:
        priority = {
            **priority,
            "ranking_key": list(attachment_rank_key(dossier.territory)),
            "ranking_assumption": evaluation.norms.parameter("new_attachment_ranking").assumption,
        }
    report = evaluation.financial_report_type
    return {
        "id": dossier.id,
        "norms": evaluation.norms.norms.version,
        "fiscal_year": dossier.fiscal_year.label,
        "eligibility": evaluation.eligibility.value,
        "findings": [f.json for f in evaluation.findings] if findings is None else findings,
        "priority": priority,
        "amount": amount.amount,
        "amount_lines": [
            {"clause": clause, "label": label, "value": value, "assumption": assumption}
            for clause, label, value, assumption in amount.lines
        ],
        "cap_applied": amount.cap_applied,
        "surplus_flag": amount.surplus_flag,
        "surplus_withdrawal_required": amount.withdrawal_required,
        "amount_final": amount.final,
        "financial_report_type": report.value,
        "financial_report": {
            "clause": "8",
            "label": report.label,
            "quebec_government_funding": evaluation.quebec_funding,
        },
        "installments": [
            {"month": part.label, "amount": part.amount, "clause": part.clause}
            for part in evaluation.installments
        ],
    }


def _dossier_id(data: Any) -> Any:
    if isinstance(data, dict):
        value = data.get("id")
        return value if isinstance(value, str | int) and not isinstance(value, bool) else None
    return None


def evaluate_one(data: Any) -> dict[str, Any]:
    """The JSON result for one input dossier: an evaluation, or {id, error}."""
    try:
        return evaluation_to_json(evaluate(parse_dossier(data)))
    except (DossierError, NoNormsInForce, AmountError) as error:
        return {"id": _dossier_id(data), "error": error.message}
    except Exception as error:  # a defect must not cost the other dossiers their results
        return {
            "id": _dossier_id(data),
            "error": "Erreur interne pendant l'évaluation de ce dossier ; signalez-la avec le "
            f"dossier ({type(error).__name__}).",
        }
