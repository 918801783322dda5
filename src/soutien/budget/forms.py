"""The workspace's forms for priorities under the budget (5.2) and decisions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from soutien.core.forms import WorkspaceForm
from soutien.evaluations.models import Outcome
from soutien.organizations.models import Region

# PositiveIntegerField's upper bound on every database.
LARGEST_COUNT = 2_147_483_647


class AllocationForm(WorkspaceForm):
    """Approve a proposed allocation run, or set it aside with a reason."""

    step = forms.ChoiceField(
        label=_("Opération"),
        choices=[("approve", _("Approuver")), ("cancel", _("Écarter"))],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choisissez d'approuver ou d'écarter la répartition."),
            "invalid_choice": _(
                "L'opération « %(value)s » n'existe pas : approuvez ou écartez la répartition."
            ),
        },
    )
    reason = forms.CharField(
        label=_("Motif pour écarter la répartition"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("step") == "cancel" and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason", _("Inscrivez le motif pour écarter la répartition : il est requis.")
            )
        return cleaned


def count_field(label, *, required, invalid, negative, too_large) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=LARGEST_COUNT,
        widget=forms.NumberInput(attrs={"min": "0", "size": "6", "inputmode": "numeric"}),
        error_messages={
            "required": required,
            "invalid": invalid,
            "min_value": negative,
            "max_value": too_large,
        },
    )


class RegionReferenceForm(WorkspaceForm):
    """The figures of one region used to rank new attachment requests (5.2)."""

    region = forms.ModelChoiceField(
        label=_("Région administrative"),
        queryset=Region.objects.all(),
        to_field_name="code",
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choisissez une région administrative."),
            "invalid_choice": _("La région administrative choisie n'existe pas."),
        },
    )
    attached_organizations = count_field(
        _("Rattachés"),
        required=_("Inscrivez le nombre d'organismes rattachés."),
        invalid=_("Le nombre d'organismes rattachés doit être un nombre entier."),
        negative=_("Le nombre d'organismes rattachés ne peut pas être négatif."),
        too_large=_("Le nombre d'organismes rattachés est trop grand."),
    )
    immigrant_population = count_field(
        _("Immigrants"),
        required=_("Inscrivez la population immigrante de la région."),
        invalid=_("La population immigrante doit être un nombre entier."),
        negative=_("La population immigrante ne peut pas être négative."),
        too_large=_("La population immigrante est trop grande."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("La source a au plus %(limit_value)d caractères.")},
    )
    is_demo = forms.BooleanField(label=_("Données fictives de démonstration"), required=False)


class DecideForm(WorkspaceForm):
    outcome = forms.ChoiceField(
        label=_("Décision"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez d'accorder ou de refuser l'aide."),
            "invalid_choice": _(
                "La décision « %(value)s » n'existe pas : accordez ou refusez l'aide."
            ),
        },
    )
    note = forms.CharField(label=_("Motifs additionnels"), required=False, widget=forms.Textarea)


class CreditsApprovalForm(WorkspaceForm):
    approved_on = forms.DateField(
        label=_("Crédits approuvés le"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Inscrivez la date de l'approbation des crédits."),
            "invalid": _("Inscrivez la date au format AAAA-MM-JJ."),
        },
    )
    reference = forms.CharField(
        label=_("Référence de l'approbation"),
        max_length=100,
        help_text=_("Par exemple le numéro des crédits votés par l'Assemblée nationale."),
        error_messages={"required": _("Inscrivez la référence de l'approbation des crédits.")},
    )


def _campaign_choices():
    from soutien.core import fiscal

    from .models import BudgetEnvelope

    return [
        (f"{e.fiscal_year}-{e.stream}", f"{fiscal.label(e.fiscal_year)}, volet {e.stream}")
        for e in BudgetEnvelope.objects.order_by("-fiscal_year", "stream")
    ]


class NormsDraftForm(WorkspaceForm):
    """A draft norms file (uploaded, or an example of docs/examples/) to check and compare."""

    draft = forms.FileField(
        label=_("Fichier de normes (TOML)"),
        required=False,
        help_text=_("Même format que les normes en vigueur ; 200 Ko au plus."),
    )
    example = forms.ChoiceField(label=_("Ou un exemple fourni"), required=False, choices=[])

    def __init__(self, *args, examples=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["example"].choices = [("", _("— Aucun —"))] + [(n, n) for n in examples]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("draft")
        if upload is not None and upload.size > 200_000:
            self.add_error("draft", _("Le fichier dépasse 200 Ko."))
        elif upload is None and not cleaned.get("example"):
            self.add_error("draft", _("Choisissez un fichier de normes ou un exemple fourni."))
        return cleaned


class NormsTrialForm(WorkspaceForm):
    """Run the what-if: the draft's text (carried from the comparison page) and a campaign."""

    draft_text = forms.CharField(widget=forms.HiddenInput, strip=False, max_length=200_000)
    draft_name = forms.CharField(widget=forms.HiddenInput, max_length=200)
    campaign = forms.ChoiceField(
        label=_("Campagne (exercice et volet)"),
        choices=[],
        error_messages={"required": _("Choisissez la campagne à rejouer.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = _campaign_choices()
