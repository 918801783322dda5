"""Eligibility: clauses 2, 3 (with footnote 1), 4, Volet 1 §1.3 and Volet 2 §2.3.

Each criterion is decided from the facts, attested by a document, or judged by the
partnership advisor. The last two stay `to_verify` until the advisor's judgment is part
of the facts: nothing is met by default.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from functools import cache, lru_cache
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple, cast

from msgspec import Struct, field

from .facts import (
    BoardMember,
    BoardStatus,
    Dossier,
    ExcludedCategory,
    LegalForm,
    RepaymentAgreement,
    Stream,
)
from .norms import YearValues
from .text import french_date, french_money


class Kind(StrEnum):
    FACTS = "facts"  # décidé à partir des faits déclarés
    DOCUMENT = "document"  # attesté par un document de la demande
    JUDGMENT = "judgment"  # jugé par la conseillère ou le conseiller en partenariat


class Status(StrEnum):
    MET = "met"
    UNMET = "unmet"
    TO_VERIFY = "to_verify"


class Eligibility(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    TO_VERIFY = "to_verify"


BOTH_STREAMS = frozenset(Stream)
STREAM_1 = frozenset({Stream.ORGANIZATION})
STREAM_2 = frozenset({Stream.NATIONAL_GROUPING})


class Finding(NamedTuple):
    criterion: Criterion
    status: Status
    message: str
    json: dict[str, Any]  # the contract's form; shared between dossiers: read-only


class Criterion(Struct, frozen=True, eq=False):  # a Struct: see facts.py; equal only to itself
    code: str
    clause: str
    kind: Kind
    title: str  # the condition, in the descriptif's words
    streams: frozenset[Stream] = BOTH_STREAMS
    document: str | None = None  # code of the 5.1 document that proves it
    decide: Callable[[Criterion, Dossier, YearValues], Finding] | None = None  # Kind.FACTS only
    # A facts criterion whose exception only the advisor can judge (Volet 2, 2.3).
    judged_exception: bool = False
    _constants: dict[str, Finding] = field(default_factory=dict)

    def __repr__(self) -> str:  # without the cache of constant findings, as before
        return (
            f"Criterion(code={self.code!r}, clause={self.clause!r}, kind={self.kind!r}, "
            f"title={self.title!r}, streams={self.streams!r}, document={self.document!r}, "
            f"decide={self.decide!r}, judged_exception={self.judged_exception!r})"
        )

    def finding(self, status: Status, message: str) -> Finding:
        return Finding(
            self,
            status,
            message,
            {
                "clause": self.clause,
                "criterion": self.code,
                "status": status.value,
                "message": message,
            },
        )

    def constant(self, status: Status, message: str) -> Finding:
        """A finding whose message never varies, built once (most findings are)."""
        found = self._constants.get(message)
        if found is None:
            found = self._constants[message] = self.finding(status, message)
        return found


# --- Decisions from facts ------------------------------------------------------------


def _commitments(c: Criterion, d: Dossier, v: YearValues) -> Finding:
    return _commitments_finding(
        c, d.organization.commitments_respected_last_3_years, int(v.commitments_lookback_years)
    )


@cache
def _commitments_finding(c: Criterion, respected: bool, years: int) -> Finding:
    if respected:
        return c.finding(
            Status.MET,
            f"L'organisme a respecté ses engagements envers le Ministère au cours des {years} "
            "dernières années.",
        )
    return c.finding(
        Status.UNMET,
        f"L'organisme n'a pas respecté ses engagements envers le Ministère au cours des {years} "
        "dernières années, quel que soit le programme : il n'est pas admissible.",
    )


def _legal_form(c: Criterion, d: Dossier, v: YearValues) -> Finding:
    org = d.organization
    if org.legal_form is LegalForm.QC_COMPANIES_PART3:
        return c.constant(
            Status.MET,
            (
                "Organisme à but non lucratif constitué en vertu de la partie III de la Loi sur "
                "les compagnies."
            ),
        )
    if org.legal_form is LegalForm.CANADA_NFP:
        missing = []
        if not org.head_office_in_quebec:
            missing.append("son siège n'est pas au Québec")
        if not org.majority_of_activities_in_quebec:
            missing.append("il ne réalise pas la majorité de ses activités au Québec")
        if not missing:
            return c.constant(
                Status.MET,
                (
                    "Organisme constitué en vertu de la Loi canadienne sur les organisations à but "
                    "non lucratif, dont le siège est au Québec et qui y réalise la majorité de ses "
                    "activités."
                ),
            )
        return c.constant(
            Status.UNMET,
            (
                "Organisme constitué en vertu de la Loi canadienne sur les organisations à but non "
                "lucratif, mais " + " et ".join(missing) + " (note 1)."
            ),
        )
    return c.constant(
        Status.UNMET,
        (
            "La forme juridique déclarée n'est ni la partie III de la Loi sur les compagnies ni la "
            "Loi canadienne sur les organisations à but non lucratif (note 1)."
        ),
    )


def _annual_general_meeting(c: Criterion, d: Dossier, v: YearValues) -> Finding:
    if d.organization.annual_general_meeting_held:
        return c.constant(
            Status.MET, "L'organisme tient chaque année une assemblée générale annuelle."
        )
    return c.constant(Status.UNMET, "L'organisme ne tient pas d'assemblée générale annuelle.")


def _head_office(c: Criterion, d: Dossier, v: YearValues) -> Finding:
    if d.organization.head_office_in_quebec:
        return c.constant(Status.MET, "Le siège de l'organisme est au Québec.")
    return c.constant(Status.UNMET, "Le siège de l'organisme n'est pas au Québec.")


_QUALIFIES = attrgetter("qualifies")  # facts.BoardMember.qualifies, at C speed


# Each board member the contract allows (2 x 3 statuses x 2) and whether it counts: a lookup
# at C speed instead of the property for each member. A member of other values (built outside
# the contract) is not found and counted by the property itself.
_QUALIFIES_BY_MEMBER = {
    m: m.qualifies
    for m in (
        BoardMember(domiciled, status, volunteer)
        for domiciled in (False, True)
        for status in BoardStatus
        for volunteer in (False, True)
    )
}
_QUALIFIES_LOOKUP = _QUALIFIES_BY_MEMBER.__getitem__


def _board_majority(c: Criterion, d: Dossier, v: YearValues) -> Finding:
    board = d.organization.board
    try:
        qualified = sum(map(_QUALIFIES_LOOKUP, board))
    except (KeyError, TypeError):
        qualified = sum(map(_QUALIFIES, board))
    return _board_finding(c, qualified, len(board))


@cache
def _board_finding(c: Criterion, qualified: int, total: int) -> Finding:
    if not total:
        return c.finding(Status.UNMET, "Aucun membre du conseil d'administration n'est déclaré.")
    counted = (
        f"{qualified} membre(s) sur {total} sont domiciliés au Québec, citoyens canadiens "
        "ou résidents permanents et bénévoles"
    )
    if qualified * 2 > total:
        return c.finding(Status.MET, counted + " : c'est la majorité du conseil.")
    return c.finding(Status.UNMET, counted + " : ce n'est pas la majorité du conseil.")


def anniversary(day: date, years: int) -> date:
    """The same day `years` later; February 29 falls on March 1 in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def _legal_existence(c: Criterion, d: Dossier, v: YearValues) -> Finding:
    return _existence_finding(
        c, d.organization.incorporation_date, d.application_date, int(v.minimum_existence_years)
    )


