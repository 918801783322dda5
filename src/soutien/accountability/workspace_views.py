"""Claims (clause 7; 6.2 on termination) in the ministry's workspace: an agreement's claims,
establishing one, its repayment agreement and the repayments received."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from soutien.accounts.access import Capability, can, workspace_view
from soutien.agreements.forms import ReasonForm
from soutien.agreements.models import Agreement, Installment, InstallmentState
from soutien.core import clock
from soutien.core.forms import add_action_errors
from soutien.core.models import JournalEntry
from soutien.payments.models import LineState
from soutien.rules import FiscalYear

from . import actions
from .forms import EstablishClaimForm, OffsetForm, RepaymentAgreementForm, RepaymentForm
from .models import Claim, ClaimOffset, ClaimState, OffsetState


def _fiscal_years(agreement: Agreement) -> list[FiscalYear]:
    return [FiscalYear(y.fiscal_year) for y in agreement.years.order_by("year_number")]


@workspace_view(Capability.VIEW, post=Capability.CLAIMS)
def agreement_claims(request, pk: int):
    agreement = get_object_or_404(
        Agreement.objects.for_user(request.user).select_related("organization"), pk=pk
    )
    years = _fiscal_years(agreement)
    today = clock.today()
    form = EstablishClaimForm(
        fiscal_years=years,
        initial={"established_on": today, "due_on": today, "fiscal_year": years[-1].start_year},
    )
    status = 200
    if request.method == "POST":
        form = EstablishClaimForm(request.POST, fiscal_years=years)
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = actions.establish_claim(
                    agreement.organization,
                    agreement=agreement,
                    kind=data["kind"],
                    amount=data["amount"],
                    fiscal_year=FiscalYear(data["fiscal_year"]),
                    established_on=data["established_on"],
                    due_on=data["due_on"],
                    reason=data["reason"],
                    by=request.user,
                    at=clock.now(),
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, _("La créance est établie et inscrite au grand livre."))
                return redirect("workspace:claim", pk=claim.pk)
        status = 422
    return render(
        request,
        "accountability/agreement_claims.html",
        {
            "agreement": agreement,
            "claims": Claim.objects.filter(agreement=agreement).order_by("-established_on", "-pk"),
            "form": form,
            "can_establish": can(request.user, Capability.CLAIMS),
        },
        status=status,
    )


def _claim_for(request, pk: int) -> Claim:
    return get_object_or_404(
        Claim.objects.for_user(request.user).select_related("organization", "agreement"), pk=pk
    )


CLAIM_LABELS = {
    "claim.established": _lazy("Créance établie"),
    "claim.repayment_agreed": _lazy("Entente de remboursement conclue"),
    "claim.repayment_defaulted": _lazy("Entente de remboursement non respectée"),
    "claim.repayment_reinstated": _lazy("Entente de nouveau respectée"),
    "claim.repayment_recorded": _lazy("Remboursement reçu"),
    "claim.settled": _lazy("Créance remboursée"),
    "claim.offset_planned": _lazy("Compensation prévue sur un versement à venir"),
}


def _labelled(entries) -> list:
    entries = list(entries)
    for entry in entries:
        entry.label = CLAIM_LABELS.get(entry.action, entry.action)
    return entries


def _offset_targets(claim) -> list:
    """The organization's installments still to pay, outside any run, none offset yet."""
    return list(
        Installment.objects.filter(
            agreement_year__agreement__organization_id=claim.organization_id,
            state=InstallmentState.SCHEDULED,
        )
        .exclude(payment_lines__state=LineState.PENDING)
        .exclude(offsets__state__in=[OffsetState.PLANNED, OffsetState.APPLIED])
        .select_related("agreement_year__agreement")
        .order_by("due_year", "due_month", "pk")
    )


def _offsets_with_forms(claim, manage: bool) -> list:
    """Each offset of the claim, with the form that gives it up while it is still planned."""
    rows = []
    for o in claim.offsets.select_related("installment").order_by("-created_at"):
        planned = manage and o.state == OffsetState.PLANNED
        rows.append((o, ReasonForm(prefix=f"o{o.pk}") if planned else None))
    return rows


