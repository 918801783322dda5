"""The rules read what the application declares (refugees received, finances), not the profile;
the stored facts say where each came from."""

import copy
from datetime import date
from decimal import Decimal

import pytest

from soutien.accounts.models import Role
from soutien.evaluations import actions
from soutien.evaluations.dossier import build_dossier, run_rules
from tests.factories import (
    at,
    make_application,
    make_organization,
    make_statements,
    make_user,
    submit_complete,
)
from tests.workspace.helpers import judgments_all_met

pytestmark = pytest.mark.django_db


def refugee_organization():
    return make_organization(refugee_reception=True, refugees_received_per_year=289)


def computed(application):
    advisor = make_user(Role.ADVISOR)
    submit_complete(application, by=advisor)
    evaluation = actions.start_evaluation(application, by=advisor, at=at(2019, 3, 1))
    actions.record_judgments(
        evaluation, judgments=judgments_all_met(), by=advisor, at=at(2019, 3, 2)
    )
    return actions.compute_evaluation(evaluation, by=advisor, at=at(2019, 3, 3))


def with_refugees(facts: dict, count: int) -> dict:
    changed = copy.deepcopy(facts)
    changed["organization"]["refugees_received_per_year"] = count
    return changed


def test_6_1_1_the_amount_is_computed_from_the_refugees_declared_in_the_application():
    application = make_application(refugee_organization())
    application.refugees_received_last_year = 420
    application.refugees_expected = 450
    application.save()
    evaluation = computed(application)
    facts = evaluation.facts
    assert facts["organization"]["refugees_received_per_year"] == 420
    for_420 = Decimal(run_rules(with_refugees(facts, 420))["amount"])
    for_289 = Decimal(run_rules(with_refugees(facts, 289))["amount"])
    assert for_289 < for_420
    assert evaluation.amount == for_420
    assert facts["sources"]["organization.refugees_received_per_year"] == {
        "source": "application",
        "field": "refugees_received_last_year",
    }


def test_6_1_1_an_application_that_declares_no_count_falls_back_on_the_profile_and_says_so():
    application = make_application(refugee_organization())
    facts = build_dossier(application)
    assert facts["organization"]["refugees_received_per_year"] == 289
    assert facts["sources"]["organization.refugees_received_per_year"] == {
        "source": "profile",
        "field": "refugees_received_per_year",
    }


def test_6_1_1_zero_declared_in_the_application_is_zero():
    application = make_application(refugee_organization())
    application.refugees_received_last_year = 0
    application.save()
    assert build_dossier(application)["organization"]["refugees_received_per_year"] == 0


def test_6_1_3_and_6_1_4_the_finances_are_those_of_the_application_and_say_so():
    organization = make_organization()
    declared = make_statements(organization, total_expenses=Decimal("250000"))
    make_statements(
        organization,
        period_start=date(2019, 4, 1),
        period_end=date(2020, 3, 31),
        total_expenses=Decimal("999999"),
        unrestricted_net_assets=Decimal("1"),
    )
    application = make_application(
        organization,
        last_statements=declared,
        estimated_operating_costs=Decimal("321000"),
    )
    facts = build_dossier(application)
    assert facts["finances"]["total_expenses"] == Decimal("250000.00")
    assert facts["finances"]["unrestricted_net_assets"] == Decimal("40000.00")
    assert facts["finances"]["estimated_operating_costs"] == Decimal("321000.00")
    assert facts["sources"]["finances"] == {
        "source": "application",
        "application": application.pk,
        "statements": declared.pk,
    }
