"""The rules of the yearly report (clause 8), without Django."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from soutien.rules import FinancialReportType, FiscalYear, select_norms
from soutien.rules.accountability import (
    OBLIGATIONS,
    counts_error,
    covered_period,
    form_satisfies,
    indicators,
    published_count,
    report_due_on,
    required_form,
)

FY_2019 = FiscalYear(2019)
VALUES = select_norms(FY_2019, date(2019, 4, 1))


@pytest.mark.parametrize(
    ("month", "day", "period"),
    [
        (3, 31, (date(2019, 4, 1), date(2020, 3, 31))),
        (6, 30, (date(2019, 7, 1), date(2020, 6, 30))),
        (12, 31, (date(2019, 1, 1), date(2019, 12, 31))),
        # six months either side: the later year, whose report is due later
        (9, 30, (date(2019, 10, 1), date(2020, 9, 30))),
        (2, 29, (date(2019, 3, 1), date(2020, 2, 29))),  # a leap year's end of February
    ],
)
def test_the_organizations_fiscal_year_that_covers_most_of_the_agreement_year(month, day, period):
    assert covered_period(FY_2019, month, day) == period


def test_8_the_report_is_due_90_days_after_the_period_an_assumption_of_the_norms():
    assert report_due_on(date(2020, 3, 31), VALUES) == date(2020, 6, 29)
    assert VALUES.parameter("report_due_days").assumption.startswith("La clause 8 exige")


@pytest.mark.parametrize(
    ("given_form", "required", "ok"),
    [
        ("audit", "review", True),
        ("review", "review", True),
        ("compilation", "review", False),
        ("review", "audit", False),
        ("compilation", "compilation", True),
    ],
)
def test_8_a_form_meets_the_required_one_or_a_more_demanding_one(given_form, required, ok):
    assert form_satisfies(FinancialReportType(given_form), FinancialReportType(required)) is ok


@pytest.mark.parametrize(
    ("paid", "other", "form"),
    [
        ("0", "25000", "compilation"),
        ("0", "25000.01", "review"),
        ("27652", "97347.99", "review"),
        ("27652", "97348", "audit"),
    ],
)
def test_8_the_form_required_adds_the_programs_payments_and_the_declared_sources(paid, other, form):
    required = required_form(Decimal(paid), Decimal(other), VALUES)
    assert required.form == form
    assert required.quebec_funding == Decimal(paid) + Decimal(other)
    assert "(clause 8)" in required.explanation()


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 10_000))
def test_counts_that_add_up_are_accepted_and_any_other_total_refused(women, men, other):
    total = women + men + other
    assert counts_error(women, men, other, total) is None
    assert counts_error(women, men, other, total + 1) is not None


def test_a_negative_count_is_refused():
    assert counts_error(-1, 2, 0, 1) == "Les nombres ne peuvent pas être négatifs."


@pytest.mark.parametrize(
    ("count", "shown"), [(0, "0"), (1, "moins de 5"), (4, "moins de 5"), (5, "5"), (120, "120")]
)
def test_small_counts_are_published_as_fewer_than_five(count, shown):
    assert published_count(count) == shown


def test_the_indicators_and_obligations_are_data_with_their_clause():
    found = indicators()
    assert found.version == "2018-2020" and "À confirmer par le Ministère" in found.assumption
    assert len(set(found.codes())) == len(found.items) == 6
    assert {clause for _code, _label, clause in OBLIGATIONS} == {"8", "3"}
