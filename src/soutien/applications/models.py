"""Applications (demandes d'aide financière) and their nine documents of clause 5.1."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from soutien.core import fiscal
from soutien.core.models import (
    MinistryRequest,
    Record,
    RecordsAreKept,
    ScopedQuerySet,
    StoredDocument,
)
from soutien.core.workflow import Transition, Workflow
from soutien.organizations.attachment import attachment_of
from soutien.rules import FiscalYear
from soutien.rules.documents import REQUIRED_DOCUMENTS
from soutien.rules.priority import TIER_LABELS, Tier

ZERO = Decimal("0")


class Stream(models.IntegerChoices):
    ORGANIZATION = 1, _("Volet 1 — organismes communautaires autonomes")
    NATIONAL_GROUPING = 2, _("Volet 2 — regroupements nationaux")


class Priority(models.IntegerChoices):
    """The tiers of clause 5.2, in order."""

    REFUGEE_RECEPTION = int(Tier.REFUGEE_RECEPTION), _("1 — Accueil des personnes réfugiées")
    NATIONAL_GROUPING = int(Tier.NATIONAL_GROUPING), _("2 — Regroupement national reconnu")
    ALREADY_ATTACHED = int(Tier.ALREADY_ATTACHED), _("3 — Rattachement déjà établi")
    NEW_ATTACHMENT = int(Tier.NEW_ATTACHMENT), _("4 — Nouvelle demande de rattachement")


assert {int(t) for t in TIER_LABELS} == set(Priority.values)


class Kind(models.TextChoices):
    INITIAL = "initial", _("Demande d'aide financière")
    RENEWAL = "renewal", _("Formulaire de reconduction (5.6)")


class State(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposée")
    INCOMPLETE = "incomplete", _("À corriger")
    UNDER_EVALUATION = "under_evaluation", _("En évaluation")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    WITHDRAWN = "withdrawn", _("Retirée")


WORKFLOW = Workflow(
    "application",
    State,
    initial=State.DRAFT,
    transitions=[
        Transition("submit", (State.DRAFT,), State.SUBMITTED, "application.submitted"),
        Transition("resubmit", (State.INCOMPLETE,), State.SUBMITTED, "application.resubmitted"),
        Transition(
            "request_correction",
            (State.SUBMITTED, State.UNDER_EVALUATION),
            State.INCOMPLETE,
            "application.correction_requested",
            reason_required=True,
        ),
        Transition(
            "start_evaluation",
            (State.SUBMITTED,),
            State.UNDER_EVALUATION,
            "application.evaluation_started",
        ),
        Transition("accept", (State.UNDER_EVALUATION,), State.ACCEPTED, "application.accepted"),
        Transition(
            "refuse",
            (State.UNDER_EVALUATION,),
            State.REFUSED,
            "application.refused",
            reason_required=True,
        ),
        Transition(
            "withdraw",
            (State.DRAFT, State.SUBMITTED, State.INCOMPLETE, State.UNDER_EVALUATION),
            State.WITHDRAWN,
            "application.withdrawn",
        ),
    ],
)

DocumentKind = models.TextChoices(
    "DocumentKind", [(d.code.upper(), (d.code, _(d.title))) for d in REQUIRED_DOCUMENTS]
)


class ApplicationQuerySet(ScopedQuerySet):
    def for_lists(self):
        return self.select_related("organization", "organization__region")

    def of_fiscal_year(self, fiscal_year: FiscalYear):
        return self.filter(fiscal_year=fiscal_year.start_year)


class Application(Record):
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    fiscal_year = fiscal.fiscal_year_field()
    stream = models.PositiveSmallIntegerField(_("volet"), choices=Stream.choices)
    kind = models.CharField(
        _("type de demande"), max_length=10, choices=Kind.choices, default=Kind.INITIAL
    )
    state = models.CharField(
        _("état"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False
    )
    deadline_at = models.DateTimeField(
        _("date et heure limites de dépôt"),
        help_text=_("Date et heure indiquées dans les consignes remises à l'organisme (5.1)."),
    )
    submitted_at = models.DateTimeField(_("déposée le"), null=True, blank=True, editable=False)
    priority = models.PositiveSmallIntegerField(
        _("priorité (5.2)"), choices=Priority.choices, null=True, blank=True, editable=False
    )
    annual_general_meeting_held = models.BooleanField(
        _("assemblée générale annuelle tenue"), default=True
    )
    last_statements = models.ForeignKey(
        "organizations.FinancialStatements",
        verbose_name=_("états financiers du dernier exercice complété"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Source de l'actif net non affecté et des dépenses totales (6.1.3)."),
    )
    estimated_operating_costs = models.DecimalField(
        _("coûts estimés de fonctionnement de l'année visée"),
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        help_text=_("Selon les prévisions budgétaires de l'année visée (6.1.4)."),
    )
    other_public_funding = models.DecimalField(
        _("autres aides publiques du Québec et du Canada"),
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        help_text=_("Prévues pour l'année visée, autres que ce programme (6.1.4)."),
    )
    quebec_government_funding_other = models.DecimalField(
        _("autres aides du gouvernement du Québec"),
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        help_text=_("Prévues pour l'année visée, autres que ce programme (clause 8)."),
    )
    territory_attached_organizations = models.PositiveIntegerField(
        _("organismes rattachés sur le territoire"), null=True, blank=True
    )
    territory_immigrant_population = models.PositiveIntegerField(
        _("personnes immigrantes sur le territoire"), null=True, blank=True
    )
    assigned_advisor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("conseillère ou conseiller attitré"),
        on_delete=models.PROTECT,
        related_name="assigned_applications",
        null=True,
        blank=True,
        editable=False,
        help_text=_("Attribué par la ou le gestionnaire du programme (espace du Ministère)."),
    )
    reference = models.CharField(
        _("numéro de référence"), max_length=30, blank=True, editable=False, db_index=True
    )
    renews = models.ForeignKey(
        "self",
        verbose_name=_("demande de l'année précédente"),
        on_delete=models.PROTECT,
        related_name="renewals",
        null=True,
        blank=True,
        help_text=_("Pour un formulaire de reconduction (5.6) : la demande qu'il reconduit."),
    )
    # Section « Identification »: the person the Ministry contacts about this application.
    contact_name = models.CharField(_("personne à joindre"), max_length=150, blank=True)
    contact_title = models.CharField(
        _("fonction de la personne à joindre"), max_length=120, blank=True
    )
    contact_email = models.EmailField(_("courriel de la personne à joindre"), blank=True)
    contact_phone = models.CharField(
        _("téléphone de la personne à joindre"),
        max_length=30,
        blank=True,
        help_text=_("Par exemple : 819 555-1234, poste 22."),
    )
    # Section « Mission et services » (clauses 2 and 3).
    mission = models.TextField(
        _("mission de l'organisme"),
        blank=True,
        help_text=_("En quelques phrases, la mission telle qu'elle figure dans la charte."),
    )
    services = models.TextField(
        _("services offerts aux personnes immigrantes"),
        blank=True,
        help_text=_("Les principaux services et activités de l'année visée."),
    )
    territory_served = models.CharField(
        _("territoire desservi"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : la ville de Sherbrooke et la MRC du Val-Saint-François."),
    )
    # Section « Accueil des personnes réfugiées » (clauses 5.2 and 6.1.1).
    refugees_received_last_year = models.PositiveIntegerField(
        _("personnes réfugiées accueillies au dernier exercice complété"),
        null=True,
        blank=True,
        help_text=_("Inscrivez 0 si l'organisme n'en a accueilli aucune."),
    )
    refugees_expected = models.PositiveIntegerField(
        _("personnes réfugiées que l'organisme prévoit accueillir pendant l'année visée"),
        null=True,
        blank=True,
        help_text=_("Inscrivez 0 si l'organisme n'en prévoit aucune."),
    )
    # Section « Reconduction » (5.6), for years 2 and 3 of an agreement.
    changes_summary = models.TextField(
        _("ce qui a changé depuis l'année précédente"),
        blank=True,
        help_text=_("Écrivez « Aucun changement » si rien n'a changé."),
    )
    eligibility_confirmed = models.BooleanField(
        _("l'organisme satisfait toujours aux conditions d'admissibilité du programme"),
        default=False,
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = ApplicationQuerySet.as_manager()
    workflow: ClassVar[Workflow] = WORKFLOW

    class Meta:
        verbose_name = _("demande d'aide financière")
        verbose_name_plural = _("demandes d'aide financière")
        ordering = ["-fiscal_year", "organization__legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "fiscal_year", "stream"],
                name="application_one_per_organization_year_stream",
                violation_error_message=_(
                    "Cet organisme a déjà une demande pour cet exercice financier et ce volet."
                ),
            ),
            fiscal.fiscal_year_check("fiscal_year", "application_fiscal_year_range"),
            models.CheckConstraint(
                condition=Q(stream__in=Stream.values),
                name="application_stream_valid",
                violation_error_message=_("Le volet doit être 1 ou 2."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=State.values),
                name="application_state_valid",
                violation_error_message=_("État de demande inconnu."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=[State.DRAFT, State.WITHDRAWN])
                | Q(submitted_at__isnull=False),
                name="application_submitted_has_date",
                violation_error_message=_("Une demande déposée doit avoir sa date de dépôt."),
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="application_reference_unique",
                violation_error_message=_("Ce numéro de référence existe déjà."),
            ),
            models.CheckConstraint(
                condition=Q(estimated_operating_costs__gte=0)
                & Q(other_public_funding__gte=0)
                & Q(quebec_government_funding_other__gte=0),
                name="application_amounts_not_negative",
                violation_error_message=_("Les montants ne peuvent pas être négatifs."),
            ),
        ]

    def __str__(self):
        return _("Demande de %(organization)s, %(fiscal_year)s, volet %(stream)s") % {
            "organization": self.organization.legal_name,
            "fiscal_year": self.fiscal_year_label,
            "stream": self.stream,
        }

    @property
    def fiscal_year_label(self) -> str:
        return fiscal.label(self.fiscal_year)

    def get_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.fiscal_year)

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.fiscal_year)

    def compute_priority(self, *, on: date) -> int:
        """The tier of clause 5.2 on day `on`, from the organization's records and the
        program's own history (same order as the rules)."""
        org = self.organization
        if org.refugee_reception:
            return Priority.REFUGEE_RECEPTION
        if self.stream == Stream.NATIONAL_GROUPING:
            return Priority.NATIONAL_GROUPING
        if attachment_of(org, on=on).established:
            return Priority.ALREADY_ATTACHED
        return Priority.NEW_ATTACHMENT


