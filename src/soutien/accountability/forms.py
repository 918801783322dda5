"""The workspace's forms for claims (clause 7; 6.2 on termination)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from soutien.core.forms import DateInput, MoneyField, WorkspaceForm

from .models import ClaimKind


def _money(label: str, what: str) -> MoneyField:
    return MoneyField(
        label=label,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": _("Indiquez %(what)s.") % {"what": what},
            "invalid": _("%(what)s n'est pas un montant valide (ex. : 2 500,00 $).")
            % {"what": what.capitalize()},
            "min_value": _("%(what)s doit être positif.") % {"what": what.capitalize()},
            "max_decimal_places": _("%(what)s a au plus deux décimales.")
            % {"what": what.capitalize()},
            "max_digits": _("%(what)s est trop grand.") % {"what": what.capitalize()},
        },
    )


class EstablishClaimForm(WorkspaceForm):
    kind = forms.ChoiceField(
        label=_("Nature de la créance"),
        choices=ClaimKind.choices,
        error_messages={
            "required": _("Choisissez la nature de la créance."),
            "invalid_choice": _("Choisissez une des natures offertes."),
        },
    )
    amount = _money(_("Montant dû"), _("le montant dû"))
    fiscal_year = forms.TypedChoiceField(
        label=_("Exercice concerné"),
        coerce=int,
        error_messages={
            "required": _("Choisissez l'exercice concerné."),
            "invalid_choice": _("Choisissez un exercice de cette convention."),
        },
    )
    established_on = forms.DateField(
        label=_("Établie le"),
        widget=DateInput(),
        error_messages={
            "required": _("Indiquez la date d'établissement."),
            "invalid": _("La date d'établissement n'est pas une date valide (AAAA-MM-JJ)."),
        },
    )
    due_on = forms.DateField(
        label=_("À rembourser au plus tard le"),
        widget=DateInput(),
        help_text=_("Sommes utilisées à d'autres fins : remboursables immédiatement (7)."),
        error_messages={
            "required": _("Indiquez l'échéance du remboursement."),
            "invalid": _("L'échéance n'est pas une date valide (AAAA-MM-JJ)."),
        },
    )
    reason = forms.CharField(
        label=_("Motif"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Donnez le motif de la créance."),
            "max_length": _("Le motif a au plus %(limit_value)d caractères."),
        },
    )

    def __init__(self, *args, fiscal_years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [(fy.start_year, fy.label) for fy in fiscal_years]


class RepaymentForm(WorkspaceForm):
    repayment = _money(_("Remboursement reçu"), _("le remboursement reçu"))


class RepaymentAgreementForm(WorkspaceForm):
    step = forms.ChoiceField(
        choices=[
            ("agree", _("Entente de remboursement conclue")),
            ("default", _("Entente non respectée")),
            ("reinstate", _("Entente de nouveau respectée")),
        ],
        label=_("Entente de remboursement"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez ce qui arrive à l'entente."),
            "invalid_choice": _("Choisissez ce qui arrive à l'entente."),
        },
    )
    step_reason = forms.CharField(
        label=_("Motif (obligatoire si l'entente n'est pas respectée)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Le motif a au plus %(limit_value)d caractères.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("step") == "default" and not (data.get("step_reason") or "").strip():
            self.add_error("step_reason", _("Donnez le motif : quels versements ont manqué."))
        return data


class OffsetForm(WorkspaceForm):
    """Part of a later installment kept back to repay the claim (7)."""

    installment = forms.TypedChoiceField(
        label=_("Versement à venir"),
        coerce=int,
        error_messages={
            "required": _("Choisissez le versement sur lequel compenser."),
            "invalid_choice": _("Choisissez un versement prévu de cet organisme."),
        },
    )
    offset_amount = _money(_("Montant compensé"), _("le montant compensé"))
    offset_reason = forms.CharField(
        label=_("Motif"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Donnez le motif de la compensation."),
            "max_length": _("Le motif a au plus %(limit_value)d caractères."),
        },
    )

    def __init__(self, *args, installments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["installment"].choices = [
            (i.pk, f"{i.agreement_year.agreement.reference} — {i.due_month_name} ({i.amount} $)")
            for i in installments
        ]
