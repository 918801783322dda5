"""What the retention schedule has due on a day, and what holds it (clause 7; Loi sur
l'accès, art. 73).

Each kind of record has a rule (`soutien.rules.retention`) whose clock starts when the
record's matter closes: for an agreement's dossier, the last of its end or termination, its
last report accepted and its last claim settled, read from the journal (what was decided,
when). A matter still open is not due at all; a due matter under a legal hold is listed as
held with the reason, and nothing of it is destroyed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Q

from soutien.accountability.models import OUTSTANDING_STATES, AnnualReport, Claim, ReportState
from soutien.accounts.models import User
from soutien.agreements.models import Agreement, AgreementYear, CaseState, NonComplianceCase
from soutien.agreements.models import State as AgreementState
from soutien.applications.models import Application
from soutien.applications.models import State as ApplicationState
from soutien.core import clock
from soutien.core.models import JournalEntry
from soutien.core.retention import retention_years
from soutien.organizations.models import BoardMember, Invitation, Membership, Organization
from soutien.rules import FiscalYear
from soutien.rules.retention import (
    ACCOUNT,
    APPLICATION,
    BOARD_MEMBER,
    DOSSIER,
    INVITATION,
    RetentionRule,
    retention_rules,
)

from .models import DestructionRecord, LegalHold, PersonalInformationRequest, RequestState

CLOSED_AGREEMENT = (AgreementState.ENDED, AgreementState.TERMINATED)
CLOSED_APPLICATION = (ApplicationState.REFUSED, ApplicationState.WITHDRAWN)


def rules(today: date | None = None) -> dict[str, RetentionRule]:
    """The rules in force: clause 7's years from the norms covering `today`."""
    today = today or clock.today()
    return retention_rules(
        records_years=retention_years(FiscalYear.containing(today)),
        account_years=settings.PRIVACY_ACCOUNT_RETENTION_YEARS,
        invitation_days=settings.PRIVACY_INVITATION_RETENTION_DAYS,
    )


@dataclass
class Due:
    """One record whose retention has run, as the plan lists it."""

    rule: RetentionRule
    target: object
    organization: Organization | None
    label: str
    clock_started_on: date
    kept_until: date
    explanation: str
    holds: list[str] = field(default_factory=list)


class Facts:
    """What the closures read, loaded once per dry run (a handful of queries, whatever the
    number of dossiers): the journal's last day of each closing event, and each agreement's
    reports, claims and closed cases."""

    def __init__(self) -> None:
        self._days: dict[tuple[type, tuple[str, ...]], dict[int, date]] = {}
        self.reports = _by_agreement(
            AnnualReport.objects.values_list(
                "agreement_year__agreement_id", "pk", "state", "due_on"
            )
        )
        self.claims = _by_agreement(
            Claim.objects.values_list("agreement_id", "pk", "state", "due_on")
        )
        self.cases = _by_agreement(
            NonComplianceCase.objects.filter(state=CaseState.CLOSED).values_list(
                "agreement_id", "pk", "state", "found_on"
            )
        )
        self._closures: dict[int, tuple[date | None, list[str]]] = {}
        # Each organization's members' last sign-in or account creation.
        self.activity: dict[int, date] = {}
        for organization_id, joined, login in Membership.objects.values_list(
            "organization_id", "user__date_joined", "user__last_login"
        ):
            day = clock.localdate_of(max(moment for moment in (joined, login) if moment))
            self.activity[organization_id] = max(self.activity.get(organization_id, day), day)

    def day(self, model: type, pk: int, actions: tuple[str, ...]) -> date | None:
        """The day of the latest of `actions` journaled on the `model` record `pk`."""
        key = (model, actions)
        if key not in self._days:
            rows = (
                JournalEntry.objects.filter(
                    subject_type=ContentType.objects.get_for_model(model), action__in=actions
                )
                .values_list("subject_id")
                .annotate(last=Max("at"))
            )
            self._days[key] = {pk: clock.localdate_of(at) for pk, at in rows}
        return self._days[key].get(pk)

    def closure(self, agreement: Agreement) -> tuple[date | None, list[str]]:
        if agreement.pk not in self._closures:
            self._closures[agreement.pk] = _dossier_closure(agreement, self)
        return self._closures[agreement.pk]


