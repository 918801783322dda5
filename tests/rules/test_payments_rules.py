"""Payability (6.2) as properties: whatever the facts, a held agreement is never paid, the money
is never exceeded, and the run's total is the sum of its lines."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from soutien.rules.payments import InstallmentFacts, Standing, select_payable, status

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("90000"), places=2)


@st.composite
def installment(draw, pk):
    return InstallmentFacts(
        installment_id=pk,
        organization_id=draw(st.integers(1, 4)),
        fiscal_year=2019,
        stream=draw(st.sampled_from([1, 2])),
        amount=draw(AMOUNTS),
        due_year=draw(st.sampled_from([2019, 2020])),
        due_month=draw(st.sampled_from([3, 11])),
        state=draw(st.sampled_from(["scheduled", "suspended", "paid", "cancelled"])),
        agreement_state=draw(
            st.sampled_from(["draft", "active", "suspended", "terminated", "ended"])
        ),
        year_number=draw(st.integers(1, 3)),
        year_state=draw(st.sampled_from(["planned", "confirmed", "withdrawn"])),
        credits_approved=draw(st.booleans()),
        has_supplier=draw(st.booleans()),
        in_run=draw(st.sampled_from(["", "", "LP-2019-11-01"])),
    )


FACTS = st.integers(0, 25).flatmap(
    lambda n: st.tuples(*[installment(pk) for pk in range(1, n + 1)])
)
MONEY = st.dictionaries(st.sampled_from([(2019, 1), (2019, 2)]), st.decimals(0, 200000, places=2))
OWED = st.dictionaries(
    st.tuples(st.integers(1, 4), st.just(2019), st.sampled_from([1, 2])),
    st.decimals(0, 200000, places=2),
)


@given(FACTS, MONEY, OWED)
def test_6_2_and_5_5_the_selection_keeps_to_the_conditions_and_the_money(facts, funds, owed):
    month = (2019, 11)
    chosen = select_payable(facts, month, funds=funds, commitments=owed)
    for item in chosen.included:
        assert item.agreement_state == "active" and item.state == "scheduled"
        assert item.year_state == "confirmed" and item.credits_approved and item.has_supplier
        assert item.due <= month and not item.in_run
    ids = [f.installment_id for f in chosen.included]
    assert len(ids) == len(set(ids))  # never twice
    for key in {(f.fiscal_year, f.stream) for f in chosen.included}:
        spent = sum(f.amount for f in chosen.included if (f.fiscal_year, f.stream) == key)
        assert spent <= funds.get(key, Decimal(0))
    for key in {(f.organization_id, f.fiscal_year, f.stream) for f in chosen.included}:
        spent = sum(
            f.amount for f in chosen.included if (f.organization_id, f.fiscal_year, f.stream) == key
        )
        assert spent <= owed.get(key, Decimal(0))
    assert chosen.total == sum((f.amount for f in chosen.included), Decimal(0))
    # Every installment due and not paid is either in the run or excluded with a reason.
    listed = set(ids) | {f.installment_id for f, _s in chosen.excluded}
    for item in facts:
        if status(item, month).standing not in (
            Standing.PAID,
            Standing.CANCELLED,
            Standing.PLANNED,
        ):
            assert item.installment_id in listed
    assert all(s.reason for _f, s in chosen.excluded)


@given(FACTS)
def test_5_5_a_suspended_or_terminated_agreement_is_never_payable(facts):
    for item in facts:
        found = status(item, (2020, 3))
        if item.agreement_state in ("suspended", "terminated") or item.state == "suspended":
            assert not found.payable
            if item.state not in ("paid", "cancelled"):
                assert found.clause == "5.5" and found.standing is Standing.HELD
