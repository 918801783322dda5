"""The yearly report as pages and reviews read it: its topics, what is still missing, the
form of financial report required, its status on a given day. Computed from the records on
every read, never stored: what the organization sees is what `submit_report` checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from soutien.budget import ledger
from soutien.rules import FinancialReportType, FiscalYear, select_norms
from soutien.rules.accountability import RequiredForm, form_satisfies, indicators, required_form

from .models import (
    PROOF_KINDS,
    AnnualReport,
    FundingLevel,
    ObligationKind,
    ReportContent,
    ReportDocumentKind,
    ReportState,
)

ZERO = Decimal("0")
EDITABLE_STATES = (ReportState.EXPECTED, ReportState.CORRECTION_REQUESTED)


@dataclass(frozen=True, slots=True)
class Topic:
    """One page of the portal's report, for one obligation."""

    code: str  # the obligation's kind, also the page's address
    title: Promise
    intro: Promise


TOPICS = (
    Topic(
        ObligationKind.ACTIVITIES,
        _("Activités et résultats selon les sexes"),
        _(
            "Décrivez les activités réalisées et les services offerts grâce au programme, puis "
            "inscrivez, pour chaque indicateur du Ministère, le nombre de personnes selon les "
            "sexes (clause 8). Inscrivez des totaux seulement : aucun renseignement sur une "
            "personne."
        ),
    ),
    Topic(
        ObligationKind.FUNDING_SOURCES,
        _("Autres sources de financement"),
        _(
            "Divulguez chacune de vos autres sources de financement de l'exercice : le bailleur "
            "de fonds, le programme, le montant et les coûts qu'elle couvre. Elles doivent "
            "couvrir des coûts autres que ceux prévus par la convention (clause 8)."
        ),
    ),
    Topic(
        ObligationKind.FINANCIAL_REPORT,
        _("Rapport financier"),
        _(
            "Déposez le rapport financier de l'exercice, avec des états financiers complets, et "
            "indiquez sa forme et le CPA qui l'a signé. La forme exigée dépend des sommes "
            "versées par le gouvernement du Québec (clause 8)."
        ),
    ),
    Topic(
        ObligationKind.RELATED_PARTIES,
        _("Sociétés apparentées"),
        _(
            "Si l'organisme est en relation d'affaires avec des sociétés apparentées, nommez "
            "chacune par son nom légal et son NEQ et fournissez les preuves que demande la "
            "clause 8."
        ),
    ),
    Topic(
        ObligationKind.AGM_MINUTES,
        _("Assemblée générale annuelle"),
        _("Indiquez la date de l'assemblée générale annuelle et déposez son procès-verbal."),
    ),
)
TOPICS_BY_CODE = {topic.code: topic for topic in TOPICS}


def content_of(report: AnnualReport) -> ReportContent:
    content = getattr(report, "_content_cache", None)
    if content is None:
        content = ReportContent.objects.filter(report=report).first() or ReportContent(
            report=report
        )
        report._content_cache = content
    return content


def declared_quebec_funding(report: AnnualReport) -> Decimal:
    """The Québec government sources the organization declares in this report (clause 8)."""
    return (
        report.funding_sources.filter(level=FundingLevel.QUEBEC_GOVERNMENT).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO
    )


def program_paid(report: AnnualReport) -> Decimal:
    """This program's payments to the organization in the period the report covers, from the
    ledger (the only place money is read)."""
    start, end = report.period_start, report.period_end
    if start is None or end is None:
        return ZERO
    return ledger.balance(organization_id=report.organization_id, on__gte=start, on__lte=end).paid


def required_form_of(report: AnnualReport) -> RequiredForm:
    """The form of financial report clause 8 requires, from the funding actually received."""
    fiscal_year = FiscalYear(report.agreement_year.fiscal_year)
    values = select_norms(fiscal_year, fiscal_year.starts_on)
    return required_form(program_paid(report), declared_quebec_funding(report), values)


