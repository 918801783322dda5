"""A draft version of the norms tried on a campaign (issue 15): replayed, reported, undecided."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from soutien.budget.models import NormsTrial
from soutien.budget.whatif import try_norms
from soutien.evaluations.models import Evaluation
from soutien.rules import FiscalYear
from tests.factories import at
from tests.workspace.helpers import envelope, evaluated_dossier, staff

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).parents[2] / "docs/examples/normes-hypothetiques-2018-2020.toml"


def _snapshot():
    return list(Evaluation.objects.order_by("pk").values())


@pytest.fixture
def world():
    people = staff()
    _a, first = evaluated_dossier(people["advisor"])
    _b, second = evaluated_dossier(people["advisor"])
    _c, broken = evaluated_dossier(people["advisor"])
    # A snapshot the rules no longer read: listed, not replayed.
    Evaluation.objects.filter(pk=broken.pk).update(facts={"id": "x"})
    # Credits for both dossiers at 27 652 $, not at the hypothetical 31 000 $.
    envelope(people["manager"], "60000")
    return people, first, second, broken


def test_15_the_campaign_is_replayed_under_both_versions_and_nothing_is_written(world):
    people, first, second, broken = world
    before = _snapshot()
    trial = try_norms(
        draft_text=EXAMPLE.read_text(encoding="utf-8"),
        draft_name=EXAMPLE.name,
        fiscal_year=FiscalYear(2019),
        stream=1,
        by=people["manager"],
        at=at(2019, 3, 20),
    )
    assert _snapshot() == before
    figures = trial.figures
    by_key = {d["key"]: d for d in figures["dossiers"]}
    for evaluation in (first, second):
        line = by_key[evaluation.pk]
        assert line["before"]["amount"] == Decimal("27652")
        assert line["after"]["amount"] == Decimal("31000")
    allocation = figures["allocation"]
    assert allocation["before"]["funded"] == Decimal("55304")
    assert allocation["before"]["funded_dossiers"] == 2
    assert allocation["after"]["funded"] == Decimal("31000")
    assert allocation["after"]["funded_dossiers"] == 1
    assert allocation["after"]["shortfall"] == Decimal("2000")
    [not_replayed] = figures["not_replayed"]
    assert not_replayed["key"] == broken.pk and "requis" in not_replayed["reason"]
    assert (trial.dossiers, trial.changed, trial.not_replayed) == (2, 2, 1)
    assert len(trial.draft_sha256) == len(trial.base_sha256) == 64
    assert trial.base_version == "2018-2020"
    [tier] = figures["by_tier"]
    assert tier["before"]["amount"] == Decimal("55304") and tier["after"]["funded"] == 31000


def test_15_the_manager_uploads_compares_runs_and_reopens_the_report(client, world):
    people, *_rest = world
    client.force_login(people["manager"])
    page = client.get(reverse("workspace:budget")).content.decode()
    assert reverse("workspace:norms_trials") in page
    with EXAMPLE.open("rb") as handle:
        response = client.post(reverse("workspace:norms_trials"), {"draft": handle})
    text = response.content.decode()
    assert response.status_code == 200 and "Clause par clause" in text and "31000 $" in text
    before = _snapshot()
    response = client.post(
        reverse("workspace:run_norms_trial"),
        {
            "draft_text": EXAMPLE.read_text(encoding="utf-8"),
            "draft_name": EXAMPLE.name,
            "campaign": "2019-1",
        },
    )
    trial = NormsTrial.objects.get()
    assert response["Location"] == reverse("workspace:norms_trial", args=[trial.pk])
    assert _snapshot() == before
    report = client.get(response["Location"]).content.decode()
    assert "Dossiers dont le financement changerait" in report and "Dossiers non rejoués" in report
    listing = client.get(reverse("workspace:norms_trials")).content.decode()
    assert reverse("workspace:norms_trial", args=[trial.pk]) in listing


def test_15_a_refused_draft_shows_its_problems_with_key_and_line(client, world):
    people, *_rest = world
    client.force_login(people["manager"])
    bad = EXAMPLE.read_text(encoding="utf-8").replace('"31000"', '"-31000"')
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("mauvais.toml", bad.encode())
    response = client.post(reverse("workspace:norms_trials"), {"draft": upload})
    text = response.content.decode()
    assert response.status_code == 422
    assert "parameters.other_attached_floor.values[1].value" in text and "négatif" in text
    assert NormsTrial.objects.count() == 0


def test_15_an_example_can_be_picked_and_an_advisor_cannot_try_norms(client, world):
    people, *_rest = world
    client.force_login(people["manager"])
    response = client.post(reverse("workspace:norms_trials"), {"example": EXAMPLE.name})
    assert response.status_code == 200 and "Rejouer la campagne" in response.content.decode()
    client.force_login(people["advisor"])
    assert client.get(reverse("workspace:norms_trials")).status_code == 403
