"""Agreements (conventions d'aide financière, 5.4), their years, installments (6.2) and the
non-compliance actions of 5.5."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from soutien.core import fiscal
from soutien.core.jsonutil import DecimalDecoder, DecimalEncoder
from soutien.core.models import Record, ScopedQuerySet, StoredDocument
from soutien.core.workflow import Transition, Workflow
from soutien.rules import FiscalYear
from soutien.rules.text import french_month

ZERO = Decimal("0")
MAX_YEARS = 3  # 5.4; the norms parameter agreement_max_years, checked to agree in the tests


class State(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    ACTIVE = "active", _("Signée, en vigueur")
    SUSPENDED = "suspended", _("Versements suspendus")
    TERMINATED = "terminated", _("Résiliée")
    ENDED = "ended", _("Échue")


WORKFLOW = Workflow(
    "agreement",
    State,
    initial=State.DRAFT,
    transitions=[
        Transition("sign", (State.DRAFT,), State.ACTIVE, "agreement.signed"),
        Transition(
            "suspend", (State.ACTIVE,), State.SUSPENDED, "agreement.suspended", reason_required=True
        ),
        Transition("resume", (State.SUSPENDED,), State.ACTIVE, "agreement.resumed"),
        Transition(
            "terminate",
            (State.ACTIVE, State.SUSPENDED),
            State.TERMINATED,
            "agreement.terminated",
            reason_required=True,
        ),
        Transition("end", (State.ACTIVE,), State.ENDED, "agreement.ended"),
    ],
)


class ReferenceSequence(models.Model):
    """The last agreement number given for a fiscal year; its row is locked while the next
    number is taken, so two agreements prepared at once never get the same reference."""

    fiscal_year = fiscal.fiscal_year_field(unique=True)
    last_number = models.PositiveIntegerField(_("dernier numéro attribué"), default=0)

    class Meta:
        verbose_name = _("numérotation des conventions")
        verbose_name_plural = _("numérotations des conventions")

    def __str__(self):
        return f"{fiscal.label(self.fiscal_year)} : {self.last_number}"


class AgreementQuerySet(ScopedQuerySet):
    def for_lists(self):
        return self.select_related("organization", "organization__region")


class Agreement(Record):
    """A convention: its fiscal years (the government's calendar) and its own period."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("demande à l'origine"),
        on_delete=models.PROTECT,
        related_name="agreement",
    )
    reference = models.CharField(_("numéro de convention"), max_length=30, unique=True)
    stream = models.PositiveSmallIntegerField(
        _("volet"), choices=[(1, _("Volet 1")), (2, _("Volet 2"))]
    )
    start_fiscal_year = fiscal.fiscal_year_field(_("premier exercice financier"))
    duration_years = models.PositiveSmallIntegerField(
        _("durée (exercices)"), help_text=_("Au plus trois ans (5.4).")
    )
    starts_on = models.DateField(_("début de la convention"))
    ends_on = models.DateField(_("fin de la convention"))
    state = models.CharField(
        _("état"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False
    )
    signatory_name = models.CharField(
        _("signataire de l'organisme"),
        max_length=150,
        help_text=_("Désigné par la résolution du conseil d'administration (5.1)."),
    )
    signatory_title = models.CharField(
        _("fonction du ou de la signataire"), max_length=120, blank=True
    )
    signatory_resolution = models.ForeignKey(
        "applications.ApplicationDocument",
        verbose_name=_("résolution désignant le ou la signataire"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    ministry_representative = models.CharField(
        _("représentant·e du Ministère"), max_length=150, blank=True
    )
    signed_on = models.DateField(_("signée le"), null=True, blank=True, editable=False)
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = AgreementQuerySet.as_manager()
    workflow: ClassVar[Workflow] = WORKFLOW

    class Meta:
        verbose_name = _("convention d'aide financière")
        verbose_name_plural = _("conventions d'aide financière")
        ordering = ["-start_fiscal_year", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_years__gte=1, duration_years__lte=MAX_YEARS),
                name="agreement_at_most_three_years",
                violation_error_message=_("Une convention dure d'un à trois ans (5.4)."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="agreement_ends_after_start",
                violation_error_message=_("La fin de la convention doit suivre son début."),
            ),
            fiscal.fiscal_year_check("start_fiscal_year", "agreement_fiscal_year_range"),
            models.CheckConstraint(
                condition=Q(state=State.DRAFT) | Q(signed_on__isnull=False),
                name="agreement_signed_has_date",
                violation_error_message=_("Une convention signée doit avoir sa date de signature."),
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def fiscal_years(self) -> list[FiscalYear]:
        return [FiscalYear(self.start_fiscal_year + i) for i in range(self.duration_years)]

    @property
    def last_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.start_fiscal_year + self.duration_years - 1)

    def retention_fiscal_year(self) -> FiscalYear:
        return self.last_fiscal_year

    def clean(self):

        errors = {}
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = _("La fin de la convention doit suivre son début.")
        if self.duration_years and not 1 <= self.duration_years <= MAX_YEARS:
            errors["duration_years"] = _("Une convention dure d'un à trois ans (5.4).")
        elif self.start_fiscal_year and self.duration_years and self.starts_on and self.ends_on:
            first, last = FiscalYear(self.start_fiscal_year), self.last_fiscal_year
            if self.starts_on < first.starts_on:
                errors.setdefault(
                    "starts_on",
                    _("La convention ne peut pas commencer avant le premier exercice financier."),
                )
            if self.ends_on > last.ends_on:
                errors.setdefault(
                    "ends_on",
                    _("La convention ne peut pas finir après son dernier exercice financier."),
                )
        if errors:
            raise ValidationError(errors)


class AgreementDocumentKind(models.TextChoices):
    SIGNED_AGREEMENT = "signed_agreement", _("Convention signée")
    NOTICE = "notice", _("Avis à l'organisme")
    OTHER = "other", _("Autre document")


class AgreementDocument(StoredDocument):
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("convention"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("document"), max_length=30, choices=AgreementDocumentKind.choices)

    scope_path: ClassVar[str | None] = "agreement__organization"

    class Meta:
        verbose_name = _("document de convention")
        verbose_name_plural = _("documents des conventions")
        ordering = ["agreement", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind", "number"], name="agreement_document_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="agreement_document_version_positive"
            ),
        ]


class YearState(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    CONFIRMED = "confirmed", _("Confirmée")
    WITHDRAWN = "withdrawn", _("Retirée")


YEAR_WORKFLOW = Workflow(
    "agreement_year",
    YearState,
    initial=YearState.PLANNED,
    transitions=[
        Transition(
            "confirm", (YearState.PLANNED,), YearState.CONFIRMED, "agreement_year.confirmed"
        ),
        Transition(
            "withdraw",
            (YearState.PLANNED, YearState.CONFIRMED),
            YearState.WITHDRAWN,
            "agreement_year.withdrawn",
            reason_required=True,
        ),
    ],
)


class AgreementYearQuerySet(ScopedQuerySet):
    def for_lists(self):
        return self.select_related("agreement", "agreement__organization")

    def awaiting_renewal(self):
        """Years 2 and 3 of active agreements not yet confirmed: each needs its renewal (5.6)."""
        return (
            self.filter(
                year_number__gte=2,
                state=YearState.PLANNED,
                agreement__state=State.ACTIVE,
            )
            .select_related("agreement", "agreement__organization")
            .order_by("fiscal_year")
        )


class AgreementYear(Record):
    """One fiscal year of an agreement: its amount and, after the first, its renewal (5.6)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("convention"), on_delete=models.PROTECT, related_name="years"
    )
    # The agreement's organization and stream, kept on the year so that the database can
    # refuse a second year for one organization, fiscal year and stream (5.6).
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="agreement_years",
        editable=False,
    )
    stream = models.PositiveSmallIntegerField(
        _("volet"), choices=[(1, _("Volet 1")), (2, _("Volet 2"))], editable=False
    )
    year_number = models.PositiveSmallIntegerField(_("année de la convention"))
    fiscal_year = fiscal.fiscal_year_field()
    amount = models.DecimalField(_("montant annuel"), max_digits=12, decimal_places=2)
    decision = models.ForeignKey(
        "evaluations.Decision",
        verbose_name=_("décision qui fixe le montant"),
        on_delete=models.PROTECT,
        related_name="agreement_years",
        null=True,
        blank=True,
        editable=False,
    )
    amount_basis = models.JSONField(
        _("calcul du montant"),
        encoder=DecimalEncoder,
        decoder=DecimalDecoder,
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "D'où vient le montant : la décision, ou la prévision des normes de l'exercice "
            "(6.1), avec sa version et ses lignes."
        ),
    )
    state = models.CharField(
        _("état"),
        max_length=20,
        choices=YearState.choices,
        default=YearState.PLANNED,
        editable=False,
    )
    renewal_application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("formulaire de reconduction"),
        on_delete=models.PROTECT,
        related_name="renewed_year",
        null=True,
        blank=True,
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = AgreementYearQuerySet.as_manager()
    scope_path: ClassVar[str | None] = "agreement__organization"
    workflow: ClassVar[Workflow] = YEAR_WORKFLOW

    class Meta:
        verbose_name = _("année de convention")
        verbose_name_plural = _("années de convention")
        ordering = ["agreement", "year_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year_number"], name="agreement_year_unique_number"
            ),
            models.UniqueConstraint(
                fields=["agreement", "fiscal_year"], name="agreement_year_unique_fiscal_year"
            ),
            models.CheckConstraint(
                condition=Q(year_number__gte=1, year_number__lte=MAX_YEARS),
                name="agreement_year_number_range",
                violation_error_message=_("Une convention compte au plus trois années (5.4)."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="agreement_year_amount_not_negative",
                violation_error_message=_("Le montant annuel ne peut pas être négatif."),
            ),
            fiscal.fiscal_year_check("fiscal_year", "agreement_year_fiscal_year_range"),
            models.UniqueConstraint(
                fields=["organization", "fiscal_year", "stream"],
                condition=~Q(state=YearState.WITHDRAWN),
                name="agreement_year_one_per_organization_year_stream",
                violation_error_message=_(
                    "Une convention couvre déjà cet exercice pour cet organisme et ce volet : "
                    "une reconduction confirme son année (5.6)."
                ),
            ),
        ]

    def __str__(self):
        return (
            f"{self.agreement_id and self.agreement.reference} — {fiscal.label(self.fiscal_year)}"
        )

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.fiscal_year)

    @property
    def fiscal_year_label(self) -> str:
        return fiscal.label(self.fiscal_year)

    def save(self, *args, **kwargs):
        # The parties are the agreement's, always (the constraint of 5.6 reads them here).
        if self.agreement_id is not None and (self.organization_id is None or not self.stream):
            self.organization_id = self.agreement.organization_id
            self.stream = self.agreement.stream
        super().save(*args, **kwargs)


class InstallmentState(models.TextChoices):
    SCHEDULED = "scheduled", _("Prévu")
    PAID = "paid", _("Versé")
    SUSPENDED = "suspended", _("Suspendu")
    CANCELLED = "cancelled", _("Annulé")


INSTALLMENT_WORKFLOW = Workflow(
    "installment",
    InstallmentState,
    initial=InstallmentState.SCHEDULED,
    transitions=[
        Transition("pay", (InstallmentState.SCHEDULED,), InstallmentState.PAID, "installment.paid"),
        Transition(
            "suspend",
            (InstallmentState.SCHEDULED,),
            InstallmentState.SUSPENDED,
            "installment.suspended",
            reason_required=True,
        ),
        Transition(
            "resume",
            (InstallmentState.SUSPENDED,),
            InstallmentState.SCHEDULED,
            "installment.resumed",
        ),
        Transition(
            "cancel",
            (InstallmentState.SCHEDULED, InstallmentState.SUSPENDED),
            InstallmentState.CANCELLED,
            "installment.cancelled",
            reason_required=True,
        ),
    ],
)


class InstallmentQuerySet(ScopedQuerySet):
    def for_lists(self):
        return self.select_related(
            "agreement_year",
            "agreement_year__agreement",
            "agreement_year__agreement__organization",
        )


class Installment(Record):
    """A payment of an agreement year (6.2: two equal installments, November and March)."""

    agreement_year = models.ForeignKey(
        AgreementYear,
        verbose_name=_("année de convention"),
        on_delete=models.PROTECT,
        related_name="installments",
    )
    sequence = models.PositiveSmallIntegerField(_("numéro du versement"))
    due_year = models.PositiveSmallIntegerField(_("année d'échéance"))
    due_month = models.PositiveSmallIntegerField(_("mois d'échéance"))
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    state = models.CharField(
        _("état"),
        max_length=20,
        choices=InstallmentState.choices,
        default=InstallmentState.SCHEDULED,
        editable=False,
    )
    paid_on = models.DateField(_("versé le"), null=True, blank=True, editable=False)
    payment_number = models.CharField(
        _("numéro de paiement"), max_length=30, blank=True, editable=False
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = InstallmentQuerySet.as_manager()
    scope_path: ClassVar[str | None] = "agreement_year__agreement__organization"
    workflow: ClassVar[Workflow] = INSTALLMENT_WORKFLOW

    class Meta:
        verbose_name = _("versement")
        verbose_name_plural = _("versements")
        ordering = ["due_year", "due_month", "agreement_year", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement_year", "sequence"],
                name="installment_unique_sequence",
                violation_error_message=_("Ce numéro de versement existe déjà pour cette année."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="installment_amount_not_negative",
                violation_error_message=_("Le montant du versement ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=Q(due_month__gte=1, due_month__lte=12),
                name="installment_due_month_valid",
                violation_error_message=_("Le mois d'échéance doit aller de 1 à 12."),
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1), name="installment_sequence_positive"
            ),
            models.CheckConstraint(
                condition=~Q(state=InstallmentState.PAID) | Q(paid_on__isnull=False),
                name="installment_paid_has_date",
                violation_error_message=_("Un versement versé doit avoir sa date de versement."),
            ),
        ]

    def __str__(self):
        return _("Versement %(sequence)s de %(month)s") % {
            "sequence": self.sequence,
            "month": self.due_label,
        }

    @property
    def due_label(self) -> str:
        return f"{self.due_year}-{self.due_month:02d}"

    @property
    def due_month_name(self) -> str:
        """« novembre 2019 », as a person reads it."""
        return french_month(self.due_year, self.due_month)

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.due_year if self.due_month >= 4 else self.due_year - 1)

    def immutable_reason(self):
        # 6.2: money paid is history; a correction is a revision or a claim, never an edit.
        if getattr(self, "_stored_state", None) == InstallmentState.PAID:
            return _(
                "Un versement versé ne change plus (6.2) : une correction passe par une révision "
                "de la convention ou une créance."
            )
        return None


class NonComplianceKind(models.TextChoices):
    REVISION = "revision", _("Révision de la contribution")
    SUSPENSION = "suspension", _("Suspension des versements")
    TERMINATION = "termination", _("Résiliation avec préavis")


class NonComplianceQuerySet(ScopedQuerySet):
    def for_lists(self):
        return self.select_related("agreement", "agreement__organization")


class NonComplianceAction(Record):
    """A measure of 5.5 (revision, suspension, termination with the 30-day notice of 6.2)."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("convention"),
        on_delete=models.PROTECT,
        related_name="non_compliance_actions",
    )
    kind = models.CharField(_("mesure"), max_length=20, choices=NonComplianceKind.choices)
    decided_on = models.DateField(_("décidée le"))
    notice_sent_on = models.DateField(_("préavis envoyé le"), null=True, blank=True)
    effective_on = models.DateField(_("en vigueur le"))
    reason = models.TextField(_("motifs"))
    revised_amount = models.DecimalField(
        _("nouveau montant annuel"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = NonComplianceQuerySet.as_manager()
    scope_path: ClassVar[str | None] = "agreement__organization"

    class Meta:
        verbose_name = _("mesure de non-respect")
        verbose_name_plural = _("mesures de non-respect")
        ordering = ["-decided_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_on__gte=F("decided_on")),
                name="non_compliance_effective_after_decision",
                violation_error_message=_("La mesure ne peut pas prendre effet avant sa décision."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=NonComplianceKind.TERMINATION)
                | Q(notice_sent_on__isnull=False, effective_on__gt=F("notice_sent_on")),
                name="non_compliance_termination_has_notice",
                violation_error_message=_("Une résiliation exige un préavis (6.2)."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=NonComplianceKind.REVISION) | Q(revised_amount__gte=0),
                name="non_compliance_revision_has_amount",
                violation_error_message=_(
                    "Une révision indique le nouveau montant, qui ne peut pas être négatif."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.decided_on.isoformat()}"

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear.containing(self.effective_on)


# --- Non-compliance cases and the measures proposed in them (5.5, 6.2, 7) ---------------------


class Breach(models.TextChoices):
    """What was not respected: the agreement's obligations (5.5), the use of the sums (7), the
    accountability of 8, or the conditions a later year still requires (5.6)."""

    AGREEMENT = "agreement", _("Une obligation de la convention (5.5)")
    USE_OF_FUNDS = "use_of_funds", _("Sommes utilisées à d'autres fins (7)")
    ACCOUNTABILITY = "accountability", _("Reddition de comptes (8)")
    ELIGIBILITY = "eligibility", _("Conditions d'admissibilité (5.6)")


class CaseState(models.TextChoices):
    OPEN = "open", _("Ouvert")
    CLOSED = "closed", _("Fermé")


CASE_WORKFLOW = Workflow(
    "non_compliance_case",
    CaseState,
    initial=CaseState.OPEN,
    transitions=[
        Transition(
            "close", (CaseState.OPEN,), CaseState.CLOSED, "case.closed", reason_required=True
        ),
    ],
)


class CaseQuerySet(ScopedQuerySet):
    def for_lists(self):
        return self.select_related("agreement", "agreement__organization", "opened_by")


class NonComplianceCase(Record):
    """A finding that an agreement is not respected: the measures of 5.5 are proposed in it."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("convention"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    breach = models.CharField(_("ce qui n'est pas respecté"), max_length=20, choices=Breach.choices)
    clause = models.CharField(
        _("article de la convention ou clause du programme"),
        max_length=120,
        help_text=_("Par exemple : « article 4.2 de la convention » ou « clause 7 »."),
    )
    finding = models.TextField(_("constat"))
    found_on = models.DateField(_("constaté le"))
    state = models.CharField(
        _("état"), max_length=10, choices=CaseState.choices, default=CaseState.OPEN, editable=False
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ouvert par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = CaseQuerySet.as_manager()
    scope_path: ClassVar[str | None] = "agreement__organization"
    workflow: ClassVar[Workflow] = CASE_WORKFLOW

    class Meta:
        verbose_name = _("dossier de non-respect")
        verbose_name_plural = _("dossiers de non-respect")
        ordering = ["-found_on", "-pk"]

    def __str__(self):
        return _("Dossier de non-respect du %(date)s") % {"date": self.found_on.isoformat()}

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear.containing(self.found_on)


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("Proposée, à approuver")
    APPROVED = "approved", _("Approuvée et appliquée")
    REJECTED = "rejected", _("Refusée")


PROPOSAL_WORKFLOW = Workflow(
    "measure_proposal",
    ProposalState,
    initial=ProposalState.PROPOSED,
    transitions=[
        Transition(
            "approve", (ProposalState.PROPOSED,), ProposalState.APPROVED, "measure.approved"
        ),
        Transition(
            "reject",
            (ProposalState.PROPOSED,),
            ProposalState.REJECTED,
            "measure.rejected",
            reason_required=True,
        ),
    ],
)


class ProposalQuerySet(ScopedQuerySet):
    def for_lists(self):
        return self.select_related(
            "case", "case__agreement", "agreement_year", "proposed_by", "reviewed_by", "measure"
        )


class MeasureProposal(Record):
    """A measure of 5.5 as one person proposes it; another approves it, which applies it
    (`NonComplianceAction`) and sends its letter (separation of duties)."""

    case = models.ForeignKey(
        NonComplianceCase,
        verbose_name=_("dossier de non-respect"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    kind = models.CharField(_("mesure"), max_length=20, choices=NonComplianceKind.choices)
    legal_basis = models.CharField(
        _("fondement"),
        max_length=200,
        help_text=_("La clause du programme et l'article de la convention qui fondent la mesure."),
    )
    reason = models.TextField(_("motifs"))
    # Revision (5.5): the year and its new amount.
    agreement_year = models.ForeignKey(
        AgreementYear,
        verbose_name=_("année révisée"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    revised_amount = models.DecimalField(
        _("nouveau montant annuel"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # The year's amount when the revision was approved: the letter says « from … to … ».
    previous_amount = models.DecimalField(
        _("montant annuel avant la révision"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    # Suspension (5.5): what to remedy, and by when.
    remedy = models.TextField(_("ce que l'organisme doit corriger"), blank=True)
    remedy_due_on = models.DateField(_("à corriger au plus tard le"), null=True, blank=True)
    # Termination (5.5, 6.2): in effect at least 30 days after the notice, which is the letter.
    effective_on = models.DateField(_("prend effet le"), null=True, blank=True)
    state = models.CharField(
        _("état"),
        max_length=10,
        choices=ProposalState.choices,
        default=ProposalState.PROPOSED,
        editable=False,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposée par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposée le"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approuvée ou refusée par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    reviewed_at = models.DateTimeField(
        _("approuvée ou refusée le"), null=True, blank=True, editable=False
    )
    measure = models.OneToOneField(
        NonComplianceAction,
        verbose_name=_("mesure appliquée"),
        on_delete=models.PROTECT,
        related_name="proposal",
        null=True,
        blank=True,
        editable=False,
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = ProposalQuerySet.as_manager()
    scope_path: ClassVar[str | None] = "case__agreement__organization"
    workflow: ClassVar[Workflow] = PROPOSAL_WORKFLOW

    class Meta:
        verbose_name = _("mesure proposée")
        verbose_name_plural = _("mesures proposées")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            # Separation of duties: who proposes a measure does not approve it.
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("proposed_by")),
                name="measure_reviewed_by_another_person",
                violation_error_message=_(
                    "La personne qui a proposé la mesure ne peut pas l'approuver ni la refuser."
                ),
            ),
            models.CheckConstraint(
                condition=Q(state=ProposalState.PROPOSED)
                | Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
                name="measure_reviewed_is_complete",
                violation_error_message=_("Une mesure approuvée ou refusée porte qui et quand."),
            ),
            models.CheckConstraint(
                condition=~Q(state=ProposalState.APPROVED) | Q(measure__isnull=False),
                name="measure_approved_is_applied",
                violation_error_message=_("Une mesure approuvée est appliquée."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=NonComplianceKind.REVISION)
                | Q(agreement_year__isnull=False, revised_amount__gte=0),
                name="measure_revision_has_year_and_amount",
                violation_error_message=_(
                    "Une révision indique l'année et son nouveau montant, qui ne peut pas être "
                    "négatif."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind=NonComplianceKind.SUSPENSION)
                | (Q(remedy_due_on__isnull=False) & ~Q(remedy="")),
                name="measure_suspension_has_remedy",
                violation_error_message=_(
                    "Une suspension dit ce que l'organisme doit corriger et pour quand (5.5)."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind=NonComplianceKind.TERMINATION) | Q(effective_on__isnull=False),
                name="measure_termination_has_effective_date",
                violation_error_message=_("Une résiliation indique sa date d'effet (6.2)."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.get_state_display()}"

    @property
    def agreement(self) -> Agreement:
        return self.case.agreement

    def immutable_reason(self) -> str | None:
        stored = getattr(self, "_stored_state", None)
        if stored is not None and stored != ProposalState.PROPOSED:
            return _("Une mesure approuvée ou refusée ne change plus (5.5).")
        return None

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear.containing(self.proposed_at.date())


class RenewalReview(Record):
    """The advisor's review of a renewal form (5.6): has the organization continuously met the
    agreement's requirements (from its measures, reports and claims)? A year 2 or 3 is
    confirmed only after a review that says so."""

    year = models.ForeignKey(
        AgreementYear,
        verbose_name=_("année reconduite"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("formulaire de reconduction"),
        on_delete=models.PROTECT,
        related_name="renewal_review",
    )
    # The renewal form's answer, as it was when reviewed: « satisfait toujours » (5.6).
    eligibility_confirmed = models.BooleanField(
        _("l'organisme déclare satisfaire toujours aux conditions d'admissibilité")
    )
    requirements_met = models.BooleanField(
        _("les exigences de la convention ont été respectées de façon continue")
    )
    evidence = models.TextField(_("constats (mesures, redditions de comptes, créances)"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revue par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("revue le"))
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    scope_path: ClassVar[str | None] = None  # the ministry's assessment: staff only

    class Meta:
        verbose_name = _("revue de reconduction")
        verbose_name_plural = _("revues de reconduction")
        ordering = ["-reviewed_at"]

    def __str__(self):
        return _("Revue de reconduction — année %(number)s") % {"number": self.year.year_number}

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.year.fiscal_year)
