"""The retention schedule in the ministry's workspace: prepare a dry run, read its plan and
why each record is due or held, approve it (another person), execute and follow it, resume
it; place and lift legal holds; export the destruction records for a regulator."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from soutien.accounts.access import Capability, workspace_view
from soutien.agreements.models import Agreement
from soutien.core import clock
from soutien.core.forms import WorkspaceForm, add_action_errors
from soutien.core.jobs import REFRESH_SECONDS
from soutien.core.spreadsheet import register_response
from soutien.organizations.models import Organization

from . import actions, schedule
from .models import DestructionRecord, HoldKind, ItemState, LegalHold, RetentionRun, RunState


class PrepareForm(WorkspaceForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "run_%s")  # the hold form on the same page has a reason
        super().__init__(*args, **kwargs)

    reason = forms.CharField(
        label=gettext_lazy("Motif de la passe"), required=False, widget=forms.Textarea
    )


class HoldForm(WorkspaceForm):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organisme"), queryset=Organization.objects.order_by("legal_name")
    )
    agreement = forms.CharField(
        label=gettext_lazy("Numéro de convention (toutes si vide)"), required=False
    )
    kind = forms.ChoiceField(label=gettext_lazy("Motif de conservation"), choices=HoldKind.choices)
    reason = forms.CharField(label=gettext_lazy("Précisions"), widget=forms.Textarea)

    def clean_agreement(self):
        reference = self.cleaned_data["agreement"].strip()
        if not reference:
            return None
        agreement = Agreement.objects.filter(reference=reference).first()
        if agreement is None:
            raise ValidationError(_("Aucune convention ne porte ce numéro."))
        return agreement


class ReasonForm(WorkspaceForm):
    reason = forms.CharField(label=gettext_lazy("Motif"), widget=forms.Textarea)


@workspace_view(Capability.PRIVACY)
def retention(request):
    form = PrepareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run = actions.prepare_run(
            by=request.user, at=clock.now(), reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("L'essai à blanc est prêt : rien n'a été détruit."))
        return redirect("workspace:retention_run", run.pk)
    return render(
        request,
        "workspace/privacy/retention.html",
        {
            "form": form,
            "runs": RetentionRun.objects.select_related("prepared_by", "approved_by"),
            "rules": schedule.rules().values(),
            "holds": LegalHold.objects.select_related("organization", "agreement", "placed_by"),
            "hold_form": HoldForm(),
            "today": clock.today(),
        },
    )


RUN_ACTIONS = {
    "approve": (actions.approve_run, gettext_lazy("La passe est approuvée.")),
    "execute": (actions.execute_run, gettext_lazy("L'exécution de la passe a commencé.")),
    "resume": (actions.resume_run, gettext_lazy("La passe reprend là où elle s'était arrêtée.")),
}


@workspace_view(Capability.PRIVACY)
def retention_run(request, pk: int):
    run = get_object_or_404(RetentionRun.objects.select_related("job"), pk=pk)
    cancel_form = ReasonForm(request.POST if request.POST.get("action") == "cancel" else None)
    status = 200
    if request.method == "POST":
        verb = request.POST.get("action")
        try:
            if verb == "cancel":
                if not cancel_form.is_valid():
                    raise ValidationError(cancel_form.errors)
                actions.cancel_run(
                    run, by=request.user, at=clock.now(), reason=cancel_form.cleaned_data["reason"]
                )
                messages.success(request, _("La passe est annulée : rien n'a été détruit."))
            elif verb in RUN_ACTIONS:
                action, done = RUN_ACTIONS[verb]
                action(run, by=request.user, at=clock.now())
                messages.success(request, str(done))
            else:
                raise ValidationError(
                    _("Choisissez une action : approuver, exécuter ou reprendre.")
                )
        except PermissionDenied as error:
            messages.error(request, str(error))
            status = 403
        except ValidationError as error:
            if verb == "cancel":
                add_action_errors(cancel_form, error)
            else:
                messages.error(request, " ".join(error.messages))
            status = 422
        else:
            return redirect("workspace:retention_run", run.pk)
        run.refresh_from_db()
    items = run.items.select_related("organization").order_by("state", "pk")
    counts = {state: run.items.filter(state=state).count() for state in ItemState.values}
    return render(
        request,
        "workspace/privacy/retention_run.html",
        {
            "run": run,
            "items": items,
            "counts": counts,
            "job": run.job,
            "refresh_seconds": REFRESH_SECONDS,
            "running": run.job is not None and not run.job.is_finished,
            "destructions": run.destructions.select_related("approved_by"),
            "cancel_form": cancel_form,
            "states": RunState,
        },
        status=status,
    )


@workspace_view(Capability.PRIVACY)
def place_hold(request):
    if request.method != "POST":
        return redirect("workspace:retention")
    form = HoldForm(request.POST)
    if form.is_valid():
        try:
            actions.place_hold(
                form.cleaned_data["organization"],
                agreement=form.cleaned_data["agreement"],
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                at=clock.now(),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("La conservation prolongée est placée."))
            return redirect("workspace:retention")
    return render(request, "workspace/privacy/hold_form.html", {"hold_form": form}, status=422)


@workspace_view(Capability.PRIVACY)
def lift_hold(request, pk: int):
    hold = get_object_or_404(LegalHold, pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.lift_hold(hold, reason=form.cleaned_data["reason"], by=request.user,
                              at=clock.now())  # fmt: skip
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("La conservation prolongée est levée."))
            return redirect("workspace:retention")
    return render(
        request,
        "workspace/privacy/lift_hold.html",
        {"hold": hold, "form": form},
        status=422 if request.method == "POST" else 200,
    )


COLUMNS = (
    ("pk", gettext_lazy("N°")),
    ("run_id", gettext_lazy("Passe")),
    ("destroyed_at", gettext_lazy("Détruit le")),
    ("rule", gettext_lazy("Règle")),
    ("provision", gettext_lazy("Disposition appliquée")),
    ("label", gettext_lazy("Désignation")),
    ("pseudonym", gettext_lazy("Pseudonyme")),
    ("approved_by", gettext_lazy("Sur approbation de")),
    ("counts", gettext_lazy("Décomptes")),
)


def _cell(record, name):
    if name == "destroyed_at":
        return clock.localdate_of(record.destroyed_at).isoformat()
    if name == "approved_by":
        return record.approved_by.full_name
    if name == "counts":
        return " ; ".join(f"{k} : {v}" for k, v in sorted(record.counts.items()))
    return getattr(record, name)


@workspace_view(Capability.PRIVACY)
def destructions_export(request, fmt: str):
    """The destruction records, never the destroyed content."""
    labels = [str(label) for _name, label in COLUMNS]
    rows = [
        [_cell(record, name) for name, _label in COLUMNS]
        for record in DestructionRecord.objects.select_related("approved_by").order_by("pk")
    ]
    response = register_response(
        fmt, labels, rows, title=str(_("Destructions")), stem="destructions"
    )
    if response is None:
        raise Http404
    return response
