"""The eligibility self-check: one topic per page, then `soutien.rules` on the answers.

The application engineer's entry points:

- `latest_answers(organization)` → the answers of the organization's most recent completed
  self-check (a dict, see ANSWER_KEYS), or {} when it has none;
- `latest(organization)` → that `EligibilitySelfCheck` (or None), with `result`, `facts`
  and `norms_version`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from soutien.rules import FiscalYear, all_norms
from soutien.rules.documents import DOCUMENTS_BY_CODE
from soutien.rules.eligibility import CRITERIA_BY_CODE, Kind

from .attachment import attachment_of
from .clauses import CATEGORY_QUOTES, QUOTES
from .models import EligibilitySelfCheck, Organization

# The answers dict (JSON): key → meaning.
ANSWER_KEYS = {
    "legal_form": "forme juridique (LegalFormChoices)",
    "incorporation_date": "date de constitution, AAAA-MM-JJ",
    "head_office_in_quebec": "booléen",
    "majority_of_activities_in_quebec": "booléen",
    "excluded_category": "catégorie de la clause 4 (ExcludedCategoryChoices) ou ''",
    "has_debt_to_ministry": "booléen",
    "repayment_agreement": "'none', 'respected' ou 'not_respected'",
    "commitments_respected_last_3_years": "booléen",
    "annual_general_meeting_held": "booléen",
    "board_total": "nombre de membres du conseil d'administration",
    "board_qualified": "membres domiciliés au Québec, citoyens ou résidents permanents, bénévoles",
    "refugee_reception": "booléen",
    "refugees_received_per_year": "entier",
    "attached_to_ministry": "booléen",
    "stream": "1 ou 2 (volet)",
    "fiscal_year": "année de début de l'exercice visé (2019 pour 2019-2020)",
    "member_regions": "codes des régions des membres (volet 2), liste",
}


@dataclass(frozen=True)
class Step:
    slug: str
    title: Any  # lazy French string
    fields: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step(
        "constitution",
        _("Forme juridique et constitution"),
        ("legal_form", "incorporation_date"),
    ),
    Step(
        "siege",
        _("Siège et activités"),
        ("head_office_in_quebec", "majority_of_activities_in_quebec"),
    ),
    Step("categories", _("Catégories d'organismes non admissibles"), ("excluded_category",)),
    Step(
        "engagements",
        _("Dettes et engagements envers le Ministère"),
        ("has_debt_to_ministry", "repayment_agreement", "commitments_respected_last_3_years"),
    ),
    Step(
        "conseil",
        _("Conseil d'administration et assemblée générale"),
        ("board_total", "board_qualified", "annual_general_meeting_held"),
    ),
    Step(
        "refugies",
        _("Accueil des personnes réfugiées et rattachement"),
        ("refugee_reception", "refugees_received_per_year", "attached_to_ministry"),
    ),
    Step("volet", _("Volet et exercice visé"), ("stream", "fiscal_year", "member_regions")),
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}


def covered_fiscal_years() -> list[FiscalYear]:
    """The fiscal years some version of the norms sets the amounts of."""
    return sorted({year for norms in all_norms() for year in norms.fiscal_years})


def self_check_day(fiscal_year: FiscalYear, today: date) -> date:
    """The application date the rules are run on: today, or the last day the norms covering
    the fiscal year are in force when they have ended (the self-check then says so)."""
    ends = [n.ends_on for n in all_norms() if fiscal_year in n.fiscal_years]
    if not ends:
        return today
    return min(today, max(ends))


def initial_answers(organization: Organization, *, on: date) -> dict[str, Any]:
    """Answers pre-filled from the organization's profile."""
    board = [
        m
        for m in organization.board_members.all()
        if m.term_start <= on and (m.term_end is None or m.term_end > on)
    ]
    qualified = sum(
        1
        for m in board
        if m.domiciled_in_quebec and m.volunteer and m.status in ("citizen", "permanent_resident")
    )
    regions = sorted(
        {
            m.region_id
            for m in organization.grouping_members.all()
            if m.left_on is None or m.left_on > on
        }
    )
    years = covered_fiscal_years()
    return {
        "legal_form": organization.legal_form,
        "incorporation_date": organization.incorporation_date.isoformat(),
        "head_office_in_quebec": organization.head_office_in_quebec,
        "majority_of_activities_in_quebec": organization.majority_of_activities_in_quebec,
        "excluded_category": organization.excluded_category,
        "board_total": len(board),
        "board_qualified": qualified,
        "refugee_reception": organization.refugee_reception,
        "refugees_received_per_year": organization.refugees_received_per_year,
        "attached_to_ministry": attachment_of(organization, on=on).established,
        "stream": 2 if organization.is_national_grouping else 1,
        "fiscal_year": years[-1].start_year if years else None,
        "member_regions": regions,
    }


