"""The sections of an application as the portal shows them, and what is still missing.

The checklist is computed from the records on every page (server-side), never stored: what
the organization sees is what `submit_application(…, require_complete=True)` checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from soutien.rules.documents import REQUIRED_DOCUMENTS

from .models import Application, DocumentKind, Kind, State


@dataclass(frozen=True, slots=True)
class Section:
    code: str
    title: Promise
    intro: Promise
    fields: tuple[str, ...]
    required: tuple[str, ...]
    renewal_only: bool = False


IDENTIFICATION = Section(
    "identification",
    _("Identification"),
    _(
        "L'identité de l'organisme vient de son profil. Indiquez ici la personne que le "
        "Ministère joindra au sujet de cette demande."
    ),
    ("contact_name", "contact_title", "contact_email", "contact_phone"),
    ("contact_name", "contact_email", "contact_phone"),
)
MISSION = Section(
    "mission",
    _("Mission et services"),
    _(
        "Décrivez la mission de l'organisme et les services qu'il offre aux personnes "
        "immigrantes (clauses 2 et 3 du programme)."
    ),
    ("mission", "services", "territory_served", "annual_general_meeting_held"),
    ("mission", "services", "territory_served"),
)
REFUGEES = Section(
    "refugees",
    _("Accueil des personnes réfugiées"),
    _(
        "Le programme donne la priorité aux organismes qui accueillent et installent les "
        "personnes réfugiées prises en charge par l'État (clauses 5.2 et 6.1.1). Inscrivez 0 "
        "si cela ne s'applique pas à votre organisme."
    ),
    ("refugees_received_last_year", "refugees_expected"),
    ("refugees_received_last_year", "refugees_expected"),
)
FINANCES = Section(
    "finances",
    _("Finances"),
    _(
        "Les coûts estimés de fonctionnement de l'année visée, les autres aides publiques "
        "prévues par provenance (clause 6.1.4) et les chiffres des états financiers du dernier "
        "exercice complété (clause 6.1.3)."
    ),
    ("estimated_operating_costs",),
    ("estimated_operating_costs", "last_statements"),
)
RENEWAL = Section(
    "renewal",
    _("Reconduction"),
    _(
        "Pour la deuxième ou la troisième année de votre convention (clause 5.6) : dites ce "
        "qui a changé. Les réponses de l'an dernier sont déjà inscrites dans chaque section."
    ),
    ("changes_summary", "eligibility_confirmed"),
    ("changes_summary", "eligibility_confirmed"),
    renewal_only=True,
)
SECTIONS: tuple[Section, ...] = (IDENTIFICATION, MISSION, REFUGEES, FINANCES, RENEWAL)
SECTIONS_BY_CODE = {section.code: section for section in SECTIONS}
DOCUMENTS_SECTION = "documents"


def sections_of(application: Application) -> list[Section]:
    return [s for s in SECTIONS if not s.renewal_only or application.kind == Kind.RENEWAL]


def section_codes() -> list[str]:
    return [*SECTIONS_BY_CODE, DOCUMENTS_SECTION]


@dataclass(frozen=True, slots=True)
class Item:
    section: str
    code: str
    label: str
    done: bool


def _field_label(name: str) -> str:
    return capfirst(str(Application._meta.get_field(name).verbose_name))


def _filled(application: Application, name: str) -> bool:
    if name == "last_statements":
        return application.last_statements_id is not None
    value = getattr(application, name)
    if name == "estimated_operating_costs":
        return value is not None and value > 0
    if isinstance(value, bool):
        return value
    return value is not None and value != ""


def checklist(
    application: Application, *, present_kinds: Iterable[str] | None = None
) -> list[Item]:
    """Every item the application needs, done or not, in the order of the sections.

    `present_kinds` (the document kinds with a version) may be given by a list page that
    fetched them for many applications at once; otherwise it is read here (one query).
    """
    if present_kinds is None:
        present_kinds = application.documents.values_list("kind", flat=True)
    present = set(present_kinds)
    items = [
        Item(section.code, name, _field_label(name), _filled(application, name))
        for section in sections_of(application)
        for name in section.required
    ]
    items += [
        Item(DOCUMENTS_SECTION, document.code, str(_(document.title)), document.code in present)
        for document in REQUIRED_DOCUMENTS
    ]
    return items


def missing(items: list[Item]) -> list[Item]:
    return [item for item in items if not item.done]


def editable_sections(application: Application, open_requests: Iterable) -> set[str]:
    """The sections the organization may change now: all of a draft; after submission, those
    named by an open request of the Ministry (all of them when the request names none)."""
    every = {s.code for s in sections_of(application)} | {DOCUMENTS_SECTION}
    if application.state == State.DRAFT:
        return every
    if application.state not in (State.SUBMITTED, State.INCOMPLETE, State.UNDER_EVALUATION):
        return set()
    allowed: set[str] = set()
    for request in open_requests:
        named = set(request.sections or []) | ({DOCUMENTS_SECTION} if request.documents else set())
        allowed |= (named & every) or every
    return allowed


DOCUMENT_CODES = set(DocumentKind.values)
