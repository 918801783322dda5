"""The organization sees its money (6.2): its agreements, years and installments, each with
where it stands, and the measures the ministry took (5.5) with their letters, in a constant
number of queries."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from soutien.agreements.letters import JOURNAL_LETTERS
from soutien.agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementDocumentKind,
    AgreementYear,
    Installment,
    MeasureProposal,
    ProposalState,
    State,
)
from soutien.applications.portal_views import portal_login_required
from soutien.core import clock
from soutien.core.models import JournalEntry
from soutien.rules.text import french_date, french_month_label

from . import payability
from .models import LIVE_LINE_STATES, PaymentLine


def _next_steps(agreement) -> list[dict]:
    """What the organization must do next for this agreement, with its date (5.4, 5.5)."""
    steps = []
    if agreement.state == State.DRAFT:
        if agreement.copy_received:
            steps.append(
                {"text": _("Copie signée reçue : le Ministère signe à son tour la convention.")}
            )
        else:
            steps.append(
                {
                    "text": _("Faire signer la convention par %(name)s et la déposer.")
                    % {"name": agreement.signatory_name},
                    "url": reverse("portal:signed_copy", args=[agreement.pk]),
                    "link": _("Déposer la convention signée"),
                }
            )
    if agreement.state == State.SUSPENDED:
        suspension = next((m for m in agreement.measures if m.kind == "suspension"), None)
        if suspension is not None:
            steps.append(
                {
                    "text": _("Corriger au plus tard le %(date)s : %(remedy)s")
                    % {"date": french_date(suspension.remedy_due_on), "remedy": suspension.remedy}
                }
            )
    return steps


@portal_login_required
@require_GET
def agreements(request):
    today = clock.today()
    found = list(
        Agreement.objects.for_user(request.user)
        .select_related("organization", "application__decision")
        .prefetch_related(
            Prefetch(
                "years",
                queryset=AgreementYear.objects.order_by("year_number").prefetch_related(
                    Prefetch("installments", queryset=Installment.objects.order_by("sequence"))
                ),
            ),
            # What the ministry decided (5.5), with its letter; proposals still under review
            # are the ministry's deliberation and are not shown.
            Prefetch(
                "cases__proposals",
                queryset=MeasureProposal.objects.filter(state=ProposalState.APPROVED)
                .select_related("measure", "agreement_year")
                .order_by("-reviewed_at", "-pk"),
                to_attr="decided_measures",
            ),
        )
        .order_by("organization__legal_name", "reference")
    )
    copies = set(
        AgreementDocument.objects.filter(
            agreement__in=[a for a in found if a.state == State.DRAFT],
            kind=AgreementDocumentKind.SIGNED_AGREEMENT,
        ).values_list("agreement_id", flat=True)
    )
    letters = defaultdict(list)
    if found:
        for entry in JournalEntry.objects.filter(
            subject_type=ContentType.objects.get_for_model(Agreement),
            subject_id__in=[a.pk for a in found],
            action__in=list(JOURNAL_LETTERS),
        ).order_by("-at", "-pk"):
            entry.url = reverse("agreement-letter", args=[entry.subject_id, entry.pk])
            letters[entry.subject_id].append(entry)
    for agreement in found:
        agreement.letters = letters.get(agreement.pk, [])
        agreement.measures = sorted(
            (p for case in agreement.cases.all() for p in case.decided_measures),
            key=lambda p: (p.reviewed_at, p.pk),
            reverse=True,
        )
        agreement.copy_received = agreement.pk in copies
        agreement.todo = _next_steps(agreement)
    installments = [i for a in found for y in a.years.all() for i in y.installments.all()]
    states = payability.statuses(installments, (today.year, today.month)) if installments else {}
    moves = defaultdict(list)
    if installments:
        for entry in JournalEntry.objects.filter(
            subject_type=ContentType.objects.get_for_model(Installment),
            subject_id__in=[i.pk for i in installments],
            action="installment.rescheduled",
        ).order_by("at", "pk"):
            entry.to_label = (
                french_month_label(entry.data.get("to", "")) if entry.data.get("to") else ""
            )
            moves[entry.subject_id].append(entry)
    # A line that keeps back part of the installment for a claim (7) says so.
    offset_lines = {
        line.installment_id: line
        for line in PaymentLine.objects.filter(
            installment__in=installments, offset_amount__gt=0, state__in=LIVE_LINE_STATES
        )
    }
    for installment in installments:
        installment.offset_line = offset_lines.get(installment.pk)
        installment.status = states.get(installment.pk)
        installment.moves = moves.get(installment.pk, [])
    return render(request, "payments/portal_agreements.html", {"agreements": found})
