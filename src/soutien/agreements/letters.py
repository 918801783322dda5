"""The letter of a non-compliance measure (5.5, 6.2), a tagged PDF in French (`core.pdf`).

Read from the stored records only (the approved proposal and the measure it applied), so
the same letter comes out years later.
"""

from __future__ import annotations

from datetime import date, timedelta

from soutien.core import clock
from soutien.core.pdf import render_pdf
from soutien.rules import FiscalYear
from soutien.rules.text import french_date, french_money

from .actions import notice_days
from .models import MeasureProposal, NonComplianceKind


def measure_letter_context(proposal: MeasureProposal) -> dict:
    measure = proposal.measure
    agreement = proposal.case.agreement
    dated = clock.localdate_of(proposal.reviewed_at)
    context = {
        "proposal": proposal,
        "case": proposal.case,
        "agreement": agreement,
        "organization": agreement.organization,
        "date": french_date(dated),
        "kind": proposal.kind,
        "reasons": [line for line in proposal.reason.splitlines() if line.strip()],
        "signatory": proposal.reviewed_by.full_name,
    }
    if proposal.kind == NonComplianceKind.SUSPENSION:
        context["remedy"] = proposal.remedy
        context["remedy_due_on"] = french_date(proposal.remedy_due_on)
    elif proposal.kind == NonComplianceKind.REVISION:
        year = proposal.agreement_year
        context["fiscal_year"] = FiscalYear(year.fiscal_year).label
        context["previous_amount"] = french_money(proposal.previous_amount)
        context["revised_amount"] = french_money(proposal.revised_amount)
    else:
        days = notice_days(agreement, measure.notice_sent_on)
        context["notice_days"] = days
        context["effective_on"] = french_date(measure.effective_on)
        context["earliest"] = french_date(measure.notice_sent_on + timedelta(days=days))
    return context


def measure_letter_pdf(proposal: MeasureProposal) -> bytes:
    return render_pdf("agreements/pdf/measure_letter.html", measure_letter_context(proposal))


# Letters that follow from an agreement's journal rather than from a measure: the lifting of a
# suspension (5.5) and the end of an agreement whose renewal is refused (5.6). The journal
# entry holds everything the letter says, so it reads the same years later.
JOURNAL_LETTERS = {
    "agreement.resumed": "lift",
    "agreement.shortened": "shortened",
}


def journal_letter_context(agreement, entry) -> dict:
    data = entry.data or {}
    ends_on = data.get("ends_on")
    return {
        "agreement": agreement,
        "organization": agreement.organization,
        "kind": JOURNAL_LETTERS[entry.action],
        "date": french_date(clock.localdate_of(entry.at)),
        "reason": entry.reason,
        "ends_on": french_date(date.fromisoformat(str(ends_on))) if ends_on else "",
        "withdrawn": data.get("withdrawn", []),
        "signatory": entry.actor.full_name if entry.actor else "",
    }


def journal_letter_pdf(agreement, entry) -> bytes:
    return render_pdf(
        "agreements/pdf/journal_letter.html", journal_letter_context(agreement, entry)
    )
