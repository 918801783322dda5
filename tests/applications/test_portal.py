"""The organizations' portal: an application for a fiscal year, from draft to acknowledgment,
and what follows it (clauses 5.1 and 5.6)."""

import html as html_lib
import io
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from soutien.applications import actions
from soutien.applications.models import (
    Application,
    ApplicationDocument,
    DocumentKind,
    FundingLine,
    Kind,
    RequestKind,
    State,
)
from soutien.core.models import JournalEntry
from tests.factories import PNG, make_organization, make_representative, make_user

from .portal_helpers import (
    DECLARATION_POST,
    FINANCE_POST,
    SECTION_VALUES,
    active_agreement,
    fill_everything,
    new_application,
    open_period,
    pdf_bytes,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization():
    return make_organization(legal_name="Carrefour d'accueil de l'Estrie")


@pytest.fixture
def rep(organization):
    return named(make_representative(organization), "Amina Diallo")


@pytest.fixture
def client_rep(client, rep):
    client.force_login(rep)
    return client


@pytest.fixture
def application(organization, rep):
    return new_application(organization, by=rep)


def named(user, full_name):
    user.full_name = full_name
    user.save()
    return user


def text(response) -> str:
    """The page as a person reads it (entities decoded)."""
    return html_lib.unescape(response.content.decode())


def url(name, *args):
    return reverse(f"portal:{name}", args=args)


# Dashboard and start ----------------------------------------------------------------------


def test_dashboard_lists_the_applications_and_what_is_missing(client_rep, application):
    response = client_rep.get(url("dashboard"))
    html = text(response)
    assert response.status_code == 200
    assert "Carrefour d'accueil de l'Estrie" in html
    assert "2019-2020" in html
    assert "19 éléments manquants" in html


def test_5_1_an_application_starts_in_an_open_period_prefilled_with_the_contact(
    client_rep, organization, rep
):
    period = open_period()
    response = client_rep.get(url("start"))
    assert "2019-2020" in text(response)
    response = client_rep.post(
        url("start"), {"organization": organization.pk, "period": period.pk, "stream": "1"}
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("application", application.pk)
    assert application.deadline_at == period.deadline_at
    assert (application.contact_name, application.contact_email) == ("Amina Diallo", rep.email)


def test_a_closed_period_cannot_be_chosen(client_rep, organization):
    period = open_period(deadline=timezone.now() - timedelta(minutes=1))
    response = client_rep.post(
        url("start"), {"organization": organization.pk, "period": period.pk, "stream": "1"}
    )
    assert response.status_code == 422
    assert "Aucune période de dépôt n'est ouverte" in text(response)
    assert not Application.objects.exists()


def test_stream_2_is_refused_to_an_organization_that_is_not_a_grouping(client_rep, organization):
    period = open_period(stream=2)
    response = client_rep.post(
        url("start"), {"organization": organization.pk, "period": period.pk, "stream": "2"}
    )
    assert response.status_code == 422
    assert "Seul un regroupement national" in text(response)
    assert not Application.objects.exists()


# Sections, autosave, checklist ----------------------------------------------------------


def test_a_section_is_saved_journaled_and_the_checklist_follows(client_rep, application):
    response = client_rep.post(
        url("section", application.pk, "identification"), SECTION_VALUES["identification"]
    )
    assert response.status_code == 302
    assert response["Location"] == url("section", application.pk, "mission")
    application.refresh_from_db()
    assert application.contact_phone == "819 555-1234"
    assert JournalEntry.objects.filter(action="application.section_saved").count() == 1
    page = " ".join(text(client_rep.get(url("section", application.pk, "mission"))).split())
    assert "Ce qu'il reste à faire" in page
    assert "Il manque 16 éléments." in page
    done = f'<li class="done"> <a href="{url("section", application.pk, "identification")}#field-contact_name">'
    assert done in page


def test_autosave_saves_the_draft_without_a_journal_entry(client_rep, application):
    response = client_rep.post(
        url("section", application.pk, "mission"),
        {"mission": "Accueillir."},
        HTTP_X_AUTOSAVE="1",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True and body["message"].startswith("Brouillon enregistré à")
    assert "qc-checklist" in body["checklist"]
    application.refresh_from_db()
    assert application.mission == "Accueillir."
    assert not JournalEntry.objects.filter(action="application.section_saved").exists()


def test_autosave_of_a_wrong_value_is_refused_with_the_field(client_rep, application):
    response = client_rep.post(
        url("section", application.pk, "refugees"),
        {"refugees_received_last_year": "-3", "refugees_expected": "4"},
        HTTP_X_AUTOSAVE="1",
    )
    assert response.status_code == 422
    assert "négatif" in response.json()["errors"]["refugees_received_last_year"][0]
    application.refresh_from_db()
    assert application.refugees_expected is None  # nothing half-saved


def test_nothing_is_lost_when_the_session_expired(client, rep, application):
    path = url("section", application.pk, "mission")
    response = client.post(path, SECTION_VALUES["mission"])  # the session had expired
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"), {"username": rep.email, "password": "pw", "next": path}
    )
    assert response["Location"] == path
    page = client.get(path, follow=True)
    assert "sont enregistrées" in text(page)
    application.refresh_from_db()
    assert application.services == SECTION_VALUES["mission"]["services"]


def test_6_1_4_finances_detail_public_funding_by_source_with_the_statements(
    client_rep, application
):
    response = client_rep.post(url("section", application.pk, "finances"), FINANCE_POST)
    assert response.status_code == 302
    application.refresh_from_db()
    lines = {line.source: line for line in FundingLine.objects.filter(application=application)}
    assert lines["quebec"].amount == Decimal("50000") and lines["quebec"].details == "MSSS, PSOC"
    assert application.other_public_funding == Decimal("85000")
    assert application.quebec_government_funding_other == Decimal("50000")
    assert application.last_statements.total_expenses == Decimal("290000")
    assert application.last_statements.unrestricted_net_assets == Decimal("40000")
    page = text(client_rep.get(url("section", application.pk, "finances")))
    for label in ("Communautés métropolitaines", "Communautés autochtones", "(MRC)", "Canada"):
        assert label in page


@pytest.mark.parametrize("field", ["estimated_operating_costs", "funding_canada", "total_expenses"])
def test_negative_amounts_are_refused_naming_the_field_nothing_saved(
    client_rep, application, field
):
    response = client_rep.post(
        url("section", application.pk, "finances"), {**FINANCE_POST, field: "-1"}
    )
    html = text(response)
    assert response.status_code == 422
    assert f'id="id_{field}_error"' in html
    assert "ne peut pas être négatif" in html
    assert "Corrigez ces champs" in html
    application.refresh_from_db()
    assert application.estimated_operating_costs == 0
    assert application.last_statements is None
    assert not FundingLine.objects.exists()


def test_statements_are_entered_complete_or_not_at_all(client_rep, application):
    response = client_rep.post(
        url("section", application.pk, "finances"),
        {**FINANCE_POST, "total_revenue": ""},
    )
    assert response.status_code == 422
    assert "les états financiers se saisissent au complet" in text(response)


# Documents -------------------------------------------------------------------------------


def test_the_size_limit_is_stated_before_upload(client_rep, application, settings):
    settings.DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
    page = text(client_rep.get(url("documents", application.pk)))
    assert "Taille maximale : <strong>5 Mo</strong>" in page
    for document in ("Résolution du conseil d'administration", "Procès-verbal"):
        assert document in page


def test_a_new_version_never_erases_the_previous_one(client_rep, application):
    for content in (b"premier", b"second"):
        response = client_rep.post(
            url("documents", application.pk),
            {"charter": SimpleUploadedFile("charte.pdf", pdf_bytes(content.decode()))},
        )
        assert response.status_code == 302
    versions = ApplicationDocument.objects.filter(application=application, kind="charter")
    assert sorted(versions.values_list("number", flat=True)) == [1, 2]
    assert len(set(versions.values_list("sha256", flat=True))) == 2
    page = text(client_rep.get(url("document", application.pk, "charter")))
    assert page.count("charte.pdf") == 2
    for version in versions:
        assert reverse("application-document", args=[version.pk]) in page
        download = client_rep.get(reverse("application-document", args=[version.pk]))
        assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_file_disguised_as_pdf_is_refused_naming_the_document(client_rep, application):
    response = client_rep.post(
        url("documents", application.pk),
        {
            "charter": pdf_upload("charte.pdf"),
            "bylaws": SimpleUploadedFile("reglements.pdf", PNG),
        },
    )
    html = text(response)
    assert response.status_code == 422
    assert 'id="id_bylaws_error"' in html
    assert "porte l'extension « .pdf », mais son contenu est celui d'un fichier PNG" in html
    assert list(ApplicationDocument.objects.values_list("kind", flat=True)) == ["charter"]


def test_one_bad_file_of_a_batch_refuses_only_itself(client_rep, application):
    response = client_rep.post(
        url("documents", application.pk),
        {
            "charter": pdf_upload("charte.pdf"),
            "bylaws": SimpleUploadedFile("reglements.pdf", PNG),
            "action_plan": pdf_upload("plan.pdf"),
        },
    )
    assert response.status_code == 422
    kept = ApplicationDocument.objects.filter(application=application)
    assert sorted(kept.values_list("kind", "number")) == [("action_plan", 1), ("charter", 1)]
    summary = text(response).split('id="resume-erreurs"')[1].split("</div>")[0]
    assert "reglements.pdf" in summary
    assert "charte.pdf" not in summary and "plan.pdf" not in summary
    assert "2 documents enregistrés." in text(response)
    page = text(response)
    for name in ("charte.pdf", "plan.pdf"):  # shown as saved, with their version
        assert f"Version 1 : {name}" in page


def test_an_oversized_file_is_refused(client_rep, application, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    response = client_rep.post(
        url("documents", application.pk),
        {"charter": SimpleUploadedFile("charte.pdf", pdf_bytes() + b"%" * 2048)},
    )
    assert response.status_code == 422
    assert "dépasse la taille maximale" in text(response)
    assert not ApplicationDocument.objects.exists()


def test_documents_are_downloaded_only_by_members_and_staff(client, application, rep):
    fill_everything(application, by=rep)
    document = application.documents.first()
    path = reverse("application-document", args=[document.pk])
    other = make_representative(make_organization())
    client.force_login(other)
    assert client.get(path).status_code == 404
    client.force_login(make_user())
    response = client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# Submission --------------------------------------------------------------------------------


def test_5_1_an_incomplete_application_is_not_submitted(client_rep, application):
    response = client_rep.post(url("submit", application.pk), DECLARATION_POST)
    assert response.status_code == 422
    assert "La demande est incomplète" in text(response)
    application.refresh_from_db()
    assert application.state == State.DRAFT and application.reference == ""


def test_5_1_submitted_one_minute_before_the_deadline(client_rep, application, rep):
    fill_everything(application, by=rep)
    Application.objects.filter(pk=application.pk).update(
        deadline_at=timezone.now() + timedelta(minutes=1)
    )
    with mock.patch("django.core.mail.send_mail", wraps=mail.send_mail):
        response = client_rep.post(url("submit", application.pk), DECLARATION_POST)
    application.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == url("acknowledgment", application.pk)
    assert application.state == State.SUBMITTED
    assert application.reference == f"SAM-2019-V1-{application.pk:05d}"
    page = text(client_rep.get(response["Location"]))
    assert application.reference in page
    assert "Accusé de réception" in page


def test_5_1_acknowledgment_is_emailed(django_capture_on_commit_callbacks, application, rep):
    fill_everything(application, by=rep)
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit_application(application, by=rep, at=timezone.now(), require_complete=True)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert application.reference in message.subject
    assert rep.email in message.to and "amina@organisme.example" in message.to
    assert "Résolution du conseil d'administration" in message.body
    assert "SHA-256" in message.body


def test_5_1_one_minute_late_is_refused_with_a_clear_message(client_rep, application, rep):
    fill_everything(application, by=rep)
    Application.objects.filter(pk=application.pk).update(
        deadline_at=timezone.now() - timedelta(minutes=1)
    )
    response = client_rep.post(url("submit", application.pk), DECLARATION_POST)
    html = text(response)
    assert response.status_code == 422
    assert "La date et l'heure limites de dépôt" in html
    assert "(heure du Québec)" in html
    application.refresh_from_db()
    assert application.state == State.DRAFT and application.reference == ""


def test_5_1_the_deadline_passed_while_the_form_was_open(client_rep, application, rep):
    fill_everything(application, by=rep)
    opened = timezone.now()
    Application.objects.filter(pk=application.pk).update(deadline_at=opened + timedelta(seconds=30))
    page = text(client_rep.get(url("submit", application.pk)))
    assert "Déposer ma demande" in page
    with mock.patch("django.utils.timezone.now", return_value=opened + timedelta(minutes=1)):
        response = client_rep.post(url("submit", application.pk), DECLARATION_POST)
    assert response.status_code == 422
    assert "sont passées : la demande ne peut plus être déposée" in text(response)
    application.refresh_from_db()
    assert application.state == State.DRAFT and application.submitted_at is None


def test_the_deadline_is_read_in_montreal_time(application):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    deadline = datetime(2019, 2, 28, 16, 0, tzinfo=ZoneInfo("America/Montreal"))
    assert actions.deadline_label(deadline) == "28 février 2019 à 16 h 00 (heure du Québec)"
    assert actions.deadline_label(deadline.astimezone(ZoneInfo("UTC"))) == (
        "28 février 2019 à 16 h 00 (heure du Québec)"
    )


def test_the_acknowledgment_pdf_is_tagged_and_names_reference_organization_documents(
    client_rep, application, rep
):
    from pypdf import PdfReader

    fill_everything(application, by=rep)
    actions.submit_application(application, by=rep, at=timezone.now(), require_complete=True)
    response = client_rep.get(url("acknowledgment_pdf", application.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert application.reference in flat
    assert "Carrefour d'accueil de l'Estrie" in flat
    assert "Accusé de réception" in flat
    assert "2019-2020" in flat
    for document in application.documents.all():
        assert document.original_name in flat
        assert document.sha256[:16] in flat.replace(" ", "")
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "fr-CA"


# After submission --------------------------------------------------------------------------


@pytest.fixture
def submitted(application, rep):
    fill_everything(application, by=rep)
    return actions.submit_application(application, by=rep, at=timezone.now(), require_complete=True)


def test_5_1_a_correction_request_shows_its_deadline_and_opens_only_the_named_sections(
    client_rep, submitted
):
    advisor = make_user()
    due = timezone.now() + timedelta(days=10)
    actions.request_correction(
        submitted,
        by=advisor,
        at=timezone.now(),
        reason="Le budget est illisible.",
        due_at=due,
        sections=["finances"],
        documents=["budget_forecast"],
    )
    info = submitted.information_requests.get()
    dashboard = text(client_rep.get(url("dashboard")))
    assert "Demande de correction" in dashboard
    page = text(client_rep.get(url("answer_request", submitted.pk, info.pk)))
    assert "Le budget est illisible." in page
    assert url("section", submitted.pk, "finances") in page
    # the named section is editable; another is not
    assert (
        client_rep.post(
            url("section", submitted.pk, "finances"),
            {**FINANCE_POST, "estimated_operating_costs": "410000"},
        ).status_code
        == 302
    )
    response = client_rep.post(url("section", submitted.pk, "mission"), {"mission": "Autre"})
    assert response.status_code == 302 and response["Location"] == url("application", submitted.pk)
    submitted.refresh_from_db()
    assert submitted.estimated_operating_costs == Decimal("410000")
    assert submitted.mission != "Autre"
    # a new version of the named document
    assert (
        client_rep.post(
            url("documents", submitted.pk), {"budget_forecast": pdf_upload("budget-v2.pdf")}
        ).status_code
        == 302
    )
    response = client_rep.post(
        url("answer_request", submitted.pk, info.pk), {"answer": "Budget corrigé."}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    info.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert info.answered_at is not None and not info.answered_late
    assert JournalEntry.objects.filter(action="application.resubmitted").exists()


def test_5_1_a_late_answer_is_kept_and_shown_as_late(client_rep, submitted, rep):
    advisor = named(make_user(), "Louis Tremblay")
    asked = timezone.now() - timedelta(days=20)
    actions.request_correction(
        submitted,
        by=advisor,
        at=asked,
        reason="Plan d'action manquant.",
        due_at=asked + timedelta(days=15),
    )
    info = submitted.information_requests.get()
    page = text(client_rep.get(url("answer_request", submitted.pk, info.pk)))
    assert "L'échéance est passée" in page
    client_rep.post(url("answer_request", submitted.pk, info.pk), {"answer": "Voici le plan."})
    info.refresh_from_db()
    assert info.answered_late
    timeline = text(client_rep.get(url("timeline", submitted.pk)))
    assert "en retard" in timeline
    assert "Louis Tremblay (Ministère)" in timeline
    assert "Amina Diallo" in timeline
    for label in ("Demande créée", "Documents déposés", "Demande déposée", "Correction demandée"):
        assert label in timeline


def test_an_empty_answer_is_refused(client_rep, submitted):
    actions.request_correction(submitted, by=make_user(), at=timezone.now(), reason="Précisez.")
    info = submitted.information_requests.get()
    response = client_rep.post(url("answer_request", submitted.pk, info.pk), {"answer": ""})
    assert response.status_code == 422
    assert "Écrivez votre réponse" in text(response)
    info.refresh_from_db()
    assert info.answered_at is None


def test_5_1_more_information_during_evaluation_leaves_the_state(client_rep, submitted):
    advisor = make_user()
    actions.request_correction(
        submitted,
        by=advisor,
        at=timezone.now(),
        reason="Combien de bénévoles ?",
        kind=RequestKind.INFORMATION,
    )
    info = submitted.information_requests.get()
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert info.due_at.date() == (info.requested_at + timedelta(days=15)).date()
    client_rep.post(url("answer_request", submitted.pk, info.pk), {"answer": "Douze."})
    info.refresh_from_db()
    assert info.answer == "Douze." and info.answered_at is not None
    assert submitted.state == State.SUBMITTED


def test_a_request_notice_is_emailed(django_capture_on_commit_callbacks, submitted):
    with django_capture_on_commit_callbacks(execute=True):
        actions.request_correction(
            submitted, by=make_user(), at=timezone.now(), reason="Signez la résolution."
        )
    assert "Signez la résolution." in mail.outbox[-1].body
    assert "heure du Québec" in mail.outbox[-1].body


# Renewal (5.6) -----------------------------------------------------------------------------


def test_5_6_renewal_is_prefilled_and_reuses_unchanged_documents(client_rep, submitted, rep):
    agreement = active_agreement(submitted, by=make_user())
    year2 = agreement.years.get(year_number=2)
    open_period(fiscal_year=2020)
    dashboard = text(client_rep.get(url("dashboard")))
    assert url("start_renewal", year2.pk) in dashboard
    response = client_rep.post(url("start_renewal", year2.pk))
    renewal = Application.objects.get(fiscal_year=2020)
    assert response["Location"] == url("application", renewal.pk)
    assert renewal.kind == Kind.RENEWAL and renewal.renews == submitted
    assert renewal.mission == submitted.mission
    assert renewal.last_statements == submitted.last_statements
    assert renewal.funding_lines.count() == submitted.funding_lines.count()
    page = text(client_rep.get(url("documents", renewal.pk)))
    assert "n'a pas changé depuis l'an dernier" in page
    unchanged = {f"{kind}_unchanged": "on" for kind in DocumentKind.values if kind != "action_plan"}
    response = client_rep.post(
        url("documents", renewal.pk), {**unchanged, "action_plan": pdf_upload("plan-2020.pdf")}
    )
    assert response.status_code == 302
    previous = {d.kind: d for d in submitted.documents.all()}
    for document in renewal.documents.all():
        if document.kind == "action_plan":
            assert document.reused_from is None and document.original_name == "plan-2020.pdf"
        else:
            assert document.reused_from == previous[document.kind]
            assert document.sha256 == previous[document.kind].sha256
    # only what changed is asked: the renewal section
    checklist = text(client_rep.get(url("application", renewal.pk)))
    assert checklist.count('class="missing"') == 2
    client_rep.post(
        url("section", renewal.pk, "renewal"),
        {"changes_summary": "Nouveau plan d'action.", "eligibility_confirmed": "on"},
    )
    assert client_rep.post(url("submit", renewal.pk), DECLARATION_POST).status_code == 302
    renewal.refresh_from_db()
    assert renewal.state == State.SUBMITTED


def test_5_6_the_first_year_of_an_agreement_is_not_renewed(client_rep, submitted):
    agreement = active_agreement(submitted, by=make_user())
    response = client_rep.post(url("start_renewal", agreement.years.get(year_number=1).pk))
    assert response.status_code == 422
    assert "La première année" in text(response)


def test_a_section_save_never_overwrites_another_section_saved_meanwhile(application, rep):
    first, second = (Application.objects.get(pk=application.pk) for _ in range(2))
    now = timezone.now()
    actions.save_section(first, section="mission", values=SECTION_VALUES["mission"], by=rep, at=now)
    actions.save_section(
        second, section="identification", values=SECTION_VALUES["identification"], by=rep, at=now
    )
    application.refresh_from_db()
    assert application.mission == SECTION_VALUES["mission"]["mission"]
    assert application.contact_phone == "819 555-1234"
