"""The amount of the financial assistance (6.1.1 – 6.1.4) and its explanation lines."""

from datetime import date
from decimal import Decimal

import pytest

from soutien.rules.amount import AmountError, volunteer_amount
from soutien.rules.contract import DossierError
from soutien.rules.fiscal import FiscalYear
from soutien.rules.norms import select_norms

from .factories import STREAM2, all_judgments, evaluated, fin, org

# Costs high enough that the 6.1.4 cap never interferes unless a test asks for it.
UNCAPPED = fin(estimated_operating_costs=1_000_000, other_public_funding=0)


def refugee_org(count, **more):
    return org(refugee_reception=True, refugees_received_per_year=count, **more)


def amount_of(*changes, **top):
    return evaluated(UNCAPPED, *changes, **top).amount


def lines_by_clause(amount, clause):
    return [line for line in amount.lines if line.clause == clause]


@pytest.mark.parametrize(
    ("fiscal_year", "refugees", "floor"),
    [
        ("2018-2019", 149, "34891"),
        ("2018-2019", 150, "40925"),
        ("2019-2020", 0, "35309"),
        ("2019-2020", 149, "35309"),
        ("2019-2020", 150, "41416"),
        ("2019-2020", 1000, "41416"),
    ],
)
def test_6_1_1_refugee_floor_below_150_and_from_150_refugees(fiscal_year, refugees, floor):
    applied = "2018-02-15" if fiscal_year == "2018-2019" else "2019-02-15"
    amount = amount_of(refugee_org(refugees), fiscal_year=fiscal_year, application_date=applied)
    assert amount.lines[0].clause == "6.1.1"
    assert amount.lines[0].value == Decimal(floor)


@pytest.mark.parametrize(
    ("fiscal_year", "refugees", "expected"),
    [
        ("2018-2019", 0, "25300"),
        ("2018-2019", 300, "50600"),
        ("2018-2019", 150, "37950"),
        ("2019-2020", 0, "25604"),
        ("2019-2020", 150, "38406"),  # 38 405,50 $: the half goes up
        ("2019-2020", 1, "25689"),  # 25 604 + 25 603 / 300 = 25 689,34
        ("2019-2020", 300, "51207"),
        ("2019-2020", 450, "51207"),  # capped at the maximum
    ],
)
def test_6_1_1_volunteer_amount_scales_from_minimum_to_maximum(fiscal_year, refugees, expected):
    values = select_norms(FiscalYear.parse(fiscal_year), date(2018, 2, 1))
    assert volunteer_amount(refugees, values.volunteer_amount_scale) == Decimal(expected)


def test_6_1_1_refugee_organization_receives_floor_plus_volunteer_amount():
    amount = amount_of(refugee_org(150))
    assert amount.amount == Decimal("41416") + Decimal("38406")
    volunteer = amount.lines[1]
    assert "gestion des bénévoles" in volunteer.label
    assert "Hypothèse" in volunteer.assumption


@pytest.mark.parametrize(("fiscal_year", "floor"), [("2018-2019", "27324"), ("2019-2020", "27652")])
def test_6_1_1_other_attached_organizations_floor(fiscal_year, floor):
    amount = amount_of(fiscal_year=fiscal_year, application_date="2018-02-15")
    assert amount.amount == Decimal(floor)
    assert [line.clause for line in amount.lines] == ["6.1.1"]


def test_6_1_1_a_new_attachment_request_is_told_the_floor_applies_once_attached():
    amount = amount_of(org(attached_to_ministry=False))
    assert amount.amount == Decimal("27652")
    assert "une fois le rattachement établi" in amount.lines[0].label


@pytest.mark.parametrize(
    ("historic", "expected"),
    [
        ("45000", "45000"),
        ("45000.99", "45000"),  # rounded down to the dollar, never above the history
        ("27652", "27652"),  # equal to the floor: the floor applies
        ("20000", "27652"),
    ],
)
def test_note_2_transferred_organization_keeps_historic_funding_above_the_floor(historic, expected):
    amount = amount_of(
        org(transferred_from_other_ministry=True, historic_funding=Decimal(historic))
    )
    assert amount.amount == Decimal(expected)
    (note,) = lines_by_clause(amount, "6.1.1, note 2")
    assert note.value == Decimal(expected) - Decimal("27652")