def answered_steps(answers: Mapping[str, Any]) -> list[str]:
    saved = set(answers.get("_steps", []))
    return [step.slug for step in STEPS if step.slug in saved]


def next_step(answers: Mapping[str, Any]) -> Step | None:
    """The first topic not yet confirmed by the person, or None when all are."""
    saved = set(answers.get("_steps", []))
    return next((step for step in STEPS if step.slug not in saved), None)


def build_dossier(selfcheck: EligibilitySelfCheck, *, today: date) -> dict[str, Any]:
    """The rules' dossier JSON from the answers. Finances are not asked: zeros, and the
    amount is not shown."""
    a = selfcheck.answers
    fiscal_year = FiscalYear(int(a["fiscal_year"]))
    day = self_check_day(fiscal_year, today)
    total, qualified = int(a["board_total"]), int(a["board_qualified"])
    board = [{"domiciled_in_quebec": True, "status": "citizen", "volunteer": True}] * qualified
    board += [{"domiciled_in_quebec": False, "status": "other", "volunteer": False}] * (
        total - qualified
    )
    stream = int(a["stream"])
    organization = {
        "legal_form": a["legal_form"],
        "incorporation_date": a["incorporation_date"],
        "head_office_in_quebec": a["head_office_in_quebec"],
        "majority_of_activities_in_quebec": a["majority_of_activities_in_quebec"],
        "excluded_category": a.get("excluded_category") or None,
        "annual_general_meeting_held": a["annual_general_meeting_held"],
        "debt_to_ministry": a["has_debt_to_ministry"],
        "repayment_agreement": a["repayment_agreement"] if a["has_debt_to_ministry"] else "none",
        "commitments_respected_last_3_years": a["commitments_respected_last_3_years"],
        "board": board,
        "refugee_reception": a["refugee_reception"],
        "refugees_received_per_year": int(a["refugees_received_per_year"]),
        "attached_to_ministry": a["attached_to_ministry"],
        "transferred_from_other_ministry": False,
    }
    data: dict[str, Any] = {
        "id": f"autoevaluation-{selfcheck.pk}",
        "fiscal_year": fiscal_year.label,
        "application_date": day.isoformat(),
        "stream": stream,
        "organization": organization,
        "finances": {
            "estimated_operating_costs": Decimal("0"),
            "other_public_funding": Decimal("0"),
            "quebec_government_funding_other": Decimal("0"),
            "unrestricted_net_assets": Decimal("0"),
            "total_expenses": Decimal("0"),
        },
    }
    if stream == 2:
        organization["member_regions"] = list(a.get("member_regions") or [])
        data["stream2_amount"] = Decimal("0")
        data["stream2_justification"] = "Montant non établi à l'autoévaluation."
    return data


