"""The ministry reviews yearly reports through its pages (clause 8): the list by state and
advisor, the late ones proposing a non-compliance case (5.5), the checklist, the request for
correction, the acceptance, and the report's files."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from soutien.accountability import actions
from soutien.accountability.models import Obligation, ReportCorrection, ReportState
from soutien.accounts.models import Role
from soutien.agreements.models import NonComplianceCase
from soutien.applications.models import Application
from soutien.core.models import OutgoingEmail
from tests.accountability.test_reports import fill, opened
from tests.core.test_query_counts import populate
from tests.factories import at, make_user

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def received(settings):
    """A report filled and transmitted on July 1, 2020, reviewed on July 15."""
    settings.SOUTIEN_PROGRAM_DATE = date(2020, 7, 15)
    advisor, member, report = opened()
    fill(report, member)
    actions.submit_report(report, by=member, at=at(2020, 7, 1))
    return advisor, member, report


def test_8_the_list_filters_by_state_and_advisor(client, settings):
    settings.SOUTIEN_PROGRAM_DATE = date(2020, 6, 1)
    advisor, _member, report = opened()
    Application.objects.filter(agreement__years__annual_report=report).update(
        assigned_advisor=advisor
    )
    client.force_login(advisor)
    url = reverse("workspace:reports")
    page = text(client.get(url, {"status": "upcoming"}))
    assert report.organization.legal_name in page and "À venir" in page
    assert advisor.full_name in page
    assert "1 reddition de comptes" in page
    assert "Aucune reddition de comptes." in text(client.get(url, {"status": "late"}))
    assert "Aucune reddition de comptes." in text(client.get(url, {"status": "to_review"}))
    assert "1 reddition de comptes" in text(client.get(url, {"advisor": advisor.pk}))
    assert "Aucune reddition de comptes." in text(client.get(url, {"advisor": "none"}))
    refused = client.get(url, {"status": "perdu"})
    assert refused.status_code == 422
    assert "L'état « perdu » n'existe pas : choisissez dans la liste." in text(refused)


def test_8_5_5_a_report_late_beyond_the_delay_proposes_a_case_a_person_opens(client, settings):
    advisor, _member, report = opened()  # due June 29, 2020
    client.force_login(advisor)
    url = reverse("workspace:reports")
    settings.SOUTIEN_PROGRAM_DATE = date(2020, 8, 28)  # 60 days late: not yet
    page = text(client.get(url, {"status": "late"}))
    assert "En retard" in page and "Proposer un dossier de non-respect" not in page
    settings.SOUTIEN_PROGRAM_DATE = date(2020, 8, 29)  # 61 days
    response = client.get(url, {"status": "late"})
    page = text(response)
    assert "Proposer un dossier de non-respect" in page
    agreement = report.agreement_year.agreement
    link = response.context["page"].object_list[0].case_url
    assert link.startswith(reverse("workspace:agreement", args=[agreement.pk]) + "?")
    assert "manquement=accountability" in link and link.endswith("#ouvrir-un-dossier")
    proposed = client.get(link)
    form = proposed.context["case_form"]
    assert not form.is_bound
    assert form.initial["breach"] == "accountability"
    assert form.initial["clause"] == "clause 8"
    assert "61 jours de retard" in form.initial["finding"]
    assert form.initial["found_on"] == date(2020, 8, 29)
    page = text(proposed)
    assert '<option value="accountability" selected>' in page
    assert "n'est pas reçue (61 jours de retard)." in page
    assert not NonComplianceCase.objects.exists()  # nothing opened by itself


def test_5_5_the_case_form_ignores_an_unknown_breach_in_the_query(client, settings):
    settings.SOUTIEN_PROGRAM_DATE = date(2020, 7, 15)
    advisor, _member, report = opened()
    client.force_login(advisor)
    url = reverse("workspace:agreement", args=[report.agreement_year.agreement_id])
    form = client.get(url, {"manquement": "nimporte", "constat": "x" * 5000}).context["case_form"]
    assert "breach" not in form.initial and len(form.initial["finding"]) == 4000


def test_8_the_review_page_shows_each_obligation_read_only(client, received):
    advisor, _member, report = received
    client.force_login(advisor)
    response = client.get(reverse("workspace:report", args=[report.pk]))
    page = text(response)
    assert response.status_code == 200
    for expected in (
        "Accueil, installation et francisation en français.",
        "Ville de Sherbrooke",
        "Julie Comptable",
        "A123456",
        "10 mai 2020",
        "etats-financiers.pdf",
        "pv-aga.pdf",
        "À examiner",
        "du 1er avril 2019 au 31 mars 2020",
        "Forme exigée (clause 8)",
    ):
        assert expected in page, expected
    document = report.documents.get(kind="financial_statements")
    assert reverse("workspace:report_document", args=[document.pk]) in page
    agreement_page = text(
        client.get(reverse("workspace:agreement", args=[report.agreement_year.agreement_id]))
    )
    assert reverse("workspace:report", args=[report.pk]) in agreement_page


def test_8_the_checklist_refuses_an_unmet_obligation_without_a_note(client, received):
    advisor, _member, report = received
    client.force_login(advisor)
    obligation = report.obligations.get(kind="activities")
    url = reverse("workspace:check_obligation", args=[obligation.pk])
    prefix = f"o{obligation.pk}"
    refused = client.post(url, {f"{prefix}-met": "no", f"{prefix}-note": "  "})
    assert refused.status_code == 422
    assert "Note de vérification : Dites ce qui manque ou ce qui est à corriger." in text(refused)
    obligation.refresh_from_db()
    assert obligation.met is None and obligation.checked_by is None
    refused = client.post(url, {})
    assert refused.status_code == 422
    assert "Indiquez si l'obligation est satisfaite." in text(refused)
    response = client.post(url, {f"{prefix}-met": "yes"})
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert obligation.met is True and obligation.checked_by == advisor


def test_8_a_correction_goes_back_to_the_organization_by_email(client, received):
    advisor, member, report = received
    client.force_login(advisor)
    url = reverse("workspace:report_correction", args=[report.pk])
    refused = client.post(url, {"correction-deadline": "2020-07-30"})
    assert refused.status_code == 422
    assert "Précisez à l'organisme ce qu'il doit corriger." in text(refused)
    refused = client.post(url, {"correction-message": "x", "correction-deadline": "2020-07-01"})
    assert refused.status_code == 422
    assert "L'échéance doit suivre la date de la demande." in text(refused)
    assert not ReportCorrection.objects.exists()
    page = text(client.get(reverse("workspace:report", args=[report.pk])))
    assert 'value="2020-07-30"' in page  # today + CORRECTION_DEFAULT_DAYS (15)
    response = client.post(
        url,
        {
            "correction-message": "Précisez les activités de francisation.",
            "correction-deadline": "2020-07-30",
            "correction-obligations": ["activities"],
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.CORRECTION_REQUESTED
    correction = ReportCorrection.objects.get()
    assert correction.obligations == ["activities"]
    assert correction.due_at == timezone.make_aware(
        datetime.combine(date(2020, 7, 30), time(23, 59))
    )
    (email,) = [e for e in OutgoingEmail.objects.all() if member.email in e.recipients]
    assert "Précisez les activités de francisation." in email.body
    page = text(client.get(reverse("workspace:report", args=[report.pk])))
    assert "Précisez les activités de francisation." in page and "en attente" in page
    assert "Correction demandée à l'organisme" in page  # the journal


def test_8_acceptance_waits_for_every_obligation_met(client, received):
    advisor, _member, report = received
    client.force_login(advisor)
    accept = reverse("workspace:accept_report", args=[report.pk])
    first, *others = report.obligations.order_by("pk")
    actions.check_obligation(first, met=False, note="Incomplet.", by=advisor, at=at(2020, 7, 15))
    refused = client.post(accept)
    assert refused.status_code == 422
    assert "Vérifiez d'abord chaque obligation" in text(refused)
    report.refresh_from_db()
    assert report.state == ReportState.RECEIVED
    for obligation in (first, *others):
        prefix = f"o{obligation.pk}"
        url = reverse("workspace:check_obligation", args=[obligation.pk])
        assert client.post(url, {f"{prefix}-met": "yes"}).status_code == 302
    assert client.post(accept).status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    page = text(client.get(reverse("workspace:report", args=[report.pk])))
    assert "Reddition de comptes acceptée" in page and "Accepter la reddition" not in page


def test_a_report_document_is_served_to_staff_as_an_attachment(client, received):
    advisor, _member, report = received
    document = report.documents.get(kind="agm_minutes")
    client.force_login(advisor)
    response = client.get(reverse("workspace:report_document", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "pv-aga.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response.close()


def test_finance_and_representatives_are_refused(client, received):
    _advisor, member, report = received
    obligation = report.obligations.first()
    document = report.documents.first()
    gets = [
        reverse("workspace:reports"),
        reverse("workspace:report", args=[report.pk]),
        reverse("workspace:report_document", args=[document.pk]),
    ]
    posts = [
        reverse("workspace:check_obligation", args=[obligation.pk]),
        reverse("workspace:report_correction", args=[report.pk]),
        reverse("workspace:accept_report", args=[report.pk]),
    ]
    for person in (make_user(Role.FINANCE), member):
        client.force_login(person)
        for url in gets:
            assert client.get(url).status_code == 403, (person.role, url)
        for url in posts:
            assert client.post(url, {}).status_code == 403, (person.role, url)
    obligation.refresh_from_db()
    assert obligation.met is None
    assert Obligation.objects.filter(met__isnull=False).count() == 0


def test_the_list_runs_a_constant_number_of_queries(
    client, settings, django_assert_max_num_queries
):
    settings.SOUTIEN_PROGRAM_DATE = date(2020, 10, 1)
    manager = make_user(Role.MANAGER)
    advisor = make_user(Role.ADVISOR)
    client.force_login(advisor)
    url = reverse("workspace:reports")
    populate(1, manager)
    # Session, user, the advisors of the filter, the count, the page.
    with django_assert_max_num_queries(5) as small:
        assert "Proposer un dossier de non-respect" in text(client.get(url))
    populate(29, manager)
    with django_assert_max_num_queries(5) as large:
        assert "30 redditions de comptes" in text(client.get(url, {"status": "late"}))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_8_published_results_by_sex_show_small_counts_as_fewer_than_five(client):
    accountability = actions
    advisor, member, report = opened()
    fill(report, member)
    accountability.submit_report(report, by=member, at=at(2020, 6, 1))
    url = reverse("workspace:report_statistics")
    client.force_login(advisor)
    assert "Aucune reddition de comptes acceptée" in html.unescape(client.get(url).content.decode())
    for obligation in report.obligations.all():
        accountability.check_obligation(obligation, met=True, by=advisor, at=at(2020, 6, 2))
    accountability.accept_annual_report(report, by=advisor, at=at(2020, 6, 2))
    page = html.unescape(client.get(url, {"exercice": "2019"}).content.decode())
    row = re.search(r"<tr><th scope=\"row\">Personnes immigrantes accueillies</th>.*?</tr>", page)
    # 3 women, 2 men, 1 other: each shown as « moins de 5 »; the total of 6 is shown.
    assert row is not None
    cells = re.findall(r'<td class="money">([^<]*)</td>', row[0])
    assert cells == ["1", "moins de 5", "moins de 5", "moins de 5", "6"]
    assert client.get(url, {"exercice": "1999"}).status_code == 404
    assert client.get(url, {"exercice": "x"}).status_code == 404


def test_a_report_opened_by_the_daily_task_says_so_in_its_journal(client):
    from tests.agreements.test_agreements import signed

    _advisor, agreement = signed()
    assert actions.expect_due_reports(on=date(2019, 6, 1), at=at(2019, 6, 1)) == 1
    report = agreement.years.get().annual_report
    client.force_login(make_user(Role.ADVISOR))
    page = html.unescape(client.get(reverse("workspace:report", args=[report.pk])).content.decode())
    assert "Reddition de comptes attendue" in page and "le programme" in page


def test_the_review_and_portal_pages_run_a_constant_number_of_queries(client):
    """One related party and one source, or twenty of each: the same queries (no N+1)."""
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    advisor, member, report = opened()
    fill(report, member)

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            actions.add_funding_source(
                report, funder=f"Fondation {n}", program="", level="private",
                amount=Decimal(100 + n), costs_covered="Activités.", by=member, at=at(2020, 5, 2),
            )  # fmt: skip
            actions.declare_related_party(
                report, legal_name=f"Société {n} inc.", neq=f"11{n:08d}", relationship="x",
                transactions_amount=Decimal(10), sole_beneficiary="Note 3",
                proofs={"contract_proof": "a", "notes_proof": "b", "cost_proof": "c"},
                by=member, at=at(2020, 5, 2),
            )  # fmt: skip

    def count(user, url) -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    pages = [
        (advisor, reverse("workspace:report", args=[report.pk])),
        (member, reverse("portal:report_topic", args=[report.pk, "related_parties"])),
        (member, reverse("portal:report_topic", args=[report.pk, "funding_sources"])),
        (member, reverse("portal:report", args=[report.pk])),
    ]
    add(1, 1)
    few = [count(user, url) for user, url in pages]
    add(20, 2)
    assert [count(user, url) for user, url in pages] == few
