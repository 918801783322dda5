"""One dossier through all the rules: eligibility, priority, amount, report, installments."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from .amount import Amount, compute_amount
from .eligibility import Eligibility, Finding, assess_with_eligibility
from .facts import Dossier
from .norms import YearValues, select_norms
from .priority import Priority, priority_of
from .reporting import FinancialReportType, Installment, financial_report_type, installments


class Evaluation(NamedTuple):
    dossier: Dossier
    norms: YearValues
    eligibility: Eligibility
    findings: tuple[Finding, ...]
    priority: Priority
    amount: Amount
    quebec_funding: Decimal  # other Québec funding plus this amount (clause 8)
    financial_report_type: FinancialReportType
    installments: tuple[Installment, ...]


def evaluate(
    dossier: Dossier, *, explain: bool = True, values: YearValues | None = None
) -> Evaluation:
    """Evaluate with the norms in force on the application date for its fiscal year.

    `explain=False`: some amount lines without their labels (`compute_amount`), for the
    batch's compact form, which writes no line. `values`: other norms for the dossier's
    fiscal year instead (a draft version tried before it is adopted, `rules.whatif`).
    """
    if values is None:
        values = select_norms(dossier.fiscal_year, dossier.application_date)
    findings, eligibility = assess_with_eligibility(dossier, values)
    ineligible = eligibility is Eligibility.INELIGIBLE
    amount = compute_amount(dossier, values, ineligible=ineligible, explain=explain)
    quebec_funding = dossier.finances.quebec_government_funding_other + amount.amount
    # The fields in order, without the named tuple's Python constructor (once per dossier).
    return _TUPLE(
        Evaluation,
        (
            dossier,
            values,
            eligibility,
            findings,
            priority_of(dossier),
            amount,
            quebec_funding,
            financial_report_type(quebec_funding, values),
            installments(amount.amount, dossier.fiscal_year, values),
        ),
    )


_TUPLE = tuple.__new__
