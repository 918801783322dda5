"""Issue 15, proof: on the demo, the program manager tries the hypothetical norms — checks and
compares them clause by clause, replays the 2019-2020 campaign under both versions and reads
which dossiers would change — then, once the last dossiers of the campaign are evaluated and
the run approved, prepares their decisions and agreements in bulk and sends their letters,
watching each job to its end. axe-core finds no WCAG violation on the new pages."""

import html
from pathlib import Path

import pytest

from soutien.accounts.models import User
from soutien.agreements.models import Agreement
from soutien.applications.models import Application
from soutien.budget.models import AllocationRun, NormsTrial
from soutien.core import clock
from soutien.core.models import BackgroundJob, JobItem, JournalEntry
from soutien.evaluations import actions as evaluations
from soutien.evaluations.models import Decision, Evaluation
from tests.workspace.helpers import judgments_all_met

from .conftest import axe_violations
from .test_demo_walkthrough import follow, log_in

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLE = Path(__file__).resolve().parents[2] / "docs/examples/normes-hypothetiques-2018-2020.toml"


def main_text(page) -> str:
    return html.unescape(page.inner_text("main"))


def finish_the_evaluations() -> list[int]:
    """The advisors complete the campaign's evaluations still in progress (volet 1)."""
    done = []
    for evaluation in Evaluation.objects.filter(
        application__fiscal_year=2019, application__stream=1, state="in_progress"
    ).select_related("advisor"):
        advisor = evaluation.advisor
        evaluations.record_judgments(
            evaluation, judgments=judgments_all_met(), by=advisor, at=clock.now()
        )
        evaluations.compute_evaluation(evaluation, by=advisor, at=clock.now())
        evaluations.complete_evaluation(evaluation, by=advisor, at=clock.now())
        done.append(evaluation.application_id)
    return done


def test_the_manager_tries_a_norms_version_and_closes_the_campaign_in_bulk(
    demo_database, page, tmp_path
):
    log_in(page, "gestionnaire")

    # The dossiers still to evaluate, assigned in bulk by region.
    follow(page, "text=Attribuer des dossiers en lot")
    assert axe_violations(page) == []
    region = Application.objects.filter(state="submitted").values_list(
        "organization__region_id", flat=True
    )[0]
    advisor = User.objects.get(email="conseillere@demo.soutien.example")
    page.check("input[name=rule][value=region]")
    page.click("summary")  # « Par région »
    page.select_option(f"select[name=region_{region}]", str(advisor.pk))
    follow(page, 'button:has-text("Lancer l\'attribution")')
    page.wait_for_selector("#job-summary")
    assert "Terminé" in main_text(page) and axe_violations(page) == []
    in_region = Application.objects.filter(
        organization__region_id=region, state__in=["submitted", "incomplete", "under_evaluation"]
    )
    assert set(in_region.values_list("assigned_advisor_id", flat=True)) == {advisor.pk}

    # The hypothetical norms: checked, compared clause by clause, the campaign replayed.
    page.goto("/ministere/budget/essais-de-normes/")
    assert axe_violations(page) == []
    # A draft with a negative amount is refused, naming its key and line.
    broken = tmp_path / "normes-erronees.toml"
    broken.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace('value = "31000"', 'value = "-1"'),
        encoding="utf-8",
    )
    page.set_input_files("input[type=file]", str(broken))
    follow(page, "button:has-text('Vérifier et comparer')")
    refusal = main_text(page)
    assert "Le fichier est refusé" in refusal and "other_attached_floor" in refusal
    assert axe_violations(page) == []
    page.goto("/ministere/budget/essais-de-normes/")
    page.set_input_files("input[type=file]", str(EXAMPLE))
    follow(page, "button:has-text('Vérifier et comparer')")
    text = main_text(page)
    assert "hypothétique" in text.lower() and "Clause par clause" in text
    assert "2019-04-01 : 31000" in text and "2019-04-01 : 27652" in text  # the floor raised
    assert axe_violations(page) == []
    decisions, evaluated = Decision.objects.count(), list(Evaluation.objects.values("pk", "amount"))
    page.select_option("select[name=campaign]", label="2019-2020, volet 1")
    follow(page, "button:has-text('Rejouer la campagne')")
    report = main_text(page)
    assert "Dossiers dont le financement changerait" in report
    assert "Tous les dossiers changés" in report and "Totaux par région" in report
    assert axe_violations(page) == []
    # The raised floor changes amounts of the campaign's dossiers, each listed; nothing was
    # decided or written to the dossiers by the what-if.
    trial = NormsTrial.objects.get()
    assert trial.changed > 0 and f"{trial.changed} changés" in report
    assert Decision.objects.count() == decisions
    assert list(Evaluation.objects.values("pk", "amount")) == evaluated

    # The last dossiers of the campaign are evaluated; the manager allocates and approves.
    finished = finish_the_evaluations()
    assert finished
    follow(page, "nav >> text=Budget et priorités")
    follow(page, "text=Répartir 2019-2020, volet 1")
    follow(page, "text=Approuver la répartition")
    follow(page, "text=Décisions, conventions et lettres des dossiers financés, en lot")
    assert axe_violations(page) == []
    follow(page, "button:has-text('Préparer les décisions et les conventions')")
    page.wait_for_selector("#job-summary")  # the page refreshes itself until the end
    summary = main_text(page)
    assert "Terminé" in summary and axe_violations(page) == []
    job = BackgroundJob.objects.get(kind="campaign_prepare")
    items = JobItem.objects.filter(job=job)
    run = AllocationRun.objects.get(state="approved")
    funded = set(run.lines.filter(funded=True).values_list("application_id", flat=True))
    assert funded and funded <= set(finished)
    assert items.count() == len(funded) and not items.filter(state="pending").exists()
    for item in items.filter(state="failed"):  # each failure says why, on the page
        assert item.error and item.error in summary
    prepared = items.filter(state="done").count()
    assert Decision.objects.count() == decisions + prepared
    # A new dossier gets its agreement (5.4); a renewal confirms its agreement's year (5.6).
    for item in items.filter(state="done"):
        assert "convention préparée" in item.note or "confirmée (5.6)" in item.note
    assert Agreement.objects.filter(application_id__in=funded).count() == sum(
        "convention préparée" in note for note in items.values_list("note", flat=True)
    )

    # The letters, once each: the organizations are told their decision waits for them.
    follow(page, "text=Retour à la campagne")
    follow(page, "button:has-text('Envoyer les lettres')")
    page.wait_for_selector("#job-summary")
    assert "Terminé" in main_text(page)
    sent = JobItem.objects.filter(job__kind="campaign_letters", state="done").count()
    # Each letter rendered and its fingerprint kept; the organization's members emailed.
    communicated = JournalEntry.objects.filter(action="decision.communicated")
    assert sent == prepared == communicated.count()
    assert all(len(e.data["letter_sha256"]) == 64 for e in communicated)
    prepared_ids = Decision.objects.filter(application_id__in=funded).values("pk")
    assert not Decision.objects.filter(pk__in=prepared_ids, communicated_on=None).exists()