@lru_cache(maxsize=65536)  # the same few dates recur across a campaign
def _existence_finding(c: Criterion, incorporated: date, applied: date, years: int) -> Finding:
    since = anniversary(incorporated, years)
    if since <= applied:
        return c.finding(
            Status.MET,
            (
                f"Constitué le {french_date(incorporated)} : au moins {years} ans d'existence "
                f"légale à la date de la demande ({french_date(applied)})."
            ),
        )
    return c.finding(
        Status.UNMET,
        (
            f"Constitué le {french_date(incorporated)} : moins de {years} ans d'existence légale à "
            f"la date de la demande ({french_date(applied)}) ; la condition est remplie "
            f"à partir du {french_date(since)}."
        ),
    )


_CATEGORY_LABELS = {
    ExcludedCategory.PROFESSIONAL_ORDER: "un ordre professionnel",
    ExcludedCategory.POLITICAL_ORGANIZATION: "une organisation politique",
    ExcludedCategory.UNION: "une organisation syndicale",
    ExcludedCategory.RELIGIOUS_ASSOCIATION: "une association à caractère religieux",
    ExcludedCategory.FUNDRAISING_FOUNDATION: (
        "une fondation dont la mission consiste essentiellement à recueillir et à redistribuer "
        "des fonds"
    ),
    ExcludedCategory.OTHER_MINISTRY_MISSION: (
        "un organisme dont la mission relève prioritairement d'un autre ministère"
    ),
    ExcludedCategory.MEMBERS_INTEREST_ONLY: (
        "un organisme à but non lucratif constitué pour servir les seuls intérêts particuliers "
        "de ses membres"
    ),
    ExcludedCategory.CREATED_BY_PUBLIC_BODY: (
        "un organisme à but non lucratif créé par une instance publique pour répondre à des "
        "intérêts d'administration publique"
    ),
}


