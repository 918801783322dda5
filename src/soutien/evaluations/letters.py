"""The decision letter (5.2), a tagged PDF in French (`core.pdf`)."""

from __future__ import annotations

from soutien.core.pdf import render_pdf
from soutien.rules.text import french_date, french_money, french_month_label

from .models import Decision, Outcome


def decision_letter_pdf(decision: Decision) -> bytes:
    application = decision.application
    organization = application.organization
    result = decision.evaluation.result or {}
    return render_pdf(
        "workspace/pdf/decision_letter.html",
        {
            "decision": decision,
            "application": application,
            "organization": organization,
            "granted": decision.outcome == Outcome.GRANTED,
            "amount": french_money(decision.amount),
            "date": french_date(decision.decided_at.date()),
            "reasons": [line for line in decision.reason.splitlines() if line.strip()],
            "installments": [
                {"month": french_month_label(part["month"]), "amount": french_money(part["amount"])}
                for part in result.get("installments", [])
            ]
            if decision.outcome == Outcome.GRANTED
            else [],
            "norms": decision.evaluation.norms_version,
        },
    )
