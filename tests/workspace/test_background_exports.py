"""The finance extraction is built by a worker: its page shows the progress (refreshing itself
without JavaScript), then the file; only the person who asked for it sees either."""

import re

import pytest
from django.urls import reverse

from soutien.agreements import exports
from soutien.agreements.tasks import build_finance_export
from soutien.core.models import BackgroundJob, JobState
from tests.workspace.helpers import staff
from tests.workspace.test_workflow import _signed_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return staff()


def start(client, fmt="csv", kind="installments", **data):
    return client.post(reverse("workspace:export", args=[fmt]), {"kind": kind, **data})


def test_the_page_refreshes_while_the_job_waits_then_offers_the_file(people, client):
    _signed_agreement(people)
    client.force_login(people["finance"])
    response = start(client)  # not committed in this test: the job waits for a worker
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("workspace:export_job", args=[job.pk])
    assert job.state == JobState.QUEUED and job.started_by == people["finance"]
    html = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "<progress" in html and "En attente" in html
    assert client.get(reverse("workspace:export_file", args=[job.pk])).status_code == 404

    BackgroundJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, done=1, total=2)
    html = client.get(response["Location"]).content.decode()
    assert 'value="50"' in html and "En cours : 1 sur 2 éléments traités (50 %)." in html
    assert 'http-equiv="refresh"' in html

    BackgroundJob.objects.filter(pk=job.pk).update(state=JobState.QUEUED)
    build_finance_export.call(job.pk)  # what the worker runs
    job.refresh_from_db()
    assert job.state == JobState.DONE and (job.done, job.total) == (2, 2)
    html = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in html and "Terminé : 2 éléments traités." in html
    download = client.get(re.search(r'href="([^"]+/fichier)"', html).group(1))
    assert download["Content-Disposition"] == 'attachment; filename="soutien-installments.csv"'
    # The same file the export always made.
    expected = exports.to_csv(exports.installment_rows(people["finance"]))
    assert b"".join(download.streaming_content) == expected
    assert build_finance_export.call(job.pk) == JobState.DONE  # run twice: built once


def test_only_the_person_who_asked_sees_the_job_and_its_file(people, client):
    _signed_agreement(people)
    client.force_login(people["finance"])
    start(client, "xlsx", fiscal_year="2019")
    job = BackgroundJob.objects.get()
    assert job.params == {"kind": "installments", "fmt": "xlsx", "fiscal_year": 2019}
    build_finance_export.call(job.pk)  # what the worker runs
    urls = [
        reverse("workspace:export_job", args=[job.pk]),
        reverse("workspace:export_file", args=[job.pk]),
    ]
    page, download = (client.get(url) for url in urls)
    assert (page.status_code, download.status_code) == (200, 200)
    assert b"".join(download.streaming_content)  # read to the end, as a server would
    client.force_login(people["manager"])  # may extract too, but did not ask for this one
    assert [client.get(url).status_code for url in urls] == [404, 404]
    client.force_login(people["advisor"])  # may not extract at all
    assert [client.get(url).status_code for url in urls] == [403, 403]
    client.logout()
    assert all("/compte/connexion/" in client.get(url)["Location"] for url in urls)


def test_a_get_on_the_old_link_starts_nothing(people, client):
    client.force_login(people["finance"])
    response = client.get(reverse("workspace:export", args=["csv"]), {"kind": "decisions"})
    assert response["Location"] == reverse("workspace:finance") + "?kind=decisions"
    assert not BackgroundJob.objects.exists()


def test_a_failed_job_says_so_in_french(people, client, monkeypatch):
    client.force_login(people["finance"])
    start(client)
    job = BackgroundJob.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setitem(exports.KINDS, "installments", ("Versements prévus", broken))
    with pytest.raises(RuntimeError):
        build_finance_export.call(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "disque plein" in job.error
    html = client.get(reverse("workspace:export_job", args=[job.pk])).content.decode()
    assert "Le travail a échoué" in html and 'http-equiv="refresh"' not in html
