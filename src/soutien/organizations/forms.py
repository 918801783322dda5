"""Forms of the organizations' portal: registration, profile, board, grouping members,
invitations, and the eligibility self-check, one topic per page; and the Ministry's form that
marks an organization attached (5.2)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from soutien.accounts.forms import PasswordPairMixin, notice_field, password_fields
from soutien.accounts.models import User
from soutien.core import clock
from soutien.core.forms import (
    DateInput,
    PortalFormMixin,
    VersionedPortalForm,
    WorkspaceForm,
    YesNoField,
)
from soutien.rules.facts import RepaymentAgreement

from .models import (
    REFUGEES_PER_YEAR_MAX,
    BoardMember,
    ExcludedCategoryChoices,
    GroupingMember,
    LegalFormChoices,
    Organization,
    Region,
)
from .selfcheck import covered_fiscal_years
from .validators import (
    normalize_neq,
    normalize_phone,
    normalize_postal_code,
    validate_not_future,
)

BOOLEAN_FIELDS_AS_QUESTIONS = {
    "head_office_in_quebec": _("Le siège de l'organisme est-il au Québec ?"),
    "majority_of_activities_in_quebec": _(
        "L'organisme réalise-t-il la majorité de ses activités au Québec ?"
    ),
    "is_national_grouping": _("L'organisme est-il un regroupement national (volet 2) ?"),
    "attached_to_ministry": _("L'organisme est-il déjà rattaché au Ministère ?"),
    "refugee_reception": _(
        "L'organisme voit-il à l'accueil et à l'installation des personnes réfugiées ou "
        "protégées à titre humanitaire outre-frontières prises en charge par l'État ?"
    ),
    "domiciled_in_quebec": _("Cette personne est-elle domiciliée au Québec ?"),
    "volunteer": _("Siège-t-elle bénévolement au conseil ?"),
}


def _yes_no(form: forms.ModelForm) -> None:
    """Boolean model fields become required Oui/Non questions."""
    for name, question in BOOLEAN_FIELDS_AS_QUESTIONS.items():
        if name in form.fields:
            old = form.fields[name]
            form.fields[name] = YesNoField(label=question, help_text=old.help_text)


class NEQField(forms.CharField):
    """« 1170 000 001 » is 1170000001: spaces go before the 10 digits are checked, and the
    browser never cuts what was typed."""

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": "20", "inputmode": "numeric"}

    def to_python(self, value):
        return normalize_neq(super().to_python(value))


class PostalCodeField(forms.CharField):
    """A Canadian postal code, stored as « J1H 5Z9 » however it was typed."""

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": "12", "autocomplete": "postal-code"}

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_postal_code(value) if value else value


class PhoneField(forms.CharField):
    """A North American phone number (an extension may follow), stored « 819 555-1234 »."""

    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_phone(value) if value else value


def clean_past_date(form, name: str):
    value = form.cleaned_data[name]
    validate_not_future(value, today=clock.today())
    return value


IDENTITY_FIELD_CLASSES = {"neq": NEQField, "postal_code": PostalCodeField}


# Who the organization is: asked at registration, edited in the profile's first section.
IDENTITY_FIELDS = (
    "legal_name",
    "neq",
    "legal_form",
    "incorporation_date",
    "street_address",
    "city",
    "postal_code",
    "region",
)


class IdentityForm(VersionedPortalForm):
    class Meta:
        model = Organization
        fields = (
            *IDENTITY_FIELDS,
            "head_office_in_quebec",
            "majority_of_activities_in_quebec",
            "fiscal_year_end_month",
            "fiscal_year_end_day",
        )
        widgets = {"incorporation_date": DateInput()}
        field_classes = IDENTITY_FIELD_CLASSES

    def clean_incorporation_date(self):
        return clean_past_date(self, "incorporation_date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _yes_no(self)
        self.fields["fiscal_year_end_month"].widget = forms.Select(
            choices=[(m, _month_name(m)) for m in range(1, 13)]
        )
        self.fields["fiscal_year_end_day"].min_value = 1
        self.fields["fiscal_year_end_day"].max_value = 31
        self.fields["fiscal_year_end_day"].validators += [
            _between(1, 31, _("Le jour de fin d'exercice va de 1 à 31."))
        ]
        self.fields["fiscal_year_end_month"].validators += [
            _between(1, 12, _("Choisissez un mois de janvier à décembre."))
        ]


def _between(low: int, high: int, message):
    def check(value):
        if value is not None and not low <= value <= high:
            raise ValidationError(message, code="out_of_range")

    return check


_MONTHS = [
    _("janvier"),
    _("février"),
    _("mars"),
    _("avril"),
    _("mai"),
    _("juin"),
    _("juillet"),
    _("août"),
    _("septembre"),
    _("octobre"),
    _("novembre"),
    _("décembre"),
]


def _month_name(month: int):
    return _MONTHS[month - 1]


class MissionForm(VersionedPortalForm):
    class Meta:
        model = Organization
        fields = ("mission", "services")


class ReceptionForm(VersionedPortalForm):
    class Meta:
        model = Organization
        # The attachment to the Ministry (5.2) is not the organization's to say: the Ministry
        # establishes it (`actions.mark_attached`) or an agreement does.
        fields = (
            "is_national_grouping",
            "refugee_reception",
            "refugees_received_per_year",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _yes_no(self)
        field = self.fields["refugees_received_per_year"]
        field.min_value = 0
        field.help_text = _(
            "Un nombre entier de 0 à %(max)s ; 0 si l'organisme n'en accueille pas."
        ) % {"max": REFUGEES_PER_YEAR_MAX}
        field.error_messages["min_value"] = _(
            "Le nombre de personnes réfugiées ne peut pas être négatif."
        )


class BoardMemberForm(VersionedPortalForm):
    class Meta:
        model = BoardMember
        fields = (
            "full_name",
            "position",
            "domiciled_in_quebec",
            "status",
            "volunteer",
            "term_start",
        )
        widgets = {"term_start": DateInput(), "status": forms.RadioSelect}

    notice_acknowledged = notice_field()

    def __init__(self, *args, acknowledged: bool, **kwargs):
        """`acknowledged`: the person already acknowledged the current notice for this
        organization's board; the box is then not asked again."""
        super().__init__(*args, **kwargs)
        if acknowledged:
            del self.fields["notice_acknowledged"]
        _yes_no(self)
        self.fields["status"].label = _("Statut au Canada")
        # every status is offered, citizenship first; only an empty choice is left out
        self.fields["status"].choices = [
            (value, label) for value, label in self.fields["status"].choices if value != ""
        ]


