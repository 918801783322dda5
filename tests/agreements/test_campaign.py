"""Issue 15, item 3: a campaign's work in bulk, as background jobs of elements — a failure
on one dossier is listed with its reason and the others go on; started again, nothing is
done twice."""

import html
from datetime import date

import pytest
from django.urls import reverse

from soutien.agreements import campaign
from soutien.agreements.models import Agreement
from soutien.applications.models import Application
from soutien.budget import actions as budget_actions
from soutien.core.jobs import run_items
from soutien.core.models import BackgroundJob, JobItem, JournalEntry, OutgoingEmail
from soutien.evaluations.models import Decision
from soutien.organizations.models import BoardMember, BoardPosition
from tests.factories import at, make_organization, make_representative
from tests.workspace.helpers import envelope, evaluated_dossier, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return staff()


def approved_run(people, count=3, *, presidents=True):
    """An approved run funding `count` dossiers; each organization has a member and, unless
    `presidents` is false for the last one, a president of its board."""
    applications = []
    for number in range(count):
        organization = make_organization()
        make_representative(organization)
        if presidents or number < count - 1:
            BoardMember.objects.create(
                organization=organization,
                full_name=f"Présidente {number}",
                position=BoardPosition.PRESIDENT,
                term_start=date(2016, 1, 1),
            )
        application, _evaluation = evaluated_dossier(people["advisor"], organization)
        applications.append(application)
    env = envelope(people["manager"], "5000000")
    run = budget_actions.run_allocation(env, by=people["manager"], at=at(2019, 3, 15))
    budget_actions.approve_allocation(run, by=people["manager"], at=at(2019, 3, 16))
    return run, applications


def test_prepare_decides_and_drafts_each_funded_dossier_lists_a_failure_and_resumes(
    client, people, django_capture_on_commit_callbacks
):
    run, applications = approved_run(people, presidents=False)
    client.force_login(people["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workspace:campaign_prepare", args=[run.pk]), {"duration_years": "1"}
        )
    job = BackgroundJob.objects.get(kind=campaign.PREPARE)
    assert response["Location"] == reverse("workspace:campaign_job", args=[job.pk])
    job.refresh_from_db()
    assert job.state == "done" and job.total == 3
    states = dict(JobItem.objects.filter(job=job).values_list("key", "state"))
    failed = str(applications[-1].pk)
    assert states.pop(failed) == "failed" and set(states.values()) == {"done"}
    # A dossier is done whole or not at all: the failed one has no decision either.
    assert Agreement.objects.count() == 2 and Decision.objects.count() == 2
    # Prepared, not communicated: no letter yet.
    assert not Decision.objects.exclude(communicated_on=None).exists()
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Aucune présidence du conseil connue" in page and "en échec : 1" in page
    # The president is named; started again, only the failed dossier is done.
    BoardMember.objects.create(
        organization=applications[-1].organization,
        full_name="Présidente tardive",
        position=BoardPosition.PRESIDENT,
        term_start=date(2016, 1, 1),
    )
    decisions = JournalEntry.objects.filter(action="application.accepted").count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("workspace:campaign_resume", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == "done"
    assert set(JobItem.objects.filter(job=job).values_list("state", flat=True)) == {"done"}
    assert Agreement.objects.count() == 3
    # Only the dossier left to do was decided: one more decision, not three.
    assert JournalEntry.objects.filter(action="application.accepted").count() == decisions + 1
    # A second whole preparation does nothing again.
    second = campaign.start_preparation(run, duration_years=1, by=people["manager"], task=_NoTask)
    run_items(second.pk, campaign.WORK[second.kind])
    assert set(second.items.values_list("state", flat=True)) == {"skipped"}
    assert Agreement.objects.count() == 3 and Decision.objects.count() == 3


def test_letters_go_once_each_with_the_letters_fingerprint(people):
    run, _applications = approved_run(people, count=2)
    prepare = campaign.start_preparation(run, duration_years=1, by=people["manager"], task=_NoTask)
    run_items(prepare.pk, campaign.WORK[prepare.kind])
    letters = campaign.start_letters(run, by=people["manager"], task=_NoTask)
    before = OutgoingEmail.objects.count()
    run_items(letters.pk, campaign.WORK[letters.kind])
    assert OutgoingEmail.objects.count() == before + 2
    assert Decision.objects.filter(communicated_on__isnull=False).count() == 2
    entry = JournalEntry.objects.filter(action="decision.communicated").first()
    assert len(entry.data["letter_sha256"]) == 64
    # Sent again: each is « déjà fait », no second email.
    again = campaign.start_letters(run, by=people["manager"], task=_NoTask)
    run_items(again.pk, campaign.WORK[again.kind])
    assert OutgoingEmail.objects.count() == before + 2
    assert set(again.items.values_list("state", flat=True)) == {"skipped"}


def test_letters_before_decisions_fail_by_dossier_with_the_reason(people):
    run, _applications = approved_run(people, count=1)
    job = campaign.start_letters(run, by=people["manager"], task=_NoTask)
    run_items(job.pk, campaign.WORK[job.kind])
    item = job.items.get()
    assert item.state == "failed"
    assert item.error == "Aucune décision : préparez d'abord les décisions de la répartition."


def test_the_evaluator_cannot_decide_in_bulk_either(people):
    """Separation of duties holds inside the job: each dossier is refused, with the reason."""
    run, _applications = approved_run(people, count=1)
    people["advisor"].role = "manager"  # the evaluator, promoted: still not the decider
    people["advisor"].save()
    job = campaign.start_preparation(run, duration_years=1, by=people["advisor"], task=_NoTask)
    run_items(job.pk, campaign.WORK[job.kind])
    assert "Séparation des tâches" in job.items.get().error
    assert not Decision.objects.exists()


def test_bulk_assignment_by_hand_in_turns_and_by_region(
    client, people, django_capture_on_commit_callbacks
):
    from soutien.accounts.models import Role
    from tests.factories import make_user

    second = make_user(Role.ADVISOR)
    apps = [evaluated_dossier(people["advisor"], complete=False)[0] for _ in range(3)]
    client.force_login(people["manager"])
    url = reverse("workspace:bulk_assign")
    page = html.unescape(client.get(url).content.decode())
    assert "3 dossiers à attribuer" in page
    refused = client.post(
        url, {"rule": "turns", "applications": [apps[0].pk], "advisors": [second.pk]}
    )
    assert refused.status_code == 422
    assert "Cochez au moins deux personnes" in html.unescape(refused.content.decode())
    assert not BackgroundJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "rule": "turns",
                "applications": [a.pk for a in apps],
                "advisors": [people["advisor"].pk, second.pk],
            },
        )
    assert response.status_code == 302
    got = dict(
        Application.objects.filter(pk__in=[a.pk for a in apps]).values_list(
            "pk", "assigned_advisor_id"
        )
    )
    # In turns, in the order of the list: the first person twice, the second once.
    first = people["advisor"].pk
    assert sorted(got.values()) == sorted([first, second.pk, first])
    # By region: every listed dossier of the region goes to the person chosen for it.
    region = apps[0].organization.region_id
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"rule": "region", f"region_{region}": second.pk})
    assert set(
        Application.objects.filter(
            organization__region_id=region, pk__in=[a.pk for a in apps]
        ).values_list("assigned_advisor_id", flat=True)
    ) == {second.pk}
    job = BackgroundJob.objects.filter(kind=campaign.ASSIGN).order_by("-pk").first()
    assert job.state == "done"


