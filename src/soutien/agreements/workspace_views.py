"""Funding agreements (5.4) and exports for finance, in the ministry's workspace."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soutien.accounts.access import Capability, can, workspace_view
from soutien.core.forms import add_action_errors
from soutien.evaluations.models import Decision, Outcome
from soutien.rules import FiscalYear

from . import actions, exports
from .documents import agreement_pdf as render_agreement_pdf
from .forms import FinanceFilterForm, PrepareAgreementForm, SignAgreementForm
from .models import Agreement, AgreementDocumentKind


def proposed_signatory(application) -> tuple[str, str]:
    """The president of the board on the day of the application: the usual designation of the
    board resolution (5.1), proposed to the person who prepares the agreement, who checks it."""
    day = timezone.localdate(application.submitted_at) if application.submitted_at else None
    president = application.organization.board_members.president_on(day)
    if president is None:
        return "", ""
    return president.full_name, _("Présidence du conseil d'administration")


@workspace_view(Capability.AGREEMENT)
def prepare_agreement(request, pk: int):
    decision = get_object_or_404(
        Decision.objects.for_user(request.user).select_related(
            "application", "application__organization"
        ),
        pk=pk,
        outcome=Outcome.GRANTED,
    )
    application = decision.application
    durations = list(range(1, actions.max_duration_years(FiscalYear(application.fiscal_year)) + 1))
    status, proposed = 200, False
    if request.method == "POST":
        form = PrepareAgreementForm(request.POST, durations=durations)
        if form.is_valid():
            try:
                agreement = actions.prepare_agreement(
                    decision, **form.cleaned_data, by=request.user, at=timezone.now()
                )
                messages.success(request, _("La convention est préparée."))
                return redirect("workspace:agreement", pk=agreement.pk)
            except ValidationError as error:
                add_action_errors(form, error)
        status = 422
    else:
        name, title = proposed_signatory(application)
        proposed = bool(name)
        form = PrepareAgreementForm(
            durations=durations, initial={"signatory_name": name, "signatory_title": title}
        )
    return render(
        request,
        "workspace/prepare_agreement.html",
        {
            "decision": decision,
            "application": application,
            "form": form,
            "durations": durations,
            "resolution": application.documents.latest_of_kind("board_resolution"),
            "proposed": proposed,
        },
        status=status,
    )


@workspace_view(Capability.VIEW, post=Capability.AGREEMENT)
def agreement(request, pk: int):
    agreement = get_object_or_404(
        Agreement.objects.for_user(request.user).select_related("organization", "application"),
        pk=pk,
    )
    status = 200
    form = SignAgreementForm(initial={"signed_on": timezone.localdate()})
    if request.method == "POST":
        form = SignAgreementForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                actions.sign_agreement(
                    agreement,
                    upload=form.cleaned_data["signed_copy"],
                    signed_on=form.cleaned_data["signed_on"],
                    by=request.user,
                    at=timezone.now(),
                )
                messages.success(
                    request, _("La convention signée est déposée : elle est en vigueur.")
                )
                return redirect("workspace:agreement", pk=agreement.pk)
            except ValidationError as error:
                add_action_errors(form, error)
        status = 422
    return render(
        request,
        "workspace/agreement.html",
        {
            "agreement": agreement,
            "form": form,
            "years": agreement.years.prefetch_related("installments").order_by("year_number"),
            "documents": agreement.documents.filter(
                kind=AgreementDocumentKind.SIGNED_AGREEMENT
            ).order_by("-number"),
            "can_sign": can(request.user, Capability.AGREEMENT) and agreement.state == "draft",
        },
        status=status,
    )


@workspace_view(Capability.VIEW)
def agreement_pdf(request, pk: int):
    agreement = get_object_or_404(
        Agreement.objects.for_user(request.user).select_related("organization", "application"),
        pk=pk,
    )
    response = HttpResponse(render_agreement_pdf(agreement), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="convention-{agreement.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


KINDS = {
    "installments": (_("Versements prévus"), exports.installment_rows),
    "decisions": (_("Décisions"), exports.decision_rows),
}


def _finance_filters(request) -> FinanceFilterForm:
    data = request.GET.copy()
    data.setdefault("kind", "installments")
    form = FinanceFilterForm(data)
    form.is_valid()
    return form


def _rows(form: FinanceFilterForm, user):
    """The rows the valid filters select; none when a filter is wrong (shown on the page)."""
    kind = form.cleaned_data.get("kind") or "installments"
    title, rows_for = KINDS[kind]
    rows = rows_for(user, form.cleaned_data.get("fiscal_year")) if not form.errors else []
    return kind, title, rows


@workspace_view(Capability.EXPORT)
def finance(request):
    form = _finance_filters(request)
    kind, title, rows = _rows(form, request.user)
    return render(
        request,
        "workspace/finance.html",
        {
            "form": form,
            "kind": kind,
            "title": title,
            "rows": rows,
            "total": exports.total(rows),
            "query": request.GET.urlencode(),
        },
        status=422 if form.errors else 200,
    )


@workspace_view(Capability.EXPORT)
def export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = _finance_filters(request)
    if form.errors:
        return redirect(f"{reverse('workspace:finance')}?{request.GET.urlencode()}")
    kind, title, rows = _rows(form, request.user)
    name = f"soutien-{kind}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = HttpResponse(
            exports.to_xlsx(rows, str(title)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
