"""Accountability (clause 8): annual reports, other funding sources, and claims — sums to
refund, debts and repayment agreements, which feed the debt criterion of clause 4 and the
three-year commitments criterion of clause 3."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from soutien.core import fiscal
from soutien.core.models import Record, ScopedQuerySet
from soutien.core.workflow import Transition, Workflow
from soutien.organizations.models import FinancialReportTypeChoices
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
        return self.select_related("statements", "statements__organization")


class FundingSource(Record):
    """Another funding source disclosed (clause 8), as shown in given financial statements."""

    statements = models.ForeignKey(
        "organizations.FinancialStatements",
        verbose_name=_("états financiers"),
        on_delete=models.PROTECT,
        related_name="funding_sources",
    )
    funder = models.CharField(_("bailleur de fonds"), max_length=200)
    program = models.CharField(_("programme"), max_length=200, blank=True)
    level = models.CharField(_("provenance"), max_length=30, choices=FundingLevel.choices)
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)

    objects = FundingSourceQuerySet.as_manager()
    scope_path: ClassVar[str | None] = "statements__organization"

    class Meta:
        verbose_name = _("autre source de financement")
        verbose_name_plural = _("autres sources de financement")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="funding_source_amount_not_negative",
                violation_error_message=_("Le montant ne peut pas être négatif."),
            )
        ]

    def __str__(self):
        return self.funder


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
