"""Shared building blocks: the base Record, scoped querysets, the journal, stored documents."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

from . import clock
from .files import get_private_storage
from .jsonutil import DecimalDecoder, DecimalEncoder
from .retention import retention_until
from .workflow import StateChangedOutsideWorkflow, Workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User


class RecordsAreKept(RuntimeError):
    """Nothing is hard-deleted: records are archived or change state (clause 7)."""

    def __init__(self, model: type[models.Model] | None = None):
        super().__init__(
            _("Aucun enregistrement n'est supprimé : archivez-le ou changez son état.")
        )


class StaleRecord(ValidationError):
    """Someone saved the record since it was read (optimistic locking)."""


class FrozenRecord(ValidationError):
    """The record reached a state in which it no longer changes (a paid installment, a decision
    taken): refused here with its reason, and by the database (decision 008)."""


STALE_MESSAGE = _(
    "Cet enregistrement a été modifié par une autre personne depuis que vous l'avez ouvert. "
    "Rechargez la page pour voir ses changements, puis refaites les vôtres."
)


def is_ministry_staff(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or getattr(user, "is_ministry_staff", False))
    )


class ScopedQuerySet(models.QuerySet):
    """Access starts here: `Model.objects.for_user(user)` (STYLE.md §5).

    Ministry staff see every row; a member of an organization sees the rows of the
    organizations they belong to (through `Model.scope_path`); a model with no scope path is
    for ministry staff only; anyone else sees nothing.
    """

    def for_user(self, user: Any) -> ScopedQuerySet:
        if is_ministry_staff(user):
            return self.all()
        path = getattr(self.model, "scope_path", None)
        if path is None or user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if not user.is_active:
            return self.none()
        # The memberships are the organizations app's; core reads them through the user's
        # reverse relation so that it imports no business app.
        organizations = user.memberships.filter(is_active=True).values("organization_id")
        lookup = "pk__in" if path == "" else f"{path}__in"
        return self.filter(**{lookup: organizations})

    def delete(self):
        raise RecordsAreKept(self.model)

    delete.queryset_only = True

    def update(self, **kwargs):
        workflow = getattr(self.model, "workflow", None)
        if workflow is not None and workflow.field in kwargs:
            raise StateChangedOutsideWorkflow(
                f"{self.model.__name__}.{workflow.field} changes only through transition()"
            )
        return super().update(**kwargs)


class _HistoryManager(HistoryManager):
    """simple-history's manager, whose class is built once per queryset class: the library
    builds it anew on every read of `Model.history` (inspect.getmembers, about 1 ms), and it
    reads it on every save of a record."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class Record(models.Model):
    """Base of business models: audited, never deleted, optimistic locking, guarded state.

    - history: django-simple-history records who changed what, before and after;
    - `version` is checked and incremented on every save: two staff members editing the same
      record cannot silently overwrite each other (StaleRecord);
    - a model with a `workflow` changes its state field only through `core.workflow.transition`;
    - a model defining `retention_fiscal_year()` stores `retention_until` (clause 7);
    - a stored record whose `immutable_reason()` gives a reason is neither saved nor deleted
      (FrozenRecord), before the database's trigger refuses it (decision 008).
    """

    # On the program clock (as the history rows, see save): when it happened in the program.
    created_at = models.DateTimeField(_("créé le"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), default=clock.now, editable=False)
    version = models.PositiveIntegerField(
        _("version de l'enregistrement"), default=1, editable=False
    )

    history = HistoricalRecords(inherit=True, history_manager=_HistoryManager)
    objects = ScopedQuerySet.as_manager()

    scope_path: ClassVar[str | None] = "organization"
    workflow: ClassVar[Workflow | None] = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self._refuse_if_frozen()
        self._check_state_change()
        self.compute_retention()
        self.updated_at = self._history_date = clock.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "version",
                "updated_at",
                "retention_until",
            } & {f.name for f in self._meta.concrete_fields}
        if self._state.adding:
            super().save(*args, **kwargs)
        else:
            # One UPDATE … WHERE version = expected (see _do_update): atomic on any database.
            expected = self.version
            self.version = expected + 1
            self._expected_version = expected
            try:
                # A savepoint: a stale save is refused without breaking the caller's transaction.
                with transaction.atomic(using=kwargs.get("using") or "default"):
                    super().save(*args, **kwargs)
            except BaseException:
                self.version = expected
                raise
            finally:
                self._expected_version = None
        if self.workflow is not None:
            self._stored_state = getattr(self, self.workflow.field)

    def immutable_reason(self) -> str | None:
        """Why this stored record no longer changes, or None while it may (decision 008)."""
        return None

    def _refuse_if_frozen(self) -> None:
        reason = self.immutable_reason()
        if reason is not None:
            raise FrozenRecord(reason, code="immutable")

    def _check_state_change(self) -> None:
        workflow = self.workflow
        if workflow is None or getattr(self, "_transition_allowed", False):
            return
        current = getattr(self, workflow.field)
        if self._state.adding:
            expected = workflow.initial
        else:
            expected = getattr(self, "_stored_state", current)
        if current != expected:
            raise StateChangedOutsideWorkflow(
                f"{type(self).__name__}.{workflow.field}: {expected!r} → {current!r} outside "
                "transition()"
            )

    def _do_update(self, base_qs, using, pk_val, values, *args, **kwargs):
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, *args, **kwargs)
        updated = super()._do_update(
            base_qs.filter(version=expected), using, pk_val, values, *args, **kwargs
        )
        if not updated:
            raise StaleRecord(STALE_MESSAGE, code="stale")
        return updated

    def validate(self) -> None:
        """full_clean() with French messages, without re-reading related objects given as
        instances (one query each); constraints are all checked."""
        given = [f.name for f in self._meta.concrete_fields if f.is_relation and f.is_cached(self)]
        self.full_clean(exclude=given, validate_constraints=False)
        if not _constraints_left_to_database.get():
            self.validate_constraints()

    def compute_retention(self) -> None:
        """Store `retention_until` (clause 7) for a model that defines retention_fiscal_year()."""
        retention = getattr(self, "retention_fiscal_year", None)
        if retention is not None and hasattr(self, "retention_until"):
            last = retention()
            self.retention_until = None if last is None else retention_until(last)

    def save_as(self, user: User | None, **kwargs) -> None:
        """Save, recording `user` as the author in the history."""
        self._history_user = user
        self.save(**kwargs)

    def delete(self, *args, **kwargs):
        if not self._state.adding:
            self._refuse_if_frozen()
        raise RecordsAreKept(type(self))

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if cls.workflow is not None and cls.workflow.field in field_names:
            instance._stored_state = getattr(instance, cls.workflow.field)
        return instance

    def scope_organization_id(self) -> int | None:
        """The id of the organization this record belongs to, following `scope_path`."""
        path = self.scope_path
        if path is None:
            return None
        if path == "":
            return self.pk
        target: Any = self
        *parts, last = path.split("__")
        for part in parts:
            target = getattr(target, part)
            if target is None:
                return None
        return getattr(target, f"{last}_id")


