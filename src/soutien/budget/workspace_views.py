"""Priorities under the budget (5.2): envelopes, allocation runs, region references, decisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from soutien.accounts.access import Capability, can, workspace_view
from soutien.core import clock
from soutien.evaluations.models import Evaluation
from soutien.organizations.models import Region

from . import actions
from .models import AllocationRun, BudgetEnvelope, RegionReference


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@workspace_view(Capability.VIEW)
def budget(request):
    return render(
        request,
        "workspace/budget.html",
        {
            "envelopes": BudgetEnvelope.objects.for_user(request.user).with_commitments(),
            "runs": AllocationRun.objects.for_user(request.user).for_lists()[:50],
            "can_allocate": can(request.user, Capability.ALLOCATE),
        },
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
    if request.method == "POST":
        try:
            if request.POST.get("step") == "cancel":
                actions.cancel_allocation(
                    run, reason=request.POST.get("reason", ""), by=request.user, at=clock.now()
                )
                messages.success(request, _("La répartition est écartée."))
            else:
                actions.approve_allocation(run, by=request.user, at=clock.now())
                messages.success(
                    request, _("La répartition est approuvée ; elle ne changera plus.")
                )
        except ValidationError as error:
            _errors(request, error)
        return redirect("workspace:allocation", pk=run.pk)
    lines = run.lines.select_related(
        "application", "application__organization", "application__organization__region"
    )
    funded = [line for line in lines if line.funded]
    unfunded = [line for line in lines if not line.funded]
    return render(
        request,
        "workspace/allocation.html",
        {
            "run": run,
            "funded_lines": funded,
            "unfunded_lines": unfunded,
            "unfunded_total": sum((line.amount for line in unfunded), run.funded * 0),
            "any_demo": any(line.reference_is_demo for line in lines),
            "can_approve": can(request.user, Capability.APPROVE_ALLOCATION),
        },
    )


@workspace_view(Capability.VIEW, post=Capability.REFERENCES)
def references(request):
    if request.method == "POST":
        region = Region.objects.filter(pk=request.POST.get("region", "")).first()
        try:
            if region is None:
                raise ValidationError(_("Choisissez une région administrative."))
            actions.update_region_reference(
                region,
                attached_organizations=int(request.POST.get("attached_organizations", "")),
                immigrant_population=int(request.POST.get("immigrant_population", "")),
                source=request.POST.get("source", ""),
                is_demo=request.POST.get("is_demo") == "on",
                by=request.user,
                at=clock.now(),
            )
            messages.success(request, _("Les données de la région sont à jour."))
        except ValueError:
            messages.error(request, _("Les données de référence doivent être des nombres entiers."))
        except ValidationError as error:
            _errors(request, error)
        return redirect("workspace:references")
    existing = {r.region_id: r for r in RegionReference.objects.all()}
    return render(
        request,
        "workspace/references.html",
        {
            "rows": [(region, existing.get(region.code)) for region in Region.objects.all()],
            "can_edit": can(request.user, Capability.REFERENCES),
        },
    )


@require_POST
@workspace_view(Capability.DECIDE)
def decide(request, pk: int):
    evaluation = get_object_or_404(
        Evaluation.objects.for_user(request.user).select_related("application"), pk=pk
    )
    try:
        actions.decide_within_budget(
            evaluation,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
            by=request.user,
            at=clock.now(),
        )
        messages.success(request, _("La décision est rendue et l'organisme en est avisé."))
    except ValidationError as error:
        _errors(request, error)
    return redirect("workspace:application", pk=evaluation.application_id)
