"""The portal's forms of the yearly report (clause 8), one per topic page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from soutien.applications.forms import _accept, money_field, size_limit_label
from soutien.core.forms import DateInput, PortalFormMixin, YesNoField
from soutien.organizations.models import FinancialReportTypeChoices
from soutien.organizations.validators import validate_neq
from soutien.rules.accountability import indicators

from .models import FundingLevel

COUNT_ERRORS = {
    "min_value": _("Inscrivez un nombre positif ou 0."),
    "invalid": _("Inscrivez un nombre entier."),
}
SEXES = (
    ("women", _("Femmes")),
    ("men", _("Hommes")),
    ("other", _("Autre identité de genre ou non précisé")),
    ("total", _("Total")),
)


def _file_field(label, help_text=""):
    return forms.FileField(
        label=label,
        required=False,
        help_text=help_text
        or _("PDF, Word, Excel, OpenDocument ou image ; au plus %(size)s Mo.")
        % {"size": size_limit_label()},
        widget=forms.ClearableFileInput(attrs={"accept": _accept()}),
    )


class ActivitiesForm(PortalFormMixin, forms.Form):
    """The activity report and, per indicator of the ministry, counts by sex (clause 8)."""

    activities = forms.CharField(
        label=_("Activités réalisées et services offerts grâce au programme"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in indicators().items:
            for sex, label in SEXES:
                self.fields[f"{indicator.code}_{sex}"] = forms.IntegerField(
                    label=f"{indicator.label} — {label}",
                    required=False,
                    min_value=0,
                    error_messages=COUNT_ERRORS,
                    widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
                )

    @classmethod
    def initial_for(cls, report, content) -> dict:
        initial = {"activities": content.activities}
        for row in report.indicator_results.all():
            for sex, _label in SEXES:
                initial[f"{row.indicator}_{sex}"] = getattr(row, sex)
        return initial

    def rows(self):
        return [
            (indicator, [self[f"{indicator.code}_{sex}"] for sex, _label in SEXES])
            for indicator in indicators().items
        ]

    def clean(self):
        data = super().clean()
        for indicator in indicators().items:
            values = [data.get(f"{indicator.code}_{sex}") for sex, _label in SEXES]
            if any(v is not None for v in values) and any(v is None for v in values):
                self.add_error(
                    f"{indicator.code}_total",
                    _("Inscrivez les quatre nombres de cet indicateur (0 s'il n'y a personne)."),
                )
        return data

    def results(self) -> dict[str, tuple[int, int, int, int]]:
        found = {}
        for indicator in indicators().items:
            values = [self.cleaned_data.get(f"{indicator.code}_{sex}") for sex, _label in SEXES]
            if all(v is not None for v in values):
                found[indicator.code] = tuple(values)
        return found


class FundingSourceForm(PortalFormMixin, forms.Form):
    funder = forms.CharField(label=_("Bailleur de fonds"), max_length=200)
    program = forms.CharField(label=_("Programme"), max_length=200, required=False)
    level = forms.ChoiceField(label=_("Provenance"), choices=FundingLevel.choices)
    amount = money_field(_("Montant reçu pendant l'exercice"), required=True)
    costs_covered = forms.CharField(
        label=_("Coûts couverts par cette source"),
        help_text=_("Des coûts autres que ceux prévus par la convention avec le Ministère."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FinancialReportForm(PortalFormMixin, forms.Form):
    financial_form = forms.ChoiceField(
        label=_("Forme du rapport financier produit"),
        choices=[("", _("— Choisissez —")), *FinancialReportTypeChoices.choices],
        required=False,
    )
    cpa_name = forms.CharField(label=_("CPA signataire"), max_length=200, required=False)
    cpa_permit = forms.CharField(label=_("Numéro de permis du CPA"), max_length=20, required=False)
    unspent_program_funds = money_field(
        _("Aide du programme non utilisée à la fin de l'exercice"),
        help_text=_(
            "À la fin de la convention, cette somme est remboursée au Ministère (clause 7). "
            "Inscrivez 0 s'il ne reste rien."
        ),
    )
    statements_complete = forms.BooleanField(
        label=_(
            "Le rapport comprend le bilan, l'état des résultats, les notes complémentaires et "
            "l'état détaillé des aides financières gouvernementales et de l'utilisation de "
            "chaque programme du Ministère (clause 8)."
        ),
        required=False,
    )
    file = _file_field(_("Fichier du rapport financier signé"))

    @classmethod
    def initial_for(cls, content) -> dict:
        return {
            "financial_form": content.financial_form,
            "cpa_name": content.cpa_name,
            "cpa_permit": content.cpa_permit,
            "unspent_program_funds": content.unspent_program_funds,
            "statements_complete": bool(content.statements_complete),
        }


class RelatedPartiesAnswerForm(PortalFormMixin, forms.Form):
    has_related_parties = YesNoField(
        label=_("L'organisme est-il en relation d'affaires avec des sociétés apparentées ?"),
        help_text=_(
            "Par exemple : l'organisme a un intérêt économique dans une autre société, ils sont "
            "contrôlés par les mêmes administrateurs, ou l'un a une influence notable sur "
            "l'autre (clause 8)."
        ),
    )


PROOF_FIELDS = (
    ("contract_proof", _("Transactions documentées par contrat ou entente écrite")),
    ("notes_proof", _("Transactions divulguées par voie de notes aux états financiers")),
    ("cost_proof", _("Transactions à des coûts inférieurs ou comparables à ceux d'un tiers")),
)


class RelatedPartyForm(PortalFormMixin, forms.Form):
    legal_name = forms.CharField(label=_("Nom légal"), max_length=200)
    neq = forms.CharField(
        label=_("Numéro d'entreprise du Québec (NEQ)"),
        max_length=10,
        validators=[validate_neq],
        help_text=_("10 chiffres."),
    )
    relationship = forms.CharField(
        label=_("Nature de la relation"), widget=forms.Textarea(attrs={"rows": 2})
    )
    transactions_amount = money_field(_("Montant des transactions de l'exercice"), required=True)
    sole_beneficiary = forms.CharField(
        label=_(
            "Comment l'organisme démontre être l'unique bénéficiaire de ses surplus, des "
            "subventions qui lui sont attribuées et de tout autre apport externe"
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in PROOF_FIELDS:
            self.fields[code] = forms.CharField(
                label=label,
                required=False,
                help_text=_("Attestation : où la preuve se trouve. Ou déposez-la ci-dessous."),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{code}_file"] = _file_field(_("Document : %(proof)s") % {"proof": label})

    def proof_rows(self):
        return [(self[code], self[f"{code}_file"]) for code, _label in PROOF_FIELDS]

    def proofs(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(code) or "" for code, _label in PROOF_FIELDS}

    def uploads(self) -> dict:
        return {
            code: self.cleaned_data[f"{code}_file"]
            for code, _label in PROOF_FIELDS
            if self.cleaned_data.get(f"{code}_file")
        }


class AgmForm(PortalFormMixin, forms.Form):
    agm_held_on = forms.DateField(
        label=_("Date de l'assemblée générale annuelle"), required=False, widget=DateInput()
    )
    file = _file_field(_("Fichier du procès-verbal"))


class CorrectionAnswerForm(PortalFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("Ce que vous avez corrigé"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