_constraints_left_to_database = ContextVar("constraints_left_to_database", default=False)


@contextmanager
def constraints_left_to_database() -> Iterator[None]:
    """Within: Record.validate() leaves the models' constraints to the database, which holds
    the same ones (refused there as IntegrityError, without the French message). For data
    generated valid, the demo (decision 012): checking them first costs one query each."""
    token = _constraints_left_to_database.set(True)
    try:
        yield
    finally:
        _constraints_left_to_database.reset(token)


class JournalQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise RecordsAreKept(self.model)

    def for_subject(self, record: models.Model) -> JournalQuerySet:
        return self.filter(
            subject_type=ContentType.objects.get_for_model(record), subject_id=record.pk
        )


class JournalEntry(models.Model):
    """One event of a workflow, append-only (STYLE.md §3, §6)."""

    at = models.DateTimeField(_("date et heure"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("type d'objet"), on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("identifiant de l'objet"))
    subject_repr = models.CharField(_("objet"), max_length=300)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="journal_entries",
    )
    from_state = models.CharField(_("état de départ"), max_length=40, blank=True)
    to_state = models.CharField(_("état d'arrivée"), max_length=40, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    data = models.JSONField(
        _("données"), default=dict, blank=True, encoder=DecimalEncoder, decoder=DecimalDecoder
    )

    objects = JournalQuerySet.as_manager()
    scope_path: ClassVar[str | None] = None  # ministry staff only

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="journal_subject_idx")]

    def __str__(self):
        return f"{self.action} — {self.subject_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordsAreKept(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordsAreKept(type(self))

    @classmethod
    def write(
        cls,
        subject: models.Model,
        action: str,
        *,
        by: User | None,
        at: datetime,
        from_state: str = "",
        to_state: str = "",
        reason: str = "",
        data: dict[str, Any] | None = None,
    ) -> JournalEntry:
        organization_id = subject.scope_organization_id() if isinstance(subject, Record) else None
        return cls.objects.create(
            at=at,
            actor=by,
            action=action,
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            subject_repr=str(subject)[:300],
            organization_id=organization_id,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data or {},
        )


