"""Dossiers for the rules' tests: a valid JSON dossier, changed field by field."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from soutien.rules.contract import parse_dossier
from soutien.rules.eligibility import CRITERIA_BY_STREAM, JUDGEABLE
from soutien.rules.evaluation import Evaluation, evaluate
from soutien.rules.facts import Dossier, Stream

BASE: dict[str, Any] = {
    "id": "T-1",
    "fiscal_year": "2019-2020",
    "application_date": "2019-02-15",
    "stream": 1,
    "organization": {
        "legal_form": "qc_companies_part3",
        "incorporation_date": "2005-06-01",
        "head_office_in_quebec": True,
        "majority_of_activities_in_quebec": True,
        "excluded_category": None,
        "annual_general_meeting_held": True,
        "debt_to_ministry": 0,
        "repayment_agreement": "none",
        "commitments_respected_last_3_years": True,
        "board": [{"domiciled_in_quebec": True, "status": "citizen", "volunteer": True}] * 5,
        "refugee_reception": False,
        "refugees_received_per_year": 0,
        "attached_to_ministry": True,
        "transferred_from_other_ministry": False,
        "historic_funding": None,
        "member_regions": [],
    },
    "finances": {
        "estimated_operating_costs": Decimal("400000"),
        "other_public_funding": Decimal("50000"),
        "quebec_government_funding_other": Decimal("20000"),
        "unrestricted_net_assets": Decimal("10000"),
        "total_expenses": Decimal("380000"),
    },
}

STREAM2: dict[str, Any] = {
    "stream": 2,
    "stream2_amount": Decimal("90000"),
    "stream2_justification": "Activités nationales et historique de financement.",
    "organization": {"member_regions": [f"{n:02d}" for n in range(1, 18)]},
}


def dossier_json(*changes: dict[str, Any], **top: Any) -> dict[str, Any]:
    """BASE with each of `changes` merged in depth (dicts merge, other values replace)."""
    result = copy.deepcopy(BASE)
    for change in (*changes, top):
        _merge(result, change)
    return result


def _merge(target: dict, changes: dict) -> None:
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def all_judgments(stream: int = 1, met: bool = True) -> dict[str, dict[str, Any]]:
    return {
        c.code: {"met": met, "justification": "Vérifié au dossier."}
        for c in CRITERIA_BY_STREAM[Stream(stream)]
        if c.code in JUDGEABLE and c.code != "stream2_member_regions"
    }


def dossier(*changes: dict[str, Any], **top: Any) -> Dossier:
    return parse_dossier(dossier_json(*changes, **top))


def evaluated(*changes: dict[str, Any], **top: Any) -> Evaluation:
    return evaluate(dossier(*changes, **top))


def org(**fields: Any) -> dict[str, Any]:
    return {"organization": fields}


def fin(**fields: Any) -> dict[str, Any]:
    return {"finances": {k: Decimal(str(v)) for k, v in fields.items()}}


def finding(evaluation: Evaluation, code: str):
    return next(f for f in evaluation.findings if f.criterion.code == code)
