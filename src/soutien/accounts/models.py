"""User accounts: the email is the login identifier; the role says what a person may do.

A representative of an organization reaches its data through an
`organizations.Membership`; ministry staff (the other roles) see every organization.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from soutien.core import clock
from soutien.core.models import Record


class Role(models.TextChoices):
    REPRESENTATIVE = "representative", _("Représentante ou représentant d'organisme")
    ADVISOR = "advisor", _("Conseillère ou conseiller en partenariat")
    MANAGER = "manager", _("Gestionnaire du programme")
    FINANCE = "finance", _("Agente ou agent des finances")
    ADMINISTRATOR = "administrator", _("Administratrice ou administrateur")


MINISTRY_ROLES = frozenset({Role.ADVISOR, Role.MANAGER, Role.FINANCE, Role.ADMINISTRATOR})

# Apps whose records each ministry role may add and change in the back office (never delete).
# Every ministry role may view every business app. Administrators are superusers.
BUSINESS_APPS = frozenset(
    {
        "organizations",
        "applications",
        "evaluations",
        "agreements",
        "accountability",
        "budget",
        "core",
    }
)
ROLE_CHANGES: dict[str, frozenset[str]] = {
    Role.ADVISOR: frozenset({"organizations", "applications", "evaluations"}),
    Role.MANAGER: frozenset(
        {"organizations", "applications", "evaluations", "agreements", "budget"}
    ),
    Role.FINANCE: frozenset({"agreements", "accountability", "budget"}),
}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def advisors(self):
        """The active advisors, by name: those a dossier is assigned to."""
        return self.filter(role=Role.ADVISOR, is_active=True).order_by("full_name", "pk")

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("role", Role.REPRESENTATIVE)
        fields.setdefault("is_staff", fields["role"] in MINISTRY_ROLES)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse courriel"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150)
    role = models.CharField(
        _("rôle"), max_length=20, choices=Role.choices, default=Role.REPRESENTATIVE
    )
    is_staff = models.BooleanField(
        _("accès à l'administration"),
        default=False,
        help_text=_("Réservé au personnel du Ministère."),
    )
    is_active = models.BooleanField(
        _("actif"),
        default=True,
        help_text=_("Décochez plutôt que de supprimer le compte : rien n'est supprimé."),
    )
    date_joined = models.DateTimeField(_("date de création"), default=clock.now)
    email_confirmed_at = models.DateTimeField(
        _("adresse courriel confirmée le"),
        null=True,
        blank=True,
        help_text=_(
            "Un compte créé en ligne reste inactif tant que la personne n'a pas ouvert le lien "
            "de confirmation reçu par courriel."
        ),
    )

    history = HistoricalRecords()
    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(role=Role.REPRESENTATIVE)
                | models.Q(is_staff=False, is_superuser=False),
                name="user_representative_not_staff",
                violation_error_message=_(
                    "Une représentante ou un représentant d'organisme n'a pas accès à "
                    "l'administration."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def awaits_email_confirmation(self) -> bool:
        """Registered online and has not yet opened the confirmation link."""
        return not self.is_active and self.email_confirmed_at is None and self.has_usable_password()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_ministry_staff(self) -> bool:
        return self.is_active and self.is_staff and self.role in MINISTRY_ROLES

    def has_perm(self, perm: str, obj=None) -> bool:
        if self.is_ministry_staff and _role_grants(self.role, perm):
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_ministry_staff and app_label in BUSINESS_APPS:
            return True
        return super().has_module_perms(app_label)


def _role_grants(role: str, perm: str) -> bool:
    app_label, _dot, codename = perm.partition(".")
    if app_label not in BUSINESS_APPS:
        return False
    action = codename.split("_", 1)[0]
    if action == "view":
        return True
    if action in ("add", "change"):
        return app_label in ROLE_CHANGES.get(role, frozenset())
    return False  # delete: never (nothing is hard-deleted)


class IncidentRisk(models.TextChoices):
    LOW = "low", _("Pas de risque qu'un préjudice sérieux soit causé")
    SERIOUS = "serious", _("Risque qu'un préjudice sérieux soit causé")


class ConfidentialityIncident(Record):
    """A confidentiality incident in the register the law on the protection of personal
    information in the public sector requires (Loi 25): what was concerned, when, how many
    people, the risk assessed, the notices given, the measures taken. Staff only."""

    occurred_on = models.DateField(_("date ou début de l'incident"))
    occurred_until = models.DateField(_("fin de l'incident"), null=True, blank=True)
    discovered_on = models.DateField(_("date où le Ministère en a eu connaissance"))
    circumstances = models.TextField(_("description des circonstances"))
    information = models.TextField(_("renseignements personnels visés"))
    persons = models.PositiveIntegerField(_("nombre de personnes concernées (ou estimation)"))
    risk = models.CharField(_("évaluation du risque"), max_length=10, choices=IncidentRisk.choices)
    risk_reasons = models.TextField(
        _("motifs de l'évaluation (sensibilité, conséquences, probabilité)")
    )
    commission_notified_on = models.DateField(
        _("avis à la Commission d'accès à l'information le"), null=True, blank=True
    )
    persons_notified_on = models.DateField(
        _("avis aux personnes concernées le"), null=True, blank=True
    )
    measures = models.TextField(_("mesures prises pour diminuer le risque"))
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("inscrit par"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    scope_path = None  # the ministry's own register

    class Meta:
        verbose_name = _("incident de confidentialité")
        verbose_name_plural = _("registre des incidents de confidentialité")
        ordering = ["-discovered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discovered_on__gte=models.F("occurred_on")),
                name="incident_discovered_after_it_occurred",
                violation_error_message=_(
                    "La date de connaissance ne peut pas précéder l'incident."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(occurred_until__isnull=True)
                | models.Q(occurred_until__gte=models.F("occurred_on")),
                name="incident_ends_after_it_starts",
                violation_error_message=_("La fin de l'incident ne peut pas précéder son début."),
            ),
            models.CheckConstraint(
                condition=models.Q(risk__in=IncidentRisk.values), name="incident_risk_valid"
            ),
        ]

    def __str__(self):
        return _("Incident n° %(id)s") % {"id": self.pk}


class NoticeContext(models.TextChoices):
    REGISTRATION = "registration", _("inscription")
    INVITATION = "invitation", _("invitation acceptée")
    BOARD = "board", _("saisie des membres du conseil")


class NoticeAcknowledgment(Record):
    """A person acknowledged the privacy notice (Loi sur l'accès, art. 65): where it was shown
    to them, which version, when; for an organization when it concerns one."""

    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("personne"),
        on_delete=models.PROTECT,
        related_name="notice_acknowledgments",
    )
    context = models.CharField(_("contexte"), max_length=20, choices=NoticeContext.choices)
    # Not `version`: Record's version is the row's own (optimistic locking).
    notice_version = models.CharField(_("version de l'avis"), max_length=20)
    at = models.DateTimeField(_("pris connaissance le"), default=clock.now)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    scope_path = None  # the ministry's proof that the notice was given

    class Meta:
        verbose_name = _("prise de connaissance de l'avis de confidentialité")
        verbose_name_plural = _("prises de connaissance de l'avis de confidentialité")
        ordering = ["-at", "-pk"]
        constraints = [
            # Two partial constraints: a NULL organization is never equal to another.
            models.UniqueConstraint(
                fields=["user", "context", "notice_version", "organization"],
                condition=models.Q(organization__isnull=False),
                name="notice_acknowledged_once_per_organization",
            ),
            models.UniqueConstraint(
                fields=["user", "context", "notice_version"],
                condition=models.Q(organization__isnull=True),
                name="notice_acknowledged_once",
            ),
            models.CheckConstraint(
                condition=models.Q(context__in=NoticeContext.values),
                name="notice_context_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_context_display()} ({self.notice_version})"