def _by_agreement(rows) -> dict[int, list[tuple]]:
    grouped: dict[int, list[tuple]] = {}
    for agreement_id, *rest in rows:
        grouped.setdefault(agreement_id, []).append(tuple(rest))
    return grouped


# --- Closure of a matter ------------------------------------------------------------------


def dossier_closure(agreement: Agreement) -> tuple[date | None, list[str]]:
    """The day the agreement's dossier closed, or None and what keeps it open."""
    return _dossier_closure(agreement, Facts())


def _dossier_closure(agreement: Agreement, facts: Facts) -> tuple[date | None, list[str]]:
    open_reasons: list[str] = []
    days: list[date] = []
    if agreement.state not in CLOSED_AGREEMENT:
        open_reasons.append(f"la convention est « {agreement.get_state_display()} »")
    else:
        ended = facts.day(Agreement, agreement.pk, ("agreement.ended", "agreement.terminated"))
        days.append(ended or agreement.ends_on)
    for pk, state, due_on in facts.reports.get(agreement.pk, ()):
        if state != ReportState.ACCEPTED:
            open_reasons.append(f"le rapport annuel {pk} n'est pas accepté")
        else:
            days.append(facts.day(AnnualReport, pk, ("annual_report.accepted",)) or due_on)
    for pk, state, due_on in facts.claims.get(agreement.pk, ()):
        if state in OUTSTANDING_STATES:
            continue  # a hold, not an open matter: listed with its reason once due
        days.append(facts.day(Claim, pk, ("claim.settled",)) or due_on)
    for pk, _state, found_on in facts.cases.get(agreement.pk, ()):
        days.append(facts.day(NonComplianceCase, pk, ("case.closed",)) or found_on)
    if open_reasons:
        return None, open_reasons
    return max(days), []


CLOSING_APPLICATION = ("application.refused", "application.withdrawn")


def application_closure(application: Application, facts: Facts | None = None) -> date | None:
    if application.state not in CLOSED_APPLICATION:
        return None
    facts = facts or Facts()
    return facts.day(Application, application.pk, CLOSING_APPLICATION) or clock.localdate_of(
        application.updated_at
    )


# --- Holds --------------------------------------------------------------------------------


def organization_holds(organization_id: int, *, agreement_id: int | None = None) -> list[str]:
    """Why nothing of this organization's (or agreement's) records may be destroyed now."""
    reasons = []
    holds = LegalHold.objects.filter(organization_id=organization_id, lifted_at__isnull=True)
    if agreement_id is not None:
        holds = holds.filter(Q(agreement__isnull=True) | Q(agreement_id=agreement_id))
    for hold in holds:
        reasons.append(f"conservation prolongée n° {hold.pk} ({hold.get_kind_display()})")
    claims = Claim.objects.filter(organization_id=organization_id, state__in=OUTSTANDING_STATES)
    if agreement_id is not None:
        claims = claims.filter(agreement_id=agreement_id)
    for claim in claims:
        reasons.append(f"réclamation n° {claim.pk} non soldée ({claim.get_state_display()})")
    cases = NonComplianceCase.objects.filter(
        agreement__organization_id=organization_id, state=CaseState.OPEN
    )
    if agreement_id is not None:
        cases = cases.filter(agreement_id=agreement_id)
    for case in cases:
        reasons.append(f"manquement n° {case.pk} ouvert")
    requests = PersonalInformationRequest.objects.filter(state=RequestState.OPEN).filter(
        Q(organization_id=organization_id) | Q(person__memberships__organization_id=organization_id)
    )
    for request in requests.distinct():
        reasons.append(f"demande d'accès ou de rectification n° {request.pk} en cours")
    return reasons


