"""The retention schedule on the demo (clause 7; Loi sur l'accès, art. 73): a closed dossier
kept six years after the fiscal year it closed in, then destroyed through a dry run, an
approval by another person and a worker; the ledger and the totals unchanged."""

import html
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.urls import reverse

from soutien.accountability import actions as accountability
from soutien.accountability.models import ReportContent
from soutien.accounts.models import User
from soutien.agreements import actions as agreements
from soutien.agreements.models import Agreement, NonComplianceCase
from soutien.applications.models import Application, ApplicationDocument, Declaration
from soutien.budget.models import LedgerEntry
from soutien.core.files import private_storage
from soutien.core.models import JournalEntry
from soutien.organizations.models import BoardMember
from soutien.privacy import actions, schedule
from soutien.privacy.destroy import DESTROYED_NAME, DOCUMENT_MODELS
from soutien.privacy.models import DestructionRecord, ItemState, RetentionItem, RunState
from tests.accountability.test_reports import fill
from tests.factories import at, make_representative

MANAGER = "gestionnaire@demo.soutien.example"
ADMIN = "admin@demo.soutien.example"


def close_terminated_dossier():
    """The demo's terminated agreement, brought to its close in October 2019: its late
    2018-2019 report transmitted and accepted, its case closed."""
    agreement = Agreement.objects.get(state="terminated")
    advisor = User.objects.get(email="conseillere@demo.soutien.example")
    manager = User.objects.get(email=MANAGER)
    member = make_representative(agreement.organization, email="coordo@organisme.example")
    report = agreement.years.get(year_number=1).annual_report
    fill(report, member, when=at(2019, 10, 16))
    accountability.submit_report(report, by=member, at=at(2019, 10, 16))
    for obligation in report.obligations.all():
        accountability.check_obligation(obligation, met=True, by=advisor, at=at(2019, 10, 17))
    accountability.accept_annual_report(report, by=advisor, at=at(2019, 10, 17))
    case = NonComplianceCase.objects.get(agreement=agreement)
    agreements.close_case(case, reason="Résiliation en vigueur.", by=manager, at=at(2019, 10, 18))
    return agreement, member


def files_of(agreement):
    names = set()
    for model in DOCUMENT_MODELS:
        rows = model.objects.filter(organization_scope(model, agreement))
        names |= set(rows.values_list("file", flat=True))
    return {name for name in names if name}


def organization_scope(model, agreement):
    from django.db.models import Q

    return {
        "ApplicationDocument": Q(application__organization=agreement.organization),
        "SubmissionCopy": Q(application__organization=agreement.organization),
        "AgreementDocument": Q(agreement=agreement),
        "ReportDocument": Q(report__agreement_year__agreement=agreement),
    }[model.__name__]


def ledger():
    return list(
        LedgerEntry.objects.values("kind")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by("kind")
    )


def journal_text(organization, member):
    """What the journal says of the organization and of its member's acts (the demo's names
    recur in other organizations, whose people are kept)."""
    from django.db.models import Q

    entries = JournalEntry.objects.filter(Q(organization=organization) | Q(actor=member))
    return " ".join(f"{e.subject_repr} {e.reason} {e.data}" for e in entries.iterator())


