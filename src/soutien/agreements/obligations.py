"""What the organization owes under its agreement (clause 8), asked by the agreement's page.

Accountability keeps the reports, a later stage: it answers (`core.answers`, decision 006).
"""

from soutien.core.answers import Question

reports_of = Question(
    "agreements.obligations.reports_of",
    "(agreement) -> [{pk, year, due_on, state, report_type}]: the yearly reports of clause 8",
)

renewal_findings = Question(
    "agreements.obligations.renewal_findings",
    "(agreement, on) -> {reports: [{year, fiscal_year, due_on, state, met}], met, missing, "
    "pending}: whether the reports due by `on` are accepted, for a renewal review (5.6, 8)",
)
