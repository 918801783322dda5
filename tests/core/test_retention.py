from datetime import date

import pytest

from soutien.core.retention import retention_until
from soutien.rules import FiscalYear
from tests.factories import make_application


@pytest.mark.parametrize(
    ("fiscal_year", "until"),
    [(2018, date(2025, 3, 31)), (2019, date(2026, 3, 31))],
)
def test_7_records_are_kept_six_years_after_the_end_of_their_last_fiscal_year(fiscal_year, until):
    assert retention_until(FiscalYear(fiscal_year)) == until


@pytest.mark.django_db
def test_7_retention_date_is_stored_on_the_record():
    application = make_application(fiscal_year=2019)
    application.refresh_from_db()
    assert application.retention_until == date(2026, 3, 31)
