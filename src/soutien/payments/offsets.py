"""Offsets (clause 7): a claim repaid out of a later installment, asked by the payment run.

Accountability keeps the claims, a later stage: it answers these questions (`core.answers`,
decision 006). A paid line pays its installment in full in the ledger; the part it offsets is
the claim's recovery, so the organization receives the rest.
"""

from soutien.core.answers import Question

planned = Question(
    "payments.offsets.planned",
    "(installment_ids) -> {installment_id: (amount: Decimal, label: str)}: the offsets waiting",
)
applied = Question(
    "payments.offsets.applied",
    "(installment_id, *, paid_on, by, at) -> None: the offset of a paid line is recovered",
)
