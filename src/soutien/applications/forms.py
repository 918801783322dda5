"""The portal's forms: one per section; a draft may be incomplete, never wrong."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from soutien.core.files import ACCEPTED_EXTENSIONS
from soutien.core.forms import MoneyField
from soutien.organizations.forms import PhoneField
from soutien.rules.documents import REQUIRED_DOCUMENTS

from .actions import deadline_label
from .models import (
    DECLARATION_TEXT,
    Application,
    FundingSourceKind,
    Stream,
    SubmissionPeriod,
)

SHORT_SOURCES = {
    FundingSourceKind.QUEBEC: _("Québec"),
    FundingSourceKind.CANADA: _("Canada"),
    FundingSourceKind.MUNICIPALITY: _("municipalités"),
    FundingSourceKind.MRC: _("MRC"),
    FundingSourceKind.METROPOLITAN: _("communautés métropolitaines"),
    FundingSourceKind.INDIGENOUS: _("communautés autochtones"),
    FundingSourceKind.OTHER: _("autres"),
}
NOT_NEGATIVE = _("Inscrivez un montant positif ou 0 : un montant ne peut pas être négatif.")


def money_field(label, *, required=False, help_text="") -> MoneyField:
    return MoneyField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        help_text=help_text,
        error_messages={
            "min_value": NOT_NEGATIVE,
            "invalid": _("Inscrivez un montant en dollars, par exemple 125 000 ou 125 000,50 $."),
            "max_decimal_places": _("Inscrivez au plus deux décimales (les cents)."),
            "max_digits": _("Ce montant est trop grand."),
            "max_whole_digits": _("Ce montant est trop grand."),
        },
    )


class SeenVersionMixin:
    """The version of the application the page was read at: a save from a page read before
    someone else's save is refused (StaleRecord)."""

    def add_seen_version(self, application) -> None:
        self.fields["seen_version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=application.version
        )


class SectionForm(SeenVersionMixin, forms.ModelForm):
    """A section of the application: every field may be left empty in a draft."""

    class Meta:
        model = Application
        fields: tuple[str, ...] = ()

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = False
            if isinstance(field, forms.IntegerField):
                field.min_value = 0
                field.widget = forms.NumberInput(attrs={"min": "0", "inputmode": "numeric"})
                field.error_messages["min_value"] = _(
                    "Inscrivez un nombre positif ou 0 : ce nombre ne peut pas être négatif."
                )
                field.validators = [
                    v for v in field.validators if not isinstance(v, MinValueValidator)
                ] + [
                    MinValueValidator(0, message=field.error_messages["min_value"]),
                ]
            if name == "contact_email":
                field.widget.attrs["autocomplete"] = "email"
                field.error_messages["invalid"] = _(
                    "Inscrivez une adresse courriel complète, par exemple nom@organisme.org."
                )
            if name == "contact_phone":
                self.fields[name] = PhoneField(
                    label=field.label,
                    required=False,
                    max_length=field.max_length,
                    help_text=field.help_text,
                )
            if name == "contact_name":
                field.widget.attrs["autocomplete"] = "name"


def section_form_class(section) -> type[SectionForm]:
    return forms.modelform_factory(Application, form=SectionForm, fields=list(section.fields))