def _excluded_category(c: Criterion, d: Dossier, v: YearValues) -> Finding:
    category = d.organization.excluded_category
    if category is None:
        return c.constant(
            Status.MET, "L'organisme n'appartient à aucune catégorie exclue par la clause 4."
        )
    if category is ExcludedCategory.OTHER_MINISTRY_MISSION and d.organization.refugee_reception:
        return c.constant(
            Status.MET,
            (
                "La mission de l'organisme relève prioritairement d'un autre ministère, mais il "
                "voit "
                "à l'accueil et à l'installation des personnes réfugiées ou protégées à titre "
                "humanitaire outre-frontières : l'exception de la clause 4 s'applique."
            ),
        )
    return c.constant(
        Status.UNMET,
        (f"L'organisme est {_CATEGORY_LABELS[category]} : catégorie non admissible (clause 4)."),
    )


def _debt(c: Criterion, d: Dossier, v: YearValues) -> Finding:
    org = d.organization
    if not org.has_debt_to_ministry:
        return c.constant(Status.MET, "L'organisme n'est pas endetté envers le Ministère.")
    owed = f" de {french_money(org.debt_amount)}" if org.debt_amount else ""
    if org.repayment_agreement is RepaymentAgreement.RESPECTED:
        return c.finding(
            Status.MET,
            (
                f"L'organisme a une dette{owed} envers le Ministère, mais il respecte l'entente "
                "de remboursement conclue avec lui."
            ),
        )
    if org.repayment_agreement is RepaymentAgreement.NOT_RESPECTED:
        return c.finding(
            Status.UNMET,
            (
                f"L'organisme a une dette{owed} envers le Ministère et ne respecte pas "
                "l'entente de "
                "remboursement conclue avec lui."
            ),
        )
    return c.finding(
        Status.UNMET,
        (
            f"L'organisme a une dette{owed} envers le Ministère et n'a pas conclu d'entente de "
            "remboursement avec lui."
        ),
    )


def _member_regions(c: Criterion, d: Dossier, v: YearValues) -> Finding:
    total = int(v.stream2_regions_total)
    count = len(set(d.organization.member_regions))
    counted = (
        f"Les membres du regroupement proviennent de {count} des {total} régions administratives"
    )
    if count * 2 > total:
        return c.constant(Status.MET, counted + " : c'est la majorité.")
    judgment = d.judgments.get("stream2_member_regions")
    if judgment is None:
        return c.constant(
            Status.TO_VERIFY,
            counted
            + (
                " : ce n'est pas la majorité. Le regroupement peut tout de même être considéré "
                "comme national si le nombre d'organismes de base touchés est faible et qu'il en "
                "regroupe la "
                "majorité : à juger par la conseillère ou le conseiller en partenariat."
            ),
        )
    verdict = "retenue" if judgment.met else "non retenue"
    return c.finding(
        (Status.MET if judgment.met else Status.UNMET),
        counted
        + (
            " : ce n'est pas la majorité. Exception du regroupement de la majorité des "
            f"organismes de base du secteur {verdict} par la conseillère ou le conseiller : "
            f"{judgment.justification}"
        ),
    )


# --- The criteria, in the order of the descriptif ------------------------------------

CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "main_mission",
        "2",
        Kind.JUDGMENT,
        "Mission principale conforme à l'objectif général du programme : permettre aux "
        "personnes immigrantes de participer pleinement, en français, à la vie collective, ou "
        "appuyer l'édification de collectivités accueillantes et inclusives.",
        document="activity_report",
    ),
    Criterion(
        "commitments_respected",
        "3",
        Kind.FACTS,
        "Avoir respecté ses engagements envers le Ministère au cours des trois dernières années, "
        "quel que soit le programme.",
        decide=_commitments,
    ),
    Criterion(
        "contributes_to_participation",
        "3",
        Kind.JUDGMENT,
        "Contribuer, par l'offre de services d'accueil, de francisation, de soutien à "
        "l'installation et à l'inclusion et par des projets en relations interculturelles, à la "
        "pleine participation, en français, des personnes immigrantes à la vie collective.",
        document="action_plan",
    ),
    Criterion(
        "stable_continuous_action",
        "3",
        Kind.JUDGMENT,
        "Démontrer une stabilité et une continuité d'action au cours des trois dernières années "
        "dans les domaines relevant prioritairement du Ministère (volet 1 seulement).",
        streams=STREAM_1,
        document="activity_report",
    ),
    Criterion(
        "non_profit_legally_constituted",
        "3, note 1",
        Kind.FACTS,
        "Être un organisme à but non lucratif légalement constitué (partie III de la Loi sur les "
        "compagnies, ou Loi canadienne sur les organisations à but non lucratif avec siège et "
        "majorité des activités au Québec).",
        document="charter",
        decide=_legal_form,
    ),
    Criterion(
        "charter_objects_compatible",
        "3",
        Kind.DOCUMENT,
        "Les objets inscrits à la charte sont compatibles avec les objectifs du programme.",
        document="charter",
    ),
    Criterion(
        "community_rooted",
        "3",
        Kind.JUDGMENT,
        "Démontrer un enracinement dans la communauté.",
        document="activity_report",
    ),
    Criterion(
        "associative_democratic_life",
        "3",
        Kind.JUDGMENT,
        "Entretenir une vie associative et démocratique.",
        document="agm_minutes",
    ),
    Criterion(
        "free_to_determine_mission",
        "3",
        Kind.JUDGMENT,
        "Être libre de déterminer sa mission, ses approches, ses orientations et ses pratiques.",
        document="bylaws",
    ),
    Criterion(
        "community_initiative",
        "3",
        Kind.JUDGMENT,
        "Avoir été constitué à l'initiative de la communauté.",
        document="charter",
    ),
    Criterion(
        "own_social_mission",
        "3",
        Kind.JUDGMENT,
        "Poursuivre une mission sociale qui lui est propre et qui favorise la transformation "
        "sociale.",
        document="activity_report",
    ),
    Criterion(
        "citizen_practices",
        "3",
        Kind.JUDGMENT,
        "Faire preuve de pratiques citoyennes et d'approches larges axées sur la globalité de la "
        "problématique abordée.",
        document="activity_report",
    ),
    Criterion(
        "board_independent",
        "3",
        Kind.JUDGMENT,
        "Être dirigé par un conseil d'administration indépendant du réseau public.",
        document="board_list",
    ),
    Criterion(
        "annual_general_meeting",
        "3",
        Kind.FACTS,
        "Tenir chaque année une assemblée générale annuelle.",
        document="agm_minutes",
        decide=_annual_general_meeting,
    ),
    Criterion(
        "french_language_charter",
        "3",
        Kind.JUDGMENT,
        "Respecter les dispositions applicables de la Charte de la langue française.",
    ),
    Criterion(
        "head_office_in_quebec",
        "3",
        Kind.FACTS,
        "Avoir son siège au Québec.",
        document="charter",
        decide=_head_office,
    ),
    Criterion(
        "board_democratically_elected",
        "3",
        Kind.DOCUMENT,
        "Être dirigé par un conseil de direction ou d'administration élu démocratiquement.",
        document="agm_minutes",
    ),
    Criterion(
        "board_majority_qualified",
        "3",
        Kind.FACTS,
        "Conseil formé majoritairement de personnes domiciliées au Québec, citoyennes "
        "canadiennes ou résidentes permanentes, qui y siègent bénévolement.",
        document="board_list",
        decide=_board_majority,
    ),
    Criterion(
        "legal_existence_two_years",
        "3",
        Kind.FACTS,
        "Avoir, au moment de la présentation de la demande, une existence légale d'au moins "
        "deux ans.",
        document="charter",
        decide=_legal_existence,
    ),
    Criterion(
        "regular_activities_two_years",
        "3",
        Kind.DOCUMENT,
        "Exercer des activités de façon régulière pour ses membres ou la population depuis au "
        "moins deux ans.",
        document="activity_report",
    ),
    Criterion(
        "certification_commitment",
        "3",
        Kind.JUDGMENT,
        "S'engager dans un processus de certification des capacités de gestion, de l'effet des "
        "activités sur la clientèle et de la pertinence dans le milieu.",
        document="board_resolution",
    ),
    Criterion(
        "not_excluded_category",
        "4",
        Kind.FACTS,
        "Ne pas appartenir à une catégorie d'organismes non admissibles (ordres professionnels, "
        "organisations politiques ou syndicales, associations religieuses, fondations, mission "
        "relevant d'un autre ministère, intérêts particuliers des membres, création par une "
        "instance publique).",
        document="charter",
        decide=_excluded_category,
    ),
    Criterion(
        "no_unsettled_debt",
        "4",
        Kind.FACTS,
        "Ne pas être endetté envers le Ministère sans entente de remboursement respectée.",
        decide=_debt,
    ),
    Criterion(
        "not_otherwise_excluded",
        "4",
        Kind.JUDGMENT,
        "Aucun autre motif de non-admissibilité (la liste de la clause 4 n'est pas exhaustive).",
    ),
    Criterion(
        "stream1_services",
        "Volet 1, 1.3",
        Kind.JUDGMENT,
        "Offrir des services d'accueil, de francisation de base et à visée professionnelle, de "
        "soutien à l'installation et à l'inclusion sociale et économique, ou des projets en "
        "relations interculturelles, qui contribuent à l'établissement durable en région.",
        streams=STREAM_1,
        document="action_plan",
    ),
    Criterion(
        "stream2_member_regions",
        "Volet 2, 2.3",
        Kind.FACTS,
        "Avoir des membres provenant de la majorité des 17 régions administratives du Québec, "
        "ou regrouper la majorité des organismes de base du secteur lorsque ceux-ci sont peu "
        "nombreux.",
        streams=STREAM_2,
        document="board_list",
        decide=_member_regions,
        judged_exception=True,
    ),
    Criterion(
        "stream2_national_representation",
        "Volet 2, 2.3",
        Kind.JUDGMENT,
        "Intervenir principalement auprès des titulaires de charges publiques et des autres "
        "instances nationales.",
        streams=STREAM_2,
        document="activity_report",
    ),
    Criterion(
        "stream2_gathers_most_organizations",
        "Volet 2, 2.3",
        Kind.JUDGMENT,
        "Regrouper la plupart des organismes communautaires du secteur (regroupement sectoriel) "
        "ou d'un volet de la mission du Ministère (regroupement intrasectoriel).",
        streams=STREAM_2,
        document="activity_report",
    ),
)

