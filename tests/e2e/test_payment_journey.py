"""Issue 12, proof: on the demo, a finance officer prepares November 2019's payment run, a
second officer approves it and downloads its file, a return file with one failed line is
imported; the organizations see « versé le … » and the failed installment payable again; the
ledger check passes. axe-core finds no WCAG violation on the payment pages."""

from datetime import date

import pytest
from django.core.management import call_command

from soutien.accounts.models import User
from soutien.agreements.models import Installment
from soutien.payments.formats import return_file
from soutien.payments.models import PaymentLine, PaymentRun
from tests.factories import make_representative

from .conftest import axe_violations
from .test_demo_walkthrough import follow, log_in, spaced

pytestmark = pytest.mark.django_db(transaction=True)


def test_november_2019_is_paid_end_to_end_by_two_finance_officers(
    demo_database, page, sign_in, settings, tmp_path
):
    # The first officer prepares the run from the payments page, at the demo's date.
    log_in(page, "finances")
    follow(page, "nav >> text=Versements")
    assert axe_violations(page) == []
    assert page.input_value("select[name=month]") == "2019-11"
    follow(page, "button:has-text('Préparer le lot')")
    main = spaced(page.inner_text("main"))
    assert "Lot LP-2019-11-01 (novembre 2019)" in main
    assert "Vous avez préparé ce lot" in main
    # What is left out says why: a suspended agreement, a supplier not yet identified.
    assert "Convention suspendue depuis le 1er octobre 2019 (5.5)" in main
    assert "Identification de fournisseur à inscrire" in main
    assert axe_violations(page) == []
    run = PaymentRun.objects.get()
    run_url = page.url

    # A second officer approves it and downloads the file for the financial system.
    sign_in(User.objects.get(email="finances2@demo.soutien.example"))
    page.goto(run_url)
    follow(page, "button:has-text('Approuver le lot')")
    assert "Approuvé, transmis au système financier" in page.inner_text("#run-state")
    with page.expect_download() as download:
        page.click(f"a:has-text('{run.reference}.csv')")
    saved = tmp_path / "lot.csv"
    download.value.save_as(saved)
    content = saved.read_bytes()
    rows = content.decode().splitlines()
    run.refresh_from_db()
    assert rows[-1] == f"T;{run.line_count};{run.total:.2f}"
    assert len(rows) == run.line_count + 2

    # The financial system pays on the 15th; its return comes back on the 18th, one failed.
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 11, 18)
    lines = list(PaymentLine.objects.filter(run=run).order_by("position"))
    paid, failed = lines[0], lines[1]
    results = [
        (line.position, line != failed, f"P-{line.position:05d}", date(2019, 11, 15), line.amount,
         "" if line != failed else "Compte bancaire fermé")
        for line in lines
    ]  # fmt: skip
    back = tmp_path / "retour.csv"
    back.write_bytes(return_file(run.reference, results))
    page.goto(run_url)
    page.set_input_files("input[name=return_file]", str(back))
    follow(page, "button:has-text('Importer le fichier de retour')")
    assert f"Lignes versées : {len(lines) - 1} ; rejetées : 1" in spaced(page.inner_text("main"))
    assert "Résultats enregistrés" in page.inner_text("#run-state")
    assert axe_violations(page) == []

    # Each organization sees its money in the portal.
    paid_rep = make_representative(paid.organization, email="paye@test.example")
    sign_in(paid_rep)
    page.goto("/espace/")
    follow(page, "text=Mes conventions et versements")
    assert "Versé le 15 novembre 2019" in spaced(page.inner_text("main"))
    assert axe_violations(page) == []
    failed_rep = make_representative(failed.organization, email="rejete@test.example")
    sign_in(failed_rep)
    page.goto("/espace/conventions/")
    main = spaced(page.inner_text("main"))
    assert "Payable" in main and "Versé le 15 novembre 2019" not in main
    assert Installment.objects.get(pk=failed.installment_id).state == "scheduled"
    call_command("ledger", "check")
