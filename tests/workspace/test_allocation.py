"""Priorities under the budget (5.2): the allocation run."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from soutien.budget import actions as budget_actions
from soutien.budget.models import AllocationLine, AllocationRun, ImmutableRecord, RunState
from soutien.core.models import JournalEntry
from soutien.organizations.models import Region
from soutien.rules.allocation import Candidate, allocate, priority_order
from soutien.rules.facts import Territory
from tests.factories import at, make_organization
from tests.workspace.helpers import envelope, evaluated_dossier, staff

money = st.decimals(min_value=0, max_value=200000, places=0)
candidates = st.lists(
    st.builds(
        Candidate,
        key=st.uuids(),
        tier=st.integers(min_value=1, max_value=4),
        amount=money,
        territory=st.one_of(
            st.none(),
            st.builds(Territory, st.integers(0, 20), st.integers(0, 500000)),
        ),
    ),
    max_size=40,
    unique_by=lambda c: c.key,
)


@given(candidates, money)
def test_5_2_allocation_never_exceeds_the_envelope(given_candidates, available):
    result = allocate(given_candidates, available)
    funded = sum((line.candidate.amount for line in result.lines if line.funded), Decimal(0))
    assert funded == result.funded <= available
    assert result.funded + result.unused == available


@given(candidates, money)
def test_5_2_a_higher_tier_is_never_left_unfunded_while_a_lower_one_is_funded(
    given_candidates, available
):
    result = allocate(given_candidates, available)
    unfunded_tiers = [line.candidate.tier for line in result.lines if not line.funded]
    funded_tiers = [line.candidate.tier for line in result.lines if line.funded]
    if unfunded_tiers:
        assert all(tier <= min(unfunded_tiers) for tier in funded_tiers)


@given(candidates, money)
def test_5_2_floor_amounts_are_never_split_and_the_shortfall_is_what_is_missing(
    given_candidates, available
):
    result = allocate(given_candidates, available)
    assert {line.candidate.key for line in result.lines} == {c.key for c in given_candidates}
    requested = sum((c.amount for c in given_candidates), Decimal(0))
    assert result.requested == requested
    assert result.shortfall == max(requested - available, Decimal(0))
    # strict order: once a dossier is left out, every later one is too
    seen_unfunded = False
    for line in result.lines:
        assert not (seen_unfunded and line.funded)
        seen_unfunded = seen_unfunded or not line.funded


def test_5_2_new_attachment_requests_are_ranked_by_territory_then_missing_figures_last():
    a = Candidate("a", 4, Decimal(1), Territory(3, 90000))
    b = Candidate("b", 4, Decimal(1), Territory(0, 1000))
    c = Candidate("c", 4, Decimal(1), None)
    d = Candidate("d", 3, Decimal(1), None)
    assert [x.key for x in priority_order([a, b, c, d])] == ["d", "b", "a", "c"]


pytestmark_db = pytest.mark.django_db


@pytest.mark.django_db
def test_5_2_demo_like_program_with_a_too_small_envelope_funds_strictly_by_priority():
    people = staff()
    advisor, manager = people["advisor"], people["manager"]
    budget_actions.update_region_reference(
        Region.objects.get(pk="06"),
        attached_organizations=0,
        immigrant_population=500000,
        source="Démonstration",
        is_demo=True,
        by=manager,
        at=at(2019, 3, 1),
    )
    budget_actions.update_region_reference(
        Region.objects.get(pk="05"),
        attached_organizations=8,
        immigrant_population=20000,
        source="Démonstration",
        is_demo=True,
        by=manager,
        at=at(2019, 3, 1),
    )
    dossiers = {
        "refugees": make_organization(refugee_reception=True, refugees_received_per_year=200),
        "attached": make_organization(attached_to_ministry=True),
        "new_sherbrooke": make_organization(attached_to_ministry=False, region_id="05"),
        "new_montreal": make_organization(attached_to_ministry=False, region_id="06"),
    }
    evaluations = {name: evaluated_dossier(advisor, org)[1] for name, org in dossiers.items()}
    amounts = {name: e.amount for name, e in evaluations.items()}
    # Enough for tiers 1 and 3 and the first new request, not the second.
    available = amounts["refugees"] + amounts["attached"] + amounts["new_montreal"] + 1000
    env = envelope(manager, available)
    run = budget_actions.run_allocation(env, by=manager, at=at(2019, 3, 15))
    lines = {line.evaluation_id: line for line in run.lines.all()}
    order = sorted(lines.values(), key=lambda line: line.position)
    assert [line.evaluation_id for line in order] == [
        evaluations[name].pk for name in ("refugees", "attached", "new_montreal", "new_sherbrooke")
    ]
    assert [line.funded for line in order] == [True, True, True, False]
    assert run.funded == available - 1000
    assert run.unused == Decimal(1000)
    assert run.shortfall == amounts["new_sherbrooke"] - 1000
    assert all(line.reference_is_demo for line in order[2:])
    entry = JournalEntry.objects.for_subject(run).get(action="allocation_run.prepared")
    assert entry.data["shortfall"] == run.shortfall


@pytest.mark.django_db
def test_5_2_separation_of_duties_the_evaluator_cannot_approve_the_run_that_funds_the_dossier():
    people = staff()
    manager = people["manager"]
    evaluated_dossier(manager.__class__.objects.get(pk=people["administrator"].pk))
    run = budget_actions.run_allocation(
        envelope(manager, "1000000"), by=manager, at=at(2019, 3, 15)
    )
    with pytest.raises(PermissionDenied) as error:
        budget_actions.approve_allocation(run, by=people["administrator"], at=at(2019, 3, 16))
    assert "Séparation des tâches" in str(error.value)
    with pytest.raises(PermissionDenied):
        budget_actions.approve_allocation(run, by=people["advisor"], at=at(2019, 3, 16))
    budget_actions.approve_allocation(run, by=manager, at=at(2019, 3, 16))
    entry = JournalEntry.objects.for_subject(run).get(action="allocation_run.approved")
    assert entry.actor == manager


@pytest.mark.django_db
def test_5_2_an_approved_run_is_immutable_in_code_and_in_the_database():
    people = staff()
    evaluated_dossier(people["advisor"])
    manager = people["manager"]
    run = budget_actions.run_allocation(
        envelope(manager, "1000000"), by=manager, at=at(2019, 3, 15)
    )
    budget_actions.approve_allocation(run, by=manager, at=at(2019, 3, 16))
    run.funded = Decimal(0)
    with pytest.raises(ImmutableRecord):
        run.save()
    line = run.lines.get()
    with pytest.raises(ImmutableRecord):
        line.save()
    with pytest.raises(ImmutableRecord):
        AllocationLine.objects.filter(pk=line.pk).update(funded=False)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AllocationRun.objects.filter(pk=run.pk).update(unused=Decimal(5))
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        from django.db.models import QuerySet

        QuerySet.update(AllocationLine.objects.filter(pk=line.pk), funded=False)
    run.refresh_from_db()
    assert run.state == RunState.APPROVED and run.funded > 0


@pytest.mark.django_db
def test_5_2_a_dossier_evaluated_after_an_approval_is_funded_by_a_later_run():
    people = staff()
    manager = people["manager"]
    first_application, _evaluation = evaluated_dossier(people["advisor"])
    pot = envelope(manager, "60000")
    first = budget_actions.run_allocation(pot, by=manager, at=at(2019, 3, 15))
    budget_actions.approve_allocation(first, by=manager, at=at(2019, 3, 16))
    assert first.funded == Decimal("27652")

    # A second wave: the dossier funded already is neither offered again nor paid twice.
    second_application, _evaluation = evaluated_dossier(people["advisor"])
    second = budget_actions.run_allocation(pot, by=manager, at=at(2019, 3, 20))
    assert second.committed == Decimal("27652")
    assert [line.application for line in second.lines.all()] == [second_application]
    assert second.funded == Decimal("27652") and second.unused == Decimal("4696")
    budget_actions.approve_allocation(second, by=manager, at=at(2019, 3, 21))

    # A third wave cannot fund beyond the envelope: both amounts are committed.
    evaluated_dossier(people["advisor"])
    third = budget_actions.run_allocation(pot, by=manager, at=at(2019, 3, 25))
    assert third.committed == Decimal("55304")
    assert third.funded == 0 and third.shortfall == Decimal("22956")
    assert first_application not in [line.application for line in third.lines.all()]
