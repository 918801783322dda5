"""The program clock: what "today" and "now" are for the program's rules, actions and pages.

Every business rule, action, view and the demo read the date and time from here, never from
`timezone.now()`, `timezone.localdate()`, `date.today()` or `datetime.now()` (a test scans
the sources). The pattern is pretix's `time_machine_now()`: one function the whole program
calls, so that a demonstration can be held at another date.

- Production (`SOUTIEN_PROGRAM_DATE` unset): the real clock.
- A demonstration (`SOUTIEN_PROGRAM_DATE=2019-10-15`): `today()` is that date and `now()` is
  that date at the real time of day in America/Montreal, so minutes still pass.
- Tests move the real clock with `time-machine`; this module follows it.

Security clocks keep the real time and do not come here: sessions, login throttling
(django-axes) and signed tokens (email confirmation, invitations, password reset) are timed
by Django and its libraries on the real clock, so a pinned program date never lengthens or
revives a link or a session.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

MONTREAL = ZoneInfo("America/Montreal")


def program_date() -> date | None:
    """The pinned program date (`SOUTIEN_PROGRAM_DATE`), or None on the real clock."""
    return getattr(settings, "SOUTIEN_PROGRAM_DATE", None)


def now() -> datetime:
    """The program's current moment (aware, UTC)."""
    real = timezone.now()
    pinned = program_date()
    if pinned is None:
        return real
    local = datetime.combine(pinned, real.astimezone(MONTREAL).time(), tzinfo=MONTREAL)
    return local.astimezone(UTC)


def system_now() -> datetime:
    """The machine's real time, for technical timing that must not follow a pinned program
    date: when an email was queued and when to retry it, when a background job ran. The
    program's own dates (deadlines, decisions, installments) use `now()`."""
    return timezone.now()


def today() -> date:
    """The program's current day in America/Montreal."""
    return localdate_of(now())


def localdate_of(moment: datetime) -> date:
    """The day a moment falls on in America/Montreal (a stored time shown as a date)."""
    return moment.astimezone(MONTREAL).date()