def test_note_2_historic_funding_is_ignored_when_not_transferred():
    amount = amount_of(org(transferred_from_other_ministry=False, historic_funding=Decimal(90000)))
    assert amount.amount == Decimal("27652")


def test_note_2_volunteer_amount_on_top_of_historic_funding_is_marked_as_an_assumption():
    amount = amount_of(
        refugee_org(150, transferred_from_other_ministry=True, historic_funding=Decimal(60000))
    )
    assert amount.amount == Decimal(60000) + Decimal(38406)
    (note,) = lines_by_clause(amount, "6.1.1, note 2")
    assert "Hypothèse" in note.assumption


def test_6_1_2_stream_2_amount_is_set_by_the_advisor_with_a_justification():
    amount = amount_of(STREAM2)
    (line,) = amount.lines
    assert line.clause == "6.1.2"
    assert amount.amount == Decimal(90000)
    assert "historique de financement" in line.label


def test_6_1_2_stream_2_without_an_amount_cannot_be_evaluated():
    with pytest.raises(DossierError, match="stream2_amount"):
        amount_of({**STREAM2, "stream2_amount": None})


@pytest.mark.parametrize(
    ("net_assets", "expenses", "flag"),
    [
        ("50000", "100000", False),  # exactly 50 %: not above
        ("50000.01", "100000", True),
        ("49999.99", "100000", False),
        ("1", "0", True),
        ("0", "0", False),
        ("-5000", "100000", False),
    ],
)
def test_6_1_3_unrestricted_net_assets_above_half_of_expenses_raise_a_surplus_flag(
    net_assets, expenses, flag
):
    amount = amount_of(fin(unrestricted_net_assets=net_assets, total_expenses=expenses))
    assert amount.surplus_flag is flag
    assert bool(lines_by_clause(amount, "6.1.3")) is flag


def test_6_1_3_the_flag_alone_does_not_lower_the_amount():
    amount = amount_of(fin(unrestricted_net_assets=90000, total_expenses=100000))
    assert amount.amount == Decimal("27652")


def test_6_1_3_downward_revision_by_the_advisor_when_flagged():
    revision = {"amount": Decimal("5000"), "justification": "Besoins réels moindres."}
    amount = amount_of(
        fin(unrestricted_net_assets=90000, total_expenses=100000), surplus_revision=revision
    )
    assert amount.amount == Decimal("22652")
    assert lines_by_clause(amount, "6.1.3")[-1].value == Decimal("-5000")


def test_6_1_3_downward_revision_is_refused_without_a_surplus():
    revision = {"amount": Decimal("5000"), "justification": "Besoins réels moindres."}
    with pytest.raises(AmountError, match=r"6\.1\.3"):
        amount_of(surplus_revision=revision)


@pytest.mark.parametrize(
    ("costs", "other", "expected", "capped"),
    [
        ("100000", "60000", "27652", False),  # 90 000 - 60 000 = 30 000 ≥ 27 652
        ("100000", "62348", "27652", False),  # exactly at the cap
        ("100000", "62348.01", "27651", True),  # 27 651,99 $ rounded down
        ("100000", "70000", "20000", True),
        ("100000", "95000", "0", True),  # never below zero
    ],
)
def test_6_1_4_public_funding_may_not_exceed_90_percent_of_operating_costs(
    costs, other, expected, capped
):
    amount = amount_of(fin(estimated_operating_costs=costs, other_public_funding=other))
    assert amount.amount == Decimal(expected)
    assert amount.cap_applied is capped
    assert bool(lines_by_clause(amount, "6.1.4")) is capped


@pytest.mark.parametrize(
    "changes",
    [
        refugee_org(150),
        refugee_org(12, transferred_from_other_ministry=True, historic_funding=Decimal(50000)),
        fin(estimated_operating_costs=50000, other_public_funding=30000),
        STREAM2,
    ],
)
def test_explanation_lines_add_up_to_the_amount(changes):
    amount = amount_of(changes)
    assert sum(line.value for line in amount.lines) == amount.amount
    assert all(line.clause and line.label for line in amount.lines)


