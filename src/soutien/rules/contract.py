"""The JSON contract of `soutien-mission evaluate`: dossier in, result out.

Input is validated against the published JSON Schema (schema/dossier.schema.json, copied to
docs/); every refusal is a French sentence naming the field.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import fastjsonschema

from .amount import AmountError
from .eligibility import CRITERIA_BY_CODE, JUDGEABLE
from .evaluation import Evaluation, evaluate
from .facts import (
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
from .norms import NoNormsInForce
from .priority import RANKING_ASSUMPTION, Tier, attachment_rank_key

SCHEMA_PATH = Path(__file__).with_name("schema") / "dossier.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
_validate = fastjsonschema.compile(SCHEMA)
MONEY_LIMIT = Decimal("1000000000000")  # a trillion dollars: beyond any real figure


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


def _field(path: list) -> str:
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
        return f"{subject} doit être une date au format AAAA-MM-JJ."
    if rule == "pattern":
        key = next((p for p in reversed(error.path) if not _is_index(p)), "")
        return f"{subject} doit être {_PATTERN_HINTS.get(key, 'au format attendu')}."
    return f"{subject} est invalide."


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DossierError(
            f"Le champ « {name} » n'est pas une date qui existe : {value}."
        ) from None


def _money(value: Any, name: str) -> Decimal:
    amount = Decimal(value)
    if abs(amount) >= MONEY_LIMIT:
        raise DossierError(f"Le champ « {name} » dépasse le montant maximal accepté.")
    if amount.as_tuple().exponent < -2:
        raise DossierError(f"Le champ « {name} » doit être un montant avec au plus deux décimales.")
    return amount


def _optional_money(value: Any, name: str) -> Decimal | None:
    return None if value is None else _money(value, name)


def parse_dossier(data: Any) -> Dossier:
    """A validated, frozen Dossier, or DossierError with a French message naming the field."""
    try:
        _validate(data)
    except fastjsonschema.JsonSchemaValueException as error:
        raise DossierError(_schema_message(error)) from None
    try:
        fiscal_year = FiscalYear.parse(data["fiscal_year"])
    except InvalidFiscalYear:
        raise DossierError(
            "Le champ « fiscal_year » doit nommer deux années consécutives, par exemple "
            "« 2019-2020 »."
        ) from None
    stream = Stream(data["stream"])
    org, fin = data["organization"], data["finances"]

    debt = org["debt_to_ministry"]
    if isinstance(debt, bool):
        has_debt, debt_amount = debt, None
    else:
        debt_amount = _money(debt, "organization.debt_to_ministry")
        has_debt = debt_amount > 0
    regions = org.get("member_regions")
    if stream is Stream.NATIONAL_GROUPING and regions is None:
        raise DossierError(
            "Le champ « organization.member_regions » est requis pour le volet 2 "
            "(Volet 2, clause 2.3)."
        )
    category = org.get("excluded_category")
    organization = Organization(
        legal_form=LegalForm(org["legal_form"]),
        incorporation_date=_date(org["incorporation_date"], "organization.incorporation_date"),
        head_office_in_quebec=org["head_office_in_quebec"],
        majority_of_activities_in_quebec=org["majority_of_activities_in_quebec"],
        annual_general_meeting_held=org["annual_general_meeting_held"],
        has_debt_to_ministry=has_debt,
        debt_amount=debt_amount,
        repayment_agreement=RepaymentAgreement(org["repayment_agreement"]),
        commitments_respected_last_3_years=org["commitments_respected_last_3_years"],
        board=tuple(
            BoardMember(m["domiciled_in_quebec"], BoardStatus(m["status"]), m["volunteer"])
            for m in org["board"]
        ),
        refugee_reception=org["refugee_reception"],
        refugees_received_per_year=org["refugees_received_per_year"],
        attached_to_ministry=org["attached_to_ministry"],
        transferred_from_other_ministry=org["transferred_from_other_ministry"],
        excluded_category=None if category is None else ExcludedCategory(category),
        historic_funding=_optional_money(
            org.get("historic_funding"), "organization.historic_funding"
        ),
        member_regions=tuple(regions or ()),
    )
    finances = Finances(
        **{key: _money(fin[key], f"finances.{key}") for key in Finances.__slots__},
    )

    stream2_amount = None
    if stream is Stream.NATIONAL_GROUPING:
        if data.get("stream2_amount") is None:
            raise DossierError(
                "Le champ « stream2_amount » est requis pour le volet 2 : le montant d'un "
                "regroupement national est fixé par la conseillère ou le conseiller "
                "(clause 6.1.2)."
            )
        stream2_amount = Adjustment(
            _money(data["stream2_amount"], "stream2_amount"),
            (data.get("stream2_justification") or "").strip(),
        )
    revision = data.get("surplus_revision")
    territory = data.get("territory")
    return Dossier(
        id=data["id"],
        fiscal_year=fiscal_year,
        application_date=_date(data["application_date"], "application_date"),
        stream=stream,
        organization=organization,
        finances=finances,
        stream2_amount=stream2_amount,
        surplus_revision=None
        if revision is None
        else Adjustment(
            _money(revision["amount"], "surplus_revision.amount"), revision["justification"]
        ),
        judgments=_judgments(data.get("judgments") or {}, stream),
        territory=None
        if territory is None
        else Territory(territory["attached_organizations"], territory["immigrant_population"]),
    )


def _judgments(raw: dict, stream: Stream) -> dict[str, Judgment]:
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
        justification = value["justification"].strip()
        if not justification:
            raise DossierError(f"Le champ « {name}.justification » ne peut pas être vide.")
        judgments[code] = Judgment(value["met"], justification)
    return judgments


def evaluation_to_json(evaluation: Evaluation) -> dict[str, Any]:
    dossier, amount = evaluation.dossier, evaluation.amount
    priority = evaluation.priority
    priority_json: dict[str, Any] = {
        "tier": int(priority.tier),
        "label": priority.tier.label,
        "clause": priority.clause,
    }
    if priority.tier is Tier.NEW_ATTACHMENT and dossier.territory is not None:
        priority_json["ranking_key"] = list(attachment_rank_key(dossier.territory))
        priority_json["ranking_assumption"] = RANKING_ASSUMPTION
    return {
        "id": dossier.id,
        "norms": evaluation.norms.norms.version,
        "fiscal_year": dossier.fiscal_year.label,
        "eligibility": evaluation.eligibility.value,
        "findings": [
            {
                "clause": f.criterion.clause,
                "criterion": f.criterion.code,
                "kind": f.criterion.kind.value,
                "document": f.criterion.document,
                "status": f.status.value,
                "message": f.message,
            }
            for f in evaluation.findings
        ],
        "priority": priority_json,
        "amount": amount.amount,
        "amount_lines": [
            {
                "clause": line.clause,
                "label": line.label,
                "value": line.value,
                "assumption": line.assumption,
            }
            for line in amount.lines
        ],
        "cap_applied": amount.cap_applied,
        "surplus_flag": amount.surplus_flag,
        "financial_report_type": evaluation.financial_report_type.value,
        "financial_report": {
            "clause": "8",
            "label": evaluation.financial_report_type.label,
            "quebec_government_funding": evaluation.quebec_funding,
        },
        "installments": [
            {"month": i.label, "amount": i.amount, "clause": i.clause}
            for i in evaluation.installments
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


def evaluate_many(documents: list[Any]) -> tuple[list[dict[str, Any]], bool]:
    """Results in input order, and whether any dossier could not be evaluated."""
    results = [evaluate_one(document) for document in documents]
    return results, any("error" in result for result in results)
