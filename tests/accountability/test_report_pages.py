"""The portal's yearly report, the way a coordinator uses it: one topic per page, refusals
in French naming the field, nothing half-saved, and another organization's report unseen."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from soutien.accountability import actions
from soutien.accountability.models import FundingSource, IndicatorResult, ReportDocument
from soutien.accounts.models import Role
from soutien.rules.accountability import indicators
from tests.accountability.test_reports import COUNTS, fill, opened
from tests.factories import at, make_organization, make_representative, make_user, upload

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def topic_url(report, topic):
    return reverse("portal:report_topic", args=[report.pk, topic])


def counts_post(**overrides):
    data = {"activities": "Accueil et francisation."}
    for indicator in indicators().items:
        for sex, value in zip(("women", "men", "other", "total"), COUNTS, strict=True):
            data[f"{indicator.code}_{sex}"] = str(value)
    data.update(overrides)
    return data


def test_each_topic_page_opens_and_the_dashboard_lists_the_report(client):
    _advisor, member, report = opened()
    client.force_login(member)
    dashboard = text(client.get(reverse("portal:dashboard")))
    assert "Redditions de comptes à transmettre (clause 8)" in dashboard
    assert reverse("portal:report", args=[report.pk]) in dashboard
    overview = text(client.get(reverse("portal:report", args=[report.pk])))
    assert "Reddition de comptes 2019-2020" in overview
    assert "Procès-verbal de l'assemblée générale annuelle" in overview
    for topic in ("activities", "funding_sources", "financial_report", "related_parties"):
        assert client.get(topic_url(report, topic)).status_code == 200
    assert client.get(topic_url(report, "agm_minutes")).status_code == 200
    assert client.get(topic_url(report, "inconnu")).status_code == 404


def test_another_organizations_member_sees_nothing_and_staff_may_not_post(client):
    _advisor, _member, report = opened()
    client.force_login(make_representative(make_organization()))
    assert client.get(reverse("portal:report", args=[report.pk])).status_code == 404
    assert client.post(topic_url(report, "activities"), counts_post()).status_code == 404
    assert client.get(reverse("portal:reports")).status_code == 200
    client.force_login(make_user(Role.ADVISOR))
    assert client.get(topic_url(report, "activities")).status_code == 200
    assert client.post(topic_url(report, "activities"), counts_post()).status_code == 403
    assert not IndicatorResult.objects.exists()


def test_counts_that_do_not_add_up_name_the_indicator_and_nothing_is_saved(client):
    _advisor, member, report = opened()
    client.force_login(member)
    response = client.post(topic_url(report, "activities"), counts_post(welcomed_total="7"))
    assert response.status_code == 422
    page = text(response)
    assert "ne donnent pas le total inscrit (7)" in page
    assert 'id="field-welcomed_total"' in page
    assert not IndicatorResult.objects.exists()
    response = client.post(
        topic_url(report, "activities"), counts_post(men_total="", welcomed_men="-2")
    )
    assert response.status_code == 422
    assert "Inscrivez un nombre positif ou 0." in text(response)
    assert client.post(topic_url(report, "activities"), counts_post()).status_code == 302
    assert IndicatorResult.objects.filter(report=report).count() == len(indicators().items)


def test_an_autosave_answers_in_json(client):
    _advisor, member, report = opened()
    client.force_login(member)
    response = client.post(
        topic_url(report, "activities"), counts_post(), headers={"X-Autosave": "1"}
    )
    assert response.status_code == 200 and response.json()["saved"] is True
    refused = client.post(
        topic_url(report, "activities"),
        counts_post(welcomed_total="9"),
        headers={"X-Autosave": "1"},
    )
    assert refused.status_code == 422 and "welcomed_total" in refused.json()["errors"]


def test_a_lesser_form_and_a_wrong_file_are_refused_on_the_financial_page(client):
    _advisor, member, report = opened()
    client.force_login(member)
    client.post(
        topic_url(report, "funding_sources"),
        {
            "funder": "Ministère de la Famille",
            "level": "quebec_government",
            "amount": "30 000",
            "costs_covered": "Halte-garderie",
        },
    )
    assert FundingSource.objects.get().amount == Decimal("30000")
    data = {
        "financial_form": "compilation",
        "cpa_name": "Julie Comptable",
        "cpa_permit": "A1",
        "unspent_program_funds": "0",
        "statements_complete": "on",
    }
    refused = client.post(topic_url(report, "financial_report"), data)
    assert refused.status_code == 422
    assert "la clause 8 exige au moins : rapport de mission d'examen" in text(refused)
    data["financial_form"] = "review"
    data["file"] = upload("etats.exe", b"MZ\x90\x00binary")
    refused = client.post(topic_url(report, "financial_report"), data)
    assert refused.status_code == 422
    assert "n'est pas d'un type accepté" in text(refused)
    report.content.refresh_from_db()
    assert report.content.financial_form == "" and not ReportDocument.objects.exists()
    data["file"] = upload("etats.pdf")
    assert client.post(topic_url(report, "financial_report"), data).status_code == 302
    assert ReportDocument.objects.get().kind == "financial_statements"


def test_a_related_party_without_its_proofs_is_refused(client):
    _advisor, member, report = opened()
    client.force_login(member)
    data = {
        "legal_name": "Immeubles solidaires inc.",
        "neq": "114526789",
        "relationship": "Mêmes administrateurs",
        "transactions_amount": "8 000",
        "sole_beneficiary": "Note 3",
        "contract_proof": "Bail",
    }
    refused = client.post(topic_url(report, "related_parties"), data)
    assert refused.status_code == 422
    assert "Le NEQ" in text(refused) or "10 chiffres" in text(refused)
    data["neq"] = "1145267890"
    refused = client.post(topic_url(report, "related_parties"), data)
    assert refused.status_code == 422
    assert "Fournissez la preuve que les transactions sont divulguées" in text(refused)
    assert not report.related_parties.exists()
    data.update(notes_proof="Note 7", cost_proof_file=upload("soumissions.pdf"))
    assert client.post(topic_url(report, "related_parties"), data).status_code == 302
    party = report.related_parties.get()
    document = party.documents.get()
    served = client.get(reverse("report-document", args=[document.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"%PDF")
    client.force_login(make_representative(make_organization()))
    assert client.get(reverse("report-document", args=[document.pk])).status_code == 404


def test_submitting_lists_what_is_missing_then_transmits_and_answers_a_correction(client):
    advisor, member, report = opened()
    client.force_login(member)
    submit = reverse("portal:submit_report", args=[report.pk])
    refused = client.post(submit)
    assert refused.status_code == 422
    assert "Il manque le fichier du procès-verbal." in text(refused)
    fill(report, member)
    assert client.post(submit).status_code == 302
    report.refresh_from_db()
    assert report.state == "received"
    assert client.post(topic_url(report, "activities"), counts_post()).status_code == 302
    assert "ne change plus" in text(client.get(reverse("portal:report", args=[report.pk])))
    correction = actions.request_report_correction(
        report, by=advisor, at=at(2020, 6, 5), reason="Précisez les activités."
    )
    page = text(client.get(reverse("portal:report", args=[report.pk])))
    assert "Précisez les activités." in page and "Répondre à la demande de correction" in page
    answer = reverse("portal:answer_report_correction", args=[report.pk, correction.pk])
    assert client.post(answer, {"answer": "Précisé."}).status_code == 302
    report.refresh_from_db()
    assert report.state == "received"


def test_a_file_too_large_is_refused_naming_it_and_the_date_is_not_kept(client, settings):
    _advisor, member, report = opened()
    settings.DOCUMENT_MAX_BYTES = 1024
    client.force_login(member)
    big = upload("proces-verbal.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    refused = client.post(
        topic_url(report, "agm_minutes"), {"agm_held_on": "2020-05-10", "file": big}
    )
    assert refused.status_code == 422
    page = text(refused)
    assert "Le fichier « proces-verbal.pdf » dépasse la taille maximale" in page
    # shown beside the file field, and summarized at the top
    assert 'id="id_file_error"' in page and "Fichier du procès-verbal :" in page
    report.content.refresh_from_db()
    assert report.content.agm_held_on is None and not ReportDocument.objects.exists()