class FinancesForm(SeenVersionMixin, forms.Form):
    estimated_operating_costs = money_field(
        _("Coûts estimés de fonctionnement de l'année visée"),
        help_text=_("Selon les prévisions budgétaires de l'année visée (6.1.4)."),
    )
    statements_period_start = forms.DateField(
        label=_("Début du dernier exercice financier complété de l'organisme"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Inscrivez une date, par exemple 2018-04-01.")},
    )
    statements_period_end = forms.DateField(
        label=_("Fin du dernier exercice financier complété de l'organisme"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Inscrivez une date, par exemple 2019-03-31.")},
    )
    total_revenue = money_field(_("Produits totaux (revenus)"))
    total_expenses = money_field(
        _("Dépenses totales"), help_text=_("Telles qu'inscrites aux états financiers (6.1.3).")
    )
    unrestricted_net_assets = MoneyField(
        label=_("Actif net non affecté"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=_("Tel qu'inscrit aux états financiers ; peut être négatif (6.1.3)."),
        error_messages={
            "invalid": _("Inscrivez un montant en dollars, par exemple 40000 ou -2500."),
        },
    )

    STATEMENT_FIELDS = (
        "statements_period_start",
        "statements_period_end",
        "total_revenue",
        "total_expenses",
        "unrestricted_net_assets",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for source in FundingSourceKind:
            self.fields[f"funding_{source.value}"] = money_field(source.label)
            self.fields[f"funding_{source.value}_details"] = forms.CharField(
                label=_("Bailleurs de fonds et programmes — %(source)s")
                % {"source": SHORT_SOURCES[source]},
                required=False,
                max_length=300,
                help_text=_("Par exemple : ministère de la Santé et des Services sociaux, PSOC."),
            )

    def funding_rows(self):
        return [
            (source, self[f"funding_{source.value}"], self[f"funding_{source.value}_details"])
            for source in FundingSourceKind
        ]

    def statement_fields(self):
        return [self[name] for name in self.STATEMENT_FIELDS]

    def clean(self):
        data = super().clean()
        given = [name for name in self.STATEMENT_FIELDS if data.get(name) not in (None, "")]
        if given and len(given) < len(self.STATEMENT_FIELDS):
            for name in self.STATEMENT_FIELDS:
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(
                        name,
                        _(
                            "Inscrivez aussi ce chiffre : les états financiers se saisissent "
                            "au complet."
                        ),
                    )
        start, end = data.get("statements_period_start"), data.get("statements_period_end")
        if start and end and end <= start:
            self.add_error(
                "statements_period_end",
                _("La fin de l'exercice doit suivre son début."),
            )
        return data

    def lines(self) -> dict:
        return {
            source.value: (
                self.cleaned_data.get(f"funding_{source.value}") or Decimal("0"),
                self.cleaned_data.get(f"funding_{source.value}_details") or "",
            )
            for source in FundingSourceKind
        }

    def statements(self) -> dict | None:
        data = self.cleaned_data
        if data.get("statements_period_end") is None:
            return None
        return {
            "period_start": data["statements_period_start"],
            "period_end": data["statements_period_end"],
            "total_revenue": data["total_revenue"],
            "total_expenses": data["total_expenses"],
            "unrestricted_net_assets": data["unrestricted_net_assets"],
        }

    @classmethod
    def initial_for(cls, application: Application) -> dict:
        initial = {"estimated_operating_costs": application.estimated_operating_costs or None}
        for line in application.funding_lines.all():
            initial[f"funding_{line.source}"] = line.amount
            initial[f"funding_{line.source}_details"] = line.details
        statements = application.last_statements
        if statements is not None:
            initial.update(
                statements_period_start=statements.period_start,
                statements_period_end=statements.period_end,
                total_revenue=statements.total_revenue,
                total_expenses=statements.total_expenses,
                unrestricted_net_assets=statements.unrestricted_net_assets,
            )
        return initial


def size_limit_label() -> str:
    return f"{settings.DOCUMENT_MAX_BYTES / (1024 * 1024):g}".replace(".", ",")


class DocumentsForm(forms.Form):
    """One optional file per document of 5.1; on a renewal, « unchanged » instead of a file."""

    def __init__(self, *args, renewal: bool = False, reusable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.reusable = set(reusable)
        for document in REQUIRED_DOCUMENTS:
            self.fields[document.code] = forms.FileField(
                label=_(document.title),
                required=False,
                help_text=_(document.description),
                widget=forms.ClearableFileInput(attrs={"accept": _accept()}),
            )
            if renewal and document.code in self.reusable:
                self.fields[f"{document.code}_unchanged"] = forms.BooleanField(
                    label=_(
                        "Ce document n'a pas changé depuis l'an dernier : reprendre la version "
                        "déjà fournie"
                    ),
                    required=False,
                )

    def rows(self):
        return [
            (
                document,
                self[document.code],
                self[f"{document.code}_unchanged"]
                if f"{document.code}_unchanged" in self.fields
                else None,
            )
            for document in REQUIRED_DOCUMENTS
        ]

    def clean(self):
        data = super().clean()
        for document in REQUIRED_DOCUMENTS:
            if data.get(document.code) and data.get(f"{document.code}_unchanged"):
                self.add_error(
                    document.code,
                    _("Déposez un nouveau fichier ou cochez « n'a pas changé », pas les deux."),
                )
        if not any(data.get(d.code) or data.get(f"{d.code}_unchanged") for d in REQUIRED_DOCUMENTS):
            raise forms.ValidationError(
                _("Choisissez au moins un fichier à déposer."), code="nothing"
            )
        return data

    def uploads(self):
        return [
            (d.code, self.cleaned_data[d.code])
            for d in REQUIRED_DOCUMENTS
            if self.cleaned_data.get(d.code)
        ]

    def unchanged(self):
        return [d.code for d in REQUIRED_DOCUMENTS if self.cleaned_data.get(f"{d.code}_unchanged")]


def _accept() -> str:
    return ",".join(f".{ext}" for ext in ACCEPTED_EXTENSIONS.split(", "))


class StartForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisme"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choisissez l'organisme."),
            "invalid_choice": _("Choisissez l'organisme."),
        },
    )
    period = forms.ModelChoiceField(
        label=_("Exercice financier"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choisissez l'exercice financier."),
            "invalid_choice": _("Choisissez un exercice dont la période de dépôt est ouverte."),
        },
    )
    stream = forms.TypedChoiceField(
        label=_("Volet"),
        choices=Stream.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le volet.")},
    )

    def __init__(self, *args, organizations, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        # Volet 2 is for national groupings only (2.2): offered when one of them is one.
        streams = {Stream.ORGANIZATION} | (
            {Stream.NATIONAL_GROUPING}
            if any(o.is_national_grouping for o in organizations)
            else set()
        )
        self.fields["stream"].choices = [c for c in Stream.choices if c[0] in streams]
        self.fields["stream"].error_messages["invalid_choice"] = _(
            "Seul un regroupement national peut présenter une demande au volet 2."
        )
        self.fields["period"].queryset = periods.filter(stream__in=streams)
        # Two periods of one year differ by their stream: each option says which it is.
        self.fields["period"].label_from_instance = lambda p: (
            _("%(fiscal_year)s, volet %(stream)s — dépôt au plus tard le %(deadline)s")
            % {"fiscal_year": p.fiscal_year_label, "stream": p.stream, "deadline": _deadline(p)}
        )

    def clean(self):
        cleaned = super().clean()
        period, stream = cleaned.get("period"), cleaned.get("stream")
        if period is not None and stream is not None and period.stream != stream:
            self.add_error(
                "period",
                _(
                    "Cette période de dépôt est celle du volet %(period_stream)s : choisissez "
                    "celle du volet %(stream)s."
                )
                % {"period_stream": period.stream, "stream": stream},
            )
        return cleaned


def _deadline(period: SubmissionPeriod) -> str:

    return deadline_label(period.deadline_at)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Votre réponse au Ministère"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=True,
        help_text=_(
            "Dites ce que vous avez corrigé ou ajouté, ou donnez les renseignements demandés."
        ),
        error_messages={"required": _("Écrivez votre réponse avant de l'envoyer.")},
    )


class DeclarationForm(forms.Form):
    """The declaration made before submitting, by the person the board resolution authorizes
    (5.1, document 1)."""

    declarant_name = forms.CharField(
        label=_("Nom de la personne qui déclare"),
        max_length=200,
        error_messages={"required": _("Indiquez le nom de la personne qui fait la déclaration.")},
    )
    declarant_title = forms.CharField(
        label=_("Fonction dans l'organisme"),
        max_length=200,
        error_messages={"required": _("Indiquez la fonction de la personne qui déclare.")},
    )
    declared = forms.BooleanField(
        label=DECLARATION_TEXT,
        error_messages={
            "required": _("Cochez la déclaration pour déposer la demande : elle est obligatoire.")
        },
    )