def test_an_ineligible_dossier_receives_nothing_and_is_told_why():
    evaluation = evaluated(org(head_office_in_quebec=False), judgments=all_judgments())
    assert evaluation.amount.amount == 0
    assert evaluation.installments == ()
    assert "non admissible" in evaluation.amount.lines[0].label


def test_a_dossier_to_verify_shows_what_it_would_receive_if_found_eligible():
    evaluation = evaluated(UNCAPPED)
    assert evaluation.eligibility == "to_verify"
    assert evaluation.amount.amount == Decimal("27652")


SURPLUS = fin(unrestricted_net_assets=90000, total_expenses=100000)
WITHDRAWN = {"amount": Decimal("7652"), "justification": "Surplus encore élevé."}


@pytest.mark.parametrize(
    ("year", "surplus", "withdrawal", "required", "final", "expected"),
    [
        (None, True, None, False, True, "27652"),  # no agreement year: 6.1.3 first sentence only
        (1, True, None, False, True, "27652"),  # the first year: the flag alone
        (2, False, None, False, True, "27652"),  # no surplus in year 2
        (2, True, None, True, False, "27652"),  # persists: provisional until judged
        (3, True, None, True, False, "27652"),
        (2, True, WITHDRAWN, True, True, "20000"),  # part withdrawn
        (3, True, {"amount": Decimal("27652"), "justification": "Tout."}, True, True, "0"),
        (2, True, {"amount": Decimal("100.99"), "justification": "Part."}, True, True, "27552"),
    ],
)
def test_6_1_3_a_surplus_that_persists_in_year_2_or_3_withdraws_the_aid(
    year, surplus, withdrawal, required, final, expected
):
    changes = [SURPLUS] if surplus else []
    top = {"agreement_year": year}
    if withdrawal is not None:
        top["surplus_withdrawal"] = withdrawal
    amount = amount_of(*changes, **top)
    assert amount.withdrawal_required is required
    assert amount.final is final
    assert amount.amount == Decimal(expected)
    assert sum(line.value for line in amount.lines) == amount.amount
    if required:
        last = amount.lines[-1]
        assert last.clause == "6.1.3"
        assert f"année {year} de la convention" in last.label
        assert last.value == (amount.amount - Decimal("27652"))


def test_6_1_3_a_withdrawal_above_the_years_aid_or_without_a_persisting_surplus_is_refused():
    with pytest.raises(AmountError, match="dépasse l'aide de l'année"):
        amount_of(
            SURPLUS,
            agreement_year=2,
            surplus_withdrawal={"amount": Decimal("27653"), "justification": "Trop."},
        )
    for top in ({"agreement_year": 1}, {"agreement_year": 2}, {}):
        changes = [SURPLUS] if top.get("agreement_year") == 1 else []
        with pytest.raises(AmountError, match="surplus_withdrawal"):
            amount_of(*changes, surplus_withdrawal=WITHDRAWN, **top)


@pytest.mark.parametrize("year", [0, 4, True, "2", 2.0])
def test_5_4_the_agreement_year_is_1_2_or_3(year):
    with pytest.raises(DossierError, match="agreement_year"):
        amount_of(agreement_year=year)


def test_6_1_3_the_result_says_when_its_amount_is_final():
    from soutien.rules.contract import evaluate_one
    from tests.rules.factories import dossier_json

    pending = evaluate_one(dossier_json(UNCAPPED, SURPLUS, agreement_year=2))
    assert pending["surplus_withdrawal_required"] is True and pending["amount_final"] is False
    done = evaluate_one(
        dossier_json(UNCAPPED, SURPLUS, agreement_year=2, surplus_withdrawal=WITHDRAWN)
    )
    assert done["amount_final"] is True and done["amount"] == Decimal("20000")
    assert done["amount_lines"][-1]["clause"] == "6.1.3"
    plain = evaluate_one(dossier_json(UNCAPPED))
    assert plain["surplus_withdrawal_required"] is False and plain["amount_final"] is True