def _render_claim(
    request, claim, *, repayment_form=None, step_form=None, offset_form=None, status=200
):
    manage = can(request.user, Capability.CLAIMS) and claim.state != ClaimState.SETTLED
    targets = _offset_targets(claim) if manage else []
    return render(
        request,
        "accountability/claim.html",
        {
            "claim": claim,
            "repayment_form": repayment_form or RepaymentForm(),
            "step_form": step_form or RepaymentAgreementForm(),
            "offset_form": offset_form or OffsetForm(installments=targets),
            "can_offset": manage and bool(targets),
            "offsets": _offsets_with_forms(claim, manage),
            "can_manage": manage,
            "journal": _labelled(
                JournalEntry.objects.for_subject(claim)
                .select_related("actor")
                .order_by("-at", "-pk")
            ),
        },
        status=status,
    )


@workspace_view(Capability.VIEW, post=Capability.CLAIMS)
def claim(request, pk: int):
    """A claim and its repayments; posting records a repayment received."""
    claim = _claim_for(request, pk)
    if request.method != "POST":
        return _render_claim(request, claim)
    form = RepaymentForm(request.POST)
    if form.is_valid():
        try:
            actions.record_repayment(
                claim, amount=form.cleaned_data["repayment"], by=request.user, at=clock.now()
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("Le remboursement est inscrit au grand livre."))
            return redirect("workspace:claim", pk=claim.pk)
    return _render_claim(request, _claim_for(request, pk), repayment_form=form, status=422)


STEPS = {
    "agree": actions.agree_repayment,
    "default": actions.default_repayment,
    "reinstate": actions.reinstate_repayment,
}


@require_POST
@workspace_view(Capability.CLAIMS)
def repayment_agreement(request, pk: int):
    claim = _claim_for(request, pk)
    form = RepaymentAgreementForm(request.POST)
    if form.is_valid():
        step = STEPS[form.cleaned_data["step"]]
        try:
            step(
                claim,
                reason=form.cleaned_data["step_reason"].strip(),
                by=request.user,
                at=clock.now(),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("L'entente de remboursement est à jour."))
            return redirect("workspace:claim", pk=claim.pk)
    return _render_claim(request, _claim_for(request, pk), step_form=form, status=422)


@require_POST
@workspace_view(Capability.CLAIMS)
def plan_offset(request, pk: int):
    """Keep back part of a later installment to repay the claim (7)."""
    claim = _claim_for(request, pk)
    targets = _offset_targets(claim)
    form = OffsetForm(request.POST, installments=targets)
    if form.is_valid():
        installment = next(i for i in targets if i.pk == form.cleaned_data["installment"])
        try:
            actions.plan_offset(
                claim,
                installment=installment,
                amount=form.cleaned_data["offset_amount"],
                reason=form.cleaned_data["offset_reason"],
                by=request.user,
                at=clock.now(),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                _("La compensation est prévue : le prochain lot de paiement versera le reste."),
            )
            return redirect("workspace:claim", pk=claim.pk)
    return _render_claim(request, _claim_for(request, pk), offset_form=form, status=422)


@require_POST
@workspace_view(Capability.CLAIMS)
def cancel_offset(request, pk: int):
    """An offset still planned is given up, with its reason: the installment is paid whole."""
    offset = get_object_or_404(
        ClaimOffset.objects.for_user(request.user).select_related("claim"), pk=pk
    )
    form = ReasonForm(request.POST, prefix=f"o{offset.pk}")
    if form.is_valid():
        try:
            actions.cancel_offset(
                offset, reason=form.cleaned_data["reason"], by=request.user, at=clock.now()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("La compensation est annulée : le versement sera entier."))
    else:
        messages.error(request, _("Le motif est requis pour annuler la compensation."))
    return redirect("workspace:claim", pk=offset.claim_id)
