"""What the program keeps and destroys (clause 7; Loi sur l'accès, art. 73), and a person's
requests about their own information (art. 83, 89).

A retention run is prepared as a dry run (its plan: `RetentionItem`), approved by another
person, then executed by a worker, one item per transaction; each destroyed item leaves one
`DestructionRecord`, which the database refuses to write twice for the same record.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from soutien.core.models import BackgroundJob, Record, RecordsAreKept
from soutien.core.workflow import Transition, Workflow


class HoldKind(models.TextChoices):
    DISPUTE = "dispute", _("Litige ou recours")
    AUDIT = "audit", _("Vérification ou enquête")
    OTHER = "other", _("Autre motif prévu par la loi")


class LegalHold(Record):
    """Keeps an organization's records (or one agreement's) past their retention: nothing
    under hold is destroyed until the hold is lifted. Open claims, open cases and open access
    requests hold by themselves (`privacy.holds`); this records the others."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="legal_holds",
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("convention (toutes si vide)"),
        on_delete=models.PROTECT,
        related_name="legal_holds",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("motif de conservation"), max_length=20, choices=HoldKind.choices)
    reason = models.TextField(_("précisions"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placée par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    placed_at = models.DateTimeField(_("placée le"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("levée par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    lifted_at = models.DateTimeField(_("levée le"), null=True, blank=True)
    lift_reason = models.TextField(_("motif de la levée"), blank=True)

    scope_path = None

    class Meta:
        verbose_name = _("conservation prolongée")
        verbose_name_plural = _("conservations prolongées")
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=HoldKind.values), name="legal_hold_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
                name="legal_hold_lifted_by_someone",
                violation_error_message=_("Une levée indique qui l'a faite et quand."),
            ),
        ]

    def __str__(self):
        return _("Conservation prolongée n° %(id)s (%(organization)s)") % {
            "id": self.pk,
            "organization": self.organization,
        }

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class RunState(models.TextChoices):
    PREPARED = "prepared", _("Essai à blanc, à approuver")
    APPROVED = "approved", _("Approuvée, en attente d'exécution")
    EXECUTING = "executing", _("En cours d'exécution")
    DONE = "done", _("Exécutée")
    CANCELLED = "cancelled", _("Annulée")


RUN_WORKFLOW = Workflow(
    "retention_run",
    RunState,
    initial=RunState.PREPARED,
    transitions=[
        Transition("approve", (RunState.PREPARED,), RunState.APPROVED, "retention.approved"),
        Transition(
            "cancel",
            (RunState.PREPARED, RunState.APPROVED),
            RunState.CANCELLED,
            "retention.cancelled",
            reason_required=True,
        ),
        Transition("execute", (RunState.APPROVED,), RunState.EXECUTING, "retention.started"),
        Transition("finish", (RunState.EXECUTING,), RunState.DONE, "retention.finished"),
    ],
)


class RetentionRun(Record):
    """One pass of the retention schedule: what is due on `as_of`, approved, then done."""

    as_of = models.DateField(_("échéances calculées au"))
    reason = models.TextField(_("motif de la passe"), blank=True)
    state = models.CharField(
        _("état"),
        max_length=20,
        choices=RunState.choices,
        default=RunState.PREPARED,
        editable=False,
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("préparée par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    prepared_at = models.DateTimeField(_("préparée le"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approuvée par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    approved_at = models.DateTimeField(_("approuvée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("exécutée le"), null=True, blank=True)
    job = models.ForeignKey(
        BackgroundJob,
        verbose_name=_("travail"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    scope_path = None
    workflow = RUN_WORKFLOW

    class Meta:
        verbose_name = _("passe de conservation")
        verbose_name_plural = _("passes de conservation")
        ordering = ["-prepared_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=RunState.values), name="retention_run_state_valid"
            ),
            # Separation of duties: the dry run is approved by another person.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("prepared_by")),
                name="retention_run_approved_by_another_person",
                violation_error_message=_(
                    "La passe doit être approuvée par une autre personne que celle qui l'a "
                    "préparée."
                ),
            ),
            models.CheckConstraint(
                condition=Q(state__in=(RunState.PREPARED, RunState.CANCELLED))
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="retention_run_executed_once_approved",
                violation_error_message=_("Une passe s'exécute seulement une fois approuvée."),
            ),
        ]

    def __str__(self):
        return _("Passe de conservation n° %(id)s au %(day)s") % {
            "id": self.pk,
            "day": self.as_of.isoformat(),
        }


class ItemState(models.TextChoices):
    PLANNED = "planned", _("À détruire")
    HELD = "held", _("Conservé : retenue")
    DESTROYED = "destroyed", _("Détruit")
    FAILED = "failed", _("Échec")


class RetentionItem(models.Model):
    """One record due for destruction in a run's plan, with its rule and what holds it."""

    run = models.ForeignKey(
        RetentionRun, verbose_name=_("passe"), on_delete=models.PROTECT, related_name="items"
    )
    rule = models.CharField(_("règle"), max_length=20)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(_("identifiant"))
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    label = models.CharField(_("désignation"), max_length=300)  # never a person's name
    clock_started_on = models.DateField(_("délai compté depuis le"))
    kept_until = models.DateField(_("conservé jusqu'au"))
    explanation = models.TextField(_("explication"))
    planned = models.JSONField(_("prévu"), default=dict)  # counts, by what is destroyed
    state = models.CharField(
        _("état"), max_length=20, choices=ItemState.choices, default=ItemState.PLANNED
    )
    note = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("élément d'une passe")
        verbose_name_plural = _("éléments des passes")
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "rule", "target_type", "target_id"], name="retention_item_once"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ItemState.values), name="retention_item_state_valid"
            ),
        ]

    def __str__(self):
        return self.label


