"""Money fields read the Québec way of writing money and keep a Decimal (issue 10)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from soutien.applications.forms import FinancesForm
from soutien.core.forms import MoneyField, parse_money
from soutien.evaluations.forms import AdjustmentForm

NBSP, NARROW = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("412 350,75 $", Decimal("412350.75")),
        (f"412{NBSP}350,75{NBSP}$", Decimal("412350.75")),
        (f"412{NARROW}350,75 $", Decimal("412350.75")),
        ("412350.75", Decimal("412350.75")),
        ("412350,75", Decimal("412350.75")),
        ("412 350", Decimal("412350")),
        ("$412,350.75".replace(",", " "), Decimal("412350.75")),
        ("0", Decimal("0")),
        ("-2 500,00 $", Decimal("-2500.00")),
    ],
)
def test_an_amount_written_as_in_quebec_is_read(typed, amount):
    assert parse_money(typed) == amount


@pytest.mark.parametrize("typed", ["abc", "1.234,56", "1,234.56", "12,5,3", "1e5", "NaN", "$", ""])
def test_what_is_not_an_amount_is_refused(typed):
    assert parse_money(typed) is None


def write_quebec(amount: Decimal, space: str) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{space.join(groups)},{cents} $"


@given(
    st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2),
    st.sampled_from([" ", NBSP, NARROW]),
)
def test_every_amount_written_the_quebec_way_reads_back_the_same(amount, space):
    field = MoneyField(max_digits=12, decimal_places=2, required=False)
    assert field.clean(write_quebec(amount, space)) == amount


@pytest.mark.django_db
def test_the_finances_form_stores_decimals_from_quebec_amounts():
    form = FinancesForm(
        {
            "estimated_operating_costs": "412 350,75 $",
            "funding_quebec": "50 000 $",
            "unrestricted_net_assets": "-2 500,50 $",
            "statements_period_start": "2018-04-01",
            "statements_period_end": "2019-03-31",
            "total_revenue": f"300{NBSP}000",
            "total_expenses": "290000.00",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["estimated_operating_costs"] == Decimal("412350.75")
    assert form.lines()["quebec"][0] == Decimal("50000")
    assert form.cleaned_data["unrestricted_net_assets"] == Decimal("-2500.50")
    assert form.cleaned_data["total_revenue"] == Decimal("300000")


def test_the_adjustment_form_reads_quebec_amounts():
    form = AdjustmentForm({"kind": next(iter(AdjustmentForm.base_fields["kind"].choices))[0]})
    field = form.fields["amount"]
    assert field.clean("5 000,50 $") == Decimal("5000.50")
