"""Priorities under the budget (5.2): envelopes, allocation runs, region references, decisions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from soutien.accounts.access import Capability, can, workspace_view
from soutien.core import clock
from soutien.core.forms import add_action_errors, error_messages
from soutien.core.pagination import paginate
from soutien.evaluations.models import Eligibility, Evaluation
from soutien.organizations.models import Region
from soutien.rules import FiscalYear
from soutien.rules.norms_draft import read_draft

from . import actions, whatif
from .forms import (
    AllocationForm,
    CreditsApprovalForm,
    DecideForm,
    NormsDraftForm,
    NormsTrialForm,
    RegionReferenceForm,
)
from .models import AllocationRun, BudgetEnvelope, NormsTrial, RegionReference


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@workspace_view(Capability.VIEW)
def budget(request):
    return render(
        request,
        "workspace/budget.html",
        {
            "envelopes": BudgetEnvelope.objects.for_user(request.user).with_balances(),
            "runs": AllocationRun.objects.for_user(request.user).for_lists()[:50],
            "can_allocate": can(request.user, Capability.ALLOCATE),
            "can_approve_credits": can(request.user, Capability.ENVELOPE),
        },
    )


@workspace_view(Capability.ENVELOPE)
def approve_credits(request, pk: int):
    """The manager records the approval of the credits by the Assemblée nationale (6.2)."""
    envelope = get_object_or_404(BudgetEnvelope.objects.for_user(request.user), pk=pk)
    form = CreditsApprovalForm(initial={"approved_on": clock.today()})
    status = 200
    if request.method == "POST":
        form = CreditsApprovalForm(request.POST)
        if form.is_valid():
            try:
                actions.approve_envelope(
                    envelope,
                    approved_on=form.cleaned_data["approved_on"],
                    reference=form.cleaned_data["reference"],
                    by=request.user,
                    at=clock.now(),
                )
            except ValidationError as error:
                add_action_errors(form, error)
                envelope.refresh_from_db()
            else:
                messages.success(
                    request, _("Les crédits sont approuvés : ils peuvent être répartis et versés.")
                )
                return redirect("workspace:budget")
        status = 422
    return render(
        request,
        "workspace/approve_credits.html",
        {"envelope": envelope, "form": form},
        status=status,
    )


@require_POST
@workspace_view(Capability.ALLOCATE)
def run_allocation(request, pk: int):
    envelope = get_object_or_404(BudgetEnvelope.objects.for_user(request.user), pk=pk)
    try:
        run = actions.run_allocation(envelope, by=request.user, at=clock.now())
    except ValidationError as error:
        _errors(request, error)
        return redirect("workspace:budget")
    messages.success(request, _("La répartition est proposée ; vérifiez-la puis approuvez-la."))
    return redirect("workspace:allocation", pk=run.pk)


@workspace_view(Capability.VIEW, post=Capability.APPROVE_ALLOCATION)
def allocation(request, pk: int):
    run = get_object_or_404(AllocationRun.objects.for_user(request.user).for_lists(), pk=pk)
    form = AllocationForm()
    if request.method == "POST":
        form = AllocationForm(request.POST)
        if form.is_valid():
            try:
                if form.cleaned_data["step"] == "cancel":
                    actions.cancel_allocation(
                        run,
                        reason=form.cleaned_data["reason"],
                        by=request.user,
                        at=clock.now(),
                    )
                    messages.success(request, _("La répartition est écartée."))
                else:
                    actions.approve_allocation(run, by=request.user, at=clock.now())
                    messages.success(
                        request, _("La répartition est approuvée ; elle ne changera plus.")
                    )
                return redirect("workspace:allocation", pk=run.pk)
            except ValidationError as error:
                add_action_errors(form, error)
        run = get_object_or_404(AllocationRun.objects.for_user(request.user).for_lists(), pk=pk)
    lines = run.lines.select_related("application__organization").only(
        "position",
        "application_id",
        "application__organization__legal_name",
        "tier",
        "attached_organizations",
        "immigrant_population",
        "reference_is_demo",
        "amount",
        "funded",
    )
    unfunded = lines.filter(funded=False)
    return render(
        request,
        "workspace/allocation.html",
        {
            "run": run,
            "form": form,
            "funded_lines": paginate(request, lines.filter(funded=True), param="funded_page"),
            "unfunded_lines": paginate(request, unfunded, param="unfunded_page"),
            "unfunded_total": unfunded.order_by().aggregate(
                total=Coalesce(Sum("amount"), Decimal(0), output_field=models.DecimalField())
            )["total"],
            "any_demo": lines.filter(reference_is_demo=True).exists(),
            "can_approve": can(request.user, Capability.APPROVE_ALLOCATION),
        },
        status=422 if form.errors else 200,
    )


@workspace_view(Capability.VIEW, post=Capability.REFERENCES)
def references(request):
    posted = None
    if request.method == "POST":
        code = request.POST.get("region", "")
        posted = RegionReferenceForm(request.POST, auto_id=f"%s-{code}")
        if posted.is_valid():
            try:
                actions.update_region_reference(
                    **posted.cleaned_data, by=request.user, at=clock.now()
                )
                messages.success(request, _("Les données de la région sont à jour."))
                return redirect("workspace:references")
            except ValidationError as error:
                add_action_errors(posted, error)
    existing = {r.region_id: r for r in RegionReference.objects.all()}
    rows = []
    for region in Region.objects.all():
        reference = existing.get(region.code)
        form = RegionReferenceForm(
            auto_id=f"%s-{region.code}",
            initial={"region": region.code}
            | (
                {
                    "attached_organizations": reference.attached_organizations,
                    "immigrant_population": reference.immigrant_population,
                    "source": reference.source,
                    "is_demo": reference.is_demo,
                }
                if reference
                else {}
            ),
        )
        if posted is not None and posted.data.get("region") == region.code:
            form = posted
        rows.append((region, reference, form))
    return render(
        request,
        "workspace/references.html",
        {
            "rows": rows,
            "form": posted,
            "can_edit": can(request.user, Capability.REFERENCES),
        },
        status=422 if posted is not None else 200,
    )


@require_POST
@workspace_view(Capability.DECIDE)
def decide(request, pk: int):
    evaluation = get_object_or_404(
        Evaluation.objects.for_user(request.user).select_related("application"), pk=pk
    )
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            actions.decide_within_budget(
                evaluation, **form.cleaned_data, by=request.user, at=clock.now()
            )
            messages.success(request, _("La décision est rendue et l'organisme en est avisé."))
        except ValidationError as error:
            add_action_errors(form, error)
        except IntegrityError:
            # two decisions at the same moment: the database keeps one (5.2)
            form.add_error(
                None, _("La décision sur cette demande a déjà été rendue : elle ne change plus.")
            )
    for message in error_messages(form):
        messages.error(request, message)
    return redirect("workspace:application", pk=evaluation.application_id)


# ---------------------------------------------------------------------------------------------
# A draft version of the norms, tried before it is adopted (issue 15, decision 019).

EXAMPLES_DIR = settings.PACKAGE_DIR.parents[1] / "docs" / "examples"


def _examples() -> list[str]:
    return sorted(p.name for p in EXAMPLES_DIR.glob("*.toml")) if EXAMPLES_DIR.is_dir() else []


@workspace_view(Capability.ALLOCATE)
def norms_trials(request):
    """Past what-ifs, and a draft norms file to check and compare with the version in force."""
    examples = _examples()
    form = NormsDraftForm(examples=examples)
    context = {"trials": NormsTrial.objects.for_user(request.user).for_lists()[:50]}
    if request.method == "POST":
        form = NormsDraftForm(request.POST, request.FILES, examples=examples)
        if form.is_valid():
            upload = form.cleaned_data["draft"]
            if upload is not None:
                name, content = upload.name, upload.read()
            else:
                name = form.cleaned_data["example"]
                content = (EXAMPLES_DIR / name).read_bytes()
            draft = read_draft(content)
            text = content.decode("utf-8") if draft.norms is not None else ""
            context.update(
                {
                    "draft": draft,
                    "draft_name": name,
                    "draft_sha256": whatif.sha256(content),
                    "base": whatif.base_of(draft) if draft.norms is not None else None,
                    "comparison": whatif.comparison(draft) if draft.norms is not None else [],
                    "trial_form": NormsTrialForm(initial={"draft_text": text, "draft_name": name}),
                }
            )
            status = 200 if draft.norms is not None else 422
            return render(request, "workspace/norms_draft.html", context, status=status)
    context["form"] = form
    return render(
        request, "workspace/norms_trials.html", context, status=422 if form.errors else 200
    )


@require_POST
@workspace_view(Capability.ALLOCATE)
def run_norms_trial(request):
    form = NormsTrialForm(request.POST)
    if form.is_valid():
        start_year, stream = (int(part) for part in form.cleaned_data["campaign"].split("-"))
        try:
            trial = whatif.try_norms(
                draft_text=form.cleaned_data["draft_text"],
                draft_name=form.cleaned_data["draft_name"],
                fiscal_year=FiscalYear(start_year),
                stream=stream,
                by=request.user,
                at=clock.now(),
            )
        except ValidationError as error:
            _errors(request, error)
            return redirect("workspace:norms_trials")
        messages.success(
            request, _("Le rejeu est terminé ; rien n'a été décidé ni écrit aux dossiers.")
        )
        return redirect("workspace:norms_trial", pk=trial.pk)
    for message in error_messages(form):
        messages.error(request, message)
    return redirect("workspace:norms_trials")


@workspace_view(Capability.ALLOCATE)
def norms_trial(request, pk: int):
    trial = get_object_or_404(NormsTrial.objects.for_user(request.user), pk=pk)
    figures = trial.figures
    labels = dict(Eligibility.choices)
    changed = []
    for dossier in figures["dossiers"]:
        if dossier["changed"]:
            for side in ("before", "after"):
                outcome = dossier[side]
                outcome["eligibility_label"] = labels.get(outcome["eligibility"], "—")
            changed.append(dossier)
    return render(
        request,
        "workspace/norms_trial.html",
        {
            "trial": trial,
            "figures": figures,
            "changed_dossiers": changed,
            "funding_changed": [
                d for d in changed if d["before"]["funded"] != d["after"]["funded"]
            ],
            "comparison_changed": [c for c in figures["comparison"] if c["changed"]],
        },
    )
