"""Organizations (organismes), their board, members of groupings, related parties, their
own financial statements, and the memberships that link user accounts to them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from soutien.core.jsonutil import DecimalDecoder, DecimalEncoder
from soutien.core.models import Record, ScopedQuerySet
from soutien.rules.facts import BoardStatus, ExcludedCategory, LegalForm
from soutien.rules.reporting import FinancialReportType

from .validators import NEQ_PATTERN, REGION_PATTERN, validate_neq

ZERO = Decimal("0")
# Far above any organization's yearly volume: a larger figure is a typing error.
REFUGEES_PER_YEAR_MAX = 100_000


class LegalFormChoices(models.TextChoices):
    QC_COMPANIES_PART3 = (
        LegalForm.QC_COMPANIES_PART3.value,
        _("Loi sur les compagnies, partie III (Québec)"),
    )
    CANADA_NFP = (
        LegalForm.CANADA_NFP.value,
        _("Loi canadienne sur les organisations à but non lucratif"),
    )
    OTHER = LegalForm.OTHER.value, _("Autre forme juridique")


class ExcludedCategoryChoices(models.TextChoices):
    """The categories of clause 4."""

    PROFESSIONAL_ORDER = ExcludedCategory.PROFESSIONAL_ORDER.value, _("Ordre professionnel")
    POLITICAL_ORGANIZATION = (
        ExcludedCategory.POLITICAL_ORGANIZATION.value,
        _("Organisation politique"),
    )
    UNION = ExcludedCategory.UNION.value, _("Organisation syndicale")
    RELIGIOUS_ASSOCIATION = (
        ExcludedCategory.RELIGIOUS_ASSOCIATION.value,
        _("Association à caractère religieux"),
    )
    FUNDRAISING_FOUNDATION = (
        ExcludedCategory.FUNDRAISING_FOUNDATION.value,
        _("Fondation qui recueille et redistribue des fonds"),
    )
    OTHER_MINISTRY_MISSION = (
        ExcludedCategory.OTHER_MINISTRY_MISSION.value,
        _("Mission relevant prioritairement d'un autre ministère"),
    )
    MEMBERS_INTEREST_ONLY = (
        ExcludedCategory.MEMBERS_INTEREST_ONLY.value,
        _("Organisme servant les seuls intérêts de ses membres"),
    )
    CREATED_BY_PUBLIC_BODY = (
        ExcludedCategory.CREATED_BY_PUBLIC_BODY.value,
        _("Organisme créé par une instance publique"),
    )


class BoardStatusChoices(models.TextChoices):
    CITIZEN = BoardStatus.CITIZEN.value, _("Citoyenneté canadienne")
    PERMANENT_RESIDENT = BoardStatus.PERMANENT_RESIDENT.value, _("Résidence permanente")
    OTHER = BoardStatus.OTHER.value, _("Autre statut")


class FinancialReportTypeChoices(models.TextChoices):
    AUDIT = FinancialReportType.AUDIT.value, _("Rapport d'audit")
    REVIEW = FinancialReportType.REVIEW.value, _("Rapport de mission d'examen")
    COMPILATION = FinancialReportType.COMPILATION.value, _("Compilation")


class Region(models.Model):
    """The 17 administrative regions of Québec (reference data loaded by a migration)."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("nom"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("région administrative")
        verbose_name_plural = _("régions administratives")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=REGION_PATTERN),
                name="region_code_official",
                violation_error_message=_("Le code de région doit aller de « 01 » à « 17 »."),
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class OrganizationQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def for_lists(self):
        return self.select_related("region")


