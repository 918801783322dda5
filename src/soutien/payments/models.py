"""Payment runs (6.2): the installments a finance officer puts in a « lot de paiement » for a
month, approved by a second officer, sent to the ministry's financial system as a file, and
the results it returns.

A run freezes at approval: its lines (amounts and the supplier identification of each
organization), its control totals, and the files it produced (stored bytes: downloaded again,
never generated anew). A line changes once, from pending to paid or failed, through
`payments.actions`; an installment is in at most one live line and paid at most once (the
database refuses a second).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from soutien.agreements.models import Installment
from soutien.core import fiscal
from soutien.core.models import Record, RecordsAreKept, ScopedQuerySet
from soutien.core.workflow import Transition, Workflow
from soutien.rules import FiscalYear
from soutien.rules.text import french_month


class RunState(models.TextChoices):
    PREPARED = "prepared", _("Préparé, à approuver")
    APPROVED = "approved", _("Approuvé, transmis au système financier")
    CLOSED = "closed", _("Résultats enregistrés")
    CANCELLED = "cancelled", _("Annulé")


RUN_WORKFLOW = Workflow(
    "payment_run",
    RunState,
    initial=RunState.PREPARED,
    transitions=[
        Transition("approve", (RunState.PREPARED,), RunState.APPROVED, "payment_run.approved"),
        Transition(
            "cancel",
            (RunState.PREPARED,),
            RunState.CANCELLED,
            "payment_run.cancelled",
            reason_required=True,
        ),
        Transition("close", (RunState.APPROVED,), RunState.CLOSED, "payment_run.closed"),
    ],
)


class PaymentRunQuerySet(ScopedQuerySet):
    def for_lists(self):
        return self.select_related("prepared_by", "approved_by")


class PaymentRun(Record):
    """A « lot de paiement » for a month: what is payable then (6.2), frozen when approved."""

    reference = models.CharField(_("numéro du lot"), max_length=20, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("année"))
    month = models.PositiveSmallIntegerField(_("mois"))
    state = models.CharField(
        _("état"),
        max_length=20,
        choices=RunState.choices,
        default=RunState.PREPARED,
        editable=False,
    )
    line_count = models.PositiveIntegerField(_("nombre de lignes"), default=0, editable=False)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, editable=False)
    # What was left out at preparation, and why: [{installment, organization, reason}…].
    excluded = models.JSONField(_("versements exclus"), default=list, editable=False)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("préparé par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    prepared_at = models.DateTimeField(_("préparé le"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approuvé par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    approved_at = models.DateTimeField(_("approuvé le"), null=True, blank=True, editable=False)
    file_sha256 = models.CharField(
        _("empreinte SHA-256 du fichier"), max_length=64, blank=True, editable=False
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = PaymentRunQuerySet.as_manager()
    scope_path: ClassVar[str | None] = None  # ministry staff only
    workflow: ClassVar[Workflow] = RUN_WORKFLOW

    class Meta:
        verbose_name = _("lot de paiement")
        verbose_name_plural = _("lots de paiement")
        ordering = ["-year", "-month", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="payment_run_month_valid"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="payment_run_total_positive"),
            # Separation of duties: who prepares a run does not approve it.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("prepared_by")),
                name="payment_run_approved_by_another_person",
                violation_error_message=_(
                    "La personne qui a préparé le lot ne peut pas l'approuver."
                ),
            ),
            models.CheckConstraint(
                condition=Q(state=RunState.PREPARED)
                | Q(state=RunState.CANCELLED)
                | Q(approved_by__isnull=False, approved_at__isnull=False) & ~Q(file_sha256=""),
                name="payment_run_approved_is_complete",
                violation_error_message=_(
                    "Un lot approuvé porte son approbateur, sa date et l'empreinte de son fichier."
                ),
            ),
        ]

    def __str__(self):
        return _("Lot %(reference)s (%(month)s)") % {
            "reference": self.reference,
            "month": self.month_name,
        }

    @property
    def month_name(self) -> str:
        return french_month(self.year, self.month)

    @property
    def fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.year if self.month >= 4 else self.year - 1)

    def retention_fiscal_year(self) -> FiscalYear:
        return self.fiscal_year

    def immutable_reason(self):
        if getattr(self, "_stored_state", None) in (RunState.CLOSED, RunState.CANCELLED):
            return _("Un lot de paiement fermé ou annulé ne change plus.")
        return None


class LineState(models.TextChoices):
    PENDING = "pending", _("En attente du système financier")
    PAID = "paid", _("Versé")
    FAILED = "failed", _("Rejeté par le système financier")
    CANCELLED = "cancelled", _("Retiré (lot annulé)")


LIVE_LINE_STATES = (LineState.PENDING, LineState.PAID)
RESULT_FIELDS = frozenset(
    {"state", "payment_number", "paid_on", "failure_reason", "recorded_at", "recorded_by"}
)


class PaymentLineQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        # Only the actions move lines (their result); what the file says never changes.
        if set(kwargs) - RESULT_FIELDS:
            raise RuntimeError("A payment line's frozen fields never change.")
        return super().update(**kwargs)

    def delete(self):
        raise RecordsAreKept(self.model)


class PaymentLine(models.Model):
    """One installment in a run, with what identifies its payee in the financial system, as
    it was when the run was prepared (frozen: the file says exactly this)."""

    run = models.ForeignKey(
        PaymentRun, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="lines"
    )
    position = models.PositiveIntegerField(_("ligne"))
    installment = models.ForeignKey(
        Installment,
        verbose_name=_("versement"),
        on_delete=models.PROTECT,
        related_name="payment_lines",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="payment_lines",
    )
    fiscal_year = fiscal.fiscal_year_field()
    stream = models.PositiveSmallIntegerField(_("volet"))
    agreement_reference = models.CharField(_("convention"), max_length=30)
    due_label = models.CharField(_("échéance"), max_length=7)
    # What the financial system pays: the installment less an offset of a claim (7), if any.
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    offset_amount = models.DecimalField(
        _("compensation d'une créance"), max_digits=12, decimal_places=2, default=0
    )
    offset_claim = models.CharField(_("créance compensée"), max_length=40, blank=True)
    legal_name = models.CharField(_("nom légal"), max_length=200)
    neq = models.CharField(_("NEQ"), max_length=10)
    supplier_number = models.CharField(_("numéro de fournisseur"), max_length=20)
    bank_reference = models.CharField(_("référence bancaire"), max_length=40)
    state = models.CharField(
        _("état"), max_length=20, choices=LineState.choices, default=LineState.PENDING
    )
    payment_number = models.CharField(_("numéro de paiement"), max_length=30, blank=True)
    paid_on = models.DateField(_("versé le"), null=True, blank=True)
    failure_reason = models.CharField(_("motif du rejet"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("résultat inscrit par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("résultat inscrit le"), null=True, blank=True)

    objects = PaymentLineQuerySet.as_manager()
    scope_path: ClassVar[str | None] = "organization"

    class Meta:
        verbose_name = _("ligne de paiement")
        verbose_name_plural = _("lignes de paiement")
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="payment_line_position"),
            models.CheckConstraint(
                condition=Q(offset_amount__gte=0),
                name="payment_line_offset_not_negative",
                violation_error_message=_("Une ligne ne compense pas un montant négatif."),
            ),
            # An installment is in one live line at a time, and paid once (6.2).
            models.UniqueConstraint(
                fields=["installment"],
                condition=Q(state__in=LIVE_LINE_STATES),
                name="payment_line_installment_once",
                violation_error_message=_(
                    "Ce versement figure déjà dans un lot en cours ou est déjà versé."
                ),
            ),
            models.UniqueConstraint(
                fields=["payment_number"],
                condition=Q(state=LineState.PAID),
                name="payment_line_payment_number_once",
                violation_error_message=_("Ce numéro de paiement est déjà inscrit."),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_line_amount_positive"),
            models.CheckConstraint(
                condition=~Q(state=LineState.PAID)
                | Q(paid_on__isnull=False) & ~Q(payment_number=""),
                name="payment_line_paid_has_date_and_number",
            ),
            models.CheckConstraint(
                condition=~Q(state=LineState.FAILED) | ~Q(failure_reason=""),
                name="payment_line_failed_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.run.reference}#{self.position}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("A payment line changes only through payments.actions.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordsAreKept(type(self))

    @property
    def installment_amount(self):
        """The installment the line pays in full: what it transfers plus what it offsets."""
        return self.amount + self.offset_amount


class PaymentFile(models.Model):
    """A file an approved run produced, kept byte for byte (its SHA-256 beside it)."""

    run = models.ForeignKey(
        PaymentRun, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="files"
    )
    format = models.CharField(_("format"), max_length=20)
    name = models.CharField(_("nom du fichier"), max_length=100)
    content_type = models.CharField(_("type"), max_length=100)
    content = models.BinaryField(_("contenu"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("produit le"))

    class Meta:
        verbose_name = _("fichier de paiement")
        verbose_name_plural = _("fichiers de paiement")
        constraints = [
            models.UniqueConstraint(fields=["run", "format"], name="payment_file_one_per_format")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("A payment file is never generated anew.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordsAreKept(type(self))


class RunSequence(models.Model):
    """The last run number of a month; its row is locked while the next is taken."""

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="payment_run_sequence_month")
        ]

    def __str__(self):
        return f"{self.year}-{self.month:02d}: {self.last_number}"
