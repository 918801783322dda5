"""The workspace's forms for agreements (5.4): preparing one, recording its signature, and the
non-compliance cases and measures of 5.5."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from soutien.core.fiscal import choices as fiscal_year_choices
from soutien.core.forms import DateInput, MoneyField, PortalFormMixin, WorkspaceForm, YesNoField

from .models import Breach, NonComplianceKind


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
        required=False,
        help_text=_(
            "Laissez ce champ vide si l'organisme a déposé la copie signée dans son espace."
        ),
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


def _reason(label, required_message, *, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message,
            "max_length": _("Ce texte a au plus %(limit_value)d caractères."),
        },
    )


class OpenCaseForm(WorkspaceForm):
    breach = forms.ChoiceField(
        label=_("Ce qui n'est pas respecté"),
        choices=Breach.choices,
        error_messages={
            "required": _("Choisissez ce qui n'est pas respecté."),
            "invalid_choice": _("Choisissez une des possibilités offertes."),
        },
    )
    clause = forms.CharField(
        label=_("Article de la convention ou clause du programme"),
        max_length=120,
        help_text=_("Par exemple : « article 4.2 de la convention » ou « clause 7 »."),
        error_messages={
            "required": _("Indiquez l'article de la convention ou la clause non respectée."),
            "max_length": _("L'article a au plus %(limit_value)d caractères."),
        },
    )
    finding = _reason(_("Constat"), _("Décrivez ce qui a été constaté."))
    found_on = forms.DateField(
        label=_("Constaté le"),
        widget=DateInput(),
        error_messages={
            "required": _("Indiquez la date du constat."),
            "invalid": _("La date du constat n'est pas une date valide (AAAA-MM-JJ)."),
        },
    )

    # A page that proposes a case links here with what it found (?manquement=…&article=…
    # &constat=…); the form is only prefilled: a person opens the case or not.
    QUERY = {"manquement": "breach", "article": "clause", "constat": "finding"}

    @classmethod
    def initial_from(cls, query, *, today) -> dict:
        initial = {"found_on": today}
        for param, name in cls.QUERY.items():
            value = query.get(param, "").strip()
            if value:
                initial[name] = value[: getattr(cls.base_fields[name], "max_length", None)]
        if initial.get("breach") not in Breach.values:
            initial.pop("breach", None)
        return initial


class ProposeMeasureForm(WorkspaceForm):
    kind = forms.ChoiceField(
        label=_("Mesure proposée"),
        choices=NonComplianceKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez la mesure proposée."),
            "invalid_choice": _("Choisissez une des mesures offertes."),
        },
    )
    legal_basis = forms.CharField(
        label=_("Fondement"),
        max_length=200,
        initial=_("Clause 5.5 du programme ; article de la convention : …"),
        help_text=_("La clause du programme et l'article de la convention qui fondent la mesure."),
        error_messages={
            "required": _("Indiquez le fondement de la mesure."),
            "max_length": _("Le fondement a au plus %(limit_value)d caractères."),
        },
    )
    reason = _reason(_("Motifs (repris dans la lettre)"), _("Donnez les motifs de la mesure."))
    agreement_year = forms.TypedChoiceField(
        label=_("Année révisée (révision)"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choisissez une année de cette convention.")},
    )
    revised_amount = MoneyField(
        label=_("Nouveau montant annuel (révision)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "invalid": _("Le nouveau montant n'est pas un montant valide (ex. : 45 000,00 $)."),
            "min_value": _("Le nouveau montant ne peut pas être négatif."),
            "max_decimal_places": _("Le nouveau montant a au plus deux décimales."),
            "max_digits": _("Le nouveau montant est trop grand."),
        },
    )
    remedy = forms.CharField(
        label=_("Ce que l'organisme doit corriger (suspension)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Ce texte a au plus %(limit_value)d caractères.")},
    )
    remedy_due_on = forms.DateField(
        label=_("À corriger au plus tard le (suspension)"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("La date limite n'est pas une date valide (AAAA-MM-JJ).")},
    )
    effective_on = forms.DateField(
        label=_("Prend effet le (résiliation)"),
        required=False,
        widget=DateInput(),
        help_text=_("Au plus tôt 30 jours après la lettre de préavis (6.2)."),
        error_messages={"invalid": _("La date d'effet n'est pas une date valide (AAAA-MM-JJ).")},
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement_year"].choices = [("", _("— Choisissez —"))] + [
            (year.pk, _("Année %(number)s (%(label)s)")
             % {"number": year.year_number, "label": year.fiscal_year_label})
            for year in years
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        required = {
            NonComplianceKind.REVISION: {
                "agreement_year": _("Choisissez l'année dont la contribution est révisée."),
                "revised_amount": _("Indiquez le nouveau montant annuel."),
            },
            NonComplianceKind.SUSPENSION: {
                "remedy": _("Dites ce que l'organisme doit corriger."),
                "remedy_due_on": _("Indiquez la date limite de la correction."),
            },
            NonComplianceKind.TERMINATION: {
                "effective_on": _("Indiquez la date d'effet de la résiliation."),
            },
        }.get(kind, {})
        for field, message in required.items():
            if data.get(field) in (None, "") and field not in self.errors:
                self.add_error(field, message)
        return data


class ReviewMeasureForm(WorkspaceForm):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("approve", _("Approuver et appliquer")), ("reject", _("Refuser"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez d'approuver ou de refuser la mesure."),
            "invalid_choice": _("Choisissez d'approuver ou de refuser la mesure."),
        },
    )
    review_reason = forms.CharField(
        label=_("Motif (obligatoire pour refuser)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Le motif a au plus %(limit_value)d caractères.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("review_reason") or "").strip():
            self.add_error("review_reason", _("Donnez le motif du refus."))
        return data


class ReasonForm(WorkspaceForm):
    """Lifting a suspension, closing a case: a reason, journaled."""

    reason = _reason(_("Motif"), _("Le motif est requis pour cette opération."), rows=2)


class SignedCopyForm(PortalFormMixin, forms.Form):
    """The organization's signed copy of its agreement (portal)."""

    signed_copy = forms.FileField(
        label=_("Convention signée (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
        error_messages={
            "required": _("Choisissez le fichier de la convention signée."),
            "empty": _("Le fichier de la convention signée est vide."),
            "invalid": _("Le fichier de la convention signée n'a pas pu être lu."),
        },
    )
    signatory_confirmed = forms.BooleanField(
        required=False,
        error_messages={"required": _("Confirmez qui a signé la convention.")},
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatory_confirmed"].label = format_lazy(
            _(
                "Je confirme que la convention est signée par {name}, que désigne la "
                "résolution du conseil d'administration."
            ),
            name=agreement.signatory_name,
        )


class RenewalReviewForm(WorkspaceForm):
    """The advisor's review of a renewal (5.6)."""

    requirements_met = YesNoField(
        label=_(
            "L'organisme a-t-il respecté de façon continue les exigences de la convention (5.6) ?"
        ),
        error_messages={"required": _("Répondez par Oui ou par Non.")},
    )
    evidence = forms.CharField(
        label=_("Constats : mesures de non-respect, redditions de comptes, créances"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _(
                "Décrivez ce que montrent les mesures, les redditions de comptes et les créances."
            ),
            "max_length": _("Ce texte a au plus %(limit_value)d caractères."),
        },
    )
