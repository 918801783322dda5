"""Issue 15, item 4: the dossier page says what it is (reference, kind, dates), the
evaluation in brief before its details, the documents and the history."""

import html

import pytest
from django.urls import reverse

from soutien.evaluations import actions
from tests.evaluations.test_evaluations import evaluated
from tests.factories import at, make_application, make_user, submit_complete

pytestmark = pytest.mark.django_db


def page_of(client, application) -> str:
    response = client.get(reverse("workspace:application", args=[application.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_dossier_says_what_it_is_and_the_evaluation_in_brief_comes_first(client):
    advisor, application, evaluation = evaluated()
    client.force_login(advisor)
    page = page_of(client, application)
    assert application.reference and application.reference in page
    assert f'<dd id="kind">{application.get_kind_display()}</dd>' in page
    assert "Date limite de dépôt" in page and "Déposée le" in page
    digest = page[page.index('id="digest"') :]
    assert page.index('id="digest"') < page.index("Réponses de la demande")
    assert "Évaluation en bref" in digest and "En cours" in digest
    evaluation.refresh_from_db()
    assert f"{int(evaluation.amount):,}".replace(",", "\u202f") in digest
    # Every judgment recorded (all met): nothing is left to a person's judgment.
    assert not [f for f in evaluation.result["findings"] if f["status"] == "to_verify"]
    assert "Aucun critère ne reste à juger." in digest
    # The documents, with their links, and the history, its labels in French.
    documents = page[page.index('id="documents"') :]
    latest = application.documents.order_by("kind", "-number").first()
    assert reverse("application-document", args=[latest.pk]) in documents
    history = page[page.index('id="historique"') :]
    assert "Demande déposée" in history and "Calcul des règles" in history
    assert "Évaluation commencée" in history


def test_a_dossier_not_yet_evaluated_says_so(client):
    advisor = make_user()
    application = submit_complete(make_application(None, by=advisor), by=advisor)
    client.force_login(advisor)
    page = page_of(client, application)
    assert "Aucune évaluation commencée." in page


def test_criteria_left_to_judge_are_listed_with_their_clause(client):
    advisor = make_user()
    application = submit_complete(make_application(None, by=advisor), by=advisor)
    evaluation = actions.start_evaluation(application, by=advisor, at=at(2019, 3, 1))
    actions.compute_evaluation(evaluation, by=advisor, at=at(2019, 3, 3))
    evaluation.refresh_from_db()
    to_judge = [f for f in evaluation.result["findings"] if f["status"] == "to_verify"]
    assert to_judge  # no judgment recorded: the judged criteria are still to verify
    client.force_login(advisor)
    digest = page_of(client, application).split('id="digest"', 1)[1].split("</section>", 1)[0]
    assert f"{len(to_judge)} critères restent à juger" in digest
    assert f"clause {to_judge[0]['clause']} — {to_judge[0]['message']}" in digest
