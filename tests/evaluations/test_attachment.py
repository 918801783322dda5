"""5.2, third tier: « aux organismes dont le rattachement au Ministère est déjà établi ».

An organization is attached when it has or had a signed agreement with the program, or when
the Ministry marked it attached with a reason; never because it said so itself.
"""

from datetime import date
from decimal import Decimal

import pytest

from soutien.agreements import actions as agreement_actions
from soutien.applications.models import Priority
from soutien.budget import actions as budget_actions
from soutien.evaluations.models import Outcome
from soutien.organizations import actions as organization_actions
from soutien.rules import FiscalYear
from tests.factories import at, make_application, make_organization, upload
from tests.workspace.helpers import evaluated_dossier, staff

pytestmark = pytest.mark.django_db


def agreement_of_2018(people, organization, *, sign=True):
    """The 2018-2019 application of `organization`, funded, granted, its agreement signed."""
    _application, evaluation = evaluated_dossier(people["advisor"], organization, fiscal_year=2018)
    envelope = budget_actions.open_envelope(
        fiscal_year=FiscalYear(2018),
        stream=1,
        amount=Decimal("1000000"),
        by=people["manager"],
        at=at(2018, 3, 10),
    )
    budget_actions.approve_envelope(
        envelope,
        approved_on=date(2018, 3, 10),
        reference="C-2018",
        by=people["manager"],
        at=at(2018, 3, 10),
    )
    run = budget_actions.run_allocation(envelope, by=people["manager"], at=at(2018, 3, 15))
    budget_actions.approve_allocation(run, by=people["manager"], at=at(2018, 3, 16))
    decision = budget_actions.decide_within_budget(
        evaluation, outcome=Outcome.GRANTED, by=people["manager"], at=at(2018, 3, 20)
    )
    agreement = agreement_actions.prepare_agreement(
        decision,
        reference="SAM-2018-0001",
        duration_years=1,
        starts_on=date(2018, 4, 1),
        ends_on=date(2019, 3, 31),
        signatory_name="Présidente fictive",
        by=people["manager"],
        at=at(2018, 4, 1),
    )
    if sign:
        agreement_actions.sign_agreement(
            agreement,
            signed_on=date(2018, 5, 10),
            upload=upload("convention.pdf"),
            by=people["manager"],
            at=at(2018, 5, 10),
        )
    return agreement


def test_5_2_an_organization_funded_since_2018_is_already_attached_in_2019():
    people = staff()
    organization = make_organization(attached_to_ministry=False)
    agreement_of_2018(people, organization)
    application, evaluation = evaluated_dossier(people["advisor"], organization)
    assert evaluation.result["priority"]["tier"] == Priority.ALREADY_ATTACHED
    assert evaluation.facts["organization"]["attached_to_ministry"] is True
    application.refresh_from_db()
    assert application.priority == Priority.ALREADY_ATTACHED


def test_5_2_the_stored_facts_say_which_agreement_established_the_attachment():
    people = staff()
    organization = make_organization(attached_to_ministry=False)
    agreement_of_2018(people, organization)
    _application, evaluation = evaluated_dossier(people["advisor"], organization)
    assert evaluation.facts["sources"]["organization.attached_to_ministry"] == {
        "source": "agreement",
        "agreement": "SAM-2018-0001",
        "signed_on": "2018-05-10",
    }


def test_5_2_the_priority_stored_at_creation_already_counts_the_agreement():
    people = staff()
    organization = make_organization(attached_to_ministry=False)
    agreement_of_2018(people, organization)
    assert make_application(organization).priority == Priority.ALREADY_ATTACHED


def test_5_2_an_agreement_never_signed_does_not_attach():
    people = staff()
    organization = make_organization(attached_to_ministry=False)
    agreement_of_2018(people, organization, sign=False)
    _application, evaluation = evaluated_dossier(people["advisor"], organization)
    assert evaluation.result["priority"]["tier"] == Priority.NEW_ATTACHMENT
    assert evaluation.facts["sources"]["organization.attached_to_ministry"] == {"source": None}


def test_5_2_an_organization_marked_attached_by_the_ministry_is_already_attached():
    people = staff()
    organization = make_organization(attached_to_ministry=False)
    organization_actions.mark_attached(
        organization,
        since=date(2015, 4, 1),
        reason="Financé par le programme précédent depuis 2015 (dossier papier).",
        by=people["manager"],
        at=at(2019, 1, 5),
    )
    _application, evaluation = evaluated_dossier(people["advisor"], organization)
    assert evaluation.result["priority"]["tier"] == Priority.ALREADY_ATTACHED
    assert evaluation.facts["sources"]["organization.attached_to_ministry"] == {
        "source": "ministry",
        "since": "2015-04-01",
        "reason": "Financé par le programme précédent depuis 2015 (dossier papier).",
    }
