"""Accountability (clause 8): annual reports, other funding sources, and claims — sums to
refund, debts and repayment agreements, which feed the debt criterion of clause 4 and the
three-year commitments criterion of clause 3."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from soutien.core import fiscal
from soutien.core.models import MinistryRequest, Record, ScopedQuerySet, StoredDocument
from soutien.core.workflow import Transition, Workflow
from soutien.organizations.models import FinancialReportTypeChoices
from soutien.organizations.validators import NEQ_PATTERN, validate_neq
from soutien.rules import FiscalYear

ZERO = Decimal("0")


class ReportState(models.TextChoices):
    EXPECTED = "expected", _("Attendu")
    RECEIVED = "received", _("Reçu")
    CORRECTION_REQUESTED = "correction_requested", _("À corriger")
    ACCEPTED = "accepted", _("Accepté")


REPORT_WORKFLOW = Workflow(
    "annual_report",
    ReportState,
    initial=ReportState.EXPECTED,
    transitions=[
        Transition(
            "receive",
            (ReportState.EXPECTED, ReportState.CORRECTION_REQUESTED),
            ReportState.RECEIVED,
            "annual_report.received",
        ),
        Transition(
            "request_correction",
            (ReportState.RECEIVED,),
            ReportState.CORRECTION_REQUESTED,
            "annual_report.correction_requested",
            reason_required=True,
        ),
        Transition(
            "accept", (ReportState.RECEIVED,), ReportState.ACCEPTED, "annual_report.accepted"
        ),
    ],
)


class AnnualReportQuerySet(ScopedQuerySet):
    def for_lists(self):
        return self.select_related(
            "agreement_year", "agreement_year__agreement", "organization", "organization__region"
        )


class AnnualReport(Record):
    """The yearly accountability of an agreement year: activity report and financial report."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    agreement_year = models.OneToOneField(
        "agreements.AgreementYear",
        verbose_name=_("année de convention"),
        on_delete=models.PROTECT,
        related_name="annual_report",
    )
    statements = models.ForeignKey(
        "organizations.FinancialStatements",
        verbose_name=_("états financiers produits"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    required_report_type = models.CharField(
        _("forme exigée du rapport financier (clause 8)"),
        max_length=20,
        choices=FinancialReportTypeChoices.choices,
    )
    period_start = models.DateField(_("début de l'exercice de l'organisme couvert"), null=True)
    period_end = models.DateField(_("fin de l'exercice de l'organisme couvert"), null=True)
    due_on = models.DateField(_("attendu le"))
    received_on = models.DateField(_("reçu le"), null=True, blank=True, editable=False)
    results_by_sex = models.BooleanField(_("résultats présentés selon les sexes"), default=False)
    state = models.CharField(
        _("état"),
        max_length=30,
        choices=ReportState.choices,
        default=ReportState.EXPECTED,
        editable=False,
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = AnnualReportQuerySet.as_manager()
    workflow: ClassVar[Workflow] = REPORT_WORKFLOW

    class Meta:
        verbose_name = _("reddition de comptes annuelle")
        verbose_name_plural = _("redditions de comptes annuelles")
        ordering = ["-due_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=ReportState.EXPECTED) | Q(received_on__isnull=False),
                name="annual_report_received_has_date",
                violation_error_message=_("Un rapport reçu doit avoir sa date de réception."),
            )
        ]

    def __str__(self):
        return _("Reddition de comptes n° %(id)s") % {"id": self.pk}

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.agreement_year.fiscal_year)


class FundingLevel(models.TextChoices):
    QUEBEC_GOVERNMENT = "quebec_government", _("Gouvernement du Québec")
    CANADA_GOVERNMENT = "canada_government", _("Gouvernement du Canada")
    MUNICIPAL = "municipal", _("Municipalité, MRC ou autre entité municipale")
    OTHER_PUBLIC = "other_public", _("Autre organisme public")
    PRIVATE = "private", _("Source privée")
    OWN_REVENUE = "own_revenue", _("Revenus autonomes")


class FundingSourceQuerySet(ScopedQuerySet):
    def for_lists(self):
        return self.select_related("report", "report__organization")


class FundingSource(Record):
    """Another funding source the organization discloses in its yearly report (clause 8):
    who, under which program, how much, and the costs it covers — which must be costs other
    than those the agreement covers."""

    report = models.ForeignKey(
        AnnualReport,
        verbose_name=_("reddition de comptes"),
        on_delete=models.PROTECT,
        related_name="funding_sources",
    )
    funder = models.CharField(_("bailleur de fonds"), max_length=200)
    program = models.CharField(_("programme"), max_length=200, blank=True)
    level = models.CharField(_("provenance"), max_length=30, choices=FundingLevel.choices)
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    costs_covered = models.TextField(_("coûts couverts"))

    objects = FundingSourceQuerySet.as_manager()
    scope_path: ClassVar[str | None] = "report__organization"

    class Meta:
        verbose_name = _("autre source de financement")
        verbose_name_plural = _("autres sources de financement")
        ordering = ["report", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="funding_source_amount_not_negative",
                violation_error_message=_("Le montant ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=FundingLevel.values), name="funding_source_level_valid"
            ),
        ]

    def __str__(self):
        return self.funder


class ObligationKind(models.TextChoices):
    ACTIVITIES = "activities", _("Rapport d'activité et résultats selon les sexes")
    FUNDING_SOURCES = "funding_sources", _("Autres sources de financement")
    FINANCIAL_REPORT = "financial_report", _("Rapport financier annuel")
    RELATED_PARTIES = "related_parties", _("Déclaration des sociétés apparentées")
    AGM_MINUTES = "agm_minutes", _("Procès-verbal de l'assemblée générale annuelle")


class Obligation(Record):
    """One thing the organization owes for an agreement year (clause 8), with its clause and
    due date; the advisor checks it (met or not, with a note) before accepting the report."""

    report = models.ForeignKey(
        AnnualReport,
        verbose_name=_("reddition de comptes"),
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    kind = models.CharField(_("obligation"), max_length=30, choices=ObligationKind.choices)
    clause = models.CharField(_("clause"), max_length=10)
    due_on = models.DateField(_("attendue le"))
    submitted_at = models.DateTimeField(_("transmise le"), null=True, blank=True, editable=False)
    met = models.BooleanField(_("satisfaite"), null=True, editable=False)
    check_note = models.TextField(_("note de vérification"), blank=True, editable=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vérifiée par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
    )
    checked_at = models.DateTimeField(_("vérifiée le"), null=True, editable=False)

    scope_path: ClassVar[str | None] = "report__organization"

    class Meta:
        verbose_name = _("obligation de reddition de comptes")
        verbose_name_plural = _("obligations de reddition de comptes")
        ordering = ["report", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="obligation_once_per_report"),
            models.CheckConstraint(
                condition=Q(kind__in=ObligationKind.values), name="obligation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(met__isnull=True) | Q(checked_by__isnull=False),
                name="obligation_checked_by_someone",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class ReportContent(Record):
    """What the organization answers in its report, topic by topic (a draft until it is
    submitted; changes after that only through a correction)."""

    report = models.OneToOneField(
        AnnualReport,
        verbose_name=_("reddition de comptes"),
        on_delete=models.PROTECT,
        related_name="content",
    )
    activities = models.TextField(_("activités réalisées et services offerts"), blank=True)
    financial_form = models.CharField(
        _("forme du rapport financier produit"),
        max_length=20,
        choices=FinancialReportTypeChoices.choices,
        blank=True,
    )
    cpa_name = models.CharField(_("CPA signataire"), max_length=200, blank=True)
    cpa_permit = models.CharField(_("numéro de permis du CPA"), max_length=20, blank=True)
    statements_complete = models.BooleanField(
        _("les états financiers sont complets (clause 8)"), null=True, blank=True
    )
    unspent_program_funds = models.DecimalField(
        _("aide du programme non utilisée à la fin de l'exercice"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    has_related_parties = models.BooleanField(
        _("l'organisme est en relation d'affaires avec des sociétés apparentées"),
        null=True,
        blank=True,
    )
    agm_held_on = models.DateField(
        _("date de l'assemblée générale annuelle"), null=True, blank=True
    )

    scope_path: ClassVar[str | None] = "report__organization"

    class Meta:
        verbose_name = _("contenu de la reddition de comptes")
        verbose_name_plural = _("contenus des redditions de comptes")
        constraints = [
            models.CheckConstraint(
                condition=Q(unspent_program_funds__isnull=True) | Q(unspent_program_funds__gte=0),
                name="report_unspent_not_negative",
                violation_error_message=_("Le montant ne peut pas être négatif."),
            ),
        ]

    def __str__(self):
        return str(self.report)


class IndicatorResult(Record):
    """Counts for one indicator of the ministry over the report's period, by sex (clause 8):
    aggregates only, never a person."""

    report = models.ForeignKey(
        AnnualReport,
        verbose_name=_("reddition de comptes"),
        on_delete=models.PROTECT,
        related_name="indicator_results",
    )
    indicator = models.CharField(_("indicateur"), max_length=40)
    women = models.PositiveIntegerField(_("femmes"))
    men = models.PositiveIntegerField(_("hommes"))
    other = models.PositiveIntegerField(_("autre identité de genre ou non précisé"))
    total = models.PositiveIntegerField(_("total"))

    scope_path: ClassVar[str | None] = "report__organization"

    class Meta:
        verbose_name = _("résultat selon les sexes")
        verbose_name_plural = _("résultats selon les sexes")
        ordering = ["report", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="indicator_result_once_per_report"
            ),
            models.CheckConstraint(
                condition=Q(total=F("women") + F("men") + F("other")),
                name="indicator_result_adds_up",
                violation_error_message=_("Les nombres selon les sexes doivent donner le total."),
            ),
        ]

    def __str__(self):
        return self.indicator


class RelatedPartyDeclaration(Record):
    """A related company declared in a yearly report (clause 8), with the proofs the clause
    asks for: each proof is a document deposited or an attestation saying where it is shown."""

    report = models.ForeignKey(
        AnnualReport,
        verbose_name=_("reddition de comptes"),
        on_delete=models.PROTECT,
        related_name="related_parties",
    )
    legal_name = models.CharField(_("nom légal"), max_length=200)
    neq = models.CharField(
        _("numéro d'entreprise du Québec (NEQ)"), max_length=10, validators=[validate_neq]
    )
    relationship = models.TextField(_("nature de la relation"))
    transactions_amount = models.DecimalField(
        _("montant des transactions de l'exercice"), max_digits=12, decimal_places=2
    )
    sole_beneficiary = models.TextField(
        _("démonstration que l'organisme est l'unique bénéficiaire de ses surplus et subventions")
    )
    contract_proof = models.TextField(_("transactions documentées par contrat"), blank=True)
    notes_proof = models.TextField(_("transactions divulguées par voie de notes"), blank=True)
    cost_proof = models.TextField(
        _("transactions à des coûts comparables à ceux d'une tierce partie"), blank=True
    )

    scope_path: ClassVar[str | None] = "report__organization"

    class Meta:
        verbose_name = _("société apparentée déclarée")
        verbose_name_plural = _("sociétés apparentées déclarées")
        ordering = ["report", "legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "neq"],
                name="related_party_declared_once",
                violation_error_message=_("Cette société apparentée est déjà déclarée."),
            ),
            models.CheckConstraint(
                condition=Q(neq__regex=NEQ_PATTERN),
                name="related_party_declaration_neq_10_digits",
                violation_error_message=_("Le NEQ doit compter exactement 10 chiffres."),
            ),
            models.CheckConstraint(
                condition=Q(transactions_amount__gte=0),
                name="related_party_amount_not_negative",
                violation_error_message=_("Le montant ne peut pas être négatif."),
            ),
        ]

    def __str__(self):
        return f"{self.legal_name} ({self.neq})"


class ReportDocumentKind(models.TextChoices):
    FINANCIAL_STATEMENTS = "financial_statements", _("Rapport financier signé par un CPA")
    AGM_MINUTES = "agm_minutes", _("Procès-verbal de l'assemblée générale annuelle")
    CONTRACT_PROOF = "contract_proof", _("Contrat ou entente écrite avec la société apparentée")
    NOTES_PROOF = "notes_proof", _("Notes aux états financiers sur la société apparentée")
    COST_PROOF = "cost_proof", _("Preuve de coûts comparables à ceux d'une tierce partie")


PROOF_KINDS = {
    "contract_proof": ReportDocumentKind.CONTRACT_PROOF,
    "notes_proof": ReportDocumentKind.NOTES_PROOF,
    "cost_proof": ReportDocumentKind.COST_PROOF,
}


class ReportDocument(StoredDocument):
    """A file of the yearly report; versions are kept."""

    report = models.ForeignKey(
        AnnualReport,
        verbose_name=_("reddition de comptes"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("document"), max_length=30, choices=ReportDocumentKind.choices)
    related_party = models.ForeignKey(
        RelatedPartyDeclaration,
        verbose_name=_("société apparentée"),
        on_delete=models.PROTECT,
        related_name="documents",
        null=True,
        blank=True,
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    scope_path: ClassVar[str | None] = "report__organization"

    class Meta:
        verbose_name = _("document de la reddition de comptes")
        verbose_name_plural = _("documents des redditions de comptes")
        ordering = ["report", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind", "number"], name="report_document_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReportDocumentKind.values), name="report_document_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(
                    kind__in=[
                        ReportDocumentKind.FINANCIAL_STATEMENTS,
                        ReportDocumentKind.AGM_MINUTES,
                    ]
                )
                | Q(related_party__isnull=True),
                name="report_document_party_only_on_proofs",
            ),
        ]

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.report.agreement_year.fiscal_year)


class ReportCorrection(MinistryRequest):
    """The advisor asks the organization to correct its report by a date (same mechanism as
    the application's requests of 5.1); the report goes back to the organization."""

    report = models.ForeignKey(
        AnnualReport,
        verbose_name=_("reddition de comptes"),
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    obligations = models.JSONField(_("obligations à revoir"), default=list, blank=True)

    scope_path: ClassVar[str | None] = "report__organization"

    class Meta:
        verbose_name = _("demande de correction de la reddition de comptes")
        verbose_name_plural = _("demandes de correction des redditions de comptes")
        ordering = ["report", "-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gt=F("requested_at")),
                name="report_correction_due_after_request",
                violation_error_message=_("L'échéance doit suivre la date de la demande."),
            ),
        ]

    def __str__(self):
        return _("Demande de correction — %(report)s") % {"report": self.report}


class ReportReminder(models.Model):
    """A reminder of an obligation at one offset from its due date: a row per (obligation,
    offset), so that each is sent at most once whatever the task's retries. A reminder the
    clock passed without sending (a later one was due) is kept as skipped."""

    obligation = models.ForeignKey(
        Obligation,
        verbose_name=_("obligation"),
        on_delete=models.PROTECT,
        related_name="reminders",
    )
    offset_days = models.IntegerField(_("jours par rapport à l'échéance"))
    on = models.DateField(_("date du rappel"))
    email = models.ForeignKey(
        "core.OutgoingEmail",
        verbose_name=_("courriel"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    skipped = models.BooleanField(
        _("non envoyé (un rappel plus récent l'a remplacé)"), default=False
    )

    class Meta:
        verbose_name = _("rappel de reddition de comptes")
        verbose_name_plural = _("rappels de reddition de comptes")
        ordering = ["obligation", "offset_days"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "offset_days"], name="report_reminder_once"
            ),
        ]

    def __str__(self):
        return f"{self.obligation} ({self.offset_days:+d} j)"


class ClaimKind(models.TextChoices):
    UNUSED_FUNDS = "unused_funds", _("Somme non utilisée à l'expiration de la convention")
    MISUSED_FUNDS = "misused_funds", _("Somme utilisée à d'autres fins")
    UNCOMMITTED_ON_TERMINATION = (
        "uncommitted_on_termination",
        _("Somme non engagée à la résiliation"),
    )
    OVERPAYMENT = "overpayment", _("Trop-payé")


class ClaimState(models.TextChoices):
    OPEN = "open", _("À rembourser")
    REPAYMENT_AGREEMENT = "repayment_agreement", _("Entente de remboursement respectée")
    DEFAULTED = "defaulted", _("Entente de remboursement non respectée")
    SETTLED = "settled", _("Remboursée")


CLAIM_WORKFLOW = Workflow(
    "claim",
    ClaimState,
    initial=ClaimState.OPEN,
    transitions=[
        Transition(
            "agree_repayment",
            (ClaimState.OPEN,),
            ClaimState.REPAYMENT_AGREEMENT,
            "claim.repayment_agreed",
        ),
        Transition(
            "default",
            (ClaimState.REPAYMENT_AGREEMENT,),
            ClaimState.DEFAULTED,
            "claim.repayment_defaulted",
            reason_required=True,
        ),
        Transition(
            "reinstate",
            (ClaimState.DEFAULTED,),
            ClaimState.REPAYMENT_AGREEMENT,
            "claim.repayment_reinstated",
        ),
        Transition(
            "settle",
            (ClaimState.OPEN, ClaimState.REPAYMENT_AGREEMENT, ClaimState.DEFAULTED),
            ClaimState.SETTLED,
            "claim.settled",
        ),
    ],
)
OUTSTANDING_STATES = (ClaimState.OPEN, ClaimState.REPAYMENT_AGREEMENT, ClaimState.DEFAULTED)


class ClaimQuerySet(ScopedQuerySet):
    def outstanding(self):
        return self.filter(state__in=OUTSTANDING_STATES)

    def for_lists(self):
        return self.select_related("organization", "organization__region", "agreement")


class Claim(Record):
    """A sum the organization owes the ministry (clause 7; 6.2 on termination)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("convention"),
        on_delete=models.PROTECT,
        related_name="claims",
        null=True,
        blank=True,
    )
    fiscal_year = fiscal.fiscal_year_field()
    kind = models.CharField(_("nature"), max_length=30, choices=ClaimKind.choices)
    amount = models.DecimalField(_("montant dû"), max_digits=12, decimal_places=2)
    repaid_amount = models.DecimalField(
        _("montant remboursé"), max_digits=12, decimal_places=2, default=ZERO, editable=False
    )
    established_on = models.DateField(_("établie le"))
    due_on = models.DateField(_("à rembourser au plus tard le"))
    state = models.CharField(
        _("état"),
        max_length=30,
        choices=ClaimState.choices,
        default=ClaimState.OPEN,
        editable=False,
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = ClaimQuerySet.as_manager()
    workflow: ClassVar[Workflow] = CLAIM_WORKFLOW

    class Meta:
        verbose_name = _("créance")
        verbose_name_plural = _("créances")
        ordering = ["-established_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="claim_amount_positive",
                violation_error_message=_("Le montant dû doit être positif."),
            ),
            models.CheckConstraint(
                condition=Q(repaid_amount__gte=0) & Q(repaid_amount__lte=F("amount")),
                name="claim_repaid_within_amount",
                violation_error_message=_(
                    "Le montant remboursé doit être entre zéro et le montant dû."
                ),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("established_on")),
                name="claim_due_after_established",
                violation_error_message=_("L'échéance ne peut pas précéder l'établissement."),
            ),
            fiscal.fiscal_year_check("fiscal_year", "claim_fiscal_year_range"),
        ]

    def __str__(self):
        return _("Créance n° %(id)s") % {"id": self.pk}

    @property
    def balance(self) -> Decimal:
        return self.amount - self.repaid_amount

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.fiscal_year)


class OffsetState(models.TextChoices):
    PLANNED = "planned", _("Prévue sur le versement")
    APPLIED = "applied", _("Appliquée au versement")
    CANCELLED = "cancelled", _("Annulée")


OFFSET_WORKFLOW = Workflow(
    "claim_offset",
    OffsetState,
    initial=OffsetState.PLANNED,
    transitions=[
        Transition("apply", (OffsetState.PLANNED,), OffsetState.APPLIED, "offset.applied"),
        Transition(
            "cancel",
            (OffsetState.PLANNED,),
            OffsetState.CANCELLED,
            "offset.cancelled",
            reason_required=True,
        ),
    ],
)


class ClaimOffset(Record):
    """Part of a later installment kept back to repay a claim (7): the payment run's line
    transfers the rest; once paid, the kept part is the claim's recovery."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("créance"), on_delete=models.PROTECT, related_name="offsets"
    )
    installment = models.ForeignKey(
        "agreements.Installment",
        verbose_name=_("versement"),
        on_delete=models.PROTECT,
        related_name="offsets",
    )
    amount = models.DecimalField(_("montant compensé"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("motif"))
    state = models.CharField(
        _("état"),
        max_length=10,
        choices=OffsetState.choices,
        default=OffsetState.PLANNED,
        editable=False,
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    scope_path: ClassVar[str | None] = "claim__organization"
    workflow: ClassVar[Workflow] = OFFSET_WORKFLOW

    class Meta:
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="claim_offset_amount_positive",
                violation_error_message=_("Le montant compensé doit être positif."),
            ),
            # One offset on an installment at a time: its line says one claim.
            models.UniqueConstraint(
                fields=["installment"],
                condition=Q(state__in=[OffsetState.PLANNED, OffsetState.APPLIED]),
                name="claim_offset_one_per_installment",
                violation_error_message=_("Ce versement compense déjà une créance."),
            ),
        ]

    def __str__(self):
        return _("Compensation de la créance n° %(claim)s") % {"claim": self.claim_id}

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.claim.fiscal_year)
