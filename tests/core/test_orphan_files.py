"""No document file without its row (issue 10: orphan files)."""

import os
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction

from soutien.applications import actions
from soutien.core.models import BackgroundJob, JournalEntry
from soutien.core.orphans import referenced_names
from tests.factories import PDF, at, make_application, make_user, upload

pytestmark = pytest.mark.django_db


def files_on_disk(settings) -> list[str]:
    root = settings.DOCUMENTS_ROOT
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_an_action_that_fails_after_writing_the_file_leaves_no_file(settings, monkeypatch):
    advisor = make_user()
    application = make_application(by=advisor)

    def broken_journal(*args, **kwargs):
        raise RuntimeError("journal unavailable")

    monkeypatch.setattr(JournalEntry, "write", broken_journal)
    with pytest.raises(RuntimeError):
        actions.upload_document(
            application, kind="charter", upload=upload("charte.pdf"), by=advisor, at=at(2019, 2, 1)
        )
    assert files_on_disk(settings) == []
    assert not application.documents.exists()


def test_a_committed_upload_keeps_its_file(settings, django_capture_on_commit_callbacks):
    advisor = make_user()
    application = make_application(by=advisor)
    with django_capture_on_commit_callbacks(execute=True):
        document = actions.upload_document(
            application, kind="charter", upload=upload("charte.pdf"), by=advisor, at=at(2019, 2, 1)
        )
    assert files_on_disk(settings) == [document.file.name]


def test_a_rollback_keeps_a_file_that_another_row_already_names(settings):
    advisor = make_user()
    application = make_application(by=advisor)
    kept = actions.upload_document(
        application, kind="charter", upload=upload("charte.pdf"), by=advisor, at=at(2019, 2, 1)
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.upload_document(
            application,
            kind="bylaws",
            upload=upload("copie.pdf", PDF + b"%v2\n"),
            by=advisor,
            at=at(2019, 2, 2),
        )
        raise RuntimeError("the rest of the request failed")
    assert files_on_disk(settings) == [kept.file.name]


def orphan(settings, name="ab/abandoned.pdf", age_hours=48):
    path = settings.DOCUMENTS_ROOT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF)
    old = time.time() - age_hours * 3600
    os.utime(path, (old, old))
    return path


def run(*args) -> str:
    out = StringIO()
    call_command("documents", "orphans", *args, stdout=out)
    return out.getvalue()


def test_the_command_lists_orphans_in_french_and_deletes_them_only_when_asked(settings):
    advisor = make_user()
    application = make_application(by=advisor)
    kept = actions.upload_document(
        application, kind="charter", upload=upload("charte.pdf"), by=advisor, at=at(2019, 2, 1)
    )
    referenced = settings.DOCUMENTS_ROOT / kept.file.name
    os.utime(referenced, (time.time() - 72 * 3600,) * 2)  # old, but named by its row
    abandoned = orphan(settings)
    recent = orphan(settings, "cd/in-progress.pdf", age_hours=1)  # an upload not yet committed

    listed = run()
    assert "ab/abandoned.pdf" in listed and kept.file.name not in listed
    assert "in-progress" not in listed
    assert "1 fichier orphelin trouvé (--delete pour le supprimer)." in listed
    assert abandoned.exists()

    deleted = run("--delete")
    assert "1 fichier orphelin supprimé." in deleted
    assert not abandoned.exists() and referenced.exists() and recent.exists()
    assert run() == "Aucun fichier orphelin.\n"


def test_files_named_only_by_history_or_by_a_job_are_kept(settings):
    advisor = make_user()
    application = make_application(by=advisor)
    document = actions.upload_document(
        application, kind="charter", upload=upload("charte.pdf"), by=advisor, at=at(2019, 2, 1)
    )
    job = BackgroundJob.objects.create(kind="export", started_by=advisor)
    job.result_file.save("jobs/1/export.csv", ContentFile(b"a;b"), save=True)
    # Only the history names the first file now (rows are never deleted; an update shows it).
    type(document).objects.filter(pk=document.pk).update(file="ab/elsewhere.pdf")
    assert type(document).history.filter(id=document.pk, file=document.file.name).exists()
    assert {document.file.name, job.result_file.name} <= referenced_names()
    assert run("--grace-hours", "0") == "Aucun fichier orphelin.\n"


@pytest.mark.django_db(transaction=True)
def test_a_real_rollback_of_the_outermost_transaction_removes_the_file_and_a_commit_keeps_it(
    settings, monkeypatch, regions
):
    advisor = make_user()
    application = make_application(by=advisor)
    kept = actions.upload_document(
        application, kind="charter", upload=upload("charte.pdf"), by=advisor, at=at(2019, 2, 1)
    )
    monkeypatch.setattr(JournalEntry, "write", lambda *args, **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        actions.upload_document(
            application,
            kind="bylaws",
            upload=upload("copie.pdf", PDF + b"%v2\n"),
            by=advisor,
            at=at(2019, 2, 2),
        )
    assert files_on_disk(settings) == [kept.file.name]
