"""What the agreements commit, as the budget (5.2) asks it; the agreements answer (`core.answers`).

Replaced by the ledger's sums once the ledger exists (issue 9).
"""

from soutien.core.answers import Question

committed_by_agreements = Question(
    "budget.commitments.committed_by_agreements",
    "() -> a Subquery of the amount committed by agreement years for the envelope's "
    "OuterRef('fiscal_year') and OuterRef('stream')",
)
has_agreement_year = Question(
    "budget.commitments.has_agreement_year",
    "(fiscal_year) -> an Exists of an agreement year of that fiscal year for "
    "OuterRef('application')",
)
