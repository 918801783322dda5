"""The data migration that repairs renewals made into second agreements (issue 9, item 3)."""

from datetime import date
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from soutien.agreements.models import Agreement, AgreementYear, YearState
from soutien.core.models import JournalEntry
from soutien.core.workflow import transition
from tests.agreements.test_renewals import decided, people, two_years  # noqa: F401 - fixtures
from tests.factories import at, make_application

pytestmark = pytest.mark.django_db

migration = import_module("tests.unsquashed_migrations.agreements.0005_repair_duplicate_years")


def duplicate_the_renewal_as_a_second_agreement(organization):
    """What the software did before issue 9: the 2019 renewal became its own agreement, while
    year 2 of the 2018 agreement stayed planned. The constraint of 0006 did not exist then."""
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX agreement_year_one_per_organization_year_stream")
    second = Agreement.objects.create(
        organization=organization, application=make_application(organization, fiscal_year=2019),
        reference="SAM-2019-0042", stream=1, start_fiscal_year=2019, duration_years=1,
        starts_on=date(2019, 4, 1), ends_on=date(2020, 3, 31), signatory_name="X",
    )  # fmt: skip
    year = AgreementYear.objects.create(
        agreement=second, year_number=1, fiscal_year=2019, amount=Decimal("50000")
    )
    transition(year, "confirm", by=None, at=at(2019, 5, 20))
    return year


def test_5_6_the_repair_withdraws_the_planned_duplicate_and_journals_it(two_years):  # noqa: F811
    organization, _decision, agreement = two_years
    kept = duplicate_the_renewal_as_a_second_agreement(organization)
    planned = agreement.years.get(year_number=2)
    migration.repair(apps, None)
    planned.refresh_from_db()
    kept.refresh_from_db()
    assert planned.state == YearState.WITHDRAWN
    assert kept.state == YearState.CONFIRMED
    assert (
        AgreementYear.objects.exclude(state=YearState.WITHDRAWN)
        .filter(organization=organization, fiscal_year=2019, stream=1)
        .count()
        == 1
    )
    entry = JournalEntry.objects.get(action="agreement_year.withdrawn", subject_id=planned.pk)
    assert "SAM-2019-0042" in entry.reason and agreement.reference in entry.reason
    assert entry.data["kept_year"] == kept.pk
    # Run twice, it changes nothing more.
    migration.repair(apps, None)
    assert JournalEntry.objects.filter(action="agreement_year.withdrawn").count() == 1


def test_5_6_the_repair_fills_each_years_organization_and_stream(two_years):  # noqa: F811
    organization, _decision, agreement = two_years
    migration.repair(apps, None)
    assert set(agreement.years.values_list("organization", "stream")) == {(organization.pk, 1)}
