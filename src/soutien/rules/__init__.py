"""The norms of the Programme Soutien à la mission as code.

Pure Python: no Django, no settings, no clock. The caller passes every date, so any
decision can be replayed as of its day. See docs/norms/traceability.md.
"""

from .amount import Amount, AmountLine, compute_amount
from .eligibility import CRITERIA, Criterion, Eligibility, Finding, Kind, Status
from .evaluation import Evaluation, evaluate
from .facts import Dossier
from .fiscal import FiscalYear
from .norms import NoNormsInForce, Norms, YearValues, all_norms, covered_fiscal_years, select_norms
from .priority import Tier, priority_of, rank_new_attachment_requests
from .reporting import FinancialReportType, Installment, financial_report_type, installments

__all__ = [
    "CRITERIA",
    "Amount",
    "AmountLine",
    "Criterion",
    "Dossier",
    "Eligibility",
    "Evaluation",
    "FinancialReportType",
    "Finding",
    "FiscalYear",
    "Installment",
    "Kind",
    "NoNormsInForce",
    "Norms",
    "Status",
    "Tier",
    "YearValues",
    "all_norms",
    "compute_amount",
    "covered_fiscal_years",
    "evaluate",
    "financial_report_type",
    "installments",
    "priority_of",
    "rank_new_attachment_requests",
    "select_norms",
]
