"""Payment runs in the ministry's workspace (6.2): prepare, approve, files, results."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from soutien.accounts.access import Capability, can, workspace_view
from soutien.agreements.models import Installment
from soutien.core import clock
from soutien.core.forms import add_action_errors
from soutien.core.pagination import paginate
from soutien.organizations.actions import set_supplier_identification
from soutien.organizations.models import Organization
from soutien.rules import FiscalYear

from . import actions, payability
from .forms import (
    CancelRunForm,
    LineResultForm,
    PrepareRunForm,
    RescheduleForm,
    ReturnFileForm,
    SupplierForm,
    parse_month,
)
from .models import LineState, PaymentFile, PaymentRun, RunState


def _next_payment_month(today) -> str:
    """November or March, whichever comes first from today (6.2)."""
    if today.month <= 3:
        return f"{today.year}-03"
    if today.month <= 11:
        return f"{today.year}-11"
    return f"{today.year + 1}-03"


@workspace_view(Capability.PAY)
def runs(request):
    today = clock.today()
    form = PrepareRunForm(initial={"month": _next_payment_month(today)}, today=today)
    status = 200
    if request.method == "POST":
        form = PrepareRunForm(request.POST, today=today)
        if form.is_valid():
            year, month = parse_month(form.cleaned_data["month"])
            try:
                run = actions.prepare_run(year=year, month=month, by=request.user, at=clock.now())
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Le lot %(reference)s est préparé ; une autre personne des finances "
                        "l'approuve."
                    )
                    % {"reference": run.reference},
                )
                return redirect("workspace:payment_run", pk=run.pk)
        status = 422
    return render(
        request,
        "payments/runs.html",
        {
            "form": form,
            "page": paginate(request, PaymentRun.objects.for_user(request.user).for_lists()),
        },
        status=status,
    )


def _run(request, pk: int) -> PaymentRun:
    return get_object_or_404(PaymentRun.objects.for_user(request.user).for_lists(), pk=pk)


@workspace_view(Capability.PAY)
def run(request, pk: int):
    found = _run(request, pk)
    return _render_run(request, found)


def _render_run(request, found, *, forms=None, status=200, problems=()):
    forms = forms or {}
    lines = found.lines.order_by("position")
    excluded = found.excluded
    return render(
        request,
        "payments/run.html",
        {
            "run": found,
            "lines": paginate(request, lines),
            "excluded": excluded[:200],
            "excluded_count": len(excluded),
            "files": found.files.order_by("pk").only("pk", "format", "name", "sha256"),
            "workbook_pending": found.state in (RunState.APPROVED, RunState.CLOSED)
            and not found.files.filter(format="xlsx").exists(),
            "own_run": found.prepared_by_id == request.user.pk,
            "pending": lines.filter(state=LineState.PENDING).count(),
            "cancel_form": forms.get("cancel") or CancelRunForm(),
            "return_form": forms.get("return") or ReturnFileForm(),
            "line_form": forms.get("line") or LineResultForm(),
            "problems": problems,
        },
        status=status,
    )


@require_POST
@workspace_view(Capability.PAY)
def approve(request, pk: int):
    found = _run(request, pk)
    try:
        actions.approve_run(found, by=request.user, at=clock.now())
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Le lot est approuvé : son fichier est prêt pour le système financier."),
        )
    return redirect("workspace:payment_run", pk=found.pk)


@require_POST
@workspace_view(Capability.PAY)
def cancel(request, pk: int):
    found = _run(request, pk)
    form = CancelRunForm(request.POST)
    if form.is_valid():
        try:
            actions.cancel_run(
                found, reason=form.cleaned_data["reason"], by=request.user, at=clock.now()
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request, _("Le lot est annulé ; ses versements sont de nouveau payables.")
            )
            return redirect("workspace:payment_run", pk=found.pk)
    return _render_run(request, _run(request, pk), forms={"cancel": form}, status=422)


@require_POST
@workspace_view(Capability.PAY)
def import_return(request, pk: int):
    found = _run(request, pk)
    form = ReturnFileForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        content = form.cleaned_data["return_file"].read()
        try:
            counts, problems = actions.import_return(
                found,
                content,
                accept_valid=form.cleaned_data["accept_valid"],
                by=request.user,
                at=clock.now(),
            )
        except ValidationError as error:
            problems = list(error.messages)
            form.add_error(
                None,
                _(
                    "Le fichier de retour est refusé : rien n'est inscrit. Corrigez les lignes "
                    "ci-dessous, ou cochez « Inscrire seulement les lignes valides »."
                ),
            )
        else:
            messages.success(
                request,
                _(
                    "Retour inscrit. Lignes versées : %(paid)s ; rejetées : %(failed)s ; "
                    "refusées : %(refused)s."
                )
                % counts,
            )
            for problem in problems:
                messages.warning(request, problem)
            return redirect("workspace:payment_run", pk=found.pk)
    return _render_run(
        request, _run(request, pk), forms={"return": form}, status=422, problems=problems
    )


@require_POST
@workspace_view(Capability.PAY)
def record_line(request, pk: int):
    found = _run(request, pk)
    form = LineResultForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        result = actions.LineResult(
            position=data["position"],
            paid=data["outcome"] == "paid",
            payment_number=data["payment_number"],
            paid_on=data["paid_on"],
            reason=data["reason"],
        )
        try:
            actions.record_results(found, [result], by=request.user, at=clock.now())
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request, _("Le résultat de la ligne %(n)s est inscrit.") % {"n": result.position}
            )
            return redirect("workspace:payment_run", pk=found.pk)
    return _render_run(request, _run(request, pk), forms={"line": form}, status=422)


@workspace_view(Capability.PAY)
def download(request, pk: int, fmt: str):
    """The file as it was produced at approval: the same bytes every time."""
    found = _run(request, pk)
    if found.state not in (RunState.APPROVED, RunState.CLOSED):
        raise Http404
    stored = PaymentFile.objects.filter(run=found, format=fmt).first()
    if stored is None:
        raise Http404
    response = HttpResponse(bytes(stored.content), content_type=stored.content_type)
    response["Content-Disposition"] = f'attachment; filename="{stored.name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-SHA256"] = stored.sha256
    return response


@workspace_view(Capability.VIEW, post=Capability.PAY)
def supplier(request, pk: int):
    organization = get_object_or_404(Organization.objects.for_user(request.user), pk=pk)
    form = SupplierForm(
        initial={
            "supplier_number": organization.supplier_number,
            "bank_reference": organization.bank_reference,
        }
    )
    status = 200
    if request.method == "POST":
        form = SupplierForm(request.POST)
        if form.is_valid():
            try:
                set_supplier_identification(
                    organization, by=request.user, at=clock.now(), **form.cleaned_data
                )
            except ValidationError as error:
                add_action_errors(form, error)
                organization.refresh_from_db()
            else:
                messages.success(request, _("L'identification de fournisseur est enregistrée."))
                return redirect("workspace:supplier", pk=organization.pk)
        status = 422
    return render(
        request,
        "payments/supplier.html",
        {"organization": organization, "form": form, "can_edit": can(request.user, Capability.PAY)},
        status=status,
    )


@workspace_view(Capability.RESCHEDULE)
def reschedule(request, pk: int):
    installment = get_object_or_404(Installment.objects.for_user(request.user).for_lists(), pk=pk)
    fiscal_start = installment.agreement_year.fiscal_year
    form = RescheduleForm(initial={"month": installment.due_label}, fiscal_start=fiscal_start)
    status = 200
    if request.method == "POST":
        form = RescheduleForm(request.POST, fiscal_start=fiscal_start)
        if form.is_valid():
            year, month = parse_month(form.cleaned_data["month"])
            try:
                actions.reschedule_installment(
                    installment,
                    due_year=year,
                    due_month=month,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    at=clock.now(),
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(
                    request, _("Le versement est reporté ; l'organisme en voit le motif.")
                )
                return redirect("workspace:agreement", pk=installment.agreement_year.agreement_id)
        status = 422
    standing = payability.statuses([installment], (clock.today().year, clock.today().month))
    return render(
        request,
        "payments/reschedule.html",
        {
            "installment": installment,
            "form": form,
            "status": standing.get(installment.pk),
            "fiscal_year": FiscalYear(fiscal_start),
        },
        status=status,
    )
