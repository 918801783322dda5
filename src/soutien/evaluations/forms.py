"""The workspace's forms for a dossier: assignment, completeness (5.1), requests to the
organization, judgments and adjustments (6.1). Field names are those the pages post."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from soutien.accounts.models import User
from soutien.applications.models import DocumentKind, RequestKind
from soutien.core.forms import DateInput, MoneyField, WorkspaceForm
from soutien.rules.eligibility import CRITERIA_BY_STREAM, JUDGEABLE
from soutien.rules.facts import Stream as RulesStream

from .actions import ADJUSTMENT_KINDS
from .models import CHECKS_BY_DOCUMENT, CheckItem


class AssignForm(WorkspaceForm):
    advisor = forms.ModelChoiceField(
        label=_("Conseillère ou conseiller"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        empty_label=_("Non attribué"),
        error_messages={
            "invalid_choice": _(
                "La conseillère ou le conseiller choisi n'existe pas : choisissez dans la liste."
            )
        },
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_next(self):
        value = self.cleaned_data["next"]
        if value and not url_has_allowed_host_and_scheme(value, allowed_hosts=None):
            raise forms.ValidationError(_("La page de retour doit être une page de l'espace."))
        return value


class CompletenessForm(WorkspaceForm):
    """The checklist of the nine documents: « <kind>-<item> » boxes and « <kind>-note »."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in DocumentKind.choices:
            for item in CHECKS_BY_DOCUMENT[kind]:
                self.fields[f"{kind}-{item}"] = forms.BooleanField(
                    label=f"{label} — {CheckItem(item).label}", required=False
                )
            self.fields[f"{kind}-note"] = forms.CharField(
                label=_("Remarque sur le document « %(document)s »") % {"document": label},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={
                    "max_length": _(
                        "La remarque sur le document « %(document)s » a au plus "
                        "%(limit)s caractères."
                    )
                    % {"document": label, "limit": 2000}
                },
            )

    def checks(self) -> dict[str, dict[str, object]]:
        """{kind: {item: checked, …, note: text}}, as `record_document_checks` takes them."""
        return {
            kind: {
                **{item: self.cleaned_data[f"{kind}-{item}"] for item in CHECKS_BY_DOCUMENT[kind]},
                "note": self.cleaned_data[f"{kind}-note"],
            }
            for kind in DocumentKind.values
        }


class RequestInformationForm(WorkspaceForm):
    kind = forms.ChoiceField(
        label=_("Type de demande"),
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez le type de demande : correction ou renseignements."),
            "invalid_choice": _("Le type de demande « %(value)s » n'existe pas."),
        },
    )
    message = forms.CharField(
        label=_("Message à l'organisme"),
        widget=forms.Textarea,
        error_messages={"required": _("Précisez à l'organisme ce qu'il doit corriger ou fournir.")},
    )
    deadline = forms.DateField(
        label=_("Réponse attendue au plus tard le"),
        required=False,
        help_text=_("Par défaut, selon le délai fixé dans la configuration."),
        widget=DateInput,
        error_messages={
            "invalid": _("La date limite de réponse n'est pas une date valide (AAAA-MM-JJ).")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = RequestKind.CORRECTION


STEPS = ("start", "judgments", "compute", "adjust", "complete")


class StepForm(WorkspaceForm):
    """Which button of the evaluation page was pressed."""

    step = forms.ChoiceField(
        label=_("Opération"),
        choices=[(step, step) for step in STEPS],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Opération inconnue : choisissez une opération de la page."),
            "invalid_choice": _("L'opération « %(value)s » n'existe pas sur cette page."),
        },
    )


MET = [("yes", _("Respecté")), ("no", _("Non respecté"))]


class JudgmentsForm(WorkspaceForm):
    """« <criterion>-met » (yes or no) and « <criterion>-justification » per criterion the
    facts leave to the advisor; a criterion left unanswered is not judged."""

    def __init__(self, *args, stream: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = [c for c in CRITERIA_BY_STREAM[RulesStream(stream)] if c.code in JUDGEABLE]
        for criterion in self.criteria:
            title = f"{criterion.clause} — {criterion.title}"
            self.fields[f"{criterion.code}-met"] = forms.ChoiceField(
                label=title,
                choices=MET,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _(
                        "Jugement sur « %(criterion)s » : choisissez Respecté ou Non respecté."
                    )
                    % {"criterion": title}
                },
            )
            self.fields[f"{criterion.code}-justification"] = forms.CharField(
                label=_("Justification — %(criterion)s") % {"criterion": title},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            met = cleaned.get(f"{criterion.code}-met")
            justification = cleaned.get(f"{criterion.code}-justification", "").strip()
            if met and not justification:
                self.add_error(
                    f"{criterion.code}-justification",
                    _("Justifiez par écrit votre jugement sur « %(criterion)s ».")
                    % {"criterion": f"{criterion.clause} — {criterion.title}"},
                )
        return cleaned

    def judgments(self) -> dict[str, tuple[bool, str]]:
        return {
            c.code: (
                self.cleaned_data[f"{c.code}-met"] == "yes",
                self.cleaned_data[f"{c.code}-justification"],
            )
            for c in self.criteria
            if self.cleaned_data.get(f"{c.code}-met")
        }


class AdjustmentForm(WorkspaceForm):
    kind = forms.ChoiceField(
        label=_("Ajustement"),
        choices=[(code, label) for code, (_clause, label) in ADJUSTMENT_KINDS.items()],
        initial=next(iter(ADJUSTMENT_KINDS)),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez l'ajustement que les normes permettent."),
            "invalid_choice": _("Les normes ne permettent pas l'ajustement « %(value)s »."),
        },
    )
    amount = MoneyField(
        label=_("Montant ($)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "id": "adj-amount"}),
        error_messages={
            "required": _("Inscrivez le montant de l'ajustement."),
            "invalid": _(
                "Le montant de l'ajustement n'est pas un nombre : inscrivez par exemple 5000 "
                "ou 5000,50."
            ),
            "min_value": _("Le montant de l'ajustement doit être positif ou nul."),
            "max_digits": _("Le montant de l'ajustement est trop grand."),
            "max_whole_digits": _("Le montant de l'ajustement est trop grand."),
            "max_decimal_places": _("Le montant de l'ajustement a au plus deux décimales."),
        },
    )
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"id": "adj-justification"}),
        error_messages={"required": _("Justifiez l'ajustement : tout ajustement est justifié.")},
    )
