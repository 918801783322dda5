"""The retention schedule's pages, as staff use them: a dry run prepared, refused to its
author's approval, approved by another person, executed; a hold placed with bad input."""

import html
from datetime import date, timedelta

import pytest
from django.urls import reverse

from soutien.accounts.models import Role
from soutien.organizations.models import Invitation
from soutien.privacy.models import DestructionRecord, LegalHold, RetentionRun, RunState
from tests.factories import at, make_organization, make_representative, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_invitation(settings):
    organization = make_organization()
    member = make_representative(organization)
    invitation = Invitation.objects.create(
        organization=organization,
        email="collegue@organisme.example",
        invited_by=member,
        sent_at=at(2019, 3, 1),
    )
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 3, 1) + timedelta(days=366)
    return invitation


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_run_through_its_pages(client, old_invitation, django_capture_on_commit_callbacks):
    manager, admin = make_user(Role.MANAGER), make_user(Role.ADMINISTRATOR)
    client.force_login(manager)
    page = client.get(reverse("workspace:retention"))
    assert page.status_code == 200 and "Invitation d'une ou d'un collègue" in text(page)
    response = client.post(reverse("workspace:retention"), {"reason": "Passe de mars."})
    run = RetentionRun.objects.get()
    assert response["Location"] == reverse("workspace:retention_run", args=[run.pk])
    url = response["Location"]
    page = client.get(url)
    assert f"Invitation n° {old_invitation.pk}" in text(page)
    assert "collegue@organisme.example" not in text(page)  # the plan names no one
    refused = client.post(url, {"action": "approve"})
    assert refused.status_code == 403 and "autre personne" in text(refused)
    early = client.post(url, {"action": "execute"})
    assert early.status_code == 422 and "pas approuvée" in text(early)
    client.force_login(admin)
    assert client.post(url, {"action": "approve"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "execute"}).status_code == 302
    page = client.get(url)
    assert "Exécutée" in text(page) and "Procès-verbal de destruction" in text(page)
    old_invitation.refresh_from_db()
    assert old_invitation.email.endswith("@anonyme.invalid")
    record = DestructionRecord.objects.get()
    assert record.approved_by == admin and record.counts["names"] == 1
    export = client.get(reverse("workspace:destructions_export", args=["csv"]))
    content = export.content.decode("utf-8-sig")
    assert record.label in content and "collegue@organisme.example" not in content


def test_a_hold_with_bad_input_is_refused_naming_the_field_and_nothing_is_kept(client):
    organization = make_organization()
    client.force_login(make_user(Role.MANAGER))
    response = client.post(
        reverse("workspace:place_hold"),
        {"organization": organization.pk, "agreement": "SAM-0000", "kind": "dispute"},
    )
    assert response.status_code == 422
    assert "Aucune convention ne porte ce numéro." in text(response)
    assert "Précisions" in text(response)
    assert not LegalHold.objects.exists()
    response = client.post(
        reverse("workspace:place_hold"),
        {"organization": organization.pk, "kind": "dispute", "reason": "Recours."},
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    lift = reverse("workspace:lift_hold", args=[hold.pk])
    assert client.post(lift, {"reason": ""}).status_code == 422
    assert client.post(lift, {"reason": "Recours rejeté."}).status_code == 302
    hold.refresh_from_db()
    assert not hold.is_active


def test_an_advisor_does_not_reach_the_schedule(client):
    client.force_login(make_user(Role.ADVISOR))
    assert client.get(reverse("workspace:retention")).status_code == 403


def test_an_open_access_request_holds_the_organizations_records(old_invitation, settings):
    from soutien.privacy import actions, rights
    from soutien.privacy.models import ItemState

    manager = make_user(Role.MANAGER)
    member = old_invitation.invited_by
    request = rights.record_request(
        by=manager,
        at=at(2020, 3, 1),
        person_email=member.email,
        kind="access",
        received_on=date(2020, 3, 1),
        details="Tout ce que vous détenez sur moi.",
    )
    run = actions.prepare_run(by=manager, at=at(2020, 3, 2))
    item = run.items.get(target_id=old_invitation.pk)
    assert item.state == ItemState.HELD
    assert f"demande d'accès ou de rectification n° {request.pk} en cours" in item.note


def test_a_run_whose_worker_stopped_is_resumed_from_its_page(
    client, old_invitation, settings, django_capture_on_commit_callbacks
):
    from soutien.core.models import BackgroundJob
    from soutien.privacy import actions

    manager, admin = make_user(Role.MANAGER), make_user(Role.ADMINISTRATOR)
    run = actions.prepare_run(by=manager, at=at(2020, 3, 2))
    actions.approve_run(run, by=admin, at=at(2020, 3, 2))
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    actions.execute_run(run, by=admin, at=at(2020, 3, 2))
    run.refresh_from_db()
    # The worker took the job and was stopped before any item: the job stays « running ».
    BackgroundJob.objects.filter(pk=run.job_id).update(state="running")
    client.force_login(manager)
    url = reverse("workspace:retention_run", args=[run.pk])
    page = text(client.get(url))
    assert "Si la progression ne bouge plus" in page and "Reprendre la passe" in page
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "resume"}).status_code == 302
    run.refresh_from_db()
    assert run.state == RunState.DONE and DestructionRecord.objects.count() == 1
    from soutien.core.models import JournalEntry

    assert JournalEntry.objects.for_subject(run).filter(action="retention.resumed").exists()
