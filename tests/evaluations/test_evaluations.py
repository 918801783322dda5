from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from soutien.accountability import actions as accountability
from soutien.accounts.models import Role
from soutien.applications.models import State as ApplicationState
from soutien.evaluations import actions
from soutien.evaluations.dossier import build_dossier, run_rules
from soutien.evaluations.models import Decision, Evaluation, Outcome, State
from soutien.rules import FiscalYear
from soutien.rules.contract import parse_dossier
from soutien.rules.eligibility import CRITERIA_BY_STREAM, JUDGEABLE
from soutien.rules.facts import Stream
from tests.factories import (
    at,
    make_application,
    make_organization,
    make_representative,
    make_user,
    submit_complete,
)

pytestmark = pytest.mark.django_db


def all_met(stream=Stream.ORGANIZATION):
    return {
        c.code: (True, "Constaté dans les documents.")
        for c in CRITERIA_BY_STREAM[stream]
        if c.code in JUDGEABLE and c.code != "stream2_member_regions"
    }


def evaluated(organization=None, **fields):
    advisor = make_user()
    application = submit_complete(make_application(organization, by=advisor, **fields), by=advisor)
    evaluation = actions.start_evaluation(application, by=advisor, at=at(2019, 3, 1))
    actions.record_judgments(evaluation, judgments=all_met(), by=advisor, at=at(2019, 3, 2))
    actions.compute_evaluation(evaluation, by=advisor, at=at(2019, 3, 3))
    return advisor, application, evaluation


def test_dossier_built_from_records_is_valid_for_the_rules():
    application = make_application(
        make_organization(refugee_reception=True, refugees_received_per_year=200)
    )
    dossier = build_dossier(application)
    parsed = parse_dossier(dossier)
    assert parsed.fiscal_year == FiscalYear(2019)
    assert parsed.organization.refugees_received_per_year == 200
    assert len(parsed.organization.board) == 5
    assert dossier["statements"]["period_end"] == "2019-03-31"
    assert dossier["finances"]["total_expenses"] == Decimal("290000.00")


def test_6_1_1_refugee_reception_amount_computed_from_the_records():
    organization = make_organization(refugee_reception=True, refugees_received_per_year=200)
    _advisor, _application, evaluation = evaluated(organization)
    # 41 416 $ floor (150 refugees and more, 2019-2020) + 25 604 $ + (51 207 − 25 604) × 200/300.
    assert evaluation.eligibility == "eligible"
    assert evaluation.amount == Decimal("84089")
    assert evaluation.norms_version == "2018-2020"


def test_evaluation_snapshot_replays_to_the_same_result():
    _advisor, _application, evaluation = evaluated()
    stored = Evaluation.objects.get(pk=evaluation.pk)
    assert stored.amount == Decimal("27652")
    assert isinstance(stored.facts["finances"]["total_expenses"], Decimal)
    assert run_rules(stored.facts) == stored.result
    assert stored.result["amount_lines"][0]["clause"] == "6.1.1"


def test_pending_judgments_keep_the_evaluation_open():
    advisor = make_user()
    application = submit_complete(make_application(by=advisor), by=advisor)
    evaluation = actions.start_evaluation(application, by=advisor, at=at(2019, 3, 1))
    actions.compute_evaluation(evaluation, by=advisor, at=at(2019, 3, 2))
    assert evaluation.eligibility == "to_verify"
    with pytest.raises(ValidationError) as error:
        actions.complete_evaluation(evaluation, by=advisor, at=at(2019, 3, 3))
    assert "Des critères restent à vérifier" in error.value.messages[0]


def test_evaluation_needs_the_nine_documents():
    advisor = make_user()
    application = make_application(by=advisor)
    from soutien.applications.actions import submit_application

    submit_application(application, by=advisor, at=at(2019, 2, 2))
    with pytest.raises(ValidationError) as error:
        actions.start_evaluation(application, by=advisor, at=at(2019, 3, 1))
    assert "Résolution du conseil d'administration" in error.value.message_dict["documents"][0]


def test_judgment_on_a_criterion_decided_by_facts_is_refused():
    advisor, _application, evaluation = evaluated()
    with pytest.raises(ValidationError) as error:
        actions.record_judgment(
            evaluation,
            criterion="head_office_in_quebec",
            met=True,
            justification="x",
            by=advisor,
            at=at(2019, 3, 4),
        )
    assert "ne se juge pas" in error.value.message_dict["criterion"][0]


def test_4_unsettled_debt_from_claims_makes_the_dossier_ineligible():
    organization = make_organization()
    accountability.establish_claim(
        organization,
        kind="unused_funds",
        amount=Decimal("5000"),
        fiscal_year=FiscalYear(2018),
        established_on=at(2018, 12, 1).date(),
        due_on=at(2019, 1, 31).date(),
        by=make_user(Role.FINANCE),
        at=at(2018, 12, 1),
    )
    _advisor, _application, evaluation = evaluated(organization)
    assert evaluation.facts["organization"]["debt_to_ministry"] == Decimal("5000.00")
    assert evaluation.eligibility == "ineligible"
    debt = [f for f in evaluation.result["findings"] if f["criterion"] == "no_unsettled_debt"]
    assert debt[0]["status"] == "unmet"


def test_decision_moves_the_application_and_is_visible_to_the_organization():
    advisor, application, evaluation = evaluated()
    actions.complete_evaluation(evaluation, by=advisor, at=at(2019, 3, 4))
    decision = actions.decide_application(
        evaluation, outcome=Outcome.GRANTED, by=make_user(Role.MANAGER), at=at(2019, 3, 20)
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.ACCEPTED
    assert decision.amount == evaluation.amount == Decimal("27652")
    representative = make_representative(application.organization)
    assert list(Decision.objects.for_user(representative)) == [decision]
    assert not Evaluation.objects.for_user(representative).exists()


def test_ineligible_dossier_cannot_be_granted():
    organization = make_organization(excluded_category="union")
    advisor, _application, evaluation = evaluated(organization)
    actions.complete_evaluation(evaluation, by=advisor, at=at(2019, 3, 4))
    assert evaluation.state == State.COMPLETED
    with pytest.raises(ValidationError):
        actions.decide_application(
            evaluation, outcome=Outcome.GRANTED, by=make_user(Role.MANAGER), at=at(2019, 3, 5)
        )
    decision = actions.decide_application(
        evaluation,
        outcome=Outcome.REFUSED,
        by=make_user(Role.MANAGER),
        at=at(2019, 3, 5),
        reason="Clause 4.",
    )
    assert decision.amount == 0
