"""From an application's records to the rules' dossier JSON (the contract of
`soutien-mission evaluate`), and back through `soutien.rules`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from soutien.applications.models import Application, Stream
from soutien.core import clock
from soutien.organizations.attachment import attachment_of
from soutien.rules import FiscalYear, evaluate
from soutien.rules.amount import AmountError
from soutien.rules.contract import DossierError, evaluation_to_json, parse_dossier
from soutien.rules.norms import NoNormsInForce

from .history import agreement_year, commitments_respected, organization_debt
from .models import Evaluation

CENT = Decimal("0.01")


def _cents(value: Decimal | None) -> Decimal | None:
    """Money as Decimal with two places: the snapshot reads back exactly as written."""
    return None if value is None else Decimal(value).quantize(CENT)


def application_date(application: Application) -> date:
    """The date the application was presented (clause 3), in Québec's time zone."""
    moment = application.submitted_at or clock.now()
    return clock.localdate_of(moment)


def declared_refugees(application: Application) -> tuple[int, dict[str, str]]:
    """The refugees received per year that 6.1.1 reads (floor of 150, additional amount): the
    number the application declares for the last completed fiscal year; the profile's only
    when the application declares none (a paper file recorded by staff). The source says
    which."""
    declared = application.refugees_received_last_year
    if declared is not None:
        return declared, {"source": "application", "field": "refugees_received_last_year"}
    profile = application.organization.refugees_received_per_year
    return profile, {"source": "profile", "field": "refugees_received_per_year"}


def build_dossier(application: Application, *, evaluation: Evaluation | None = None) -> dict:
    """The dossier JSON of the rules, from the records as they are now.

    What the application declares (refugees received, finances and the statements its finances
    section names) is what the rules read; the attachment of 5.2 comes from the program's own
    history (`organizations.attachment`). Money stays Decimal. `statements` and `sources` (not
    read by the rules) say where those facts came from.
    """
    organization = application.organization
    day = application_date(application)
    statements = application.last_statements
    if statements is None:
        raise ValidationError(
            {
                "last_statements": _(
                    "Les états financiers du dernier exercice complété de l'organisme sont "
                    "requis pour évaluer la demande (6.1.3)."
                )
            },
            code="statements_required",
        )
    board = [member for member in organization.board_members.all() if member.sits_on(day)]
    debt, repayment = organization_debt(organization.pk)
    attachment = attachment_of(organization, on=day)
    refugees, refugees_source = declared_refugees(application)
    organization_json: dict[str, Any] = {
        "legal_form": organization.legal_form,
        "incorporation_date": organization.incorporation_date.isoformat(),
        "head_office_in_quebec": organization.head_office_in_quebec,
        "majority_of_activities_in_quebec": organization.majority_of_activities_in_quebec,
        "excluded_category": organization.excluded_category or None,
        "annual_general_meeting_held": application.annual_general_meeting_held,
        "debt_to_ministry": _cents(debt),
        "repayment_agreement": repayment.value,
        "commitments_respected_last_3_years": commitments_respected(organization.pk, on=day),
        "board": [
            {
                "domiciled_in_quebec": member.domiciled_in_quebec,
                "status": member.status,
                "volunteer": member.volunteer,
            }
            for member in board
        ],
        "refugee_reception": organization.refugee_reception,
        "refugees_received_per_year": refugees,
        "attached_to_ministry": attachment.established,
        "transferred_from_other_ministry": organization.transferred_from_other_ministry,
        "historic_funding": _cents(organization.historic_funding),
    }
    if application.stream == Stream.NATIONAL_GROUPING:
        organization_json["member_regions"] = sorted(
            {
                member.region_id
                for member in organization.grouping_members.all()
                if member.left_on is None or member.left_on >= day
            }
        )
    data: dict[str, Any] = {
        "id": application.pk,
        "fiscal_year": FiscalYear(application.fiscal_year).label,
        "application_date": day.isoformat(),
        "stream": application.stream,
        "organization": organization_json,
        "finances": {
            "estimated_operating_costs": _cents(application.estimated_operating_costs),
            "other_public_funding": _cents(application.other_public_funding),
            "quebec_government_funding_other": _cents(application.quebec_government_funding_other),
            "unrestricted_net_assets": _cents(statements.unrestricted_net_assets),
            "total_expenses": _cents(statements.total_expenses),
        },
        "statements": {
            "id": statements.pk,
            "period_start": statements.period_start.isoformat(),
            "period_end": statements.period_end.isoformat(),
        },
        # Not read by the rules: where the facts that the application or the program's own
        # history decide came from.
        "sources": {
            "organization.refugees_received_per_year": refugees_source,
            "organization.attached_to_ministry": attachment.as_fact(),
            "finances": {
                "source": "application",
                "application": application.pk,
                "statements": statements.pk,
            },
        },
    }
    if (
        application.territory_attached_organizations is not None
        and application.territory_immigrant_population is not None
    ):
        data["territory"] = {
            "attached_organizations": application.territory_attached_organizations,
            "immigrant_population": application.territory_immigrant_population,
        }
    year_number = agreement_year(application) if application.kind == "renewal" else None
    if year_number is not None:
        data["agreement_year"] = year_number
    if evaluation is not None:
        if evaluation.surplus_withdrawal_amount is not None:
            data["surplus_withdrawal"] = {
                "amount": _cents(evaluation.surplus_withdrawal_amount),
                "justification": evaluation.surplus_withdrawal_justification,
            }
        if evaluation.judgments:
            data["judgments"] = evaluation.judgments
        if application.stream == Stream.NATIONAL_GROUPING:
            data["stream2_amount"] = _cents(evaluation.stream2_amount)
            data["stream2_justification"] = evaluation.stream2_justification
        if evaluation.surplus_revision_amount is not None:
            data["surplus_revision"] = {
                "amount": _cents(evaluation.surplus_revision_amount),
                "justification": evaluation.surplus_revision_justification,
            }
    return data


def run_rules(dossier: dict) -> dict:
    """Evaluate a dossier JSON with `soutien.rules`; a refusal becomes a ValidationError."""
    try:
        return evaluation_to_json(evaluate(parse_dossier(dossier)))
    except (DossierError, NoNormsInForce, AmountError) as error:
        raise ValidationError(error.message, code="rules_refused") from None


def evaluate_application(application: Application, *, evaluation: Evaluation | None = None):
    """(facts, result) for an application: the dossier built from its records, and the rules'
    JSON result."""
    facts = build_dossier(application, evaluation=evaluation)
    return facts, run_rules(facts)


def replay_for_fiscal_year(evaluation: Evaluation, fiscal_year: FiscalYear) -> dict:
    """The rules' result for the evaluation's own facts, as of another fiscal year: the
    amount a later year of an agreement is forecast at, with that year's parameters (6.1.1 and
    its dated amounts), before its renewal (5.6) is evaluated on new facts."""
    facts = dict(evaluation.facts, fiscal_year=fiscal_year.label)
    return run_rules(facts)
