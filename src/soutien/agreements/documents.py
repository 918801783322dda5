"""The funding agreement (convention, 5.4) as a PDF in French, from the stored records."""

from __future__ import annotations

from soutien.core import clock
from soutien.core.pdf import render_pdf
from soutien.rules import FiscalYear, select_norms
from soutien.rules.reporting import financial_report_type
from soutien.rules.reporting import installments as split
from soutien.rules.text import french_date, french_money, french_month

from .models import Agreement


def agreement_context(agreement: Agreement) -> dict:
    application = agreement.application
    decision = application.decision
    evaluation = decision.evaluation
    result = evaluation.result or {}
    first = FiscalYear(agreement.start_fiscal_year)
    values = select_norms(first, first.starts_on)

    years = []
    for year in agreement.years.order_by("year_number"):
        fiscal_year = FiscalYear(year.fiscal_year)
        year_values = select_norms(fiscal_year, fiscal_year.starts_on)
        scheduled = list(year.installments.order_by("sequence"))
        parts = (
            [(french_month(i.due_year, i.due_month), i.amount) for i in scheduled]
            if scheduled
            else [
                (french_month(p.year, p.month), p.amount)
                for p in split(year.amount, fiscal_year, year_values)
            ]
        )
        years.append(
            {
                "number": year.year_number,
                "fiscal_year": fiscal_year.label,
                "amount": french_money(year.amount),
                "installments": [(label, french_money(amount)) for label, amount in parts],
            }
        )
    quebec_other = application.quebec_government_funding_other
    report = financial_report_type(quebec_other + decision.amount, values)
    return {
        "agreement": agreement,
        "organization": agreement.organization,
        "application": application,
        "decision": decision,
        "years": years,
        "starts_on": french_date(agreement.starts_on),
        "ends_on": french_date(agreement.ends_on),
        "total": french_money(sum((y.amount for y in agreement.years.all()), decision.amount * 0)),
        "report_label": report.label,
        "report_type": report.value,
        "quebec_funding": french_money(quebec_other + decision.amount),
        "audit_threshold": french_money(values.audit_threshold),
        "compilation_ceiling": french_money(values.compilation_ceiling),
        "retention_years": int(values.records_retention_years),
        "notice_days": int(values.termination_notice_days),
        "norms": evaluation.norms_version or result.get("norms", ""),
        "resolution": agreement.signatory_resolution,
        "resolution_on": french_date(clock.localdate_of(agreement.signatory_resolution.uploaded_at))
        if agreement.signatory_resolution
        else "",
    }


def agreement_pdf(agreement: Agreement) -> bytes:
    return render_pdf("workspace/pdf/agreement.html", agreement_context(agreement))
