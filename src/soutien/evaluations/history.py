"""What the evaluation asks about an organization's past with the ministry (clauses 3 and 4).

Accountability keeps the claims and the agreements keep the non-compliance measures, both later
stages: they answer these questions (`core.answers`).
"""

from soutien.core.answers import Question

organization_debt = Question(
    "evaluations.history.organization_debt",
    "(organization_id) -> (debt: Decimal, repayment: RepaymentAgreement); clause 4",
)
commitments_respected = Question(
    "evaluations.history.commitments_respected",
    "(organization_id, *, on: date) -> bool: no breach in the last three years; clause 3",
)
agreement_year = Question(
    "evaluations.history.agreement_year",
    "(application) -> int | None: the year (2 or 3) of the agreement a renewal is for; 5.6",
)
