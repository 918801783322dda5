"""Financial report type (8), installments (6.2) and priorities (5.2)."""

from datetime import date
from decimal import Decimal

import pytest

from soutien.rules.facts import Territory
from soutien.rules.fiscal import FiscalYear
from soutien.rules.norms import select_norms
from soutien.rules.priority import Tier, rank_new_attachment_requests
from soutien.rules.reporting import FinancialReportType, financial_report_type, installments

from .factories import STREAM2, evaluated, fin, org

VALUES = select_norms(FiscalYear(2019), date(2019, 2, 15))


@pytest.mark.parametrize(
    ("quebec_funding", "expected"),
    [
        ("0", FinancialReportType.COMPILATION),
        ("25000", FinancialReportType.COMPILATION),
        ("25000.01", FinancialReportType.REVIEW),
        ("124999.99", FinancialReportType.REVIEW),
        ("125000", FinancialReportType.AUDIT),
        ("400000", FinancialReportType.AUDIT),
    ],
)
def test_8_report_type_by_sums_paid_by_the_quebec_government(quebec_funding, expected):
    assert financial_report_type(Decimal(quebec_funding), VALUES) is expected


@pytest.mark.parametrize(
    ("other_quebec", "expected"),
    [
        ("0", FinancialReportType.REVIEW),  # 27 652 $ from this program alone
        ("97348", FinancialReportType.AUDIT),  # 97 348 + 27 652 = exactly 125 000 $
        ("97347.99", FinancialReportType.REVIEW),
    ],
)
def test_8_report_type_counts_this_programs_amount(other_quebec, expected):
    evaluation = evaluated(
        fin(quebec_government_funding_other=other_quebec, other_public_funding=other_quebec)
    )
    assert evaluation.financial_report_type is expected
    assert evaluation.quebec_funding == Decimal(other_quebec) + evaluation.amount.amount


def test_8_ineligible_dossier_report_type_from_other_funding_only():
    evaluation = evaluated(org(head_office_in_quebec=False), fin(quebec_government_funding_other=0))
    assert evaluation.financial_report_type is FinancialReportType.COMPILATION


@pytest.mark.parametrize(
    ("amount", "november", "march"),
    [
        ("35309", "17654.50", "17654.50"),
        ("27652", "13826.00", "13826.00"),
        ("1", "0.50", "0.50"),
        ("0.03", "0.02", "0.01"),
    ],
)
def test_6_2_two_equal_installments_in_november_and_march(amount, november, march):
    first, second = installments(Decimal(amount), FiscalYear(2019), VALUES)
    assert (first.label, second.label) == ("2019-11", "2020-03")
    assert (first.amount, second.amount) == (Decimal(november), Decimal(march))
    assert first.amount + second.amount == Decimal(amount)


def test_6_2_no_installment_for_a_zero_amount():
    assert installments(Decimal(0), FiscalYear(2019), VALUES) == ()


@pytest.mark.parametrize(
    ("changes", "tier"),
    [
        (org(refugee_reception=True, refugees_received_per_year=10), Tier.REFUGEE_RECEPTION),
        (STREAM2, Tier.NATIONAL_GROUPING),
        (org(attached_to_ministry=True), Tier.ALREADY_ATTACHED),
        (org(attached_to_ministry=False), Tier.NEW_ATTACHMENT),
        (org(attached_to_ministry=True, refugee_reception=True), Tier.REFUGEE_RECEPTION),
    ],
)
def test_5_2_priority_tiers_in_the_clauses_order(changes, tier):
    priority = evaluated(changes).priority
    assert priority.tier is tier
    assert priority.clause == "5.2"


def test_5_2_new_attachment_requests_ranked_by_presence_then_volume():
    requests = [
        ("served-large", Territory(attached_organizations=3, immigrant_population=90000)),
        ("unserved-small", Territory(attached_organizations=0, immigrant_population=2000)),
        ("unserved-large", Territory(attached_organizations=0, immigrant_population=40000)),
        ("served-less", Territory(attached_organizations=1, immigrant_population=90000)),
    ]
    assert rank_new_attachment_requests(requests) == [
        "unserved-large",
        "unserved-small",
        "served-less",
        "served-large",
    ]


def test_5_2_a_new_attachment_requests_result_carries_its_ranking_and_the_assumption():
    from soutien.rules.contract import evaluation_to_json

    territory = {"attached_organizations": 0, "immigrant_population": 12000}
    evaluation = evaluated(org(attached_to_ministry=False), territory=territory)
    priority = evaluation_to_json(evaluation)["priority"]
    assert priority["tier"] == 4
    assert priority["ranking_key"] == [False, -12000, 0]
    assert "Hypothèse" in priority["ranking_assumption"]


def test_5_2_an_already_attached_organization_has_no_ranking():
    from soutien.rules.contract import evaluation_to_json

    territory = {"attached_organizations": 0, "immigrant_population": 12000}
    priority = evaluation_to_json(evaluated(territory=territory))["priority"]
    assert priority == {
        "tier": 3,
        "label": "Organisme dont le rattachement au Ministère est déjà établi",
        "clause": "5.2",
    }
