"""The ministry's review of yearly reports (clause 8): the list's filters, the checklist of
each obligation, the request for correction and the acceptance."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soutien.accounts.models import User
from soutien.core.forms import DateInput, PortalFormMixin, WorkspaceForm

from .models import AnnualReport, ReportState

# Same hour as the application's requests (evaluations.actions.request_information): the
# answer is due by the end of the deadline, Québec time (settings.TIME_ZONE).
DEADLINE_TIME = time(23, 59)


def deadline_at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, DEADLINE_TIME))


STATUSES = [
    ("upcoming", _("À venir")),
    ("late", _("En retard")),
    ("to_review", _("À examiner")),
    ("to_correct", _("À corriger")),
    ("accepted", _("Acceptées")),
]


class ReportFilterForm(PortalFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "f-%s")
        super().__init__(*args, **kwargs)


class ReportFilter(django_filters.FilterSet):
    """A wrong parameter is a form error, never a 500; `today` dates « à venir » and
    « en retard » (clock.today())."""

    status = django_filters.ChoiceFilter(
        label=_("État"),
        choices=STATUSES,
        empty_label=_("Tous"),
        method="filter_status",
        error_messages={
            "invalid_choice": _("L'état « %(value)s » n'existe pas : choisissez dans la liste.")
        },
    )
    advisor = django_filters.ChoiceFilter(
        label=_("Conseillère ou conseiller"),
        field_name="agreement_year__agreement__application__assigned_advisor_id",
        empty_label=_("Tous"),
        null_label=_("Non attribué"),
        null_value="none",
        error_messages={
            "invalid_choice": _(
                "Aucune conseillère ni aucun conseiller « %(value)s » : choisissez dans la liste."
            )
        },
    )

    class Meta:
        model = AnnualReport
        fields: tuple[str, ...] = ()
        form = ReportFilterForm

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        # Evaluated once, so that rendering and validating read the same list (one query).
        self.filters["advisor"].extra["choices"] = [
            (advisor.pk, advisor.full_name) for advisor in User.objects.advisors()
        ]

    def filter_status(self, queryset, name, value):
        if value == "upcoming":
            return queryset.filter(state=ReportState.EXPECTED, due_on__gte=self.today)
        if value == "late":
            return queryset.filter(state=ReportState.EXPECTED, due_on__lt=self.today)
        states = {
            "to_review": ReportState.RECEIVED,
            "to_correct": ReportState.CORRECTION_REQUESTED,
            "accepted": ReportState.ACCEPTED,
        }
        return queryset.filter(state=states[value]) if value in states else queryset


class CheckObligationForm(WorkspaceForm):
    """The advisor's checklist, one obligation (prefix `o<pk>`)."""

    met = forms.TypedChoiceField(
        label=_("Obligation satisfaite"),
        choices=[("yes", _("Oui, satisfaite")), ("no", _("Non, à corriger"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Indiquez si l'obligation est satisfaite."),
            "invalid_choice": _("Choisissez « oui » ou « non »."),
        },
    )
    note = forms.CharField(
        label=_("Note de vérification"),
        required=False,
        max_length=4000,
        help_text=_("Obligatoire si l'obligation n'est pas satisfaite : dites ce qui manque."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Ce texte a au plus %(limit_value)d caractères.")},
    )


class ReportCorrectionForm(WorkspaceForm):
    """The report goes back to the organization, to correct by a date (as 5.1's requests)."""

    message = forms.CharField(
        label=_("Message à l'organisme"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Précisez à l'organisme ce qu'il doit corriger."),
            "max_length": _("Ce texte a au plus %(limit_value)d caractères."),
        },
    )
    deadline = forms.DateField(
        label=_("Correction attendue au plus tard le"),
        widget=DateInput,
        error_messages={
            "required": _("Indiquez la date limite de la correction."),
            "invalid": _("La date limite n'est pas une date valide (AAAA-MM-JJ)."),
        },
    )
    obligations = forms.MultipleChoiceField(
        label=_("Obligations à revoir"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choisissez parmi les obligations du rapport.")},
    )

    def __init__(self, *args, report, today: date, **kwargs):
        kwargs.setdefault("prefix", "correction")
        super().__init__(*args, **kwargs)
        self.fields["deadline"].initial = today + timedelta(days=settings.CORRECTION_DEFAULT_DAYS)
        self.fields["obligations"].choices = [
            (o.kind, o.get_kind_display()) for o in report.obligations.all()
        ]


# The action's field names, as this form names them.
CORRECTION_FIELDS = {"reason": "message", "due_at": "deadline"}


class AcceptReportForm(WorkspaceForm):
    """No field: carries the refusal of the acceptance to the page."""
