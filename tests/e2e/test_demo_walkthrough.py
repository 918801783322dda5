"""Issue 5, done when: on the demo data, a person who has never seen the project logs in as the
advisor, then as the manager, and takes a dossier from « Déposée » to an active agreement with
a PDF they would sign. Only the demo's accounts and what the pages show are used; axe-core
finds no WCAG violation on any page."""

import io

import pytest
from pypdf import PdfReader

from soutien import demo
from soutien.agreements.models import Agreement, AgreementYear, Installment
from soutien.applications.models import Application, Kind
from soutien.rules.text import french_money

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def _new_agreement_possible(pk: int) -> bool:
    application = Application.objects.get(pk=pk)
    return (
        application.kind == Kind.INITIAL
        and not AgreementYear.objects.filter(
            organization=application.organization_id,
            fiscal_year=application.fiscal_year,
            stream=application.stream,
        )
        .exclude(state="withdrawn")
        .exists()
    )


def log_in(page, account: str) -> None:
    page.context.clear_cookies()
    page.goto("/compte/connexion/")
    page.fill("#id_username", f"{account}@{demo.DOMAIN}")
    page.fill("#id_password", demo.PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def follow(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def accessible(page) -> None:
    assert axe_violations(page) == [], page.url


def status(page) -> str:
    return " ".join(page.locator("[role=status]").all_inner_texts())


def spaced(text: str) -> str:
    """One plain space wherever the text has spaces, line breaks or (narrow) no-break spaces."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def pdf_text(content: bytes) -> str:
    return spaced("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages))


def test_a_newcomer_takes_a_demo_dossier_from_submitted_to_an_active_agreement(
    demo_database, page, tmp_path
):
    # The run's demo database (loaded by `demo`), on its program date as `make run` does.
    # The advisor finds a submitted 2019-2020 dossier on the dashboard.
    log_in(page, "conseillere")
    assert page.url.endswith("/ministere/")
    assert "le programme est daté du 15 octobre 2019" in page.inner_text("main")
    accessible(page)
    page.select_option("select[name=state]", label="Déposée")
    page.select_option("select[name=fiscal_year]", label="2019-2020")
    page.select_option("select[name=stream]", value="1")
    follow(page, "button:has-text('Filtrer')")
    accessible(page)
    # A first application (not a renewal, its fiscal year covered by no agreement: 5.4).
    links = page.locator("main table tbody a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    chosen = next(
        i for i, href in enumerate(hrefs) if _new_agreement_possible(int(href.split("/")[-2]))
    )
    name = links.nth(chosen).inner_text()
    follow(page, f"main table tbody a >> nth={chosen}")
    assert name in page.inner_text("h1") and "Déposée" in page.inner_text("main")
    accessible(page)
    application = Application.objects.get(pk=int(page.url.rstrip("/").split("/")[-1]))

    # Completeness (5.1): every document present, readable, adopted, signed, for the right year.
    follow(page, "text=1. Complétude (5.1)")
    accessible(page)
    for box in page.locator("input[type=checkbox]").all():
        box.check()
    follow(page, "text=Enregistrer la vérification")
    assert "vérification des documents est enregistrée" in status(page)
    accessible(page)

    # Evaluation: a judgment with its justification for every criterion the facts leave open.
    page.goto(f"/ministere/dossiers/{application.pk}/")
    follow(page, "text=2. Évaluation")
    follow(page, "text=Commencer l'évaluation")
    accessible(page)
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    for area in page.locator("textarea[name$='-justification']").all():
        area.fill("Constaté à la lecture des documents déposés et de la programmation.")
    follow(page, "text=Enregistrer les jugements et calculer")
    main = page.inner_text("main")
    assert "Admissible" in main and "Montant calculé" in main
    assert "Forme juridique" in main and "organization." not in main  # facts named in French
    accessible(page)
    follow(page, "text=Terminer l'évaluation")
    assert "évaluation est terminée" in status(page)
    amount = application.evaluations.get().amount
    assert amount > 0

    # The manager, who did not evaluate it, sees it awaiting a decision, and runs the allocation.
    log_in(page, "gestionnaire")
    assert name in page.inner_text("section[aria-labelledby=pending-decisions]")
    follow(page, "text=Budget et priorités")
    accessible(page)
    follow(page, "text=Répartir 2019-2020, volet 1")
    accessible(page)
    assert "1 dossier financé" in page.inner_text("main")
    follow(page, "text=Approuver la répartition")
    assert "approuvée" in status(page)
    accessible(page)

    # The decision (5.2): granted, with reasons citing the clauses.
    page.goto(f"/ministere/dossiers/{application.pk}/")
    assert "Financé au rang" in page.inner_text("main")
    accessible(page)
    page.check("input[name=outcome][value=granted]")
    follow(page, "text=Rendre la décision")
    assert "décision est rendue" in status(page)
    accessible(page)

    # The agreement (5.4): one year (the norms of 2018-2020 end with 2019-2020), signed by the
    # board's president, whom the form proposes.
    follow(page, "text=Préparer la convention")
    accessible(page)
    assert page.locator("#duration option").all_inner_texts() == ["1"]
    signatory = page.input_value("#signatory_name")
    assert signatory and page.input_value("#signatory_title")
    follow(page, "button:has-text('Préparer la convention')")
    assert "convention est préparée" in status(page)
    accessible(page)
    response = page.request.get(page.url + "convention.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    organization = application.organization
    for expected in (
        "Convention d'aide financière",
        organization.legal_name,
        f"NEQ {organization.neq}",
        signatory,
        "1er avril 2019 au 31 mars 2020",
        f"2019-2020 {spaced(french_money(amount))}",
        "novembre 2019 : ",
        "mars 2020 : ",
        "en novembre et en mars de chaque exercice financier (6.2)",
        "Obligations de l'organisme (clause 7)",
        "Reddition de comptes (clause 8)",
        "version 2018-2020",
        "Pour l'organisme",
        "Pour le Ministère",
    ):
        assert expected in text, expected
    assert ".pdf" not in text

    # The signed copy comes back: the agreement is in force, the first year confirmed.
    signed = tmp_path / "convention-signee.pdf"
    signed.write_bytes(response.body())
    page.set_input_files("#signed_copy", str(signed))
    follow(page, "text=Déposer la copie signée et mettre en vigueur")
    assert "en vigueur" in status(page)
    main = page.inner_text("main")
    assert "Signée, en vigueur" in main and "novembre 2019" in main and "mars 2020" in main
    accessible(page)
    agreement = Agreement.objects.get(application=application)
    assert agreement.state == "active"
    installments = Installment.objects.filter(agreement_year__agreement=agreement)
    assert sorted(i.due_month for i in installments) == [3, 11]
    assert sum(i.amount for i in installments) == amount
    for installment in installments:
        assert f"{installment.due_month_name} : {spaced(french_money(installment.amount))}" in text
    assert Application.objects.get(pk=application.pk).state == "accepted"
