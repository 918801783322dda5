"""Budget envelopes per government fiscal year and stream, and what agreements commit."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from soutien.core import fiscal
from soutien.core.jsonutil import DecimalDecoder, DecimalEncoder
from soutien.core.models import Record, RecordsAreKept, ScopedQuerySet
from soutien.core.workflow import Transition, Workflow
from soutien.rules import FiscalYear

ZERO = Decimal("0")


class State(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    APPROVED = "approved", _("Crédits approuvés")
    CLOSED = "closed", _("Fermée")


WORKFLOW = Workflow(
    "budget_envelope",
    State,
    initial=State.DRAFT,
    transitions=[
        Transition("approve", (State.DRAFT,), State.APPROVED, "budget_envelope.approved"),
        Transition("close", (State.APPROVED,), State.CLOSED, "budget_envelope.closed"),
    ],
)


class EnvelopeQuerySet(ScopedQuerySet):
    def with_balances(self) -> list[BudgetEnvelope]:
        """The envelopes, each with `balance`: its money as the ledger says it (one query)."""
        from .ledger import Balance, balances

        envelopes = list(self)
        by_key = balances()
        for envelope in envelopes:
            envelope.balance = by_key.get((envelope.fiscal_year, envelope.stream), Balance())
        return envelopes


class BudgetEnvelope(Record):
    fiscal_year = fiscal.fiscal_year_field()
    stream = models.PositiveSmallIntegerField(
        _("volet"), choices=[(1, _("Volet 1")), (2, _("Volet 2"))]
    )
    amount = models.DecimalField(_("enveloppe"), max_digits=14, decimal_places=2)
    state = models.CharField(
        _("état"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False
    )
    notes = models.TextField(_("notes"), blank=True)
    # 6.2: payments depend on the credits approved by the Assemblée nationale; the manager
    # records when and under which reference they were.
    credits_approved_on = models.DateField(
        _("crédits approuvés le"), null=True, blank=True, editable=False
    )
    credits_reference = models.CharField(
        _("référence de l'approbation des crédits"), max_length=100, blank=True, editable=False
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = EnvelopeQuerySet.as_manager()
    scope_path: ClassVar[str | None] = None  # ministry staff only
    workflow: ClassVar[Workflow] = WORKFLOW

    class Meta:
        verbose_name = _("enveloppe budgétaire")
        verbose_name_plural = _("enveloppes budgétaires")
        ordering = ["-fiscal_year", "stream"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "stream"],
                name="budget_envelope_unique_year_stream",
                violation_error_message=_(
                    "Une enveloppe existe déjà pour cet exercice financier et ce volet."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_envelope_amount_not_negative",
                violation_error_message=_("L'enveloppe ne peut pas être négative."),
            ),
            fiscal.fiscal_year_check("fiscal_year", "budget_envelope_fiscal_year_range"),
            models.CheckConstraint(
                condition=Q(state=State.DRAFT)
                | (Q(credits_approved_on__isnull=False) & ~Q(credits_reference="")),
                name="budget_envelope_approved_has_date_and_reference",
                violation_error_message=_(
                    "Des crédits approuvés portent la date et la référence de leur approbation."
                ),
            ),
        ]

    @property
    def credits_approved(self) -> bool:
        return self.state == State.APPROVED

    def __str__(self):
        return _("Enveloppe %(fiscal_year)s, volet %(stream)s") % {
            "fiscal_year": fiscal.label(self.fiscal_year),
            "stream": self.stream,
        }

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.fiscal_year)


class ImmutableRecord(RuntimeError):
    """An approved allocation run and its lines never change (5.2)."""


class RegionReference(Record):
    """Reference figures of a region for ranking new attachment requests (5.2).

    The manager keeps them up to date; demo figures are marked as such.
    """

    region = models.OneToOneField(
        "organizations.Region",
        verbose_name=_("région administrative"),
        on_delete=models.PROTECT,
        related_name="reference",
    )
    attached_organizations = models.PositiveIntegerField(
        _("autres organismes rattachés sur le territoire")
    )
    immigrant_population = models.PositiveIntegerField(
        _("personnes immigrantes et de minorités ethnoculturelles sur le territoire")
    )
    source = models.CharField(_("source des données"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("données fictives de démonstration"), default=False)

    scope_path: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("données de référence régionales")
        verbose_name_plural = _("données de référence régionales")
        ordering = ["region"]

    def __str__(self):
        return str(self.region)


class RunState(models.TextChoices):
    DRAFT = "draft", _("Proposée")
    APPROVED = "approved", _("Approuvée")
    CANCELLED = "cancelled", _("Écartée")


RUN_WORKFLOW = Workflow(
    "allocation_run",
    RunState,
    initial=RunState.DRAFT,
    transitions=[
        Transition("approve", (RunState.DRAFT,), RunState.APPROVED, "allocation_run.approved"),
        Transition(
            "cancel",
            (RunState.DRAFT,),
            RunState.CANCELLED,
            "allocation_run.cancelled",
            reason_required=True,
        ),
    ],
)


class AllocationRunQuerySet(ScopedQuerySet):
    def for_lists(self):
        return self.select_related("envelope", "created_by", "approved_by")


class AllocationRun(Record):
    """The envelope of a fiscal year and stream, given to the evaluated dossiers in the order
    of 5.2. Approved, it never changes (code and database)."""

    envelope = models.ForeignKey(
        BudgetEnvelope,
        verbose_name=_("enveloppe"),
        on_delete=models.PROTECT,
        related_name="allocation_runs",
    )
    fiscal_year = fiscal.fiscal_year_field()
    stream = models.PositiveSmallIntegerField(
        _("volet"), choices=[(1, _("Volet 1")), (2, _("Volet 2"))]
    )
    state = models.CharField(
        _("état"), max_length=20, choices=RunState.choices, default=RunState.DRAFT, editable=False
    )
    envelope_amount = models.DecimalField(_("enveloppe"), max_digits=14, decimal_places=2)
    committed = models.DecimalField(
        _("déjà engagé au grand livre à la préparation"), max_digits=14, decimal_places=2
    )
    available = models.DecimalField(_("disponible"), max_digits=14, decimal_places=2)
    requested = models.DecimalField(_("montants demandés"), max_digits=14, decimal_places=2)
    funded = models.DecimalField(_("montants financés"), max_digits=14, decimal_places=2)
    shortfall = models.DecimalField(_("montant manquant"), max_digits=14, decimal_places=2)
    unused = models.DecimalField(_("solde non réparti"), max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("préparée par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_on = models.DateTimeField(_("préparée le"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approuvée par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    approved_at = models.DateTimeField(_("approuvée le"), null=True, blank=True, editable=False)
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = AllocationRunQuerySet.as_manager()
    scope_path: ClassVar[str | None] = None
    workflow: ClassVar[Workflow] = RUN_WORKFLOW

    class Meta:
        verbose_name = _("répartition de l'enveloppe")
        verbose_name_plural = _("répartitions de l'enveloppe")
        ordering = ["-fiscal_year", "stream", "-created_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(funded__lte=F("available")) | Q(funded=0),
                name="allocation_run_within_envelope",
                violation_error_message=_("La répartition dépasse l'enveloppe disponible."),
            ),
            models.CheckConstraint(
                condition=~Q(state=RunState.APPROVED)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="allocation_run_approved_has_author",
                violation_error_message=_("Une répartition approuvée doit avoir son auteur."),
            ),
            fiscal.fiscal_year_check("fiscal_year", "allocation_run_fiscal_year_range"),
        ]

    def __str__(self):
        return _("Répartition n° %(id)s, %(fiscal_year)s, volet %(stream)s") % {
            "id": self.pk,
            "fiscal_year": fiscal.label(self.fiscal_year),
            "stream": self.stream,
        }

    @property
    def fiscal_year_label(self) -> str:
        return fiscal.label(self.fiscal_year)

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.fiscal_year)

    def save(self, *args, **kwargs):
        if not self._state.adding and getattr(self, "_stored_state", None) == RunState.APPROVED:
            raise ImmutableRecord(_("Une répartition approuvée ne change plus."))
        super().save(*args, **kwargs)


class AllocationLineQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise ImmutableRecord(_("Les lignes d'une répartition ne se modifient pas en masse."))


class AllocationLine(models.Model):
    """One dossier in an allocation run, as it was when the run was prepared."""

    run = models.ForeignKey(
        AllocationRun, verbose_name=_("répartition"), on_delete=models.PROTECT, related_name="lines"
    )
    position = models.PositiveIntegerField(_("rang"))
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("demande"),
        on_delete=models.PROTECT,
        related_name="allocation_lines",
    )
    evaluation = models.ForeignKey(
        "evaluations.Evaluation",
        verbose_name=_("évaluation"),
        on_delete=models.PROTECT,
        related_name="allocation_lines",
    )
    tier = models.PositiveSmallIntegerField(_("priorité (5.2)"))
    amount = models.DecimalField(_("montant évalué"), max_digits=12, decimal_places=2)
    funded = models.BooleanField(_("financé"))
    attached_organizations = models.PositiveIntegerField(
        _("autres organismes rattachés"), null=True, blank=True
    )
    immigrant_population = models.PositiveIntegerField(
        _("population immigrante"), null=True, blank=True
    )
    reference_is_demo = models.BooleanField(_("données fictives de démonstration"), default=False)

    objects = AllocationLineQuerySet.as_manager()
    scope_path: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("ligne de répartition")
        verbose_name_plural = _("lignes de répartition")
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "application"], name="allocation_line_one_per_application"
            ),
            models.UniqueConstraint(
                fields=["run", "position"], name="allocation_line_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="allocation_line_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.run_id}#{self.position}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord(_("Une ligne de répartition ne change pas."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):

        raise RecordsAreKept(type(self))


# ---------------------------------------------------------------------------------------------
# The ledger: every amount the program votes, commits, pays, holds, releases or recovers.


class LedgerKind(models.TextChoices):
    CREDITS = "credits", _("Crédits de l'enveloppe")
    CREDITS_REDUCED = "credits_reduced", _("Réduction des crédits")
    COMMITMENT = "commitment", _("Engagement")
    INCREASE = "increase", _("Hausse de l'engagement")
    RELEASE = "release", _("Dégagement")
    PAYMENT = "payment", _("Versement")
    HOLD = "hold", _("Versements retenus (suspension)")
    HOLD_RELEASED = "hold_released", _("Retenue levée")
    CLAIM = "claim", _("Créance établie")
    RECOVERY = "recovery", _("Somme recouvrée")


COMMITMENT_KINDS = (LedgerKind.COMMITMENT, LedgerKind.INCREASE, LedgerKind.RELEASE)


class LedgerQuerySet(ScopedQuerySet):
    """Staff read the whole ledger; an organization's members its own entries."""

    def update(self, **kwargs):
        raise ImmutableRecord(_("Le grand livre ne se modifie pas : ajoutez une écriture."))

    def delete(self):
        raise RecordsAreKept(self.model)


