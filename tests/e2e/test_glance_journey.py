"""Issue 15, item 1, proof: on the demo, the manager opens « L'année en un coup d'œil »,
filters by a region, reads the charts and their tables (axe-core clean, the SVG included) and
downloads the XLSX of the regions' table: its totals are the screen's."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from soutien.budget import ledger

from .conftest import axe_violations
from .test_demo_walkthrough import follow, log_in, spaced

pytestmark = pytest.mark.django_db(transaction=True)


def screen_money(text: str) -> Decimal:
    """« 1 234 567,89 $ » as the page writes it."""
    digits = "".join(c for c in text if c.isdigit() or c in ",-")
    return Decimal(digits.replace(",", "."))


def test_the_manager_reads_the_year_of_a_region_and_downloads_it(demo_database, page, tmp_path):
    log_in(page, "gestionnaire")
    follow(page, "nav >> text=L'année en un coup d'œil")
    assert "L'année en un coup d'œil — 2019-2020" in spaced(page.inner_text("h1"))
    assert page.locator("svg[role=img] title").count() == 4
    assert axe_violations(page) == []

    page.select_option("select[name=region]", "06")
    follow(page, "button:has-text('Afficher')")
    assert page.locator("#table-regions tbody tr").count() == 1
    assert axe_violations(page) == []
    committed = screen_money(page.inner_text("#table-regions tfoot [data-total=committed]"))
    paid = screen_money(page.inner_text("#table-regions tfoot [data-total=paid]"))
    dossiers = int(page.inner_text("#table-regions tfoot [data-total=dossiers]"))
    money = ledger.balance(fiscal_year=2019, organization__region_id="06")
    assert (committed, paid) == (money.committed, money.paid) and committed > 0

    with page.expect_download() as download:
        page.click("a:has-text('en XLSX') >> nth=1")  # the regions' table (the states' first)
    saved = tmp_path / "annee.xlsx"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "annee-2019-regions.xlsx"
    sheet = load_workbook(io.BytesIO(saved.read_bytes())).active
    total = [cell.value for cell in sheet[sheet.max_row]]
    assert total[0] == "Total" and total[1] == dossiers
    assert Decimal(str(total[5])) == committed and Decimal(str(total[6])) == paid
