"""The non-compliance pages as people use them: the advisor opens a case and proposes, the
manager approves, the organization reads the measure and its letter in its portal (5.5)."""

from __future__ import annotations

import html
from datetime import date

import pytest
from django.urls import reverse

from soutien.agreements.models import MeasureProposal, NonComplianceCase, ProposalState, State
from tests.factories import at, make_organization, make_representative
from tests.payments.helpers import paying_program

WHEN = at(2019, 10, 15)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def world(settings):
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 10, 15)
    people, _env, (agreement,) = paying_program()
    people["representative"] = make_representative(agreement.organization)
    return people, agreement


def test_from_the_finding_to_the_letter_in_the_portal(client, world):
    people, agreement = world
    client.force_login(people["advisor"])
    page = text(client.get(reverse("workspace:agreement", args=[agreement.pk])))
    assert "Ouvrir un dossier de non-respect" in page and "Lever la suspension" not in page
    assert "Aucun rapport annuel attendu pour le moment." in page
    from soutien.accountability import actions as accountability

    accountability.expect_annual_report(
        agreement.years.get(), due_on=date(2020, 6, 30), by=people["advisor"], at=WHEN
    )
    page = text(client.get(reverse("workspace:agreement", args=[agreement.pk])))
    assert "Année 1 : rapport annuel attendu le 30 juin 2020" in page
    open_url = reverse("workspace:open_case", args=[agreement.pk])
    refused = client.post(open_url, {"breach": "agreement", "clause": "article 4"})
    assert refused.status_code == 422
    assert "Décrivez ce qui a été constaté." in text(refused)
    assert not NonComplianceCase.objects.exists()
    response = client.post(
        open_url,
        {
            "breach": "accountability",
            "clause": "article 8 de la convention",
            "finding": "Le rapport d'activité n'a pas été transmis.",
            "found_on": "2019-10-15",
        },
    )
    case = NonComplianceCase.objects.get()
    assert response["Location"] == reverse("workspace:case", args=[case.pk])
    case_url = response["Location"]
    proposal = {
        "kind": "suspension",
        "legal_basis": "Clause 5.5 ; article 8 de la convention",
        "reason": "Le rapport manque depuis juillet.",
    }
    refused = client.post(case_url, proposal)
    assert refused.status_code == 422
    assert "Dites ce que l'organisme doit corriger." in text(refused)
    late = client.post(case_url, {**proposal, "kind": "termination", "effective_on": "2019-11-13"})
    assert late.status_code == 422 and "au plus tôt le 2019-11-14" in text(late)
    assert not MeasureProposal.objects.exists()
    done = client.post(
        case_url, {**proposal, "remedy": "Transmettre le rapport.", "remedy_due_on": "2019-11-29"}
    )
    assert done.status_code == 302
    page = text(client.get(case_url))
    assert "En attente de l'approbation" in page and "Enregistrer la décision" not in page

    client.force_login(people["manager"])
    measure = MeasureProposal.objects.get()
    page = text(client.get(case_url))
    assert "Enregistrer la décision" in page
    review_url = reverse("workspace:review_measure", args=[measure.pk])
    refused = client.post(review_url, {f"m{measure.pk}-decision": "reject"})
    assert refused.status_code == 422 and "Donnez le motif du refus." in text(refused)
    assert client.post(review_url, {f"m{measure.pk}-decision": "approve"}).status_code == 302
    measure.refresh_from_db()
    agreement.refresh_from_db()
    assert measure.state == ProposalState.APPROVED and agreement.state == State.SUSPENDED
    page = text(client.get(reverse("workspace:agreement", args=[agreement.pk])))
    assert "Mesure approuvée et appliquée" in page and "Lever la suspension" in page
    letter_url = reverse("measure-letter", args=[measure.pk])
    assert client.get(letter_url)["Content-Type"] == "application/pdf"

    client.force_login(people["representative"])
    portal = text(client.get(reverse("portal:agreements")))
    assert "Suspension des versements" in portal and letter_url in portal
    assert "Transmettre le rapport." in portal and "29 novembre 2019" in portal
    assert "Convention suspendue depuis le 15 octobre 2019" in portal
    assert client.get(letter_url).status_code == 200
    # The organization cannot act in the workspace.
    assert client.post(review_url, {f"m{measure.pk}-decision": "approve"}).status_code == 403

    stranger = make_representative(make_organization())
    client.force_login(stranger)
    assert client.get(letter_url).status_code == 404
    assert "Suspension des versements" not in text(client.get(reverse("portal:agreements")))

    client.force_login(people["manager"])
    lift_url = reverse("workspace:lift_suspension", args=[agreement.pk])
    refused = client.post(lift_url, {"reason": ""})
    assert refused.status_code == 422
    assert "Le motif est requis pour cette opération." in text(refused)
    assert client.post(lift_url, {"reason": "Rapport reçu."}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.state == State.ACTIVE
    # The lifting has its letter too, for the organization and staff only.
    from soutien.core.models import JournalEntry
    from tests.workspace.helpers import pdf_text

    entry = JournalEntry.objects.get(action="agreement.resumed")
    lifted_url = reverse("agreement-letter", args=[agreement.pk, entry.pk])
    assert lifted_url in text(client.get(reverse("workspace:agreement", args=[agreement.pk])))
    client.force_login(people["representative"])
    assert lifted_url in text(client.get(reverse("portal:agreements")))
    letter = pdf_text(client.get(lifted_url).content)
    assert "suspension des versements est levée" in letter and "Rapport reçu." in letter
    client.force_login(stranger)
    assert client.get(lifted_url).status_code == 404


def test_a_proposal_not_yet_approved_is_not_shown_to_the_organization(client, world):
    people, agreement = world
    from soutien.agreements import actions
    from tests.factories import at

    case = actions.open_case(
        agreement,
        breach="agreement",
        clause="article 4",
        finding="Constat.",
        found_on=date(2019, 10, 1),
        by=people["advisor"],
        at=at(2019, 10, 1),
    )
    proposal = actions.propose_measure(
        case,
        kind="termination",
        legal_basis="5.5",
        reason="Motif.",
        effective_on=date(2019, 12, 1),
        by=people["advisor"],
        at=at(2019, 10, 1),
    )
    client.force_login(people["representative"])
    assert "Résiliation" not in text(client.get(reverse("portal:agreements")))
    assert client.get(reverse("measure-letter", args=[proposal.pk])).status_code == 404


def test_a_case_closes_with_a_reason_once_no_measure_waits(client, world):
    people, agreement = world
    from soutien.agreements import actions
    from soutien.agreements.models import CaseState
    from tests.factories import at

    case = actions.open_case(
        agreement,
        breach="agreement",
        clause="article 4",
        finding="Constat.",
        found_on=date(2019, 10, 1),
        by=people["advisor"],
        at=at(2019, 10, 1),
    )
    proposal = actions.propose_measure(
        case,
        kind="termination",
        legal_basis="5.5",
        reason="Motif.",
        effective_on=date(2019, 12, 1),
        by=people["advisor"],
        at=at(2019, 10, 1),
    )
    client.force_login(people["manager"])
    url = reverse("workspace:close_case", args=[case.pk])
    page = text(client.post(url, {"close-reason": "Réglé."}, follow=True))
    assert "attend son approbation" in page
    case.refresh_from_db()
    assert case.state == CaseState.OPEN
    actions.reject_measure(proposal, reason="Corrigé.", by=people["manager"], at=at(2019, 10, 2))
    assert "Le motif est requis" in text(client.post(url, {"close-reason": ""}, follow=True))
    page = text(client.post(url, {"close-reason": "Réglé."}, follow=True))
    assert "Le dossier de non-respect est fermé." in page
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert "Proposer une mesure" not in page
