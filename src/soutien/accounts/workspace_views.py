"""The register of confidentiality incidents (Loi 25) in the ministry's workspace: record
one, read the register, export it for the Commission d'accès à l'information."""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from soutien.core import clock
from soutien.core.forms import DateInput, WorkspaceForm, add_action_errors
from soutien.core.spreadsheet import register_response

from . import actions
from .access import Capability, workspace_view
from .models import ConfidentialityIncident


class IncidentForm(WorkspaceForm, forms.ModelForm):
    class Meta:
        model = ConfidentialityIncident
        fields = actions.INCIDENT_FIELDS
        widgets: ClassVar[dict] = {
            "occurred_on": DateInput(),
            "occurred_until": DateInput(),
            "discovered_on": DateInput(),
            "commission_notified_on": DateInput(),
            "persons_notified_on": DateInput(),
        }
        error_messages: ClassVar[dict] = {
            "persons": {"min_value": gettext_lazy("Le nombre ne peut pas être négatif.")}
        }


def _columns():
    names = ("pk", *actions.INCIDENT_FIELDS, "recorded_by")
    labels = [
        str(ConfidentialityIncident._meta.get_field(n).verbose_name) if n != "pk" else _("N°")
        for n in names
    ]
    return names, labels


def _cell(incident, name):
    if name == "recorded_by":
        return incident.recorded_by.full_name
    if name == "risk":
        return incident.get_risk_display()
    value = getattr(incident, name)
    return value.isoformat() if hasattr(value, "isoformat") else value


@workspace_view(Capability.PRIVACY)
def incidents(request):
    form = IncidentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.record_incident(
                    by=request.user,
                    at=clock.now(),
                    **{n: form.cleaned_data[n] for n in actions.INCIDENT_FIELDS},
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, _("L'incident est inscrit au registre."))
                return redirect("workspace:incidents")
        status = 422
    register = ConfidentialityIncident.objects.select_related("recorded_by")
    return render(
        request,
        "workspace/incidents.html",
        {"form": form, "register": register, "today": clock.today()},
        status=status,
    )


@workspace_view(Capability.PRIVACY)
def incidents_export(request, fmt: str):
    names, labels = _columns()
    rows = [
        [_cell(i, n) for n in names]
        for i in ConfidentialityIncident.objects.select_related("recorded_by").order_by("pk")
    ]
    response = register_response(
        fmt, labels, rows, title=str(_("Registre des incidents")), stem="registre-incidents"
    )
    if response is None:
        raise Http404
    return response