def test_7_a_closed_demo_dossier_is_destroyed_six_years_after_its_fiscal_year(
    demo_database, settings, django_capture_on_commit_callbacks, client
):
    agreement, member = close_terminated_dossier()
    organization = agreement.organization
    manager, admin = User.objects.get(email=MANAGER), User.objects.get(email=ADMIN)
    board = list(BoardMember.objects.filter(organization=organization))
    applications = Application.objects.filter(organization=organization)
    declarations = Declaration.objects.filter(application__organization=organization)
    contents = ReportContent.objects.filter(report__agreement_year__agreement=agreement)
    people = [
        *[m.full_name for m in board],
        member.full_name,
        agreement.signatory_name,
        *[a.contact_name for a in applications if a.contact_name],
        *[d.declarant_name for d in declarations],
        *[c.cpa_name for c in contents if c.cpa_name],
    ]
    names = [name for name in dict.fromkeys(people) if name]
    assert "Julie Comptable" in names and len(names) > len(board) + 3
    files = files_of(agreement)
    assert files and all(private_storage.exists(name) for name in files)
    assert member.email in journal_text(organization, member)
    before = ledger()

    # Closed on 18 October 2019, in 2019-2020: kept until 31 March 2026, destroyed after.
    # Its withdrawn application of February 2019 (2018-2019) was due a year earlier.
    settings.SOUTIEN_PROGRAM_DATE = date(2026, 3, 31)
    assert {d.rule.code for d in schedule.due() if d.organization == organization} == {
        "application"
    }
    settings.SOUTIEN_PROGRAM_DATE = date(2026, 4, 1)
    due = [d for d in schedule.due() if d.organization == organization]
    assert {d.rule.code for d in due} == {"dossier", "application", "board_member", "account"}
    (dossier,) = [d for d in due if d.rule.code == "dossier"]
    assert dossier.clock_started_on == date(2019, 10, 18)
    assert dossier.kept_until == date(2026, 3, 31)
    assert "clause 7" in dossier.explanation

    run = actions.prepare_run(by=manager, at=at(2026, 4, 1), reason="Passe d'avril 2026.")
    # A dry run destroys nothing, and only another person approves it.
    assert all(private_storage.exists(name) for name in files)
    with pytest.raises(ValidationError, match="n'est pas approuvée"):
        actions.execute_run(run, by=manager, at=at(2026, 4, 1))
    with pytest.raises(PermissionDenied, match="autre personne"):
        actions.approve_run(run, by=manager, at=at(2026, 4, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        type(run).objects.filter(pk=run.pk).update(approved_by=manager, approved_at=at(2026, 4, 1))
    actions.approve_run(run, by=admin, at=at(2026, 4, 2))
    with django_capture_on_commit_callbacks(execute=True):
        actions.execute_run(run, by=admin, at=at(2026, 4, 2))
    run.refresh_from_db()
    assert run.state == RunState.DONE and run.job.state == "done"

    mine = RetentionItem.objects.filter(run=run, organization=organization)
    assert set(mine.values_list("state", flat=True)) == {ItemState.DESTROYED}
    records = DestructionRecord.objects.filter(run=run)
    assert records.count() == run.items.filter(state=ItemState.DESTROYED).count()
    # Documents: the rows say destroyed, their files are gone unless a kept row shares them.
    kept = {
        name
        for model in DOCUMENT_MODELS
        for name in model.objects.exclude(original_name=DESTROYED_NAME).values_list(
            "file", flat=True
        )
    }
    gone = files - kept
    assert gone and not any(private_storage.exists(name) for name in gone)
    record = records.get(rule="dossier", target_id=agreement.pk)
    shared = records.filter(rule="application", organization=organization)
    assert record.counts["files_deleted"] + sum(r.counts["files_deleted"] for r in shared) == len(
        gone
    )
    assert record.approved_by == admin and record.provision == "clause 7 du programme"
    # The persons' names: gone from the records, their history and the journal.
    text = journal_text(organization, member)
    mine_board = [m.pk for m in board]
    for name in names:
        assert not BoardMember.objects.filter(pk__in=mine_board, full_name=name).exists()
        assert not BoardMember.history.filter(id__in=mine_board, full_name=name).exists()
        assert not User.history.filter(id=member.pk, full_name=name).exists()
        assert not Agreement.history.filter(id=agreement.pk, signatory_name=name).exists()
        assert not applications.filter(contact_name=name).exists()
        assert not Application.history.filter(
            id__in=[a.pk for a in applications], contact_name=name
        ).exists()
        assert not declarations.filter(declarant_name=name).exists()
        assert not ReportContent.history.filter(
            id__in=[c.pk for c in contents], cpa_name=name
        ).exists()
        assert name not in text
    assert member.email not in text
    member.refresh_from_db()
    pseudonym = records.get(rule="account", target_id=member.pk).pseudonym
    assert member.full_name == pseudonym and not member.is_active
    assert not member.has_usable_password()
    # The journal still says who did what, under the pseudonym; amounts and totals stay.
    assert JournalEntry.objects.filter(actor=member).exists()
    assert ledger() == before
    assert Agreement.objects.get(pk=agreement.pk).organization.legal_name == organization.legal_name
    # The dossier still reads: its page with the pseudonyms, its documents answer « détruit ».
    client.force_login(admin)
    page = client.get(reverse("workspace:agreement", args=[agreement.pk]))
    shown = html.unescape(page.content.decode())
    assert page.status_code == 200 and agreement.reference in shown
    assert not any(name in shown for name in names)
    document = ApplicationDocument.objects.filter(application=agreement.application).first()
    gone_page = client.get(reverse("application-document", args=[document.pk]))
    assert gone_page.status_code == 410 and "Document détruit" in gone_page.content.decode()
    # Nothing is destroyed twice: a new run finds nothing left for this organization.
    again = actions.prepare_run(by=manager, at=at(2026, 4, 3))
    assert not again.items.filter(organization=organization).exists()


def test_7_a_legal_hold_or_an_open_claim_keeps_a_due_dossier(
    demo_database, settings, django_capture_on_commit_callbacks
):
    agreement, _member = close_terminated_dossier()
    manager, admin = User.objects.get(email=MANAGER), User.objects.get(email=ADMIN)
    with pytest.raises(ValidationError) as error:
        actions.place_hold(agreement.organization, kind="dispute", reason=" ", by=manager,
                           at=at(2026, 1, 5))  # fmt: skip
    assert "reason" in error.value.message_dict
    hold = actions.place_hold(
        agreement.organization, kind="dispute", reason="Recours en Cour du Québec.",
        by=manager, at=at(2026, 1, 5),
    )  # fmt: skip
    settings.SOUTIEN_PROGRAM_DATE = date(2026, 4, 1)
    run = actions.prepare_run(by=manager, at=at(2026, 4, 1))
    item = run.items.get(rule="dossier", target_id=agreement.pk)
    assert item.state == ItemState.HELD and f"n° {hold.pk}" in item.note
    # A hold placed after the approval is read again by the worker.
    actions.lift_hold(hold, reason="Recours rejeté.", by=manager, at=at(2026, 4, 1))
    run = actions.prepare_run(by=manager, at=at(2026, 4, 1))
    assert run.items.get(rule="dossier", target_id=agreement.pk).state == ItemState.PLANNED
    actions.approve_run(run, by=admin, at=at(2026, 4, 2))
    later = actions.place_hold(
        agreement.organization, kind="audit", reason="Vérification du Vérificateur général.",
        by=manager, at=at(2026, 4, 2), agreement=agreement,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        actions.execute_run(run, by=admin, at=at(2026, 4, 2))
    item = run.items.get(rule="dossier", target_id=agreement.pk)
    assert item.state == ItemState.HELD and f"n° {later.pk}" in item.note
    assert not DestructionRecord.objects.filter(organization=agreement.organization).exists()
