"""Properties that hold for every dossier (hypothesis)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from soutien.rules.contract import parse_dossier
from soutien.rules.evaluation import evaluate

from .factories import STREAM2, all_judgments, dossier_json

money = st.decimals(min_value=0, max_value=2_000_000, places=2, allow_nan=False)
signed_money = st.decimals(min_value=-500_000, max_value=2_000_000, places=2, allow_nan=False)


@st.composite
def dossiers(draw, refugees=None):
    stream = draw(st.sampled_from([1, 2]))
    refugee_reception = draw(st.booleans())
    transferred = draw(st.booleans())
    changes = {
        "fiscal_year": draw(st.sampled_from(["2018-2019", "2019-2020"])),
        "organization": {
            "refugee_reception": refugee_reception,
            "refugees_received_per_year": draw(st.integers(0, 800))
            if refugees is None
            else refugees,
            "attached_to_ministry": draw(st.booleans()),
            "transferred_from_other_ministry": transferred,
            "historic_funding": draw(st.none() | money),
        },
        "finances": {
            "estimated_operating_costs": draw(money),
            "other_public_funding": draw(money),
            "quebec_government_funding_other": draw(money),
            "unrestricted_net_assets": draw(signed_money),
            "total_expenses": draw(money),
        },
        "judgments": all_judgments(stream),
    }
    if stream == 2:
        changes = {**changes, **{k: v for k, v in STREAM2.items() if k != "organization"}}
        changes["organization"]["member_regions"] = STREAM2["organization"]["member_regions"]
        changes["stream2_amount"] = draw(money)
    return dossier_json(changes)


@settings(max_examples=300, deadline=None)
@given(dossiers())
def test_amount_is_never_negative_and_is_whole_dollars(data):
    amount = evaluate(parse_dossier(data)).amount.amount
    assert amount >= 0
    assert amount == amount.to_integral_value()


@settings(max_examples=300, deadline=None)
@given(dossiers())
def test_6_1_4_when_the_cap_applies_public_funding_stays_within_90_percent(data):
    evaluation = evaluate(parse_dossier(data))
    finances = evaluation.dossier.finances
    limit = Decimal("0.90") * finances.estimated_operating_costs
    if evaluation.amount.cap_applied:
        if finances.other_public_funding <= limit:
            assert finances.other_public_funding + evaluation.amount.amount <= limit
        else:  # other funding alone exceeds the cap: nothing from this program, never less
            assert evaluation.amount.amount == 0
    else:
        assert finances.other_public_funding + evaluation.amount.amount <= limit


@settings(max_examples=300, deadline=None)
@given(dossiers())
def test_6_2_installments_add_up_to_the_amount_and_explanation_lines_too(data):
    evaluation = evaluate(parse_dossier(data))
    amount = evaluation.amount.amount
    assert sum((i.amount for i in evaluation.installments), Decimal(0)) == amount
    assert sum((line.value for line in evaluation.amount.lines), Decimal(0)) == amount
    if amount:
        first, second = evaluation.installments
        assert abs(first.amount - second.amount) <= Decimal("0.01")


@settings(max_examples=300, deadline=None)
@given(dossiers(refugees=0), st.integers(0, 700), st.integers(0, 700))
def test_6_1_1_amount_never_decreases_when_more_refugees_are_received(data, fewer, more):
    fewer, more = sorted((fewer, more))
    data["organization"]["refugees_received_per_year"] = fewer
    low = evaluate(parse_dossier(data)).amount.amount
    data["organization"]["refugees_received_per_year"] = more
    high = evaluate(parse_dossier(data)).amount.amount
    assert low <= high