def test_the_campaign_pages_need_their_powers(client, people):
    run, _applications = approved_run(people, count=1)
    client.force_login(people["advisor"])
    assert client.get(reverse("workspace:campaign_run", args=[run.pk])).status_code == 403
    assert client.get(reverse("workspace:bulk_assign")).status_code == 403
    client.force_login(people["finance"])
    assert client.post(reverse("workspace:campaign_letters", args=[run.pk])).status_code == 403
    assert not BackgroundJob.objects.exists()


class _NoTask:
    """A task that is not run on commit: the test runs the job itself."""

    @staticmethod
    def enqueue(*_args):
        return None


def test_a_funded_renewal_confirms_its_agreements_year_and_one_not_reviewed_says_why(people):
    from soutien.agreements import actions as agreement_actions
    from soutien.agreements.models import YearState
    from soutien.applications.models import Kind
    from tests.agreements.test_renewals import decided
    from tests.factories import upload

    manager = people["manager"]
    envelope(manager, "5000000", fiscal_year=2018)
    organizations = [
        make_organization(refugee_reception=True, refugees_received_per_year=200) for _ in range(2)
    ]
    renewals = []
    for organization in organizations:
        first = decided(organization, 2018, {"manager": manager})
        agreement = agreement_actions.prepare_agreement(
            first, duration_years=2, signatory_name="Présidente", by=manager, at=at(2018, 4, 1)
        )
        agreement_actions.sign_agreement(
            agreement, upload=upload("convention.pdf"), signed_on=date(2018, 5, 10), by=manager,
            at=at(2018, 5, 10),
        )  # fmt: skip
        application, _evaluation = evaluated_dossier(
            people["advisor"], organization, kind=Kind.RENEWAL, fiscal_year=2019
        )
        renewals.append((application, agreement))
    # Only the first renewal was reviewed favourably (5.6).
    agreement_actions.review_renewal(
        renewals[0][0], requirements_met=True, evidence="Exigences respectées.",
        by=people["advisor"], at=at(2019, 3, 10),
    )  # fmt: skip
    env = envelope(manager, "5000000")
    run = budget_actions.run_allocation(env, by=manager, at=at(2019, 3, 15))
    budget_actions.approve_allocation(run, by=manager, at=at(2019, 3, 16))
    job = campaign.start_preparation(run, duration_years=1, by=manager, task=_NoTask)
    run_items(job.pk, campaign.WORK[job.kind])
    reviewed, not_reviewed = (job.items.get(key=str(a.pk)) for a, _agreement in renewals)
    assert reviewed.state == "done" and "confirmée (5.6)" in reviewed.note
    assert renewals[0][1].years.get(year_number=2).state == YearState.CONFIRMED
    assert not_reviewed.state == "failed" and "revue" in not_reviewed.error.lower()
    assert Agreement.objects.count() == 2  # no second agreement for a renewal