def person_holds(user: User) -> list[str]:
    return [
        f"demande d'accès ou de rectification n° {pk} en cours"
        for pk in PersonalInformationRequest.objects.filter(
            person=user, state=RequestState.OPEN
        ).values_list("pk", flat=True)
    ]


def holds_of(rule: str, target) -> list[str]:
    """The holds on one planned record, read again when the worker reaches it."""
    if rule == DOSSIER:
        return organization_holds(target.organization_id, agreement_id=target.pk)
    if rule in (APPLICATION, BOARD_MEMBER, INVITATION):
        return organization_holds(target.organization_id)
    if rule == ACCOUNT:
        reasons = person_holds(target)
        for organization_id in target.memberships.values_list("organization_id", flat=True):
            reasons += organization_holds(organization_id)
        return reasons
    raise ValueError(rule)


# --- What is due ----------------------------------------------------------------------------


def _destroyed(rule: str, model) -> set[int]:
    return set(
        DestructionRecord.objects.filter(
            rule=rule, target_type=ContentType.objects.get_for_model(model)
        ).values_list("target_id", flat=True)
    )


def _long(day: date) -> str:
    return day.strftime("%Y-%m-%d")


def organization_release(
    organization: Organization, today: date, r, facts: Facts, agreements, applications
) -> date | None:
    """The day the organization's last matter closed, once every one of its dossiers and
    applications is past its retention; None while any is open or still kept. The last
    activity of the organization's record and of its members' accounts counts too: an
    organization that never applied, or whose people still sign in, is not released."""
    last = facts.activity.get(organization.pk, clock.localdate_of(organization.created_at))
    last = max(last, clock.localdate_of(organization.updated_at))
    for agreement in agreements.get(organization.pk, ()):
        closed, _open = facts.closure(agreement)
        if closed is None or not r[DOSSIER].expired(closed, today):
            return None
        last = max(last, closed)
    for application in applications.get(organization.pk, ()):
        closed = application_closure(application, facts)
        if closed is None or not r[APPLICATION].expired(closed, today):
            return None
        last = max(last, closed)
    return last


