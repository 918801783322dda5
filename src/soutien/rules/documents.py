"""The nine documents that accompany an application (clause 5.1)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RequiredDocument:
    code: str
    title: str
    description: str
    clause: str = "5.1"


REQUIRED_DOCUMENTS: tuple[RequiredDocument, ...] = (
    RequiredDocument(
        "board_resolution",
        "Résolution du conseil d'administration",
        "Résolution qui appuie la demande et désigne la personne qui signera la convention "
        "d'aide financière, signée par un membre du conseil d'administration.",
    ),
    RequiredDocument("charter", "Charte de l'organisme", "Lettres patentes ou acte constitutif."),
    RequiredDocument(
        "bylaws", "Règlements généraux", "Règlements généraux en vigueur de l'organisme."
    ),
    RequiredDocument(
        "activity_report",
        "Rapport d'activité ou rapport annuel",
        "Rapport du dernier exercice financier complété, adopté par le conseil "
        "d'administration et présenté à l'assemblée générale annuelle.",
    ),
    RequiredDocument(
        "financial_report",
        "Rapport financier",
        "Rapport du dernier exercice financier complété, adopté par le conseil "
        "d'administration, présenté à l'assemblée générale et signé par un ou deux "
        "administrateurs.",
    ),
    RequiredDocument(
        "budget_forecast",
        "Prévisions budgétaires",
        "Prévisions de l'année visée, avec le détail des contributions gouvernementales.",
    ),
    RequiredDocument(
        "action_plan", "Plan d'action ou programmation", "Plan d'action de l'année visée."
    ),
    RequiredDocument(
        "board_list",
        "Liste des membres du conseil d'administration",
        "Membres du conseil d'administration de l'année visée et leur statut.",
    ),
    RequiredDocument(
        "agm_minutes",
        "Procès-verbal de la dernière assemblée générale",
        "Procès-verbal, approuvé ou non, qui montre notamment que le rapport annuel et les "
        "états financiers ont été présentés.",
    ),
)

DOCUMENTS_BY_CODE = {document.code: document for document in REQUIRED_DOCUMENTS}