CRITERIA_BY_CODE = {criterion.code: criterion for criterion in CRITERIA}
CRITERIA_BY_STREAM = {
    stream: tuple(c for c in CRITERIA if stream in c.streams) for stream in Stream
}
JUDGEABLE = frozenset(c.code for c in CRITERIA if c.kind is not Kind.FACTS or c.judged_exception)


def _pending_message(criterion: Criterion) -> str:
    if criterion.kind is Kind.DOCUMENT:
        return "À vérifier dans le document fourni : " + criterion.title
    return "À juger par la conseillère ou le conseiller en partenariat : " + criterion.title


_PENDING = {
    c.code: c.constant(Status.TO_VERIFY, _pending_message(c))
    for c in CRITERIA
    if c.kind is not Kind.FACTS
}


Decide = Callable[[Criterion, Dossier, YearValues], Finding]

# Each step: the criterion, its decision or else (a judged or document criterion) its pending
# finding. The pending finding is None only where a decision is set, and then never read.
_PLAN = cast(
    dict[Stream, tuple[tuple[Criterion, Decide | None, Finding], ...]],
    {
        stream: tuple((c, c.decide, _PENDING.get(c.code)) for c in criteria)
        for stream, criteria in CRITERIA_BY_STREAM.items()
    },
)


def assess(criterion: Criterion, dossier: Dossier, values: YearValues) -> Finding:
    if criterion.decide is not None:
        return criterion.decide(criterion, dossier, values)
    judgment = dossier.judgments.get(criterion.code)
    if judgment is None:
        return _PENDING[criterion.code]
    if judgment.met:
        return criterion.finding(Status.MET, "Jugé satisfait : " + judgment.justification)
    return criterion.finding(Status.UNMET, "Jugé non satisfait : " + judgment.justification)


def assess_all(dossier: Dossier, values: YearValues) -> tuple[Finding, ...]:
    return assess_with_eligibility(dossier, values)[0]


