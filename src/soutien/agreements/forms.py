"""The workspace's forms for agreements (5.4): preparing one, recording its signature."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from soutien.core.fiscal import choices as fiscal_year_choices
from soutien.core.forms import DateInput, WorkspaceForm


def over_credits_field(year) -> forms.CharField:
    """The reason a person gives to commit beyond the available credits (6.2; decision 007)."""
    return forms.CharField(
        label=_("Motif d'un engagement au-delà des crédits disponibles"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=format_lazy(
            _(
                "À remplir seulement si les crédits disponibles de l'exercice ne couvrent pas "
                "le montant de {year} (6.2)."
            ),
            year=year,
        ),
    )


class PrepareAgreementForm(WorkspaceForm):
    duration_years = forms.TypedChoiceField(
        label=_("Durée (exercices financiers)"),
        coerce=int,
        help_text=_(
            "Trois ans au plus (5.4), jamais au-delà des normes en vigueur tant qu'une version "
            "ultérieure des normes n'existe pas."
        ),
        widget=forms.Select(attrs={"id": "duration"}),
        error_messages={
            "required": _("Choisissez la durée de la convention."),
            "invalid_choice": _(
                "La durée « %(value)s » n'est pas permise : choisissez une des durées offertes."
            ),
        },
    )
    signatory_name = forms.CharField(
        label=_("Signataire désigné par la résolution du conseil d'administration"),
        max_length=150,
        error_messages={
            "required": _("Inscrivez le nom du ou de la signataire désigné par la résolution."),
            "max_length": _("Le nom du ou de la signataire a au plus %(limit_value)d caractères."),
        },
    )
    signatory_title = forms.CharField(
        label=_("Fonction du ou de la signataire"),
        max_length=120,
        required=False,
        error_messages={
            "max_length": _(
                "La fonction du ou de la signataire a au plus %(limit_value)d caractères."
            ),
        },
    )

    def __init__(self, *args, durations: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_years"].choices = [(d, str(d)) for d in durations]


class SignAgreementForm(WorkspaceForm):
    signed_copy = forms.FileField(
        label=_("Convention signée par les deux parties (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
        error_messages={
            "required": _("Choisissez le fichier de la convention signée."),
            "empty": _("Le fichier de la convention signée est vide."),
            "invalid": _("Le fichier de la convention signée n'a pas pu être lu."),
        },
    )
    signed_on = forms.DateField(
        label=_("Signée le"),
        widget=DateInput,
        error_messages={
            "required": _("Inscrivez la date de signature."),
            "invalid": _("La date de signature n'est pas une date valide (AAAA-MM-JJ)."),
        },
    )
    over_credits_reason = over_credits_field(_("la première année"))


class FinanceFilterForm(WorkspaceForm):
    """What the finance page shows and extracts: a kind of rows, a fiscal year or all."""

    kind = forms.ChoiceField(
        label=_("Contenu"),
        choices=[
            ("installments", _("Versements prévus")),
            ("payments", _("Versements effectués (grand livre)")),
            ("decisions", _("Décisions")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez le contenu à afficher."),
            "invalid_choice": _("Le contenu « %(value)s » n'existe pas : choisissez-en un."),
        },
    )
    fiscal_year = forms.TypedChoiceField(
        label=_("Exercice financier"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"id": "fy"}),
        error_messages={
            "invalid_choice": _(
                "L'exercice financier « %(value)s » n'est pas un exercice des normes."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [("", _("Tous")), *fiscal_year_choices()]


class RenewYearForm(forms.Form):
    """A granted renewal (5.6) confirms the year of the agreement that covers it."""

    over_credits_reason = over_credits_field(_("l'année reconduite"))