class ApplicationDocumentQuerySet(ScopedQuerySet):
    def latest_by_kind(self) -> dict[str, ApplicationDocument]:
        """The last version of each document: {kind: document}."""
        latest: dict[str, ApplicationDocument] = {}
        for document in self.order_by("kind", "-number"):
            latest.setdefault(document.kind, document)
        return latest

    def latest_of_kind(self, kind: str) -> ApplicationDocument | None:
        return self.filter(kind=kind).order_by("-number").first()


class ApplicationDocument(StoredDocument):
    """One version of one of the nine documents of clause 5.1; versions are never replaced."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("demande"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    reused_from = models.ForeignKey(
        "self",
        verbose_name=_("même fichier que"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        help_text=_("Document inchangé depuis la demande précédente (5.6)."),
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = ApplicationDocumentQuerySet.as_manager()
    scope_path: ClassVar[str | None] = "application__organization"

    class Meta:
        verbose_name = _("document de la demande")
        verbose_name_plural = _("documents des demandes")
        ordering = ["application", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "number"],
                name="application_document_unique_version",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="application_document_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values),
                name="application_document_kind_valid",
            ),
        ]

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.application.fiscal_year)


class SubmissionPeriod(models.Model):
    """The dates given in the Ministry's instructions for one fiscal year and stream (5.1).

    Reference data set by ministry staff in the back office; an organization may start an
    application while the period is open, and submit it until the deadline's date and hour.
    """

    fiscal_year = fiscal.fiscal_year_field()
    stream = models.PositiveSmallIntegerField(_("volet"), choices=Stream.choices)
    opens_at = models.DateTimeField(_("ouverture des dépôts"))
    deadline_at = models.DateTimeField(
        _("date et heure limites de dépôt"),
        help_text=_("Heure du Québec (America/Montreal)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("période de dépôt")
        verbose_name_plural = _("périodes de dépôt")
        ordering = ["-fiscal_year", "stream"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "stream"],
                name="submission_period_unique_year_stream",
                violation_error_message=_(
                    "Une période de dépôt existe déjà pour cet exercice et ce volet."
                ),
            ),
            models.CheckConstraint(
                condition=Q(deadline_at__gt=models.F("opens_at")),
                name="submission_period_deadline_after_opening",
                violation_error_message=_("La date limite doit suivre l'ouverture des dépôts."),
            ),
            fiscal.fiscal_year_check("fiscal_year", "submission_period_fiscal_year_range"),
        ]

    def __str__(self):
        return _("Dépôts %(fiscal_year)s, volet %(stream)s") % {
            "fiscal_year": fiscal.label(self.fiscal_year),
            "stream": self.stream,
        }

    @property
    def fiscal_year_label(self) -> str:
        return fiscal.label(self.fiscal_year)

    def delete(self, *args, **kwargs):

        raise RecordsAreKept(type(self))


class FundingSourceKind(models.TextChoices):
    """The public funders clause 6.1.4 counts in the 90 % cap."""

    QUEBEC = (
        "quebec",
        _("Ministères et organismes du gouvernement du Québec et ses sociétés d'État"),
    )
    CANADA = (
        "canada",
        _("Ministères et organismes du gouvernement du Canada et ses sociétés d'État"),
    )
    MUNICIPALITY = "municipality", _("Municipalités et agglomérations")
    MRC = "mrc", _("Municipalités régionales de comté (MRC)")
    METROPOLITAN = "metropolitan", _("Communautés métropolitaines")
    INDIGENOUS = "indigenous", _("Communautés autochtones")
    OTHER = (
        "other",
        _(
            "Autres : régies intermunicipales, organismes dont une municipalité nomme la majorité "
            "des membres ou fournit plus de la moitié du financement"
        ),
    )


class FundingLine(Record):
    """Other public funding expected for the fiscal year applied for, by source (6.1.4)."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("demande"),
        on_delete=models.PROTECT,
        related_name="funding_lines",
    )
    source = models.CharField(_("provenance"), max_length=20, choices=FundingSourceKind.choices)
    amount = models.DecimalField(_("montant prévu"), max_digits=12, decimal_places=2, default=ZERO)
    details = models.CharField(
        _("bailleurs de fonds et programmes"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple : ministère de la Santé et des Services sociaux, PSOC."),
    )
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    scope_path: ClassVar[str | None] = "application__organization"

    class Meta:
        verbose_name = _("autre aide publique prévue")
        verbose_name_plural = _("autres aides publiques prévues")
        ordering = ["application", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "source"], name="funding_line_unique_source"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="funding_line_amount_not_negative",
                violation_error_message=_("Le montant ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=Q(source__in=FundingSourceKind.values), name="funding_line_source_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} — {self.amount}"

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.application.fiscal_year)


