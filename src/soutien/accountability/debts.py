"""What the records say about debts and past commitments, as the rules need it.

- Debt to the ministry (clause 4): the balance of outstanding claims, and whether a
  repayment agreement covers it and is respected.
- Commitments respected over the last three years (clause 3). Reading retained (to confirm
  by the ministry): commitments are not respected when, in the three years before the
  application date, the ministry took a non-compliance measure (5.5) against one of the
  organization's agreements, or established a claim for sums used for other purposes (7).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from soutien.agreements.models import NonComplianceAction
from soutien.rules.eligibility import anniversary
from soutien.rules.facts import RepaymentAgreement

from .models import OUTSTANDING_STATES, Claim, ClaimKind, ClaimState

ZERO = Decimal("0")
LOOKBACK_YEARS = 3


def organization_debt(organization_id: int) -> tuple[Decimal, RepaymentAgreement]:
    claims = list(
        Claim.objects.filter(organization_id=organization_id, state__in=OUTSTANDING_STATES).only(
            "amount", "repaid_amount", "state"
        )
    )
    debt = sum((claim.balance for claim in claims), ZERO)
    if debt <= ZERO:
        return ZERO, RepaymentAgreement.NONE
    states = {claim.state for claim in claims if claim.balance > ZERO}
    if ClaimState.DEFAULTED in states:
        return debt, RepaymentAgreement.NOT_RESPECTED
    if ClaimState.OPEN in states:
        return debt, RepaymentAgreement.NONE
    return debt, RepaymentAgreement.RESPECTED


def commitments_respected(organization_id: int, *, on: date) -> bool:
    since = anniversary(on, -LOOKBACK_YEARS)
    measures = NonComplianceAction.objects.filter(
        agreement__organization_id=organization_id, decided_on__gte=since, decided_on__lte=on
    )
    misuse = Claim.objects.filter(
        organization_id=organization_id,
        kind=ClaimKind.MISUSED_FUNDS,
        established_on__gte=since,
        established_on__lte=on,
    )
    return not (measures.exists() or misuse.exists())


def reports_of(agreement) -> list[dict]:
    """The agreement's yearly reports (8), for its page: id, year, due date, state, form."""
    from .models import AnnualReport

    return [
        {
            "pk": report.pk,
            "year": report.agreement_year.year_number,
            "due_on": report.due_on,
            "state": report.get_state_display(),
            "report_type": report.get_required_report_type_display(),
        }
        for report in AnnualReport.objects.filter(agreement_year__agreement=agreement)
        .select_related("agreement_year")
        .order_by("agreement_year__year_number")
    ]
