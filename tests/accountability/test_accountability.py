from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from soutien.accountability import actions
from soutien.accountability.debts import commitments_respected, organization_debt
from soutien.accountability.models import ClaimState
from soutien.accounts.models import Role
from soutien.rules import FiscalYear
from soutien.rules.facts import RepaymentAgreement
from tests.agreements.test_agreements import signed
from tests.factories import at, make_organization, make_user

pytestmark = pytest.mark.django_db


def claim(organization, amount="5000", **fields):
    kind = fields.pop("kind", "unused_funds")
    return actions.establish_claim(
        organization,
        kind=kind,
        amount=Decimal(amount),
        fiscal_year=FiscalYear(2018),
        established_on=date(2019, 1, 1),
        # Misused sums are refundable at once (7).
        due_on=date(2019, 1, 1) if kind == "misused_funds" else date(2019, 3, 1),
        by=make_user(Role.FINANCE),
        at=at(2019, 1, 1),
        **fields,
    )


def test_4_debt_with_a_respected_repayment_agreement():
    organization = make_organization()
    actions.agree_repayment(claim(organization), by=make_user(Role.FINANCE), at=at(2019, 1, 2))
    assert organization_debt(organization.pk) == (Decimal("5000"), RepaymentAgreement.RESPECTED)


def test_4_defaulted_repayment_agreement_is_not_respected():
    organization = make_organization()
    debt = claim(organization)
    actions.agree_repayment(debt, by=make_user(Role.FINANCE), at=at(2019, 1, 2))
    actions.default_repayment(
        debt, by=make_user(Role.FINANCE), at=at(2019, 2, 2), reason="Versements manqués."
    )
    assert organization_debt(organization.pk)[1] is RepaymentAgreement.NOT_RESPECTED


def test_repayments_settle_the_claim():
    organization = make_organization()
    debt = claim(organization, "1000")
    actions.record_repayment(
        debt, amount=Decimal("400"), by=make_user(Role.FINANCE), at=at(2019, 2, 1)
    )
    assert debt.state == ClaimState.OPEN and debt.balance == Decimal("600")
    with pytest.raises(ValidationError):
        actions.record_repayment(
            debt, amount=Decimal("601"), by=make_user(Role.FINANCE), at=at(2019, 2, 2)
        )
    actions.record_repayment(
        debt, amount=Decimal("600"), by=make_user(Role.FINANCE), at=at(2019, 2, 3)
    )
    assert debt.state == ClaimState.SETTLED
    assert organization_debt(organization.pk) == (Decimal("0"), RepaymentAgreement.NONE)


def test_negative_claim_is_refused_in_french_and_not_saved():
    organization = make_organization()
    with pytest.raises(ValidationError) as error:
        claim(organization, "-5")
    assert "Le montant dû doit être positif." in str(error.value)
    assert not organization.claims.exists()


def test_3_misused_funds_in_the_last_three_years_break_the_commitments():
    organization = make_organization()
    claim(organization, kind="misused_funds")
    assert not commitments_respected(organization.pk, on=date(2020, 1, 1))
    assert commitments_respected(organization.pk, on=date(2022, 1, 2))


def test_8_the_expected_report_type_is_a_first_estimate_from_the_years_amount():
    advisor, agreement = signed()
    report = actions.expect_annual_report(
        agreement.years.get(), due_on=date(2020, 6, 30), by=advisor, at=at(2020, 4, 1)
    )
    # 27 652 $ from this program + 50 000 $ of other Québec funding: between 25 000 $ and 125 000 $.
    assert report.required_report_type == "review"
    assert report.due_on == date(2020, 6, 30)  # a date given by hand wins over the rule