class RequestKind(models.TextChoices):
    CORRECTION = "correction", _("Demande de correction")
    INFORMATION = "information", _("Demande de renseignements complémentaires")


class InformationRequestQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(answered_at__isnull=True)

    def late(self, at):
        """Not answered, and the deadline has passed at `at`."""
        return self.open().filter(due_at__lt=at)


class InformationRequest(MinistryRequest):
    """The Ministry asks the organization to correct its file or to say more (5.1), by a date."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("demande"),
        on_delete=models.PROTECT,
        related_name="information_requests",
    )
    kind = models.CharField(_("type"), max_length=20, choices=RequestKind.choices)
    sections = models.JSONField(_("sections à revoir"), default=list, blank=True)
    documents = models.JSONField(_("documents à fournir"), default=list, blank=True)
    retention_until = models.DateField(_("conserver jusqu'au"), null=True, editable=False)

    objects = InformationRequestQuerySet.as_manager()
    scope_path: ClassVar[str | None] = "application__organization"

    class Meta:
        verbose_name = _("demande du Ministère à l'organisme")
        verbose_name_plural = _("demandes du Ministère aux organismes")
        ordering = ["application", "-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("requested_at")),
                name="information_request_due_after_request",
                violation_error_message=_("L'échéance doit suivre la date de la demande."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RequestKind.values), name="information_request_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.application}"

    def retention_fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.application.fiscal_year)


# The declaration made before submitting (issue 10): its wording is versioned, and the
# version and the words declared are kept with it, so that a later change of wording never
# changes what a person declared.
DECLARATION_VERSION = "2026-1"
DECLARATION_TEXT = _(
    "Je déclare être autorisé·e par la résolution du conseil d'administration de l'organisme "
    "(document 1 de la clause 5.1) à présenter cette demande, et que les renseignements et "
    "les documents fournis sont exacts et complets."
)


class Declaration(Record):
    """The declaration of the person the board resolution authorizes, made on submitting."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("demande"),
        on_delete=models.PROTECT,
        related_name="declarations",
        editable=False,
    )
    declarant_name = models.CharField(_("nom de la personne qui déclare"), max_length=200)
    declarant_title = models.CharField(_("fonction"), max_length=200)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    declared_at = models.DateTimeField(_("déclaré le"), editable=False)
    text = models.TextField(_("texte déclaré"), editable=False)
    text_version = models.CharField(_("version du texte"), max_length=20, editable=False)

    scope_path: ClassVar[str | None] = "application__organization"

    class Meta:
        verbose_name = _("déclaration")
        verbose_name_plural = _("déclarations")
        ordering = ["application", "-declared_at", "-id"]

    def __str__(self):
        return f"{self.declarant_name}, {self.declarant_title}"


class SubmissionCopy(StoredDocument):
    """The PDF copy of the whole application as submitted (answers, documents, declaration);
    one per (re)submission, numbered, never replaced."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("demande"),
        on_delete=models.PROTECT,
        related_name="submission_copies",
        editable=False,
    )
    declaration = models.ForeignKey(
        Declaration,
        verbose_name=_("déclaration"),
        on_delete=models.PROTECT,
        related_name="copies",
        editable=False,
    )

    scope_path: ClassVar[str | None] = "application__organization"

    class Meta:
        verbose_name = _("copie de la demande déposée")
        verbose_name_plural = _("copies des demandes déposées")
        ordering = ["application", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="submission_copy_unique_number"
            ),
        ]