class Organization(Record):
    legal_name = models.CharField(_("nom légal"), max_length=200)
    neq = models.CharField(
        _("numéro d'entreprise du Québec (NEQ)"),
        max_length=10,
        unique=True,
        validators=[validate_neq],
        help_text=_("10 chiffres, tel qu'inscrit au Registraire des entreprises."),
    )
    legal_form = models.CharField(
        _("forme juridique"), max_length=30, choices=LegalFormChoices.choices
    )
    # How the ministry's financial system knows the organization as a supplier (6.2): kept
    # by staff, frozen on each payment line.
    supplier_number = models.CharField(
        _("numéro de fournisseur"), max_length=20, blank=True, editable=False
    )
    bank_reference = models.CharField(
        _("référence des coordonnées bancaires"), max_length=40, blank=True, editable=False
    )
    incorporation_date = models.DateField(_("date de constitution"))
    street_address = models.CharField(_("adresse du siège"), max_length=200)
    city = models.CharField(_("municipalité"), max_length=100)
    postal_code = models.CharField(_("code postal"), max_length=7)
    region = models.ForeignKey(
        Region,
        verbose_name=_("région administrative"),
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    mission = models.TextField(
        _("mission"),
        blank=True,
        help_text=_(
            "La mission principale de l'organisme, en quelques phrases (clause 2 : objectif "
            "général du programme)."
        ),
    )
    services = models.TextField(
        _("services offerts"),
        blank=True,
        help_text=_(
            "Services d'accueil, de francisation, de soutien à l'installation et à l'inclusion, "
            "projets en relations interculturelles (clause 3)."
        ),
    )
    head_office_in_quebec = models.BooleanField(_("siège au Québec"), default=True)
    majority_of_activities_in_quebec = models.BooleanField(
        _("majorité des activités au Québec"), default=True
    )
    excluded_category = models.CharField(
        _("catégorie non admissible (clause 4)"),
        max_length=30,
        choices=ExcludedCategoryChoices.choices,
        blank=True,
        help_text=_("Laisser vide si l'organisme n'appartient à aucune catégorie de la clause 4."),
    )
    is_national_grouping = models.BooleanField(_("regroupement national (volet 2)"), default=False)
    # The Ministry's own mark of an attachment established outside the program's agreements
    # (5.2, third tier); set only by `actions.mark_attached`, never by the organization. An
    # agreement signed with the program attaches the organization too (`attachment.py`).
    attached_to_ministry = models.BooleanField(
        _("rattaché au Ministère"), default=False, editable=False
    )
    attached_since = models.DateField(_("rattaché depuis"), null=True, blank=True, editable=False)
    attached_reason = models.TextField(
        _("motif du rattachement"),
        blank=True,
        editable=False,
        help_text=_("Pourquoi le Ministère tient le rattachement pour établi (5.2)."),
    )
    refugee_reception = models.BooleanField(
        _("accueil et installation des personnes réfugiées"),
        default=False,
        help_text=_(
            "Organisme d'accueil et d'installation des personnes réfugiées ou protégées à titre "
            "humanitaire outre-frontières prises en charge par l'État (clauses 4, 5.2 et 6.1.1)."
        ),
    )
    refugees_received_per_year = models.PositiveIntegerField(
        _("personnes réfugiées accueillies par année"),
        default=0,
        validators=[MaxValueValidator(REFUGEES_PER_YEAR_MAX)],
    )
    transferred_from_other_ministry = models.BooleanField(
        _("transféré d'un autre ministère"), default=False
    )
    former_ministry = models.CharField(_("ministère d'origine"), max_length=200, blank=True)
    historic_funding = models.DecimalField(
        _("financement historique"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Financement conservé du ministère d'origine (6.1.1, note 2)."),
    )
    fiscal_year_end_month = models.PositiveSmallIntegerField(
        _("mois de fin d'exercice de l'organisme"),
        default=3,
        help_text=_(
            "L'exercice financier propre à l'organisme, distinct de celui du gouvernement."
        ),
    )
    fiscal_year_end_day = models.PositiveSmallIntegerField(
        _("jour de fin d'exercice de l'organisme"), default=31
    )
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)

    objects = OrganizationQuerySet.as_manager()
    scope_path: ClassVar[str | None] = ""

    class Meta:
        verbose_name = _("organisme")
        verbose_name_plural = _("organismes")
        ordering = ["legal_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(neq__regex=NEQ_PATTERN),
                name="organization_neq_10_digits",
                violation_error_message=_("Le NEQ doit compter exactement 10 chiffres."),
            ),
            models.CheckConstraint(
                condition=Q(historic_funding__isnull=True) | Q(historic_funding__gte=0),
                name="organization_historic_funding_not_negative",
                violation_error_message=_("Le financement historique ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year_end_month__gte=1, fiscal_year_end_month__lte=12)
                & Q(fiscal_year_end_day__gte=1, fiscal_year_end_day__lte=31),
                name="organization_fiscal_year_end_valid",
                violation_error_message=_("La date de fin d'exercice de l'organisme est invalide."),
            ),
        ]

    def __str__(self):
        return self.legal_name

    def member_emails(self) -> list[str]:
        """The addresses of the organization's active members: where its emails go."""
        return sorted(
            set(
                self.memberships.filter(is_active=True, user__is_active=True).values_list(
                    "user__email", flat=True
                )
            )
        )


class Membership(Record):
    """A user account's link to an organization it represents."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    title = models.CharField(_("fonction"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("lien avec un organisme")
        verbose_name_plural = _("liens avec les organismes")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                name="membership_unique_user_organization",
                violation_error_message=_("Ce compte est déjà lié à cet organisme."),
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.organization}"


class BoardPosition(models.TextChoices):
    PRESIDENT = "president", _("Présidence")
    VICE_PRESIDENT = "vice_president", _("Vice-présidence")
    TREASURER = "treasurer", _("Trésorerie")
    SECRETARY = "secretary", _("Secrétariat")
    DIRECTOR = "director", _("Administratrice ou administrateur")


class BoardMemberQuerySet(ScopedQuerySet):
    def in_office_on(self, day: date):
        return self.filter(term_start__lte=day).exclude(term_end__lt=day)

    def president_on(self, day: date | None) -> BoardMember | None:
        """The president of the board on `day` (any, latest term first, without a day)."""
        members = self.filter(position=BoardPosition.PRESIDENT)
        if day is not None:
            members = members.in_office_on(day)
        return members.order_by("-term_start", "pk").first()


class BoardMember(Record):
    """A member of the board of directors and the status clause 3 counts."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="board_members",
    )
    full_name = models.CharField(_("nom complet"), max_length=150)
    position = models.CharField(
        _("fonction"), max_length=20, choices=BoardPosition.choices, default=BoardPosition.DIRECTOR
    )
    domiciled_in_quebec = models.BooleanField(_("domicilié au Québec"), default=True)
    status = models.CharField(
        _("statut"),
        max_length=30,
        choices=BoardStatusChoices.choices,
        default=BoardStatusChoices.CITIZEN,
    )
    volunteer = models.BooleanField(_("bénévole"), default=True)
    term_start = models.DateField(_("début du mandat"))
    term_end = models.DateField(_("fin du mandat"), null=True, blank=True)

    objects = BoardMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre du conseil d'administration")
        verbose_name_plural = _("membres du conseil d'administration")
        ordering = ["organization", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="board_member_term_end_after_start",
                violation_error_message=_(
                    "La fin du mandat ne peut pas précéder le début du mandat."
                ),
            )
        ]

    def __str__(self):
        return self.full_name

    def sits_on(self, day) -> bool:
        return self.term_start <= day and (self.term_end is None or day <= self.term_end)