class StoredDocument(Record):
    """A file kept in private storage: checked type, size, SHA-256, numbered versions."""

    file = models.FileField(
        _("fichier"), storage=get_private_storage, max_length=200, editable=False
    )
    original_name = models.CharField(_("nom du fichier déposé"), max_length=255, editable=False)
    mime_type = models.CharField(_("type de fichier"), max_length=120, editable=False)
    size = models.PositiveBigIntegerField(_("taille (octets)"), editable=False)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, editable=False)
    number = models.PositiveIntegerField(_("version du document"), editable=False)
    uploaded_at = models.DateTimeField(_("déposé le"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.original_name} (v{self.number})"


class MinistryRequest(Record):
    """The ministry asks the organization for something by a deadline; the organization
    answers once. Shared by the application's requests (5.1) and the yearly report's
    corrections (8): same fields, same lateness."""

    message = models.TextField(_("ce que le Ministère demande"))
    requested_at = models.DateTimeField(_("demandée le"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_at = models.DateTimeField(_("réponse attendue au plus tard le"))
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("répondue par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    answer = models.TextField(_("réponse de l'organisme"), blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def terms(reason: str, *, at: datetime, due_at: datetime | None) -> tuple[str, datetime, dict]:
        """A new request's reason and deadline (by default CORRECTION_DEFAULT_DAYS later),
        with what is wrong with them, by field."""
        reason = (reason or "").strip()
        if due_at is None:
            due_at = at + timedelta(days=settings.CORRECTION_DEFAULT_DAYS)
        errors = {}
        if not reason:
            errors["reason"] = _("Le motif est requis pour cette opération.")
        if due_at <= at:
            errors["due_at"] = _("L'échéance doit suivre la date de la demande.")
        return reason, due_at, errors

    @property
    def is_open(self) -> bool:
        return self.answered_at is None

    @property
    def answered_late(self) -> bool:
        return self.answered_at is not None and self.answered_at > self.due_at

    @property
    def deadline(self):
        """The last day to answer, in Québec time."""
        return clock.localdate_of(self.due_at)

    def is_late(self, now) -> bool:
        """Answered after the deadline, or still unanswered once it has passed.

        `now` is a moment, or a day (then compared with the deadline's day).
        """
        if isinstance(now, datetime):
            return (self.answered_at or now) > self.due_at
        answered = clock.localdate_of(self.answered_at) if self.answered_at else now
        return answered > self.deadline


class EmailState(models.TextChoices):
    QUEUED = "queued", _("En file d'attente")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec définitif")


class OutgoingEmail(models.Model):
    """One email the software sends, recorded in the transaction of the action that wrote it,
    then sent by a background task (`core.mail`). Outbox bookkeeping, not a business record:
    its state changes with each attempt and it carries no journal."""

    recipients = models.JSONField(_("destinataires"), default=list)
    subject = models.CharField(_("objet"), max_length=300)
    body = models.TextField(_("message"))
    state = models.CharField(
        _("état"), max_length=10, choices=EmailState.choices, default=EmailState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=clock.system_now)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=clock.system_now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="email_due_idx")]

    def __str__(self):
        return self.subject


class JobState(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class BackgroundJob(models.Model):
    """A long piece of work done by a worker, with its progress for the page that started it
    (`core.jobs`). Only the person who started it sees it and its result."""

    kind = models.CharField(_("type de travail"), max_length=60)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    state = models.CharField(
        _("état"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    done = models.PositiveIntegerField(_("éléments traités"), default=0)
    total = models.PositiveIntegerField(_("éléments à traiter"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancé par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("demandé le"), default=clock.system_now)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    result_file = models.FileField(
        _("fichier produit"), storage=get_private_storage, max_length=200, blank=True
    )
    result_name = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    result_type = models.CharField(_("type du fichier"), max_length=120, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("travail en arrière-plan")
        verbose_name_plural = _("travaux en arrière-plan")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)


class ItemState(models.TextChoices):
    PENDING = "pending", _("À faire")
    DONE = "done", _("Fait")
    SKIPPED = "skipped", _("Déjà fait")
    FAILED = "failed", _("Échec")


class JobItem(models.Model):
    """One element of a job done element by element (`core.jobs.run_items`): a dossier to
    assign, decide or write to. A job started again does only what is not done; a failure
    is kept with its reason and does not stop the others."""

    job = models.ForeignKey(
        BackgroundJob, verbose_name=_("travail"), on_delete=models.CASCADE, related_name="items"
    )
    key = models.CharField(_("élément"), max_length=60)
    label = models.CharField(_("désignation"), max_length=300, blank=True)
    state = models.CharField(
        _("état"), max_length=10, choices=ItemState.choices, default=ItemState.PENDING
    )
    note = models.CharField(_("résultat"), max_length=300, blank=True)
    error = models.TextField(_("motif de l'échec"), blank=True)
    finished_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("élément d'un travail")
        verbose_name_plural = _("éléments des travaux")
        ordering = ["job", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["job", "key"], name="job_item_once"),
            models.CheckConstraint(
                condition=models.Q(state__in=ItemState.values), name="job_item_state_valid"
            ),
        ]

    def __str__(self):
        return f"{self.job} — {self.label or self.key}"