class GroupingMemberForm(VersionedPortalForm):
    class Meta:
        model = GroupingMember
        fields = ("name", "neq", "region", "joined_on")
        widgets = {"joined_on": DateInput()}
        field_classes = {"neq": NEQField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].empty_label = _("Choisissez une région")

    def validate_unique(self):
        # The grouping is set by the view; the action's validation checks the pair again.
        self.instance.validate_unique(exclude=self._get_validation_exclusions())


class EndForm(PortalFormMixin, forms.Form):
    """Confirms a removal (the record is kept, its period ends)."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput)


class InviteForm(PortalFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Adresse courriel de votre collègue"),
        help_text=_("Un lien lui sera envoyé ; il reste valide 14 jours."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


# --- The self-check, one topic per page ----------------------------------------------


class SelfCheckForm(PortalFormMixin, forms.Form):
    seen_version = forms.IntegerField(widget=forms.HiddenInput)

    def answers(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "seen_version"}


class ConstitutionStep(SelfCheckForm):
    legal_form = forms.ChoiceField(
        label=_("En vertu de quelle loi l'organisme est-il constitué ?"),
        choices=LegalFormChoices.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la loi qui constitue l'organisme.")},
    )
    incorporation_date = forms.DateField(
        label=_("Date de constitution"),
        help_text=_("Telle qu'inscrite au Registraire des entreprises, au format AAAA-MM-JJ."),
        widget=DateInput(),
        error_messages={
            "required": _("Indiquez la date de constitution."),
            "invalid": _("Indiquez une date qui existe, au format AAAA-MM-JJ."),
        },
    )

    def clean_incorporation_date(self):
        value = self.cleaned_data["incorporation_date"]
        if value.year < 1800:
            raise ValidationError(_("Indiquez une date de constitution après 1800."))
        validate_not_future(value, today=clock.today())
        return value.isoformat()


class SiegeStep(SelfCheckForm):
    head_office_in_quebec = YesNoField(label=BOOLEAN_FIELDS_AS_QUESTIONS["head_office_in_quebec"])
    majority_of_activities_in_quebec = YesNoField(
        label=BOOLEAN_FIELDS_AS_QUESTIONS["majority_of_activities_in_quebec"]
    )


class CategoriesStep(SelfCheckForm):
    excluded_category = forms.ChoiceField(
        label=_("L'organisme appartient-il à l'une de ces catégories ?"),
        help_text=_(
            "La clause 4 exclut ces organismes, même s'ils répondent aux critères de la clause 3."
        ),
        choices=[("", _("Aucune de ces catégories")), *ExcludedCategoryChoices.choices],
        widget=forms.RadioSelect,
        required=False,
    )


class EngagementsStep(SelfCheckForm):
    has_debt_to_ministry = YesNoField(
        label=_("L'organisme a-t-il une dette envers le Ministère ?"),
    )
    repayment_agreement = forms.ChoiceField(
        label=_("Si oui, une entente de remboursement a-t-elle été conclue avec le Ministère ?"),
        choices=[
            (RepaymentAgreement.NONE.value, _("Aucune entente de remboursement")),
            (RepaymentAgreement.RESPECTED.value, _("Une entente, et elle est respectée")),
            (
                RepaymentAgreement.NOT_RESPECTED.value,
                _("Une entente, mais elle n'est pas respectée"),
            ),
        ],
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Ne répondez pas si l'organisme n'a pas de dette."),
    )
    commitments_respected_last_3_years = YesNoField(
        label=_(
            "Au cours des trois dernières années, l'organisme a-t-il respecté ses engagements "
            "envers le Ministère, quel que soit le programme ?"
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_debt_to_ministry") and not cleaned.get("repayment_agreement"):
            self.add_error(
                "repayment_agreement",
                _("Dites si une entente de remboursement a été conclue."),
            )
        if cleaned.get("has_debt_to_ministry") is False:
            cleaned["repayment_agreement"] = RepaymentAgreement.NONE.value
        return cleaned


class ConseilStep(SelfCheckForm):
    board_total = forms.IntegerField(
        label=_("Combien de personnes siègent au conseil d'administration ?"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": _("Indiquez le nombre de membres du conseil."),
            "min_value": _("Le nombre de membres ne peut pas être négatif."),
            "max_value": _("Indiquez un nombre de membres de 0 à 100."),
            "invalid": _("Indiquez un nombre entier."),
        },
    )
    board_qualified = forms.IntegerField(
        label=_(
            "Parmi elles, combien sont domiciliées au Québec, ont la citoyenneté canadienne ou "
            "la résidence permanente, et siègent bénévolement ?"
        ),
        min_value=0,
        max_value=100,
        error_messages={
            "required": _("Indiquez un nombre, 0 s'il n'y en a aucune."),
            "min_value": _("Le nombre ne peut pas être négatif."),
            "max_value": _("Indiquez un nombre de 0 à 100."),
            "invalid": _("Indiquez un nombre entier."),
        },
    )
    annual_general_meeting_held = YesNoField(
        label=_("L'organisme tient-il chaque année une assemblée générale annuelle ?")
    )

    def clean(self):
        cleaned = super().clean()
        total, qualified = cleaned.get("board_total"), cleaned.get("board_qualified")
        if total is not None and qualified is not None and qualified > total:
            self.add_error(
                "board_qualified",
                _("Ce nombre ne peut pas dépasser le nombre de membres du conseil (%(total)s).")
                % {"total": total},
            )
        return cleaned


class RefugiesStep(SelfCheckForm):
    refugee_reception = YesNoField(label=BOOLEAN_FIELDS_AS_QUESTIONS["refugee_reception"])
    refugees_received_per_year = forms.IntegerField(
        label=_("Combien de personnes réfugiées l'organisme accueille-t-il par année ?"),
        help_text=_("0 si l'organisme n'en accueille pas."),
        min_value=0,
        max_value=REFUGEES_PER_YEAR_MAX,
        error_messages={
            "required": _("Indiquez un nombre, 0 si l'organisme n'en accueille pas."),
            "min_value": _("Le nombre de personnes réfugiées ne peut pas être négatif."),
            "max_value": _("Indiquez un nombre réaliste de personnes par année."),
            "invalid": _("Indiquez un nombre entier."),
        },
    )
    attached_to_ministry = YesNoField(label=BOOLEAN_FIELDS_AS_QUESTIONS["attached_to_ministry"])


class VoletStep(SelfCheckForm):
    stream = forms.TypedChoiceField(
        label=_("À quel volet l'organisme présenterait-il sa demande ?"),
        choices=[
            (1, _("Volet 1 — organisme communautaire autonome")),
            (2, _("Volet 2 — regroupement national d'organismes communautaires")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez un volet.")},
    )
    fiscal_year = forms.TypedChoiceField(
        label=_("Exercice financier visé"),
        coerce=int,
        error_messages={"required": _("Choisissez l'exercice visé.")},
    )
    member_regions = forms.MultipleChoiceField(
        label=_("Volet 2 : de quelles régions administratives proviennent les membres ?"),
        help_text=_("Cochez chaque région d'où provient au moins un organisme membre."),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [
            (year.start_year, year.label) for year in covered_fiscal_years()
        ]
        self.fields["member_regions"].choices = [
            (region.code, str(region)) for region in Region.objects.all()
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("stream") == 2 and not cleaned.get("member_regions"):
            self.add_error(
                "member_regions",
                _("Pour le volet 2, cochez les régions d'où proviennent les membres."),
            )
        if cleaned.get("stream") == 1:
            cleaned["member_regions"] = []
        return cleaned


STEP_FORMS = {
    "constitution": ConstitutionStep,
    "siege": SiegeStep,
    "categories": CategoriesStep,
    "engagements": EngagementsStep,
    "conseil": ConseilStep,
    "refugies": RefugiesStep,
    "volet": VoletStep,
}


class RegistrationForm(PasswordPairMixin, PortalFormMixin, forms.ModelForm):
    """A representative and their organization. Never attaches to an existing organization:
    a colleague already registered must send an invitation."""

    full_name = forms.CharField(
        label=_("Votre nom complet"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Votre adresse courriel"),
        help_text=_("Elle vous servira à vous connecter. Un lien de confirmation y sera envoyé."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1, password2 = password_fields()
    notice_acknowledged = notice_field()

    PERSON = ("full_name", "email", "password1", "password2")

    class Meta:
        model = Organization
        fields = IDENTITY_FIELDS
        widgets = {"incorporation_date": DateInput()}
        labels = {"legal_name": _("Nom légal de l'organisme")}
        field_classes = IDENTITY_FIELD_CLASSES

    field_order = (*PERSON, *Meta.fields, "notice_acknowledged")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neq"].widget.attrs["autocomplete"] = "off"
        self.fields["region"].empty_label = _("Choisissez une région")
        self.fields["legal_form"].choices = [
            ("", _("Choisissez une forme juridique")),
            *self.fields["legal_form"].choices[1:],
        ]

    @property
    def fieldsets(self):
        return [
            (_("Vous"), [self[name] for name in self.PERSON]),
            (_("Votre organisme"), [self[name] for name in self.Meta.fields]),
        ]

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _(
                    "Un compte existe déjà pour cette adresse courriel. Connectez-vous, ou "
                    "utilisez « Mot de passe oublié » si vous ne vous en souvenez plus."
                ),
                code="duplicate_email",
            )
        return email

    def clean_incorporation_date(self):
        return clean_past_date(self, "incorporation_date")

    def clean_neq(self):
        neq = self.cleaned_data["neq"]
        if Organization.objects.filter(neq=neq).exists():
            raise ValidationError(
                _(
                    "Un organisme portant ce NEQ est déjà inscrit. Demandez à une personne de "
                    "cet organisme de vous inviter depuis son espace, ou communiquez avec le "
                    "Ministère."
                ),
                code="neq_taken",
            )
        return neq

    def validate_unique(self):
        """NEQ uniqueness is checked by clean_neq, with a message that says what to do."""
        self.instance.validate_unique(exclude=[*self._get_validation_exclusions(), "neq"])

    def clean(self):
        cleaned = super().clean()
        self._check_passwords(
            User(email=cleaned.get("email") or "", full_name=cleaned.get("full_name") or "")
        )
        return cleaned

    def organization_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# --- The Ministry's workspace ----------------------------------------------------------


class AttachmentForm(WorkspaceForm):
    """The Ministry marks an organization attached (5.2), or withdraws its mark, with a reason;
    the action says what is missing."""

    action = forms.ChoiceField(
        label=_("Rattachement"),
        choices=[
            ("mark", _("Inscrire le rattachement")),
            ("withdraw", _("Retirer le rattachement")),
        ],
        error_messages={
            "invalid_choice": _("Choisissez d'inscrire ou de retirer le rattachement.")
        },
    )
    since = forms.DateField(
        label=_("Rattaché depuis"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Indiquez une date qui existe, au format AAAA-MM-JJ.")},
    )
    reason = forms.CharField(label=_("Motif"), required=False, widget=forms.Textarea)
