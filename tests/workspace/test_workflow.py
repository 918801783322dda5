"""The ministry's workspace, stage by stage: actions, pages, journal, PDFs, exports."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from soutien.agreements import actions as agreement_actions
from soutien.agreements.models import Agreement
from soutien.agreements.models import State as AgreementState
from soutien.applications import actions as application_actions
from soutien.applications.models import DocumentKind, State
from soutien.core.models import JournalEntry
from soutien.evaluations import actions
from soutien.evaluations.models import Outcome
from soutien.evaluations.workspace_views import decision_letter  # noqa: F401
from soutien.organizations.models import BoardMember, BoardPosition
from tests.factories import (
    at,
    make_application,
    make_organization,
    make_representative,
    submit_complete,
    upload,
)
from tests.workspace.helpers import (
    evaluated_dossier,
    granted_decision,
    one_year_agreement,
    pdf_text,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return staff()


def actions_of(record):
    return list(JournalEntry.objects.for_subject(record).values_list("action", flat=True))


# --- Assignment ----------------------------------------------------------------------------


def test_manager_assigns_a_dossier_to_an_advisor_and_the_journal_says_so(people):
    application = make_application()
    actions.assign_advisor(
        application, advisor=people["advisor"], by=people["manager"], at=at(2019, 3, 1)
    )
    application.refresh_from_db()
    assert application.assigned_advisor == people["advisor"]
    entry = JournalEntry.objects.for_subject(application).get(action="application.advisor_assigned")
    assert entry.actor == people["manager"] and entry.data["to"] == people["advisor"].email


def test_an_advisor_cannot_assign_dossiers_and_is_told_why_in_french(people):
    with pytest.raises(PermissionDenied) as error:
        actions.assign_advisor(
            make_application(), advisor=people["advisor"], by=people["advisor"], at=at(2019, 3, 1)
        )
    assert "gestionnaire du programme attribue" in str(error.value)


# --- Completeness (5.1) --------------------------------------------------------------------


def test_5_1_checklist_is_stored_per_document_with_the_version_checked(people):
    advisor = people["advisor"]
    application = submit_complete(make_application(by=advisor), by=advisor)
    checks = {
        kind: {
            "present": True,
            "readable": True,
            "adopted": True,
            "signed": True,
            "right_year": True,
        }
        for kind in DocumentKind.values
    }
    checks["financial_report"]["signed"] = False
    saved = actions.record_document_checks(
        application, checks=checks, by=advisor, at=at(2019, 2, 5)
    )
    assert len(saved) == 9
    by_kind = {c.kind: c for c in saved}
    assert by_kind["financial_report"].complete is False
    assert by_kind["charter"].complete and by_kind["charter"].signed is False  # not applicable
    assert by_kind["board_resolution"].document.number == 1
    assert "application.completeness_checked" in actions_of(application)


def test_5_1_request_for_correction_waits_emails_and_a_late_answer_shows_as_late(people, settings):
    settings.CORRECTION_DEFAULT_DAYS = 10
    advisor = people["advisor"]
    organization = make_organization()
    representative = make_representative(organization)
    application = submit_complete(make_application(organization, by=advisor), by=advisor)
    with pytest.raises(ValidationError):
        actions.request_information(
            application, kind="correction", message=" ", by=advisor, at=at(2019, 3, 1)
        )
    with django_capture_on_commit():
        request = actions.request_information(
            application,
            kind="correction",
            message="Le rapport financier n'est pas signé.",
            by=advisor,
            at=at(2019, 3, 1),
        )
    assert request.deadline == date(2019, 3, 11)  # the default delay of the settings
    application.refresh_from_db()
    assert application.state == State.INCOMPLETE
    assert mail.outbox[-1].to == [representative.email]
    assert "11 mars 2019" in mail.outbox[-1].body
    # The organization answers (issue 4's portal) through the existing actions, late.
    application_actions.upload_document(
        application,
        kind="financial_report",
        upload=upload("rf.pdf"),
        by=representative,
        at=at(2019, 3, 14),
    )
    # The portal's sections (issue 4) are filled before the answer resubmits the file.
    type(application).objects.filter(pk=application.pk).update(
        contact_name="Léa Tremblay",
        contact_email="lea@example.org",
        contact_phone="819 555-1234",
        mission="Accueil et intégration des personnes immigrantes.",
        services="Accueil, francisation, installation.",
        territory_served="Sherbrooke",
        refugees_received_last_year=40,
        refugees_expected=45,
    )
    request = type(request).objects.get(pk=request.pk)
    application_actions.answer_request(
        request, by=representative, at=at(2019, 3, 14), answer="Rapport signé joint."
    )
    request.refresh_from_db()
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert request.answered_at == at(2019, 3, 14)
    assert request.is_late(date(2019, 3, 20)) is True


def test_5_1_deadline_is_changeable_per_request(people):
    advisor = people["advisor"]
    application = submit_complete(make_application(by=advisor), by=advisor)
    request = actions.request_information(
        application,
        kind="information",
        message="Précisez vos activités régionales.",
        deadline=date(2019, 4, 30),
        by=advisor,
        at=at(2019, 3, 1),
    )
    assert request.deadline == date(2019, 4, 30)
    assert request.is_late(date(2019, 4, 30)) is False
    assert request.is_late(date(2019, 5, 1)) is True


def test_5_1_the_completeness_page_gives_the_deadline_in_words(people, client):
    advisor = people["advisor"]
    application = submit_complete(make_application(by=advisor), by=advisor)
    actions.request_information(
        application,
        kind="information",
        message="Précisez vos activités régionales.",
        deadline=date(2019, 4, 30),
        by=advisor,
        at=at(2019, 3, 1),
    )
    client.force_login(advisor)
    page = client.get(reverse("workspace:completeness", args=[application.pk])).content.decode()
    assert "30 avril 2019" in page
    assert "2019-04-30" not in page


class django_capture_on_commit:
    """Run on_commit callbacks (emails) right away inside a test transaction."""

    def __enter__(self):
        from django.db import connection

        self.connection = connection
        self.before = len(connection.run_on_commit)

    def __exit__(self, *exc):
        callbacks = self.connection.run_on_commit[self.before :]
        del self.connection.run_on_commit[self.before :]
        for _sids, callback, _robust in callbacks:
            callback()


# --- Evaluation and adjustments (6.1) ------------------------------------------------------


def test_evaluation_is_eligible_only_when_no_criterion_is_left_to_verify(people):
    _application, evaluation = evaluated_dossier(people["advisor"], complete=False)
    assert evaluation.eligibility == "eligible"
    advisor = people["advisor"]
    other = submit_complete(make_application(by=advisor), by=advisor)
    pending = actions.start_evaluation(other, by=advisor, at=at(2019, 3, 1))
    actions.compute_evaluation(pending, by=advisor, at=at(2019, 3, 2))
    assert pending.eligibility == "to_verify"
    with pytest.raises(ValidationError):
        actions.complete_evaluation(pending, by=advisor, at=at(2019, 3, 3))


def test_6_1_3_downward_revision_needs_a_surplus_and_a_justification(people):
    advisor = people["advisor"]
    _application, evaluation = evaluated_dossier(advisor, complete=False)
    with pytest.raises(ValidationError):
        actions.adjust_evaluation(
            evaluation,
            kind="surplus_revision",
            amount=Decimal("1000"),
            justification="",
            by=advisor,
            at=at(2019, 3, 5),
        )
    with pytest.raises(ValidationError):  # no surplus: the rules refuse (6.1.3)
        actions.adjust_evaluation(
            evaluation,
            kind="surplus_revision",
            amount=Decimal("1000"),
            justification="Besoins réels moindres.",
            by=advisor,
            at=at(2019, 3, 5),
        )
    evaluation.refresh_from_db()
    assert evaluation.adjustments == []


def test_6_1_3_downward_revision_with_a_surplus_is_recorded_with_its_author(people):
    from tests.factories import make_statements

    advisor = people["advisor"]
    organization = make_organization()
    statements = make_statements(organization, unrestricted_net_assets=Decimal("200000"))
    _application, evaluation = evaluated_dossier(
        advisor, organization, complete=False, last_statements=statements
    )
    before = evaluation.amount
    actions.adjust_evaluation(
        evaluation,
        kind="surplus_revision",
        amount=Decimal("5000"),
        justification="Surplus important.",
        by=advisor,
        at=at(2019, 3, 5),
    )
    assert evaluation.amount == before - Decimal("5000")
    assert evaluation.adjustments[0]["by"] == advisor.email
    assert evaluation.adjustments[0]["clause"] == "6.1.3"
    entry = JournalEntry.objects.for_subject(evaluation).get(action="evaluation.adjusted")
    assert entry.reason == "Surplus important."


def test_footnote_2_historic_funding_only_for_a_transferred_organization(people):
    advisor = people["advisor"]
    _application, evaluation = evaluated_dossier(advisor, complete=False)
    with pytest.raises(ValidationError) as error:
        actions.adjust_evaluation(
            evaluation,
            kind="historic_funding",
            amount=Decimal("60000"),
            justification="x",
            by=advisor,
            at=at(2019, 3, 5),
        )
    assert "transféré" in error.value.messages[0]
    with pytest.raises(ValidationError):
        actions.adjust_evaluation(
            evaluation,
            kind="free_amount",
            amount=Decimal("1"),
            justification="x",
            by=advisor,
            at=at(2019, 3, 5),
        )


def test_6_1_4_cap_still_applies_after_a_historic_funding_adjustment(people):
    advisor = people["advisor"]
    organization = make_organization(transferred_from_other_ministry=True)
    _application, evaluation = evaluated_dossier(
        advisor,
        organization,
        complete=False,
        estimated_operating_costs=Decimal("100000"),
        other_public_funding=Decimal("70000"),
    )
    actions.adjust_evaluation(
        evaluation,
        kind="historic_funding",
        amount=Decimal("90000"),
        justification="Financement du ministère d'origine.",
        by=advisor,
        at=at(2019, 3, 5),
    )
    # 90 % of 100 000 $ less 70 000 $ of other public funding: at most 20 000 $.
    assert evaluation.amount == Decimal("20000")
    assert evaluation.result["cap_applied"] is True


# --- Decisions, letter, agreement -----------------------------------------------------------


def test_decision_needs_an_approved_allocation_that_funds_the_dossier(people):
    from soutien.budget import actions as budget_actions

    _application, evaluation = evaluated_dossier(people["advisor"])
    with pytest.raises(ValidationError) as error:
        budget_actions.decide_within_budget(
            evaluation, outcome=Outcome.GRANTED, by=people["manager"], at=at(2019, 3, 20)
        )
    assert "répartition approuvée" in error.value.messages[0]
    with pytest.raises(PermissionDenied):
        budget_actions.decide_within_budget(
            evaluation, outcome=Outcome.REFUSED, by=people["advisor"], at=at(2019, 3, 20)
        )
    decision = budget_actions.decide_within_budget(
        evaluation, outcome=Outcome.REFUSED, by=people["manager"], at=at(2019, 3, 20)
    )
    assert "Clause 5.2" in decision.reason
    assert "application.refused" in actions_of(decision.application)


def test_decision_letter_pdf_names_the_organization_amount_installments_and_clauses(people, client):
    application, _evaluation, decision = granted_decision(people)
    representative = application.organization.memberships.get().user
    client.force_login(representative)  # the organization's member reads it through for_user
    response = client.get(reverse("decision-letter", args=[decision.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert application.organization.legal_name in text
    assert "27 652 $" in text
    assert "novembre 2019 : 13 826 $" in text and "mars 2020 : 13 826 $" in text
    assert "Clause 6.1.1" in text and "Clause 5.2" in text
    assert "2018-2020" in text
    other = make_representative(make_organization())
    client.force_login(other)
    assert client.get(reverse("decision-letter", args=[decision.pk])).status_code == 404


def test_5_4_agreement_pdf_and_signed_copy_make_it_active(people, client):
    application, _evaluation, decision = granted_decision(people)
    client.force_login(people["manager"])
    page = client.get(reverse("workspace:prepare_agreement", args=[decision.pk]))
    assert page.status_code == 200
    assert b'<option value="2">' not in page.content  # 2019-2020 is the norms' last year
    response = client.post(
        reverse("workspace:prepare_agreement", args=[decision.pk]),
        {
            "duration_years": "1",
            "signatory_name": "Jeanne Signataire",
            "signatory_title": "Présidente",
        },
    )
    agreement = Agreement.objects.get(application=application)
    assert response.url == reverse("workspace:agreement", args=[agreement.pk])
    text = pdf_text(client.get(reverse("workspace:agreement_pdf", args=[agreement.pk])).content)
    assert application.organization.legal_name in text and application.organization.neq in text
    assert "Jeanne Signataire" in text and "Présidente" in text
    assert "27 652 $" in text
    assert "novembre 2019 : 13 826 $" in text and "mars 2020 : 13 826 $" in text
    assert "(clause 7)" in text and "(clause 8)" in text
    assert "Rapport de mission d'examen signé par un CPA" in text  # 50 000 $ + 27 652 $
    assert "1er avril 2019 au 31 mars 2020" in text
    # The resolution is named by its date, never by a file name; a one-year agreement has no
    # years 2 and 3 to confirm.
    assert "conseil d'administration jointe à la demande le" in text and ".pdf" not in text
    assert "années 2 et 3" not in text
    response = client.post(
        reverse("workspace:agreement", args=[agreement.pk]),
        {"signed_copy": upload("signee.pdf"), "signed_on": "2019-05-10"},
    )
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE
    assert {"agreement.document_uploaded", "agreement.signed"} <= set(actions_of(agreement))


def test_5_4_agreement_form_proposes_the_board_president_on_the_application_date(people, client):
    application, _evaluation, decision = granted_decision(people)
    organization = application.organization
    for name, start, end in (
        ("Ancienne Présidente", date(2010, 1, 1), date(2015, 12, 31)),
        ("Jeanne Présidente", date(2016, 1, 1), None),
    ):
        BoardMember(
            organization=organization,
            full_name=name,
            position=BoardPosition.PRESIDENT,
            term_start=start,
            term_end=end,
        ).save()
    client.force_login(people["manager"])
    page = client.get(reverse("workspace:prepare_agreement", args=[decision.pk])).content.decode()
    assert 'value="Jeanne Présidente"' in page and "Ancienne" not in page
    assert "Vérifiez le nom dans la résolution" in page


def test_5_4_agreement_never_runs_past_the_norms_in_force(people):
    _application, _evaluation, decision = granted_decision(people)
    with pytest.raises(ValidationError) as error:
        agreement_actions.prepare_agreement(
            decision,
            reference="SAM-X",
            duration_years=2,
            starts_on=date(2019, 4, 1),
            ends_on=date(2021, 3, 31),
            signatory_name="X",
            by=people["manager"],
            at=at(2019, 4, 1),
        )
    assert "au plus 1 exercice" in error.value.message_dict["duration_years"][0]


# --- Exports and explanation ---------------------------------------------------------------


def _signed_agreement(people):
    application, _evaluation, decision = granted_decision(people)
    agreement = one_year_agreement(decision, people)
    agreement_actions.upload_agreement_document(
        agreement, upload=upload(), by=people["manager"], at=at(2019, 5, 1)
    )
    agreement_actions.sign_agreement(
        agreement, signed_on=date(2019, 5, 1), by=people["manager"], at=at(2019, 5, 1)
    )
    return application, decision, agreement


def extract(client, fmt: str, kind: str, **data) -> bytes:
    """Ask for an extraction (a background job run at once in tests), follow it, download."""
    with django_capture_on_commit():
        started = client.post(reverse("workspace:export", args=[fmt]), {"kind": kind, **data})
    assert started.status_code == 302
    page = client.get(started["Location"])
    html = page.content.decode()
    assert "Terminé" in html and 'value="100"' in html and 'http-equiv="refresh"' not in html
    link = re.search(r'href="([^"]+/fichier)"', html).group(1)
    return b"".join(client.get(link).streaming_content)


def test_exports_csv_with_bom_and_xlsx_numbers_with_totals_matching_the_screen(people, client):
    application, _decision, _agreement = _signed_agreement(people)
    client.force_login(people["finance"])
    page = client.get(reverse("workspace:finance"), {"kind": "installments"})
    assert "27 652 $" in page.content.decode().replace("\u202f", " ").replace("\u00a0", " ")
    raw = extract(client, "csv", "installments")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Organisme",
        "NEQ",
        "Convention",
        "Exercice financier",
        "Mois",
        "Montant",
        "État",
    ]
    assert rows[1] == [
        application.organization.legal_name,
        application.organization.neq,
        "SAM-2019-0001",
        "2019-2020",
        "2019-11",
        "13826.00",
        "Prévu",
    ]
    assert rows[-1][:1] == ["Total"] and rows[-1][5] == "27652.00"
    book = load_workbook(io.BytesIO(extract(client, "xlsx", "installments")))
    sheet = book.active
    assert sheet["F2"].value == 13826 and "$" in sheet["F2"].number_format
    assert sheet["G2"].value == "Prévu"
    assert sheet.cell(row=sheet.max_row, column=6).value == 27652
    decisions = extract(client, "csv", "decisions").decode("utf-8-sig")
    assert "27652.00" in decisions


def test_explanation_reads_the_snapshot_and_is_not_recomputed(people, client):
    application, _evaluation, decision = granted_decision(people)
    organization = application.organization
    organization.refugee_reception = True  # a later change of records…
    organization.refugees_received_per_year = 300
    organization.save()
    client.force_login(people["finance"])
    html = client.get(reverse("workspace:explain", args=[decision.pk])).content.decode()
    html = html.replace("\u202f", " ").replace("\u00a0", " ")
    assert "27 652 $" in html  # …does not change the explanation
    assert "2018-2020" in html and "6.1.1" in html
    assert people["advisor"].full_name in html


def test_evaluation_and_explanation_name_the_facts_and_judgments_in_french(people, client):
    application, _evaluation, decision = granted_decision(people)
    client.force_login(people["manager"])
    pages = [
        client.get(reverse("workspace:evaluation", args=[application.pk])).content.decode(),
        client.get(reverse("workspace:explain", args=[decision.pk])).content.decode(),
    ]
    for html in pages:
        assert "organization." not in html and "finances." not in html
        assert "qc_companies_part3" not in html and ">none<" not in html
        assert "Forme juridique" in html
        assert "Loi sur les compagnies, partie III (Québec)" in html
    explanation = pages[1]
    assert "main_mission" not in explanation and ": met" not in explanation
    assert "Date de la demande" in explanation and "Charges totales" in explanation
    assert "Mission principale conforme" in explanation
