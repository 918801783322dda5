"""The program clock (soutien.core.clock): moved by time-machine, pinned by SOUTIEN_PROGRAM_DATE,
and the only way business code reads the date; security clocks keep the real time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from soutien.accounts.tokens import BadLink, confirmation_token, read_confirmation_token
from soutien.applications.models import State, SubmissionPeriod
from soutien.core import clock
from soutien.organizations.models import Organization
from tests.applications.portal_helpers import DECLARATION_POST, fill_everything, new_application
from tests.factories import make_organization, make_representative, make_user

MONTREAL = ZoneInfo("America/Montreal")
SRC = Path(__file__).resolve().parents[2] / "src" / "soutien"


def montreal(*args) -> datetime:
    return datetime(*args, tzinfo=MONTREAL)


# --- the real clock, moved by time-machine -------------------------------------------------


def test_today_is_the_day_in_montreal_not_in_utc():
    # 31 March 2019 at 23 h 30 in Québec is already 1 April in UTC: still fiscal year 2018-2019.
    with time_machine.travel(montreal(2019, 3, 31, 23, 30), tick=False):
        assert clock.today() == date(2019, 3, 31)
        assert clock.now() == montreal(2019, 3, 31, 23, 30)
        assert clock.localdate_of(clock.now()) == date(2019, 3, 31)


def test_without_a_program_date_the_clock_is_the_real_one(settings):
    settings.SOUTIEN_PROGRAM_DATE = None
    with time_machine.travel(montreal(2026, 12, 1, 9, 15), tick=False):
        assert clock.program_date() is None
        assert clock.now() == montreal(2026, 12, 1, 9, 15)
        assert clock.today() == date(2026, 12, 1)


# --- a pinned program date ------------------------------------------------------------------


def test_a_pinned_program_date_is_today_at_the_real_time_of_day(settings):
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 10, 15)
    with time_machine.travel(montreal(2026, 12, 1, 14, 5), tick=False):
        assert clock.today() == date(2019, 10, 15)
        assert clock.now() == montreal(2019, 10, 15, 14, 5)
        assert clock.now().utcoffset() == timedelta(0)  # aware, in UTC like timezone.now()
    # Minutes still pass on the pinned day.
    with time_machine.travel(montreal(2026, 12, 1, 23, 59), tick=False):
        assert clock.now() == montreal(2019, 10, 15, 23, 59)
        assert clock.today() == date(2019, 10, 15)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2019-10-15", "2019-10-15"), ("", "None"), ("  ", "None")],
)
def test_the_environment_variable_sets_the_program_date(value, expected):
    result = _settings_in_subprocess(value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_a_program_date_that_is_not_an_iso_date_is_refused_in_french():
    result = _settings_in_subprocess("15/10/2019")
    assert result.returncode != 0
    assert "SOUTIEN_PROGRAM_DATE doit être une date AAAA-MM-JJ" in result.stderr


def _settings_in_subprocess(value: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOUTIEN_PROGRAM_DATE": value, "DJANGO_DEBUG": "1"}
    return subprocess.run(
        [sys.executable, "-c", "import soutien.settings as s; print(s.SOUTIEN_PROGRAM_DATE)"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.django_db
def test_records_and_their_history_are_dated_on_the_program_clock(settings):
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 10, 15)
    with time_machine.travel(montreal(2026, 12, 1, 10, 0), tick=False):
        organization = make_organization()
        organization.city = "Magog"
        organization.save_as(None)
    organization = Organization.objects.get(pk=organization.pk)
    assert clock.localdate_of(organization.created_at) == date(2019, 10, 15)
    assert organization.updated_at == montreal(2019, 10, 15, 10, 0)
    assert {clock.localdate_of(h.history_date) for h in organization.history.all()} == {
        date(2019, 10, 15)
    }


@pytest.mark.django_db
def test_the_portal_offers_the_period_open_at_the_program_date_and_shows_it(client, settings):
    SubmissionPeriod.objects.create(
        fiscal_year=2019,
        stream=1,
        opens_at=montreal(2019, 9, 16, 8, 0),
        deadline_at=montreal(2019, 11, 29, 16, 0),
    )
    representative = make_representative(make_organization())
    client.force_login(representative)
    dashboard = reverse("portal:dashboard")

    settings.SOUTIEN_PROGRAM_DATE = None  # the real clock: that period closed long ago
    page = client.get(dashboard).content.decode()
    assert "29 novembre 2019" not in page
    assert "le programme est daté du" not in page

    settings.SOUTIEN_PROGRAM_DATE = date(2019, 10, 15)
    page = client.get(dashboard).content.decode()
    assert "Exercice 2019-2020" in page and "29 novembre 2019 à 16 h 00" in page
    assert "Démonstration : le programme est daté du 15 octobre 2019" in page


@pytest.mark.django_db
def test_the_home_page_says_whether_the_norms_have_ended_by_the_program_clock(client, settings):
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 10, 15)
    page = client.get(reverse("home")).content.decode()
    assert "prennent fin le 30 juin 2020" in page
    settings.SOUTIEN_PROGRAM_DATE = date(2020, 7, 1)
    page = client.get(reverse("home")).content.decode()
    assert "ont pris fin le 30 juin 2020" in page


# --- a deadline by the minute (5.1) -------------------------------------------------------


@pytest.fixture
def filled_application():
    organization = make_organization()
    representative = make_representative(organization)
    with time_machine.travel(montreal(2019, 11, 1, 10, 0), tick=False):
        application = new_application(
            organization, by=representative, deadline=montreal(2019, 11, 29, 16, 0)
        )
        fill_everything(application, by=representative)
    return application, representative


@pytest.mark.django_db
def test_5_1_one_minute_after_the_deadline_the_portal_refuses_the_submission(
    client, filled_application
):
    application, representative = filled_application
    client.force_login(representative)
    submit = reverse("portal:submit", args=[application.pk])
    with time_machine.travel(montreal(2019, 11, 29, 16, 1), tick=False):
        response = client.post(submit, DECLARATION_POST)
    assert response.status_code == 422
    assert "sont passées : la demande ne peut plus être déposée" in response.content.decode()
    with time_machine.travel(montreal(2019, 11, 29, 15, 59), tick=False):
        response = client.post(submit, DECLARATION_POST)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert application.submitted_at == montreal(2019, 11, 29, 15, 59)


@pytest.mark.django_db
def test_5_1_on_a_pinned_program_date_the_deadline_is_read_at_the_real_time_of_day(
    client, filled_application, settings
):
    application, representative = filled_application
    client.force_login(representative)
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 11, 29)
    with time_machine.travel(montreal(2026, 12, 1, 16, 1), tick=False):
        response = client.post(reverse("portal:submit", args=[application.pk]), DECLARATION_POST)
    assert response.status_code == 422
    application.refresh_from_db()
    assert application.state == State.DRAFT


# --- security clocks keep the real time -----------------------------------------------------


@pytest.mark.django_db
def test_signed_links_age_on_the_real_clock_even_with_a_program_date(settings):
    """A program date years in the past neither expires a fresh link nor revives an old one."""
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 10, 15)
    user = make_user()
    with time_machine.travel(montreal(2026, 12, 1, 10, 0), tick=False):
        token = confirmation_token(user)
        assert read_confirmation_token(token)["user"] == user.pk
    later = montreal(2026, 12, 1, 10, 0) + timedelta(seconds=settings.ACCOUNT_CONFIRMATION_MAX_AGE)
    with time_machine.travel(later + timedelta(minutes=1), tick=False):
        assert clock.today() == date(2019, 10, 15)  # the program's day has not moved
        with pytest.raises(BadLink) as error:
            read_confirmation_token(token)
        assert error.value.expired


# --- nobody reads the clock but the clock ---------------------------------------------------

FORBIDDEN = re.compile(
    r"timezone\.now\b"  # also `default=timezone.now`
    r"|\blocaldate\("  # timezone.localdate(): use clock.today() / clock.localdate_of()
    r"|\blocaltime\(\s*\)"  # timezone.localtime() with no moment reads the clock
    r"|\bdate\.today\("
    r"|\bdatetime\.(?:now|utcnow|today)\("
    r"|\bauto_now(?:_add)?\s*=\s*True"
    r"|\btime\.time\("
)
# Files that may read the real clock, and why. The security clocks (sessions, django-axes,
# signed links) are Django's and its libraries' own code, outside src/.
ALLOWED = {
    "core/clock.py": "the program clock itself",
}


def forbidden_calls(source: str) -> list[str]:
    return [
        line.strip()
        for line in source.splitlines()
        if FORBIDDEN.search(line) and not line.lstrip().startswith("#")
    ]


@pytest.mark.parametrize(
    "line",
    [
        "now = timezone.now()",
        "created = models.DateTimeField(default=timezone.now)",
        "day = timezone.localdate()",
        "day = timezone.localdate(moment)",
        "local = timezone.localtime()",
        "day = date.today()",
        "moment = datetime.now()",
        "moment = datetime.datetime.utcnow()",
        "updated = models.DateTimeField(auto_now=True)",
        "stamp = time.time()",
    ],
)
def test_the_scan_finds_every_way_of_reading_the_clock(line):
    assert forbidden_calls(line) == [line]


def test_the_scan_leaves_conversions_and_the_program_clock_alone():
    source = "local = timezone.localtime(moment)\nnow = clock.now()\nday = clock.today()\n"
    assert forbidden_calls(source) == []


def test_business_code_reads_the_date_only_from_the_program_clock():
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" in relative or relative in ALLOWED:
            continue
        calls = forbidden_calls(path.read_text(encoding="utf-8"))
        if calls:
            found[relative] = calls
    assert found == {}, "Use soutien.core.clock (now, today, localdate_of) instead."