class DestructionRecord(models.Model):
    """What a run destroyed, when, by whose approval, under which rule, and how much: never
    the destroyed content. Append-only; one per record and rule (the database refuses a
    second destruction)."""

    run = models.ForeignKey(
        RetentionRun,
        verbose_name=_("passe"),
        on_delete=models.PROTECT,
        related_name="destructions",
    )
    item = models.OneToOneField(
        RetentionItem,
        verbose_name=_("élément"),
        on_delete=models.PROTECT,
        related_name="destruction",
    )
    rule = models.CharField(_("règle"), max_length=20)
    provision = models.CharField(_("disposition appliquée"), max_length=200)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(_("identifiant"))
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    label = models.CharField(_("désignation"), max_length=300)
    pseudonym = models.CharField(_("pseudonyme"), max_length=40, blank=True)
    destroyed_at = models.DateTimeField(_("détruit le"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sur approbation de"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    counts = models.JSONField(_("décomptes"), default=dict)

    class Meta:
        verbose_name = _("procès-verbal de destruction")
        verbose_name_plural = _("procès-verbaux de destruction")
        ordering = ["destroyed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "target_type", "target_id"], name="destroyed_once"
            )
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordsAreKept(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordsAreKept(type(self))


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Accès à ses renseignements")
    CORRECTION = "correction", _("Rectification de renseignements")


class RequestState(models.TextChoices):
    OPEN = "open", _("À traiter")
    ANSWERED = "answered", _("Répondue")
    REFUSED = "refused", _("Refusée")


class PersonalInformationRequest(Record):
    """A person's request to see or correct what the program holds about them (Loi sur
    l'accès, art. 83 and 89), answered within the legal time limit (art. 98). An open request
    holds the person's records (no retention run destroys them meanwhile)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte de la personne"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisme concerné"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    requester = models.CharField(_("nom de la personne qui demande"), max_length=150)
    kind = models.CharField(_("nature de la demande"), max_length=20, choices=RequestKind.choices)
    received_on = models.DateField(_("reçue le"))
    due_on = models.DateField(_("réponse due au plus tard le"))
    details = models.TextField(_("objet de la demande"))
    state = models.CharField(
        _("état"), max_length=20, choices=RequestState.choices, default=RequestState.OPEN
    )
    answer = models.TextField(_("réponse"), blank=True)
    answered_on = models.DateField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("répondue par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inscrite par"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_path = None

    class Meta:
        verbose_name = _("demande d'accès ou de rectification")
        verbose_name_plural = _("demandes d'accès ou de rectification")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=RequestKind.values), name="pi_request_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=RequestState.values), name="pi_request_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("received_on")),
                name="pi_request_due_after_received",
                violation_error_message=_("L'échéance ne peut pas précéder la réception."),
            ),
            models.CheckConstraint(
                condition=Q(state=RequestState.OPEN)
                | Q(answered_on__isnull=False, answered_by__isnull=False),
                name="pi_request_answered_by_someone",
                violation_error_message=_("Une réponse indique qui l'a donnée et quand."),
            ),
        ]

    def __str__(self):
        return _("Demande n° %(id)s (%(kind)s)") % {"id": self.pk, "kind": self.get_kind_display()}
