"""The workspace's forms for payment runs (6.2)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from soutien.core.forms import WorkspaceForm
from soutien.rules.text import french_month

RETURN_MAX_BYTES = 5 * 1024 * 1024


def month_choices(around: date, *, before: int = 18, after: int = 18) -> list[tuple[str, str]]:
    """Months from `before` months before `around` to `after` after it: « novembre 2019 »."""
    index = around.year * 12 + around.month - 1
    return [
        (f"{i // 12}-{i % 12 + 1:02d}", french_month(i // 12, i % 12 + 1))
        for i in range(index - before, index + after + 1)
    ]


def parse_month(value: str) -> tuple[int, int]:
    year, month = value.split("-")
    return int(year), int(month)


class PrepareRunForm(WorkspaceForm):
    month = forms.ChoiceField(
        label=_("Mois des versements"),
        help_text=_("Le lot prend les versements payables dus ce mois-ci ou avant (6.2)."),
        error_messages={
            "required": _("Choisissez le mois des versements."),
            "invalid_choice": _("Choisissez un mois de la liste."),
        },
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(today)


class CancelRunForm(WorkspaceForm):
    reason = forms.CharField(
        label=_("Motif de l'annulation du lot"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Inscrivez le motif de l'annulation : il est requis.")},
    )


class ReturnFileForm(WorkspaceForm):
    return_file = forms.FileField(
        label=_("Fichier de retour du système financier"),
        help_text=_(
            "Format « lot de paiement CSV » : en-tête H;RETOUR, une ligne D par résultat, ligne "
            "T (5 Mo au plus)."
        ),
        error_messages={
            "required": _("Choisissez le fichier de retour."),
            "empty": _("Le fichier de retour est vide."),
        },
    )
    accept_valid = forms.BooleanField(
        label=_("Inscrire seulement les lignes valides si d'autres sont refusées"),
        required=False,
    )

    def clean_return_file(self):
        upload = self.cleaned_data["return_file"]
        if upload.size > RETURN_MAX_BYTES:
            raise forms.ValidationError(
                _("Le fichier de retour dépasse 5 Mo : ce n'est pas un fichier de retour."),
                code="too_large",
            )
        return upload


class LineResultForm(WorkspaceForm):
    """One result entered by hand, with the number the financial system gave."""

    position = forms.IntegerField(
        label=_("Ligne du lot"),
        min_value=1,
        error_messages={
            "required": _("Inscrivez le numéro de la ligne."),
            "invalid": _("Le numéro de ligne est un nombre entier."),
            "min_value": _("Le numéro de ligne commence à 1."),
        },
    )
    outcome = forms.ChoiceField(
        label=_("Résultat"),
        choices=[("paid", _("Versé")), ("failed", _("Rejeté"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le résultat : versé ou rejeté.")},
    )
    payment_number = forms.CharField(label=_("Numéro de paiement"), required=False, max_length=30)
    paid_on = forms.DateField(
        label=_("Date du versement"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Inscrivez la date au format AAAA-MM-JJ.")},
    )
    reason = forms.CharField(label=_("Motif du rejet"), required=False, max_length=300)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == "paid":
            if not (cleaned.get("payment_number") or "").strip():
                self.add_error("payment_number", _("Inscrivez le numéro de paiement."))
            if not cleaned.get("paid_on") and "paid_on" not in self.errors:
                self.add_error("paid_on", _("Inscrivez la date du versement."))
        elif cleaned.get("outcome") == "failed" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Inscrivez le motif du rejet."))
        return cleaned


class SupplierForm(WorkspaceForm):
    supplier_number = forms.CharField(
        label=_("Numéro de fournisseur"),
        max_length=20,
        help_text=_("Tel que le système financier du Ministère le connaît (lettres, chiffres, -)."),
        error_messages={"required": _("Inscrivez le numéro de fournisseur de l'organisme.")},
    )
    bank_reference = forms.CharField(
        label=_("Référence des coordonnées bancaires"),
        max_length=40,
        help_text=_("La référence du dossier bancaire, jamais le numéro de compte lui-même."),
        error_messages={"required": _("Inscrivez la référence des coordonnées bancaires.")},
    )
    reason = forms.CharField(
        label=_("Motif"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez le motif de la modification.")},
    )


class RescheduleForm(WorkspaceForm):
    month = forms.ChoiceField(
        label=_("Nouveau mois du versement"),
        error_messages={
            "required": _("Choisissez le nouveau mois."),
            "invalid_choice": _("Choisissez un mois de l'exercice du versement."),
        },
    )
    reason = forms.CharField(
        label=_("Motif (l'organisme le lit)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Indiquez le motif des nouvelles modalités : il est requis.")
        },
    )

    def __init__(self, *args, fiscal_start: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(date(fiscal_start, 10, 1), before=6, after=5)