def _assess_each(dossier: Dossier, values: YearValues) -> tuple[Finding, ...]:
    judgments = dossier.judgments
    if judgments:
        plan = _PLAN[dossier.stream]
        return tuple(
            [
                pending
                if decide is None and c.code not in judgments
                else assess(c, dossier, values)
                for c, decide, pending in plan
            ]
        )
    # No judgment yet (most dossiers): only the facts criteria need deciding.
    return tuple(
        [
            pending if decide is None else decide(c, dossier, values)
            for c, decide, pending in _PLAN[dossier.stream]
        ]
    )


# --- Findings from a table keyed on the facts the criteria read ----------------------
#
# Each facts criterion reads a few facts, and their combinations recur across a campaign: the
# table gives, for a stream, its norms, those facts and the judgments, every finding but the
# two whose texts name the dossier's own figures (the board's count, the dates), which have
# their own caches and are put in their places. The enums' types are part of the key: a
# criterion compares them by identity, and a plain string equal to a member is not one.

_BOARD = CRITERIA_BY_CODE["board_majority_qualified"]
_EXISTENCE = CRITERIA_BY_CODE["legal_existence_two_years"]
_SLOTS = {
    stream: (criteria.index(_BOARD), criteria.index(_EXISTENCE))
    for stream, criteria in CRITERIA_BY_STREAM.items()
}
_TABLE: dict[tuple[Any, ...], tuple[tuple[Finding, ...], bool, bool]] = {}
_TABLE_LIMIT = 1 << 16


def _facts_key(dossier: Dossier, values: YearValues) -> tuple[Any, ...]:
    """Everything the criteria but the board's and the existence's read (see `_PLAN`)."""
    org = dossier.organization
    stream = dossier.stream
    legal_form, category = org.legal_form, org.excluded_category
    repayment, debt = org.repayment_agreement, org.debt_amount
    judgments = dossier.judgments
    return (
        stream,
        values,
        org.commitments_respected_last_3_years,
        legal_form,
        type(legal_form),
        org.head_office_in_quebec,
        org.majority_of_activities_in_quebec,
        org.annual_general_meeting_held,
        category,
        type(category),
        org.refugee_reception,
        org.has_debt_to_ministry,
        debt,
        type(debt),
        repayment,
        type(repayment),
        len(set(org.member_regions)) if stream == Stream.NATIONAL_GROUPING else None,
        tuple(judgments.items()) if judgments else None,
    )


def assess_with_eligibility(
    dossier: Dossier, values: YearValues
) -> tuple[tuple[Finding, ...], Eligibility]:
    """`assess_all` and `overall` of its findings, from the table where it can."""
    try:
        key = _facts_key(dossier, values)
        entry = _TABLE.get(key)
    except (TypeError, AttributeError):  # facts built outside the contract: decide each
        findings = _assess_each(dossier, values)
        return findings, overall(findings)
    if entry is None:
        findings = _assess_each(dossier, values)
        board_at, existence_at = _SLOTS[dossier.stream]
        others = [f.status for i, f in enumerate(findings) if i not in (board_at, existence_at)]
        if len(_TABLE) < _TABLE_LIMIT:
            _TABLE[key] = (findings, Status.UNMET in others, Status.TO_VERIFY in others)
        return findings, overall(findings)
    template, unmet, to_verify = entry
    board = _board_majority(_BOARD, dossier, values)
    existence = _legal_existence(_EXISTENCE, dossier, values)
    board_at, existence_at = _SLOTS[dossier.stream]
    findings_list = list(template)
    findings_list[board_at] = board
    findings_list[existence_at] = existence
    findings = tuple(findings_list)
    statuses = (board.status, existence.status)
    if unmet or Status.UNMET in statuses:
        return findings, Eligibility.INELIGIBLE
    if to_verify or Status.TO_VERIFY in statuses:
        return findings, Eligibility.TO_VERIFY
    return findings, Eligibility.ELIGIBLE


_STATUS_OF = itemgetter(1)


def overall(findings: tuple[Finding, ...]) -> Eligibility:
    """Any unmet criterion makes the dossier ineligible; any left to verify keeps it open."""
    statuses = set(map(_STATUS_OF, findings))
    if Status.UNMET in statuses:
        return Eligibility.INELIGIBLE
    if Status.TO_VERIFY in statuses:
        return Eligibility.TO_VERIFY
    return Eligibility.ELIGIBLE
