"""What the retention schedule has due (clause 7; Loi sur l'accès, art. 73), on small
worlds: an organization that never applied, a member who still signs in, a board member
whose term ended, an organization with an agreement in force."""

from datetime import date

import pytest
import time_machine
from django.utils import timezone

from soutien.privacy import schedule
from soutien.rules.retention import retention_rules
from tests.factories import make_board, make_organization, make_representative

pytestmark = pytest.mark.django_db


def due_for(organization, today):
    return {
        (d.rule.code, d.target.pk) for d in schedule.due(today) if d.organization == organization
    }


@time_machine.travel(timezone.make_aware(timezone.datetime(2019, 5, 1, 10)), tick=False)
def make_dormant():
    """Registered in May 2019 (2019-2020), never applied."""
    organization = make_organization()
    member = make_representative(organization)
    board = make_board(organization, size=2)
    return organization, member, board


def test_an_organization_that_never_applied_goes_six_years_after_its_last_activity():
    organization, member, board = make_dormant()
    kept = due_for(organization, date(2026, 3, 31))
    assert kept == set()
    due = due_for(organization, date(2026, 4, 1))
    assert due == {("account", member.pk), *{("board_member", m.pk) for m in board}}


def test_a_member_who_signs_in_keeps_the_organization_from_being_released():
    organization, member, _board = make_dormant()
    member.last_login = timezone.make_aware(timezone.datetime(2024, 6, 1, 9))
    member.save(update_fields=["last_login"])
    assert due_for(organization, date(2026, 4, 1)) == set()
    assert ("account", member.pk) in due_for(organization, date(2031, 4, 1))


def test_a_board_member_whose_term_ended_goes_on_their_own_clock():
    organization = make_organization()
    make_representative(organization)
    (former,) = make_board(organization, size=1, term_end=date(2018, 6, 30))
    # Its term ended in 2018-2019 (to 31 March 2019): kept until 31 March 2025.
    assert due_for(organization, date(2025, 4, 1)) == {("board_member", former.pk)}
    assert due_for(organization, date(2025, 3, 31)) == set()


def test_the_rules_count_years_from_the_end_of_the_fiscal_year_and_days_from_the_day():
    rules = retention_rules(records_years=6, account_years=6, invitation_days=365)
    assert rules["dossier"].kept_until(date(2019, 4, 1)) == date(2026, 3, 31)
    assert rules["dossier"].kept_until(date(2020, 3, 31)) == date(2026, 3, 31)
    assert rules["invitation"].kept_until(date(2019, 3, 1)) == date(2020, 2, 29)
    assert not rules["invitation"].expired(date(2019, 3, 1), date(2020, 2, 29))
    assert rules["invitation"].expired(date(2019, 3, 1), date(2020, 3, 1))