def due(today: date | None = None) -> Iterator[Due]:
    """Every record whose retention has run on `today`, not yet destroyed, with its holds."""
    today = today or clock.today()
    r = rules(today)
    done = {rule: _destroyed(rule, model) for rule, model in _MODELS.items()}
    facts = Facts()
    agreements: dict[int, list[Agreement]] = {}

    for agreement in Agreement.objects.select_related("organization").order_by("pk"):
        agreements.setdefault(agreement.organization_id, []).append(agreement)
        if agreement.pk in done[DOSSIER]:
            continue
        closed, _open = facts.closure(agreement)
        if closed is None or not r[DOSSIER].expired(closed, today):
            continue
        until = r[DOSSIER].kept_until(closed)
        yield Due(
            r[DOSSIER],
            agreement,
            agreement.organization,
            f"Dossier de la convention {agreement.reference} ({agreement.organization})",
            closed,
            until,
            f"Dossier fermé le {_long(closed)} ; conservé jusqu'au {_long(until)} "
            f"({r[DOSSIER].provision} : {r[DOSSIER].period}).",
            organization_holds(agreement.organization_id, agreement_id=agreement.pk),
        )

    in_agreements = Agreement.objects.values("application")
    renewals = AgreementYear.objects.filter(renewal_application__isnull=False).values(
        "renewal_application"
    )
    # Every application outside a dossier: each is its own matter.
    outside = (
        Application.objects.exclude(pk__in=in_agreements)
        .exclude(pk__in=renewals)
        .select_related("organization")
        .order_by("pk")
    )
    applications: dict[int, list[Application]] = {}
    for application in outside:
        applications.setdefault(application.organization_id, []).append(application)
    for application in (a for group in applications.values() for a in group):
        if application.state not in CLOSED_APPLICATION or application.pk in done[APPLICATION]:
            continue
        closed = application_closure(application, facts)
        if closed is None or not r[APPLICATION].expired(closed, today):
            continue
        until = r[APPLICATION].kept_until(closed)
        yield Due(
            r[APPLICATION],
            application,
            application.organization,
            f"Demande n° {application.pk} ({application.organization})",
            closed,
            until,
            f"Demande {application.get_state_display().lower()} le {_long(closed)} ; "
            f"conservée jusqu'au {_long(until)} ({r[APPLICATION].provision}).",
            organization_holds(application.organization_id),
        )

    released = {}
    for organization in Organization.objects.order_by("pk"):
        day = organization_release(organization, today, r, facts, agreements, applications)
        if day is not None:
            released[organization.pk] = (organization, day)

    members = BoardMember.objects.select_related("organization").order_by("pk")
    for member in members:
        if member.pk in done[BOARD_MEMBER]:
            continue
        # Two clocks: the member's term, and the organization's last matter; the first to run.
        clocks = []
        if member.term_end is not None:
            clocks.append((member.term_end, "mandat terminé"))
        if member.organization_id in released:
            clocks.append((released[member.organization_id][1], "dernier dossier fermé"))
        expired = sorted(c for c in clocks if r[BOARD_MEMBER].expired(c[0], today))
        if not expired:
            continue
        start, why = expired[0]
        until = r[BOARD_MEMBER].kept_until(start)
        yield Due(
            r[BOARD_MEMBER],
            member,
            member.organization,
            f"Membre du conseil n° {member.pk} ({member.organization})",
            start,
            until,
            f"{why.capitalize()} le {_long(start)} ; conservé jusqu'au {_long(until)} "
            f"({r[BOARD_MEMBER].provision}).",
            organization_holds(member.organization_id),
        )

    # An account goes once every organization the person represented is released.
    candidates = (
        User.objects.filter(is_staff=False, is_superuser=False, memberships__isnull=False)
        .distinct()
        .order_by("pk")
    )
    for user in candidates:
        if user.pk in done[ACCOUNT]:
            continue
        organizations = set(
            Membership.objects.filter(user=user).values_list("organization_id", flat=True)
        )
        if not organizations or not organizations <= released.keys():
            continue
        start = max(released[pk][1] for pk in organizations)
        if not r[ACCOUNT].expired(start, today):
            continue
        until = r[ACCOUNT].kept_until(start)
        first = released[min(organizations)][0]
        yield Due(
            r[ACCOUNT],
            user,
            first,
            f"Compte n° {user.pk} ({first})",
            start,
            until,
            f"Derniers dossiers des organismes représentés fermés le {_long(start)} ; "
            f"conservé jusqu'au {_long(until)} ({r[ACCOUNT].provision}).",
            holds_of(ACCOUNT, user),
        )

    for invitation in Invitation.objects.select_related("organization").order_by("pk"):
        if invitation.pk in done[INVITATION]:
            continue
        start = clock.localdate_of(invitation.sent_at)
        if not r[INVITATION].expired(start, today):
            continue
        until = r[INVITATION].kept_until(start)
        yield Due(
            r[INVITATION],
            invitation,
            invitation.organization,
            f"Invitation n° {invitation.pk} ({invitation.organization})",
            start,
            until,
            f"Envoyée le {_long(start)} ; conservée jusqu'au {_long(until)} "
            f"({r[INVITATION].provision} : {r[INVITATION].period}).",
            organization_holds(invitation.organization_id),
        )


_MODELS = {
    DOSSIER: Agreement,
    APPLICATION: Application,
    BOARD_MEMBER: BoardMember,
    ACCOUNT: User,
    INVITATION: Invitation,
}


def model_of(rule: str):
    return _MODELS[rule]
