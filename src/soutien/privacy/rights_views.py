"""Access and correction requests in the ministry's workspace (Loi sur l'accès, art. 83, 89,
98): record one, answer it, and for an access request download what the person's account
holds (the same copy the person downloads from their account)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from soutien.accounts.access import Capability, workspace_view
from soutien.core import clock
from soutien.core.forms import add_action_errors

from . import rights
from .account_views import data_response
from .forms import AnswerForm, RequestForm
from .models import PersonalInformationRequest, RequestKind, RequestState


@workspace_view(Capability.PRIVACY)
def requests(request):
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                recorded = rights.record_request(
                    by=request.user,
                    at=clock.now(),
                    **{n: form.cleaned_data[n] for n in rights.REQUEST_FIELDS},
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(
                    request,
                    _("La demande est inscrite ; la réponse est due au plus tard le %(day)s.")
                    % {"day": recorded.due_on.isoformat()},
                )
                return redirect("workspace:privacy_request", pk=recorded.pk)
        status = 422
    # Open requests first, the nearest deadline first.
    register = PersonalInformationRequest.objects.select_related("person", "organization").order_by(
        Case(
            When(state=RequestState.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "due_on",
        "pk",
    )
    return render(
        request,
        "workspace/privacy/requests.html",
        {
            "form": form,
            "register": register,
            "today": clock.today(),
            "days": settings.PRIVACY_REQUEST_DAYS,
        },
        status=status,
    )


@workspace_view(Capability.PRIVACY)
def request_page(request, pk: int):
    pi_request = get_object_or_404(
        PersonalInformationRequest.objects.select_related(
            "person", "organization", "recorded_by", "answered_by"
        ),
        pk=pk,
    )
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                rights.answer_request(
                    pi_request,
                    by=request.user,
                    at=clock.now(),
                    outcome=form.cleaned_data["outcome"],
                    answer=form.cleaned_data["answer"],
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, _("La réponse est inscrite."))
                return redirect("workspace:privacy_request", pk=pk)
        status = 422
    return render(
        request,
        "workspace/privacy/request.html",
        {
            "pi_request": pi_request,
            "form": form,
            "today": clock.today(),
            "is_open": pi_request.state == RequestState.OPEN,
            "can_download": pi_request.kind == RequestKind.ACCESS and pi_request.person_id,
        },
        status=status,
    )


@workspace_view(Capability.PRIVACY)
def request_data(request, pk: int, fmt: str):
    """The person's data, for the answer to their access request; journaled on their account."""
    pi_request = get_object_or_404(
        PersonalInformationRequest.objects.select_related("person"), pk=pk
    )
    if fmt not in ("json", "pdf") or pi_request.kind != RequestKind.ACCESS:
        raise Http404
    if pi_request.person is None:
        raise Http404
    response = data_response(pi_request.person, fmt)
    rights.record_download(
        pi_request.person, by=request.user, at=clock.now(), fmt=fmt, request=pi_request
    )
    return response
