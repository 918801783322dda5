"""The forms of the requests' pages: they read the input; the actions (`rights`) decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from soutien.core.forms import DateInput, WorkspaceForm
from soutien.organizations.models import Organization

from .models import RequestKind, RequestState


class RequestForm(WorkspaceForm):
    person_email = forms.EmailField(
        label=_("Adresse courriel du compte de la personne"),
        required=False,
        help_text=_("Si la personne a un compte : sa demande y est rattachée."),
        error_messages={"invalid": _("Saisissez une adresse courriel valide.")},
    )
    requester = forms.CharField(
        label=_("Nom de la personne qui demande"),
        required=False,
        max_length=150,
        help_text=_("Sans compte, son nom suffit ; avec un compte, son nom y est repris."),
    )
    organization = forms.ModelChoiceField(
        label=_("Organisme concerné"),
        queryset=Organization.objects.order_by("legal_name"),
        required=False,
        empty_label=_("Aucun"),
    )
    kind = forms.ChoiceField(
        label=_("Nature de la demande"),
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez la nature de la demande : accès ou rectification.")
        },
    )
    received_on = forms.DateField(
        label=_("Reçue le"),
        widget=DateInput(),
        error_messages={
            "required": _("Indiquez la date de réception de la demande."),
            "invalid": _("Saisissez une date valide."),
        },
    )
    due_on = forms.DateField(
        label=_("Réponse due au plus tard le"),
        widget=DateInput(),
        required=False,
        help_text=_("Laissée vide : %(days)s jours après la réception (Loi sur l'accès, art. 98).")
        % {"days": settings.PRIVACY_REQUEST_DAYS},
        error_messages={"invalid": _("Saisissez une date valide.")},
    )
    details = forms.CharField(
        label=_("Objet de la demande"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Décrivez l'objet de la demande.")},
    )


class AnswerField(forms.CharField):
    """Required, but an empty answer reaches the action, whose refusal says what it lacks
    (the reasons of a refusal, what was corrected)."""

    def validate(self, value):
        pass


class AnswerForm(WorkspaceForm):
    outcome = forms.ChoiceField(
        label=_("Issue"),
        choices=[
            (RequestState.ANSWERED, _("La demande est acceptée")),
            (RequestState.REFUSED, _("La demande est refusée")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez l'issue : la demande est acceptée ou refusée.")},
    )
    answer = AnswerField(
        label=_("Réponse donnée à la personne"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Pour une rectification : ce qui a été rectifié. Pour un refus : ses motifs et la "
            "disposition de la loi qui le fonde."
        ),
    )