class GroupingMember(Record):
    """A member organization of a national grouping (Volet 2, clause 2.3)."""

    grouping = models.ForeignKey(
        Organization,
        verbose_name=_("regroupement"),
        on_delete=models.PROTECT,
        related_name="grouping_members",
    )
    member = models.ForeignKey(
        Organization,
        verbose_name=_("organisme membre inscrit"),
        on_delete=models.PROTECT,
        related_name="groupings",
        null=True,
        blank=True,
    )
    name = models.CharField(_("nom de l'organisme membre"), max_length=200)
    neq = models.CharField(
        _("NEQ de l'organisme membre"), max_length=10, blank=True, validators=[validate_neq]
    )
    region = models.ForeignKey(
        Region, verbose_name=_("région administrative"), on_delete=models.PROTECT, related_name="+"
    )
    joined_on = models.DateField(_("membre depuis"), null=True, blank=True)
    left_on = models.DateField(_("membre jusqu'au"), null=True, blank=True)

    scope_path: ClassVar[str | None] = "grouping"

    class Meta:
        verbose_name = _("membre d'un regroupement")
        verbose_name_plural = _("membres des regroupements")
        ordering = ["grouping", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["grouping", "name"],
                name="grouping_member_unique_name",
                violation_error_message=_("Cet organisme est déjà membre du regroupement."),
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=True) | ~Q(member=models.F("grouping")),
                name="grouping_member_not_itself",
                violation_error_message=_("Un regroupement ne peut pas être son propre membre."),
            ),
            models.CheckConstraint(
                condition=Q(neq="") | Q(neq__regex=NEQ_PATTERN),
                name="grouping_member_neq_10_digits",
                violation_error_message=_("Le NEQ doit compter exactement 10 chiffres."),
            ),
        ]

    def __str__(self):
        return self.name


