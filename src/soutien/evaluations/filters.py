"""The dashboard's filters (django-filter): a wrong parameter is a form error, never a 500."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from soutien.accounts.models import User
from soutien.applications.models import Application, Priority, State, Stream
from soutien.core import fiscal
from soutien.core.forms import PortalFormMixin
from soutien.organizations.models import Region


class DashboardFilterForm(PortalFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "f-%s")  # the ids the dashboard has always had
        super().__init__(*args, **kwargs)


def _unknown(what):
    return {"invalid_choice": what}


class CheckboxFilter(django_filters.BooleanFilter):
    """Checked or not (a missing box is « not checked »), as a plain checkbox posts it."""

    field_class = forms.BooleanField


class DashboardFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("État"),
        choices=State.choices,
        empty_label=_("Tous"),
        error_messages=_unknown(_("L'état « %(value)s » n'existe pas : choisissez dans la liste.")),
    )
    fiscal_year = django_filters.ChoiceFilter(
        label=_("Exercice financier"),
        empty_label=_("Tous"),
        error_messages=_unknown(
            _("L'exercice financier « %(value)s » n'est pas un exercice des normes.")
        ),
    )
    stream = django_filters.ChoiceFilter(
        label=_("Volet"),
        choices=Stream.choices,
        empty_label=_("Tous"),
        error_messages=_unknown(_("Le volet « %(value)s » n'existe pas : choisissez 1 ou 2.")),
    )
    region = django_filters.ChoiceFilter(
        label=_("Région"),
        field_name="organization__region_id",
        empty_label=_("Toutes"),
        error_messages=_unknown(_("La région « %(value)s » n'existe pas : choisissez-en une.")),
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priorité (5.2)"),
        choices=Priority.choices,
        empty_label=_("Toutes"),
        error_messages=_unknown(
            _("La priorité « %(value)s » n'existe pas : les priorités vont de 1 à 4 (5.2).")
        ),
    )
    advisor = django_filters.ChoiceFilter(
        label=_("Conseillère ou conseiller"),
        field_name="assigned_advisor_id",
        empty_label=_("Tous"),
        null_label=_("Non attribué"),
        null_value="none",
        error_messages=_unknown(
            _("Aucune conseillère ni aucun conseiller « %(value)s » : choisissez dans la liste.")
        ),
    )
    late = CheckboxFilter(
        label=_("En retard seulement"),
        method="filter_late",
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )

    class Meta:
        model = Application
        fields: tuple[str, ...] = ()
        form = DashboardFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Evaluated once here, so that rendering and validating read the same list (one query).
        self.filters["fiscal_year"].extra["choices"] = fiscal.choices()
        self.filters["region"].extra["choices"] = [
            (region.code, str(region)) for region in Region.objects.all()
        ]
        self.filters["advisor"].extra["choices"] = [
            (advisor.pk, advisor.full_name) for advisor in User.objects.advisors()
        ]

    def filter_late(self, queryset, name, value):
        """A request whose deadline has passed, or an evaluation awaiting the decision; the
        queryset carries the `late_request` and `evaluated` annotations of the dashboard."""
        if not value:
            return queryset
        return queryset.filter(
            Q(late_request=True) | Q(state=State.UNDER_EVALUATION, evaluated=True)
        )