KIND_LABELS = {
    Kind.FACTS: _("Décidé à partir de vos réponses"),
    Kind.DOCUMENT: _("À vérifier dans un document de la demande"),
    Kind.JUDGMENT: _("À juger par la conseillère ou le conseiller en partenariat"),
}
STATUS_LABELS = {
    "met": _("Satisfait"),
    "unmet": _("Non satisfait"),
    "to_verify": _("À vérifier"),
}
# The results page names each criterion briefly in its summary; the full text comes once,
# below, in the criterion's own block.
SHORT_NAMES = {
    "main_mission": _("Mission principale"),
    "commitments_respected": _("Engagements respectés"),
    "contributes_to_participation": _("Contribution à la pleine participation"),
    "stable_continuous_action": _("Stabilité et continuité d'action"),
    "non_profit_legally_constituted": _("Organisme à but non lucratif constitué"),
    "charter_objects_compatible": _("Objets de la charte"),
    "community_rooted": _("Enracinement dans la communauté"),
    "associative_democratic_life": _("Vie associative et démocratique"),
    "free_to_determine_mission": _("Autonomie de la mission"),
    "community_initiative": _("Initiative de la communauté"),
    "own_social_mission": _("Mission sociale propre"),
    "citizen_practices": _("Pratiques citoyennes"),
    "board_independent": _("Conseil indépendant du réseau public"),
    "annual_general_meeting": _("Assemblée générale annuelle"),
    "french_language_charter": _("Charte de la langue française"),
    "head_office_in_quebec": _("Siège au Québec"),
    "board_democratically_elected": _("Conseil élu démocratiquement"),
    "board_majority_qualified": _("Composition du conseil"),
    "legal_existence_two_years": _("Existence légale de deux ans"),
    "regular_activities_two_years": _("Activités régulières depuis deux ans"),
    "certification_commitment": _("Engagement de certification"),
    "not_excluded_category": _("Catégorie admissible"),
    "no_unsettled_debt": _("Aucune dette envers le Ministère"),
    "not_otherwise_excluded": _("Aucun autre motif d'exclusion"),
    "stream1_services": _("Services du volet 1"),
    "stream2_member_regions": _("Membres de la majorité des régions"),
    "stream2_national_representation": _("Représentation nationale"),
    "stream2_gathers_most_organizations": _("Regroupement de la plupart des organismes"),
}
# The order of the groups on the results page: what excludes, what remains to verify, what is met.
STATUS_ORDER = ("unmet", "to_verify", "met")
GROUP_TITLES = {
    "unmet": _("Ce qui exclut l'organisme"),
    "to_verify": _("Ce qui reste à vérifier"),
    "met": _("Ce qui est satisfait"),
}


def findings_for_display(selfcheck: EligibilitySelfCheck) -> list[dict[str, Any]]:
    """Each criterion with its status, the descriptif's words, and how it will be proven."""
    rows = []
    category = (selfcheck.facts or {}).get("organization", {}).get("excluded_category")
    for finding in selfcheck.result["findings"]:
        criterion = CRITERIA_BY_CODE[finding["criterion"]]
        document = DOCUMENTS_BY_CODE.get(criterion.document) if criterion.document else None
        category_quote = None
        if criterion.code == "not_excluded_category" and category:
            category_quote = CATEGORY_QUOTES[category]
        rows.append(
            {
                "code": criterion.code,
                "clause": finding["clause"],
                "title": criterion.title,
                "name": SHORT_NAMES[criterion.code],
                "status": finding["status"],
                "status_label": STATUS_LABELS[finding["status"]],
                # A message that only repeats the criterion (« À juger : <criterion> ») is not
                # printed a second time.
                "message": "" if criterion.title in finding["message"] else finding["message"],
                "quote": QUOTES[criterion.code],
                "category_quote": category_quote,
                "kind": criterion.kind.value,
                "kind_label": KIND_LABELS[criterion.kind],
                "document": document,
                "judged": criterion.kind is Kind.JUDGMENT
                or (criterion.judged_exception and finding["status"] == "to_verify"),
            }
        )
    return rows


def findings_by_status(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings in groups, in STATUS_ORDER, each group with its title; empty ones left out."""
    groups = []
    for status in STATUS_ORDER:
        rows = [finding for finding in findings if finding["status"] == status]
        if rows:
            groups.append({"status": status, "title": GROUP_TITLES[status], "findings": rows})
    return groups


def latest(organization: Organization) -> EligibilitySelfCheck | None:
    """The organization's most recent completed self-check, or None."""
    return (
        EligibilitySelfCheck.objects.filter(organization=organization, completed_at__isnull=False)
        .order_by("-completed_at", "-id")
        .first()
    )


def latest_answers(organization: Organization) -> dict[str, Any]:
    """The answers of the most recent completed self-check (keys: ANSWER_KEYS), or {}."""
    selfcheck = latest(organization)
    if selfcheck is None:
        return {}
    return {k: v for k, v in selfcheck.answers.items() if not k.startswith("_")}