class RelatedParty(Record):
    """A related company or organization (clause 8), named by its legal name and NEQ."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="related_parties",
    )
    legal_name = models.CharField(_("nom légal"), max_length=200)
    neq = models.CharField(
        _("numéro d'entreprise du Québec (NEQ)"), max_length=10, validators=[validate_neq]
    )
    relationship = models.TextField(_("nature de la relation"), blank=True)

    class Meta:
        verbose_name = _("société apparentée")
        verbose_name_plural = _("sociétés apparentées")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "neq"],
                name="related_party_unique_neq",
                violation_error_message=_("Cette société apparentée est déjà déclarée."),
            ),
            models.CheckConstraint(
                condition=Q(neq__regex=NEQ_PATTERN),
                name="related_party_neq_10_digits",
                violation_error_message=_("Le NEQ doit compter exactement 10 chiffres."),
            ),
        ]

    def __str__(self):
        return f"{self.legal_name} ({self.neq})"


class FinancialStatements(Record):
    """The organization's own financial statements, for ITS fiscal year (not the government's).

    Figures used by the rules (6.1.3 surplus, clause 8 report type) say which statements they
    came from by pointing here.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="financial_statements",
    )
    period_start = models.DateField(_("début de l'exercice de l'organisme"))
    period_end = models.DateField(_("fin de l'exercice de l'organisme"))
    report_type = models.CharField(
        _("forme du rapport financier"),
        max_length=20,
        choices=FinancialReportTypeChoices.choices,
        blank=True,
    )
    total_revenue = models.DecimalField(_("produits totaux"), max_digits=12, decimal_places=2)
    total_expenses = models.DecimalField(_("dépenses totales"), max_digits=12, decimal_places=2)
    unrestricted_net_assets = models.DecimalField(
        _("actif net non affecté"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Peut être négatif."),
    )
    quebec_government_funding = models.DecimalField(
        _("aide du gouvernement du Québec"),
        max_digits=12,
        decimal_places=2,
        default=ZERO,
    )
    adopted_on = models.DateField(_("adoptés par le conseil le"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("états financiers")
        verbose_name_plural = _("états financiers")
        ordering = ["organization", "-period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period_end"],
                name="statements_unique_period",
                violation_error_message=_(
                    "Des états financiers existent déjà pour cet exercice de l'organisme."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="statements_end_after_start",
                violation_error_message=_(
                    "La fin de l'exercice doit suivre le début de l'exercice."
                ),
            ),
            models.CheckConstraint(
                condition=Q(total_revenue__gte=0)
                & Q(total_expenses__gte=0)
                & Q(quebec_government_funding__gte=0),
                name="statements_amounts_not_negative",
                violation_error_message=_(
                    "Les produits, les dépenses et l'aide reçue ne peuvent pas être négatifs."
                ),
            ),
        ]

    def __str__(self):
        return _("États financiers de %(organization)s au %(end)s") % {
            "organization": self.organization,
            "end": self.period_end.isoformat(),
        }


class Invitation(Record):
    """A member of an organization invites a colleague by email (a signed link)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    email = models.EmailField(_("adresse courriel de la personne invitée"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invitée ou invité par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("envoyée le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acceptée par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return _("Invitation de %(email)s à %(organization)s") % {
            "email": self.email,
            "organization": self.organization,
        }


class EligibilitySelfCheck(Record):
    """What an organization answered to the eligibility self-check, and what the rules said.

    `answers` is the questionnaire's state (see `selfcheck.STEPS`); `facts` the dossier JSON
    given to `soutien.rules`; `result` its JSON result; `norms_version` the norms applied.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="self_checks",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commencée par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answers = models.JSONField(
        _("réponses"), default=dict, blank=True, encoder=DecimalEncoder, decoder=DecimalDecoder
    )
    facts = models.JSONField(
        _("faits soumis aux règles"),
        null=True,
        blank=True,
        encoder=DecimalEncoder,
        decoder=DecimalDecoder,
    )
    result = models.JSONField(
        _("résultat"), null=True, blank=True, encoder=DecimalEncoder, decoder=DecimalDecoder
    )
    norms_version = models.CharField(_("version des normes"), max_length=40, blank=True)
    completed_at = models.DateTimeField(_("terminée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("autoévaluation de l'admissibilité")
        verbose_name_plural = _("autoévaluations de l'admissibilité")
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]

    def __str__(self):
        return _("Autoévaluation de %(organization)s") % {"organization": self.organization}
