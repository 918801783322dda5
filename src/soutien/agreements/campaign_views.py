"""The campaign's work in bulk in the workspace (issue 15, item 3): assign many dossiers at
once; after an approved allocation run, prepare the decisions and agreements of the funded
dossiers, then send their letters; each job's progress and what failed, with its reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from soutien.accounts.access import Capability, can, refusal, workspace_view
from soutien.accounts.models import User
from soutien.applications.models import Application
from soutien.applications.models import State as ApplicationState
from soutien.budget.models import AllocationRun, RunState
from soutien.core.forms import WorkspaceForm
from soutien.core.jobs import REFRESH_SECONDS, resume_items
from soutien.core.models import BackgroundJob, ItemState
from soutien.organizations.models import Region

from . import campaign
from .tasks import run_campaign_job

# Dossiers that can still be given to an advisor: deposited, not yet decided.
ASSIGNABLE = (
    ApplicationState.SUBMITTED,
    ApplicationState.INCOMPLETE,
    ApplicationState.UNDER_EVALUATION,
)
RULES = [
    ("one", gettext_lazy("Les dossiers cochés, à une conseillère ou un conseiller")),
    ("turns", gettext_lazy("Les dossiers cochés, à tour de rôle entre les personnes cochées")),
    ("region", gettext_lazy("Tous les dossiers de la liste, selon la région de l'organisme")),
]


class AssignForm(WorkspaceForm):
    rule = forms.ChoiceField(
        label=gettext_lazy("Règle d'attribution"), choices=RULES, widget=forms.RadioSelect
    )
    applications = forms.MultipleChoiceField(
        label=gettext_lazy("Dossiers"), required=False, widget=forms.CheckboxSelectMultiple
    )
    advisors = forms.MultipleChoiceField(
        label=gettext_lazy("Conseillères et conseillers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, candidates, advisors, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {a.pk: a for a in candidates}
        self.advisor_list = {u.pk: u for u in advisors}
        self.fields["applications"].choices = [(a.pk, str(a.pk)) for a in candidates]
        self.fields["advisors"].choices = [(u.pk, u.full_name) for u in advisors]
        self.regions = regions
        for region in regions:
            self.fields[f"region_{region.code}"] = forms.TypedChoiceField(
                label=region.name,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("— Personne —")), *[(u.pk, u.full_name) for u in advisors]],
            )

    def region_fields(self):
        return [self[f"region_{r.code}"] for r in self.regions]

    def clean(self):
        data = super().clean()
        rule = data.get("rule")
        chosen = [int(pk) for pk in data.get("applications") or []]
        advisors = [self.advisor_list[int(pk)] for pk in data.get("advisors") or []]
        if rule in ("one", "turns") and not chosen:
            self.add_error("applications", _("Cochez au moins un dossier."))
        if rule == "one" and len(advisors) != 1:
            self.add_error("advisors", _("Cochez une seule personne pour cette règle."))
        if rule == "turns" and len(advisors) < 2:
            self.add_error("advisors", _("Cochez au moins deux personnes pour les tours de rôle."))
        region_advisors = {
            r.code: self.advisor_list[data[f"region_{r.code}"]]
            for r in self.regions
            if data.get(f"region_{r.code}")
        }
        if rule == "region" and not region_advisors:
            self.add_error(None, _("Choisissez une personne pour au moins une région."))
        if self.errors:
            return data
        targets = (
            list(self.candidates.values())
            if rule == "region"
            else [self.candidates[pk] for pk in chosen]
        )
        data["assignments"] = campaign.assignments_by_rule(
            targets, advisors, rule=rule, region_advisors=region_advisors
        )
        if not data["assignments"]:
            self.add_error(None, _("Aucun dossier de la liste n'est dans les régions choisies."))
        return data


def _candidates():
    return list(
        Application.objects.filter(state__in=ASSIGNABLE)
        .select_related("organization", "organization__region", "assigned_advisor")
        .order_by("organization__region_id", "organization__legal_name", "pk")
    )


@workspace_view(Capability.ASSIGN)
def bulk_assign(request):
    """Assign many dossiers at once: by hand, in turns, or by region."""
    candidates = _candidates()
    advisors = list(User.objects.advisors())
    regions = list(Region.objects.order_by("code"))
    form = AssignForm(
        request.POST or None, candidates=candidates, advisors=advisors, regions=regions
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            job = campaign.start_assignment(
                form.cleaned_data["assignments"], by=request.user, task=run_campaign_job
            )
            return redirect("workspace:campaign_job", pk=job.pk)
        status = 422
    return render(
        request,
        "workspace/campaign_assign.html",
        {
            "form": form,
            "candidates": candidates,
            "rows": list(zip(form["applications"], candidates, strict=True)),
        },
        status=status,
    )


class PrepareForm(WorkspaceForm):
    duration_years = forms.TypedChoiceField(
        label=gettext_lazy("Durée des conventions (5.4)"),
        coerce=int,
        choices=[(1, "1 an"), (2, "2 ans"), (3, "3 ans")],
        help_text=gettext_lazy(
            "Au plus ce que permettent les normes en vigueur : une convention plus longue "
            "est ramenée à la fin des normes."
        ),
    )


def _run(request, pk: int) -> AllocationRun:
    return get_object_or_404(
        AllocationRun.objects.select_related("envelope"), pk=pk, state=RunState.APPROVED
    )


def _jobs_of(run: AllocationRun):
    return BackgroundJob.objects.filter(
        kind__in=(campaign.PREPARE, campaign.LETTERS), params__run=run.pk
    ).order_by("-created_at", "-pk")


@workspace_view(Capability.DECIDE)
def campaign_run(request, pk: int):
    """An approved run's funded dossiers: prepare their decisions and agreements, then send
    their letters, in bulk."""
    run = _run(request, pk)
    return _render_run(request, run, PrepareForm(initial={"duration_years": 1}))


def _render_run(request, run, form, status=200):
    funded = list(campaign.funded_applications(run))
    jobs = list(_jobs_of(run))
    for job in jobs:
        job.title = campaign.KINDS[job.kind]
    return render(
        request,
        "workspace/campaign_run.html",
        {"run": run, "funded": funded, "form": form, "jobs": jobs},
        status=status,
    )


@require_POST
@workspace_view(Capability.DECIDE)
def campaign_prepare(request, pk: int):
    run = _run(request, pk)
    if not can(request.user, Capability.AGREEMENT):
        raise PermissionDenied(refusal(request.user, Capability.AGREEMENT))
    form = PrepareForm(request.POST)
    if not form.is_valid():
        return _render_run(request, run, form, status=422)
    try:
        job = campaign.start_preparation(
            run,
            duration_years=form.cleaned_data["duration_years"],
            by=request.user,
            task=run_campaign_job,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workspace:campaign_run", pk=run.pk)
    return redirect("workspace:campaign_job", pk=job.pk)


@require_POST
@workspace_view(Capability.DECIDE)
def campaign_letters(request, pk: int):
    run = _run(request, pk)
    try:
        job = campaign.start_letters(run, by=request.user, task=run_campaign_job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workspace:campaign_run", pk=run.pk)
    return redirect("workspace:campaign_job", pk=job.pk)


def _job(request, pk: int) -> BackgroundJob:
    job = get_object_or_404(BackgroundJob, pk=pk, kind__in=campaign.KINDS)
    needed = Capability.ASSIGN if job.kind == campaign.ASSIGN else Capability.DECIDE
    if not can(request.user, needed):
        raise PermissionDenied(refusal(request.user, needed))
    return job


@workspace_view(Capability.VIEW)
def campaign_job(request, pk: int):
    """A bulk job's progress; once finished, each dossier with what was done or why not."""
    job = _job(request, pk)
    items = list(job.items.order_by("pk"))
    failed = [i for i in items if i.state == ItemState.FAILED]
    return render(
        request,
        "workspace/campaign_job.html",
        {
            "job": job,
            "title": campaign.KINDS[job.kind],
            "items": items,
            "failed": failed,
            "counts": {
                state: sum(1 for i in items if i.state == state) for state in ItemState.values
            },
            "run": AllocationRun.objects.filter(pk=job.params.get("run")).first(),
            "refresh_seconds": REFRESH_SECONDS,
        },
    )


@require_POST
@workspace_view(Capability.VIEW)
def campaign_resume(request, pk: int):
    """Start a finished job again: only what is not done, the failures included."""
    job = _job(request, pk)
    if resume_items(job, task=run_campaign_job):
        messages.success(request, _("Le travail reprend pour les dossiers qui ne sont pas faits."))
    else:
        messages.error(request, _("Rien à reprendre : le travail est en cours ou tout est fait."))
    return redirect("workspace:campaign_job", pk=job.pk)