def missing(report: AnnualReport) -> dict[str, list[str]]:
    """What each obligation still lacks, in French, by obligation kind (empty: complete)."""
    content = content_of(report)
    kinds = set(report.documents.values_list("kind", flat=True))
    gaps: dict[str, list[str]] = {topic.code: [] for topic in TOPICS}
    activity = gaps[ObligationKind.ACTIVITIES]
    if not content.activities.strip():
        activity.append(str(_("la description des activités réalisées et des services offerts")))
    reported = set(report.indicator_results.values_list("indicator", flat=True))
    absent = [i.label for i in indicators().items if i.code not in reported]
    if len(absent) == len(indicators().items):
        activity.append(str(_("les résultats selon les sexes des indicateurs du Ministère")))
    elif absent:
        activity.append(
            str(_("les résultats selon les sexes de : %(names)s")) % {"names": ", ".join(absent)}
        )
    if not report.funding_sources.exists():
        gaps[ObligationKind.FUNDING_SOURCES].append(
            str(_("au moins une autre source de financement (clause 8)"))
        )
    financial = gaps[ObligationKind.FINANCIAL_REPORT]
    if not content.financial_form:
        financial.append(str(_("la forme du rapport financier")))
    if not content.cpa_name.strip() or not content.cpa_permit.strip():
        financial.append(str(_("le nom et le numéro de permis du CPA signataire")))
    if content.unspent_program_funds is None:
        financial.append(str(_("l'aide du programme non utilisée à la fin de l'exercice")))
    if not content.statements_complete:
        financial.append(str(_("l'attestation que les états financiers sont complets")))
    if ReportDocumentKind.FINANCIAL_STATEMENTS not in kinds:
        financial.append(str(_("le fichier du rapport financier signé")))
    related = gaps[ObligationKind.RELATED_PARTIES]
    if content.has_related_parties is None:
        related.append(str(_("la réponse : relation d'affaires avec des sociétés apparentées")))
    elif content.has_related_parties:
        parties = list(report.related_parties.prefetch_related("documents"))
        if not parties:
            related.append(str(_("au moins une société apparentée déclarée")))
        for party in parties:
            for field in proofs_missing(party):
                related.append(
                    str(_("%(party)s : %(proof)s"))
                    % {"party": party.legal_name, "proof": PROOF_LABELS[field]}
                )
    agm = gaps[ObligationKind.AGM_MINUTES]
    if content.agm_held_on is None:
        agm.append(str(_("la date de l'assemblée générale annuelle")))
    if ReportDocumentKind.AGM_MINUTES not in kinds:
        agm.append(str(_("le fichier du procès-verbal")))
    return gaps


PROOF_LABELS = {
    "contract_proof": _("la preuve que les transactions sont documentées par contrat"),
    "notes_proof": _("la preuve que les transactions sont divulguées par voie de notes"),
    "cost_proof": _("la preuve de coûts comparables à ceux d'une tierce partie"),
}


def proofs_missing(party) -> list[str]:
    """The proofs of clause 8 a related party still lacks: neither attested nor deposited."""
    deposited = {document.kind for document in party.documents.all()}
    return [
        field
        for field, kind in PROOF_KINDS.items()
        if not getattr(party, field).strip() and kind not in deposited
    ]


def form_refusal(report: AnnualReport) -> str | None:
    """Why the form produced does not meet clause 8, or None."""
    content = content_of(report)
    if not content.financial_form:
        return None
    required = required_form_of(report)
    given = FinancialReportType(content.financial_form)
    if form_satisfies(given, required.form):
        return None
    return str(
        _(
            "Le rapport financier est une %(given)s, mais la clause 8 exige au moins : "
            "%(required)s. %(why)s"
        )
        % {
            "given": _initial_lower(given.label),
            "required": _initial_lower(required.form.label),
            "why": required.explanation(),
        }
    )


def _initial_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def is_late(report: AnnualReport, on: date) -> bool:
    return report.state == ReportState.EXPECTED and report.due_on < on


def status_label(report: AnnualReport, on: date) -> str:
    if is_late(report, on):
        return str(_("En retard"))
    if report.state == ReportState.RECEIVED:
        return str(_("À examiner"))
    return report.get_state_display()


def renewal_findings(agreement, on: date) -> dict:
    """What the reports say for a renewal (5.6): each report due by `on`, and whether the
    requirement of clause 8 is met. A report due and not received, or sent back and its
    correction overdue, is not met; one received and under review is pending."""
    rows, missing_years, pending_years = [], [], []
    for report in (
        AnnualReport.objects.filter(agreement_year__agreement=agreement)
        .select_related("agreement_year")
        .order_by("agreement_year__year_number")
    ):
        label = FiscalYear(report.agreement_year.fiscal_year).label
        overdue = report.corrections.filter(answered_at__isnull=True, due_at__date__lt=on)
        if report.state == ReportState.ACCEPTED:
            met = True
        elif report.due_on >= on and report.state == ReportState.EXPECTED:
            met = None  # not due yet
        elif report.state == ReportState.RECEIVED or (
            report.state == ReportState.CORRECTION_REQUESTED and not overdue.exists()
        ):
            met = None
            pending_years.append(label)
        else:
            met = False
            missing_years.append(label)
        rows.append(
            {
                "year": report.agreement_year.year_number,
                "fiscal_year": label,
                "due_on": report.due_on,
                "state": status_label(report, on),
                "met": met,
            }
        )
    return {
        "reports": rows,
        "met": not missing_years,
        "missing": missing_years,
        "pending": pending_years,
    }