class LedgerEntry(models.Model):
    """One movement of the program's money, append-only: the figures every page shows are its
    sums (`soutien.budget.ledger`). Written only by the action that causes it, in its
    transaction."""

    fiscal_year = fiscal.fiscal_year_field()
    stream = models.PositiveSmallIntegerField(
        _("volet"), choices=[(1, _("Volet 1")), (2, _("Volet 2"))]
    )
    kind = models.CharField(_("nature"), max_length=20, choices=LedgerKind.choices)
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    on = models.DateField(_("date de valeur"))
    at = models.DateTimeField(_("inscrite le"))
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        null=True,
        blank=True,
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        null=True,
        blank=True,
    )
    source_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("type de l'origine"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(_("identifiant de l'origine"))
    source_repr = models.CharField(_("origine"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    clause = models.CharField(_("clause"), max_length=20)
    reason = models.TextField(_("motif"), blank=True)

    objects = LedgerQuerySet.as_manager()
    scope_path: ClassVar[str | None] = "organization"

    class Meta:
        verbose_name = _("écriture du grand livre")
        verbose_name_plural = _("grand livre")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["fiscal_year", "stream", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="ledger_amount_positive",
                violation_error_message=_("Une écriture porte un montant positif."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[*COMMITMENT_KINDS, LedgerKind.PAYMENT, LedgerKind.HOLD])
                | Q(organization__isnull=False),
                name="ledger_money_of_an_organization",
            ),
            # One commitment per organization, fiscal year and stream (5.4, 5.6): a renewal
            # confirms the year of the agreement, never a second commitment.
            models.UniqueConstraint(
                fields=["organization", "fiscal_year", "stream"],
                condition=Q(kind=LedgerKind.COMMITMENT),
                name="ledger_one_commitment_per_organization_year_stream",
                violation_error_message=_(
                    "Cet organisme a déjà un engagement pour cet exercice financier et ce volet."
                ),
            ),
            # A dossier is funded at most once (5.2).
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind=LedgerKind.COMMITMENT),
                name="ledger_application_funded_once",
                violation_error_message=_("Ce dossier est déjà financé."),
            ),
            # An installment is paid once (6.2).
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=Q(kind=LedgerKind.PAYMENT),
                name="ledger_installment_paid_once",
                violation_error_message=_("Ce versement est déjà inscrit au grand livre."),
            ),
            fiscal.fiscal_year_check("fiscal_year", "ledger_fiscal_year_range"),
        ]

    def __str__(self):
        return f"{fiscal.label(self.fiscal_year)} V{self.stream} {self.kind} {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord(_("Le grand livre ne se modifie pas : ajoutez une écriture."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordsAreKept(type(self))


