"""Evaluations (a snapshot of what the rules were given and what they said) and decisions."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from soutien.applications.models import State as ApplicationState
from soutien.core.jsonutil import DecimalDecoder, DecimalEncoder
from soutien.core.models import Record, ScopedQuerySet
from soutien.core.workflow import Transition, Workflow
from soutien.rules import FiscalYear

ZERO = Decimal("0")


class Eligibility(models.TextChoices):
    ELIGIBLE = "eligible", _("Admissible")
    INELIGIBLE = "ineligible", _("Non admissible")
    TO_VERIFY = "to_verify", _("À vérifier")


class State(models.TextChoices):
    IN_PROGRESS = "in_progress", _("En cours")
    COMPLETED = "completed", _("Terminée")
    CANCELLED = "cancelled", _("Annulée")


WORKFLOW = Workflow(
    "evaluation",
    State,
    initial=State.IN_PROGRESS,
    transitions=[
        Transition("complete", (State.IN_PROGRESS,), State.COMPLETED, "evaluation.completed"),
        Transition(
            "cancel",
            (State.IN_PROGRESS,),
            State.CANCELLED,
            "evaluation.cancelled",
            reason_required=True,
        ),
    ],
)


def _json_field(verbose_name, **kwargs):
    return models.JSONField(verbose_name, encoder=DecimalEncoder, decoder=DecimalDecoder, **kwargs)


class EvaluationQuerySet(ScopedQuerySet):
    def for_lists(self):
        return self.select_related(
            "application",
            "application__organization",
            "application__organization__region",
            "advisor",
        )

    def awaiting_decision(self):
        """Completed evaluations of applications still under evaluation: a decision is due."""
        return self.filter(
            state=State.COMPLETED, application__state=ApplicationState.UNDER_EVALUATION
        )


class Evaluation(Record):
    """The advisor's evaluation of an application (5.2), kept as it was decided.

    `facts` is the exact dossier JSON given to `soutien.rules` (contract of
    `soutien-mission evaluate`), `result` the exact JSON it returned, `norms_version` the
    version of the norms applied: replaying `facts` with that version explains the amount.
    """

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("demande"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    state = models.CharField(
        _("état"), max_length=20, choices=State.choices, default=State.IN_PROGRESS, editable=False
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("conseillère ou conseiller"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    started_at = models.DateTimeField(_("commencée le"))
    completed_at = models.DateTimeField(_("terminée le"), null=True, blank=True, editable=False)
    # The advisor's judgments and adjustments, inputs of the rules.
    judgments = _json_field(
        _("jugements de la conseillère ou du conseiller"),
        default=dict,
        blank=True,
        help_text=_("Par code de critère : {« met » : vrai ou faux, « justification » : texte}."),
    )
    stream2_amount = models.DecimalField(
        _("montant fixé (volet 2, 6.1.2)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    stream2_justification = models.TextField(_("justification du montant (volet 2)"), blank=True)
    surplus_revision_amount = models.DecimalField(
        _("révision à la baisse (6.1.3)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    surplus_revision_justification = models.TextField(
        _("justification de la révision (6.1.3)"), blank=True
    )
    # 6.1.3, second sentence: a surplus that persists in year 2 or 3 withdraws the aid in
    # whole or in part; the advisor judges how much.
    surplus_withdrawal_amount = models.DecimalField(
        _("retrait pour surplus persistant (6.1.3)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    surplus_withdrawal_justification = models.TextField(
        _("justification du retrait (6.1.3)"), blank=True
    )
    adjustments = _json_field(
        _("ajustements consignés"),
        default=list,
        blank=True,
        editable=False,
        help_text=_(
            "Chaque ajustement permis par les normes (note 2 de 6.1.1, 6.1.2, 6.1.3) : type, "
            "montant, justification, auteur et date, dans l'ordre où ils ont été faits."
        ),
    )
    # The snapshot, written by `compute_evaluation`.
    computed_at = models.DateTimeField(_("calculée le"), null=True, blank=True, editable=False)
    norms_version = models.CharField(
        _("version des normes"), max_length=40, blank=True, editable=False
    )
    facts = _json_field(_("faits soumis aux règles"), null=True, blank=True, editable=False)
    result = _json_field(_("résultat des règles"), null=True, blank=True, editable=False)
    eligibility = models.CharField(
        _("admissibilité"), max_length=20, choices=Eligibility.choices, blank=True, editable=False
    )
    amount = models.DecimalField(
        _("montant calculé"), max_digits=12, decimal_places=2, null=True, blank=True, editable=False
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = EvaluationQuerySet.as_manager()
    scope_path: ClassVar[str | None] = None  # internal to the ministry
    workflow: ClassVar[Workflow] = WORKFLOW

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(state=State.IN_PROGRESS),
                name="evaluation_one_in_progress_per_application",
                violation_error_message=_("Une évaluation est déjà en cours pour cette demande."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="evaluation_amount_not_negative",
                violation_error_message=_("Le montant ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=(Q(stream2_amount__isnull=True) | Q(stream2_amount__gte=0))
                & (Q(surplus_revision_amount__isnull=True) | Q(surplus_revision_amount__gt=0))
                & (Q(surplus_withdrawal_amount__isnull=True) | Q(surplus_withdrawal_amount__gt=0)),
                name="evaluation_adjustments_valid",
                violation_error_message=_(
                    "Le montant fixé ne peut pas être négatif et une révision doit être positive."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state=State.COMPLETED)
                | Q(completed_at__isnull=False, result__isnull=False, amount__isnull=False),
                name="evaluation_completed_has_result",
                violation_error_message=_("Une évaluation terminée doit avoir son résultat."),
            ),
        ]

    def __str__(self):
        return _("Évaluation n° %(id)s") % {"id": self.pk}

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.application.fiscal_year)


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Aide accordée")
    REFUSED = "refused", _("Aide refusée")


class DecisionQuerySet(ScopedQuerySet):
    def for_lists(self):
        return self.select_related(
            "application", "application__organization", "application__organization__region"
        )


class Decision(Record):
    """The selection decision communicated to the organization (5.2)."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("demande"),
        on_delete=models.PROTECT,
        related_name="decision",
    )
    evaluation = models.OneToOneField(
        Evaluation, verbose_name=_("évaluation"), on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(_("décision"), max_length=10, choices=Outcome.choices)
    amount = models.DecimalField(_("montant accordé"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("motifs"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"))
    communicated_on = models.DateField(_("communiquée le"), null=True, blank=True)
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = DecisionQuerySet.as_manager()
    scope_path: ClassVar[str | None] = "application__organization"

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="decision_amount_not_negative",
                violation_error_message=_("Le montant accordé ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.REFUSED) | Q(amount=0),
                name="decision_refused_has_no_amount",
                violation_error_message=_("Une aide refusée n'a pas de montant."),
            ),
        ]

    def __str__(self):
        return _("Décision n° %(id)s") % {"id": self.pk}

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.application.fiscal_year)

    def immutable_reason(self):
        # 5.2: the letter the organization received is this row; only the date it was
        # communicated is written later, once (decide_within_budget). Same rule as the trigger
        # of accountability 0002.
        taken = getattr(self, "_taken", None)
        if taken is None:
            taken = Decision._base_manager.filter(pk=self.pk).values(*TAKEN_FIELDS).first()
            if taken is None:
                return None
        taken, now = dict(taken), self._taken_values()
        communicated = taken.pop("communicated_on")
        current_communicated = now.pop("communicated_on")
        if now != taken or (communicated is not None and current_communicated != communicated):
            return _(
                "Une décision rendue ne change plus (5.2) : la lettre de décision de l'organisme "
                "en dépend."
            )
        return None

    def _taken_values(self) -> dict:
        return {
            name: self._meta.get_field(name).to_python(getattr(self, name)) for name in TAKEN_FIELDS
        }

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._taken = self._taken_values()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if set(TAKEN_FIELDS) <= set(field_names):
            instance._taken = instance._taken_values()
        return instance


# What a decision says, fixed when it is taken (see Decision.immutable_reason).
TAKEN_FIELDS = (
    "application_id",
    "evaluation_id",
    "outcome",
    "amount",
    "reason",
    "decided_by_id",
    "decided_at",
    "communicated_on",
)


class CheckItem(models.TextChoices):
    """What the advisor verifies on each document of 5.1."""

    PRESENT = "present", _("Présent")
    READABLE = "readable", _("Lisible")
    ADOPTED = "adopted", _("Adopté par le conseil d'administration")
    SIGNED = "signed", _("Signé")
    RIGHT_YEAR = "right_year", _("Pour la bonne année")


# Which checks apply to which document (5.1): adoption by the board and signature only where
# the descriptif asks for them.
CHECKS_BY_DOCUMENT: dict[str, tuple[str, ...]] = {
    "board_resolution": ("present", "readable", "adopted", "signed", "right_year"),
    "charter": ("present", "readable"),
    "bylaws": ("present", "readable"),
    "activity_report": ("present", "readable", "adopted", "right_year"),
    "financial_report": ("present", "readable", "adopted", "signed", "right_year"),
    "budget_forecast": ("present", "readable", "right_year"),
    "action_plan": ("present", "readable", "right_year"),
    "board_list": ("present", "readable", "right_year"),
    "agm_minutes": ("present", "readable", "right_year"),
}


class DocumentCheck(Record):
    """The advisor's checklist on one of the nine documents of an application (5.1)."""

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("demande"),
        on_delete=models.PROTECT,
        related_name="document_checks",
    )
    kind = models.CharField(_("document"), max_length=30)
    document = models.ForeignKey(
        "applications.ApplicationDocument",
        verbose_name=_("version examinée"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    present = models.BooleanField(_("présent"), default=False)
    readable = models.BooleanField(_("lisible"), default=False)
    adopted = models.BooleanField(_("adopté par le conseil d'administration"), default=False)
    signed = models.BooleanField(_("signé"), default=False)
    right_year = models.BooleanField(_("pour la bonne année"), default=False)
    note = models.TextField(_("remarque"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vérifié par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("vérifié le"))
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    scope_path: ClassVar[str | None] = None  # internal to the ministry

    class Meta:
        verbose_name = _("vérification d'un document")
        verbose_name_plural = _("vérifications des documents")
        ordering = ["application", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"],
                name="document_check_one_per_kind",
                violation_error_message=_("Ce document a déjà sa liste de vérification."),
            )
        ]

    def __str__(self):
        return _("Vérification « %(kind)s »") % {"kind": self.kind}

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.application.fiscal_year)

    @property
    def applicable(self) -> tuple[str, ...]:
        return CHECKS_BY_DOCUMENT.get(self.kind, ())

    @property
    def complete(self) -> bool:
        return all(getattr(self, item) for item in self.applicable)
