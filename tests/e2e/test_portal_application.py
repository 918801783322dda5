"""The application journey in a real browser: sections, nine uploads, submission one minute
before the deadline, acknowledgment; and the refused submission one minute after (5.1).
axe-core runs on every page of the journey."""

from datetime import timedelta

import pytest
from django.utils import timezone

from soutien.applications.models import Application, DocumentKind, State
from tests.applications.portal_helpers import FINANCE_POST, SECTION_VALUES, open_period, pdf_bytes
from tests.factories import make_organization, make_representative

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, sign_in, user):
    sign_in(user)
    page.goto("/")  # where the login page leads: the portal's dashboard


def submit(page, button: str) -> None:
    """Click a form's button and wait for the next page."""
    page.wait_for_load_state("networkidle")  # an autosave under way finishes first
    with page.expect_navigation():
        page.click(f"button:has-text('{button}')")


def declare(page, *, name="Amina Diallo", title="Présidente du conseil d'administration"):
    """The declaration of the person the board resolution authorizes (5.1, document 1)."""
    page.fill("#id_declarant_name", name)
    page.fill("#id_declarant_title", title)
    page.check("#id_declared")


def check(page):
    assert axe_violations(page) == [], page.url


def prepare(deadline_in: timedelta):
    organization = make_organization(legal_name="Carrefour d'accueil de l'Estrie")
    rep = make_representative(organization)
    period = open_period(deadline=timezone.now() + deadline_in)
    return organization, rep, period


def fill_application(page, tmp_path):
    with page.expect_navigation():
        page.click("text=Commencer une demande")
    check(page)
    submit(page, "Créer la demande")
    check(page)
    page.click("nav >> text=Identification")
    for section, values in SECTION_VALUES.items():
        for field, value in values.items():
            if isinstance(value, bool):
                page.check(f"#id_{field}") if value else page.uncheck(f"#id_{field}")
            else:
                page.fill(f"#id_{field}", str(value))
        check(page)
        submit(page, "Enregistrer et continuer")
        assert "Section « " in page.inner_text("main"), (
            section,
            page.url,
            page.inner_text("main")[:800],
        )
    for field, value in FINANCE_POST.items():
        page.fill(f"#id_{field}", value)
    check(page)
    submit(page, "Enregistrer et continuer")
    assert "Les neuf documents" in page.inner_text("h1")
    check(page)
    for kind in DocumentKind.values:
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(pdf_bytes(kind))
        page.set_input_files(f"#id_{kind}", str(path))
    page.click("button:has-text('Déposer les documents choisis')")
    page.wait_for_selector("text=9 documents enregistrés.")
    check(page)
    page.click("nav >> text=Dépôt")
    check(page)


def test_a_representative_submits_a_complete_application_one_minute_before_the_deadline(
    page, sign_in, tmp_path
):
    _organization, rep, _period = prepare(timedelta(minutes=1, seconds=50))
    log_in(page, sign_in, rep)
    check(page)
    fill_application(page, tmp_path)
    declare(page)
    submit(page, "Déposer ma demande")
    application = Application.objects.get()
    assert application.state == State.SUBMITTED
    assert page.inner_text("[data-reference]") == application.reference
    check(page)
    page.click("nav >> text=Historique")
    assert "Demande déposée" in page.inner_text("main")
    check(page)


def test_the_submission_one_minute_after_the_deadline_is_refused(page, sign_in, tmp_path):
    _organization, rep, _period = prepare(timedelta(minutes=10))
    log_in(page, sign_in, rep)
    fill_application(page, tmp_path)
    Application.objects.update(deadline_at=timezone.now() - timedelta(minutes=1))
    declare(page)
    submit(page, "Déposer ma demande")
    assert "sont passées : la demande ne peut plus être déposée" in page.inner_text("main")
    assert Application.objects.get().state == State.DRAFT
    check(page)


def test_the_recap_and_the_declaration_come_before_the_submission(page, sign_in, tmp_path):
    _organization, rep, _period = prepare(timedelta(days=5))
    log_in(page, sign_in, rep)
    fill_application(page, tmp_path)
    main = page.inner_text("main")
    assert "Vérifiez votre demande" in main
    for value in ("Ville de Sherbrooke", "Accueillir et accompagner", "MSSS, PSOC"):
        assert value in main, value
    for kind in DocumentKind.values:
        assert f"{kind}.pdf" in main
    # Without the declaration nothing is submitted, and the box is named.
    page.fill("#id_declarant_title", "Présidente")
    submit(page, "Déposer ma demande")
    assert "Cochez la déclaration" in page.inner_text("#resume-erreurs")
    assert Application.objects.get().state == State.DRAFT
    check(page)
    # « Modifier » leads back to a section.
    page.click("#recap-mission ~ p >> text=Modifier")
    assert "Mission et services" in page.inner_text("h1")
    page.click("nav >> text=Dépôt")
    declare(page)
    submit(page, "Déposer ma demande")
    application = Application.objects.get()
    assert application.state == State.SUBMITTED
    copy = application.submission_copies.get()
    assert copy.declaration.declarant_name == "Amina Diallo"
    link = page.locator("a:has-text('Copie 1')")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    check(page)


def test_autosave_keeps_a_draft_without_pressing_save(page, sign_in):
    organization, rep, _period = prepare(timedelta(days=5))
    from tests.applications.portal_helpers import new_application

    application = new_application(organization, by=rep)
    log_in(page, sign_in, rep)
    page.goto(f"/espace/demandes/{application.pk}/sections/mission/")
    page.fill("#id_territory_served", "Ville de Sherbrooke")
    page.locator("#id_territory_served").blur()
    page.wait_for_selector("text=Brouillon enregistré à")
    application.refresh_from_db()
    assert application.territory_served == "Ville de Sherbrooke"
    check(page)