class NormsTrialQuerySet(ScopedQuerySet):
    def for_lists(self):
        return self.select_related("created_by").defer("draft_text", "figures")


class NormsTrial(models.Model):
    """A draft version of the norms tried on a campaign (issue 15): a report, never a decision.

    It keeps its inputs (the draft's text, the campaign, the credits), both versions' SHA-256
    and its figures as they were computed; the dossiers are not touched (decision 019).
    """

    created_at = models.DateTimeField(_("préparé le"), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("préparé par"),
        on_delete=models.PROTECT,
        related_name="norms_trials",
        editable=False,
    )
    fiscal_year = fiscal.fiscal_year_field()
    stream = models.PositiveSmallIntegerField(
        _("volet"), choices=[(1, _("Volet 1")), (2, _("Volet 2"))]
    )
    draft_name = models.CharField(_("fichier du projet de normes"), max_length=200)
    draft_text = models.TextField(_("texte du projet de normes"), editable=False)
    draft_version = models.CharField(_("version projetée"), max_length=40, editable=False)
    draft_sha256 = models.CharField(_("empreinte SHA-256 du projet"), max_length=64)
    base_version = models.CharField(_("version en vigueur"), max_length=40, editable=False)
    base_sha256 = models.CharField(_("empreinte SHA-256 de la version en vigueur"), max_length=64)
    available = models.DecimalField(_("crédits de l'enveloppe"), max_digits=14, decimal_places=2)
    dossiers = models.PositiveIntegerField(_("dossiers rejoués"), default=0)
    changed = models.PositiveIntegerField(_("dossiers changés"), default=0)
    not_replayed = models.PositiveIntegerField(_("dossiers non rejoués"), default=0)
    figures = models.JSONField(
        _("résultats"), encoder=DecimalEncoder, decoder=DecimalDecoder, editable=False
    )

    objects = NormsTrialQuerySet.as_manager()
    scope_path: ClassVar[str | None] = None  # ministry staff only

    class Meta:
        verbose_name = _("essai d'une version des normes")
        verbose_name_plural = _("essais de versions des normes")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Essai de « %(version)s » sur %(fiscal_year)s, volet %(stream)s") % {
            "version": self.draft_version,
            "fiscal_year": fiscal.label(self.fiscal_year),
            "stream": self.stream,
        }
