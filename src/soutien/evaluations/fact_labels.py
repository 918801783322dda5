"""The French names of the facts given to the rules (the dossier JSON), for the pages that show
them beside a finding or in the explanation of an amount. The JSON keeps its English keys."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from soutien.organizations.models import ExcludedCategoryChoices, LegalFormChoices

FACT_LABELS = {
    "application_date": _("Date de la demande"),
    "organization.legal_form": _("Forme juridique"),
    "organization.incorporation_date": _("Date de constitution"),
    "organization.head_office_in_quebec": _("Siège au Québec"),
    "organization.majority_of_activities_in_quebec": _("Majorité des activités au Québec"),
    "organization.excluded_category": _("Catégorie exclue (clause 4)"),
    "organization.annual_general_meeting_held": _("Assemblée générale annuelle tenue"),
    "organization.debt_to_ministry": _("Dette envers le Ministère"),
    "organization.repayment_agreement": _("Entente de remboursement"),
    "organization.commitments_respected_last_3_years": _(
        "Engagements respectés au cours des trois dernières années"
    ),
    "organization.board": _("Conseil d'administration"),
    "organization.refugee_reception": _("Accueil des personnes réfugiées"),
    "organization.refugees_received_per_year": _("Personnes réfugiées accueillies par année"),
    "organization.attached_to_ministry": _("Rattaché au Ministère"),
    "organization.transferred_from_other_ministry": _("Transféré d'un autre ministère"),
    "organization.historic_funding": _("Financement historique (note 2 de 6.1.1)"),
    "organization.member_regions": _("Régions des organismes membres (volet 2)"),
    "finances.estimated_operating_costs": _("Coûts de fonctionnement prévus"),
    "finances.other_public_funding": _("Autre aide publique"),
    "finances.quebec_government_funding_other": _("Autre aide du gouvernement du Québec"),
    "finances.unrestricted_net_assets": _("Actifs nets non affectés"),
    "finances.total_expenses": _("Charges totales"),
}

VALUE_LABELS = {
    "organization.legal_form": dict(LegalFormChoices.choices),
    "organization.excluded_category": dict(ExcludedCategoryChoices.choices),
    "organization.repayment_agreement": {
        "none": _("Aucune"),
        "respected": _("Respectée"),
        "not_respected": _("Non respectée"),
    },
}


def fact_label(path: str) -> str:
    return str(FACT_LABELS.get(path, path))


def fact_value(path: str, value):
    """A coded value in French; other values unchanged (the template formats them)."""
    labels = VALUE_LABELS.get(path)
    if labels is not None and isinstance(value, str) and value in labels:
        return str(labels[value])
    return value
