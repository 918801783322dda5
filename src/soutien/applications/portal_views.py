"""The organizations' portal (issue 4): applications for a fiscal year, /espace/…

Every view starts from `for_user`: another organization's id is a 404; an anonymous visitor
is sent to the login page (what they had typed in a section is kept in the session and
saved once they are back, so nothing is lost when a session expires).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from soutien.core import clock
from soutien.core.files import ACCEPTED_EXTENSIONS, check_upload
from soutien.core.models import JournalEntry, StaleRecord
from soutien.core.pdf import pdf_response
from soutien.organizations.members import members_act
from soutien.organizations.models import Organization
from soutien.rules.documents import DOCUMENTS_BY_CODE

from . import actions
from .acknowledgment import acknowledgment_of, render_pdf
from .forms import (
    AnswerForm,
    DeclarationForm,
    DocumentsForm,
    FinancesForm,
    StartForm,
    section_form_class,
    size_limit_label,
)
from .models import (
    Application,
    ApplicationDocument,
    InformationRequest,
    Kind,
    RequestKind,
    State,
    SubmissionPeriod,
)
from .sections import (
    DOCUMENTS_SECTION,
    SECTIONS_BY_CODE,
    checklist,
    editable_sections,
    missing,
    sections_of,
)
from .submission_copy import recap_context

PENDING_KEY = "portal_pending_post"


def portal_login_required(view):
    """login_required that keeps a section's posted answers across an expired session."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST" and not request.FILES:
            request.session[PENDING_KEY] = {
                "path": request.path,
                "data": {
                    key: request.POST.getlist(key)
                    for key in request.POST
                    if key != "csrfmiddlewaretoken"
                },
            }
        if _is_autosave(request):
            return JsonResponse(
                {
                    "saved": False,
                    "message": _(
                        "Votre session a expiré. Reconnectez-vous : ce que vous avez saisi "
                        "sera enregistré."
                    ),
                },
                status=401,
            )
        return redirect_to_login(request.path)

    return wrapper


def _is_autosave(request) -> bool:
    return request.headers.get("X-Autosave") == "1"


def _application(request, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.for_user(request.user).select_related(
            "organization", "organization__region", "last_statements", "renews"
        ),
        pk=pk,
    )


def _context(request, application: Application, **extra) -> dict:
    now = clock.now()
    open_requests = list(application.information_requests.open().order_by("due_at"))
    items = checklist(application)
    editable = editable_sections(application, open_requests)
    return {
        "application": application,
        "items": items,
        "missing_items": missing(items),
        "sections": sections_of(application),
        "editable": editable,
        "open_requests": open_requests,
        "now": now,
        "deadline_passed": now > application.deadline_at,
        "deadline": actions.deadline_label(application.deadline_at),
        **extra,
    }


# Dashboard -----------------------------------------------------------------------------


def dashboard_context(user, *, now) -> dict:
    """The applications part of the portal's home (the portal face adds the renewals)."""
    organizations = list(Organization.objects.for_user(user).active().order_by("legal_name"))
    applications = list(
        Application.objects.for_user(user)
        .select_related("organization")
        .order_by("organization__legal_name", "organization_id", "-fiscal_year", "stream")
    )
    kinds: dict[int, set[str]] = {}
    for application_id, kind in (
        ApplicationDocument.objects.for_user(user).values_list("application_id", "kind").distinct()
    ):
        kinds.setdefault(application_id, set()).add(kind)
    requests_by_application: dict[int, list[InformationRequest]] = {}
    for info in InformationRequest.objects.for_user(user).open().order_by("due_at"):
        requests_by_application.setdefault(info.application_id, []).append(info)
    rows = []
    for application in applications:
        items = checklist(application, present_kinds=kinds.get(application.pk, ()))
        rows.append(
            {
                "application": application,
                "missing": missing(items) if application.state == State.DRAFT else [],
                "requests": requests_by_application.get(application.pk, []),
            }
        )
    periods = list(
        SubmissionPeriod.objects.filter(opens_at__lte=now, deadline_at__gte=now).order_by(
            "fiscal_year", "stream"
        )
    )
    return {
        "organizations": organizations,
        "rows": rows,
        "periods": periods,
        "now": now,
        # (organization, fiscal year, stream) already applied for: no renewal offered again
        "taken": {(a.organization_id, a.fiscal_year, a.stream) for a in applications},
    }


@portal_login_required
@members_act
@require_http_methods(["GET", "POST"])
def start(request):
    now = clock.now()
    organizations = Organization.objects.for_user(request.user).active().order_by("legal_name")
    periods = SubmissionPeriod.objects.filter(opens_at__lte=now, deadline_at__gte=now).order_by(
        "fiscal_year", "stream"
    )
    form = StartForm(
        request.POST or None,
        organizations=organizations,
        periods=periods,
        initial={"stream": 1},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                application = actions.start_application(
                    form.cleaned_data["organization"],
                    period=form.cleaned_data["period"],
                    stream=form.cleaned_data["stream"],
                    by=request.user,
                    at=now,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Votre demande est créée. Remplissez chaque section."))
                return redirect("portal:application", application.pk)
        status = 422
    return render(
        request,
        "applications/start.html",
        {"form": form, "has_periods": periods.exists()},
        status=status,
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# One application ---------------------------------------------------------------------------


@portal_login_required
def application_detail(request, pk: int):
    application = _application(request, pk)
    answered = application.information_requests.filter(answered_at__isnull=False).order_by(
        "-answered_at"
    )
    return render(
        request,
        "applications/application.html",
        _context(request, application, answered_requests=list(answered)),
    )


@portal_login_required
@members_act(reads=True)
@require_http_methods(["GET", "POST"])
def section(request, pk: int, section: str):
    application = _application(request, pk)
    if section == DOCUMENTS_SECTION:
        return redirect("portal:documents", application.pk)
    spec = SECTIONS_BY_CODE.get(section)
    if spec is None or spec not in sections_of(application):
        raise Http404
    context = _context(request, application, section=spec)
    can_edit = spec.code in context["editable"]
    is_finances = spec.code == "finances"
    data = None
    restored = False
    if request.method == "POST":
        data = request.POST
    else:
        pending = request.session.get(PENDING_KEY)
        if pending and pending.get("path") == request.path:
            del request.session[PENDING_KEY]
            data = QueryDict(mutable=True)
            for key, values in pending["data"].items():
                data.setlist(key, values)
            restored = True
    if is_finances:
        form = FinancesForm(data, initial=FinancesForm.initial_for(application))
    else:
        form = section_form_class(spec)(data, instance=application)
    form.add_seen_version(application)
    status = 200
    if data is not None:
        autosave = _is_autosave(request)
        if not can_edit:
            message = _("Cette section ne peut pas être modifiée maintenant.")
            if autosave:
                return JsonResponse({"saved": False, "message": message}, status=409)
            messages.error(request, message)
            return redirect("portal:application", application.pk)
        if form.is_valid():
            try:
                _save(request, application, spec, form, autosave=autosave)
            except StaleRecord as error:
                if autosave:
                    return JsonResponse(
                        {"saved": False, "stale": True, "message": " ".join(error.messages)},
                        status=409,
                    )
                form.add_error(None, error.messages)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if autosave:
                    return _autosave_response(request, application)
                if restored:
                    messages.success(
                        request,
                        _(
                            "Les réponses que vous aviez saisies avant l'expiration de votre "
                            "session sont enregistrées."
                        ),
                    )
                else:
                    messages.success(
                        request, _("Section « %(title)s » enregistrée.") % {"title": spec.title}
                    )
                return redirect(_next_url(application, spec))
        if autosave:
            return JsonResponse(
                {
                    "saved": False,
                    "message": _("Brouillon non enregistré : corrigez les champs signalés."),
                    "errors": {f: [str(e) for e in errs] for f, errs in form.errors.items()},
                },
                status=422,
            )
        status = 422
    context.update(form=form, can_edit=can_edit, is_finances=is_finances)
    return render(request, "applications/section.html", context, status=status)


def _save(request, application, spec, form, *, autosave: bool) -> None:
    now = clock.now()
    if spec.code == "finances":
        actions.save_finances(
            application,
            estimated_operating_costs=form.cleaned_data["estimated_operating_costs"] or 0,
            lines=form.lines(),
            statements=form.statements(),
            by=request.user,
            at=now,
            autosave=autosave,
            seen_version=form.cleaned_data.get("seen_version"),
        )
    else:
        values = {name: form.cleaned_data[name] for name in spec.fields}
        values = {k: ("" if v is None and _is_text(k) else v) for k, v in values.items()}
        actions.save_section(
            application,
            section=spec.code,
            values=values,
            by=request.user,
            at=now,
            autosave=autosave,
            seen_version=form.cleaned_data.get("seen_version"),
        )


def _is_text(name: str) -> bool:
    return Application._meta.get_field(name).get_internal_type() in ("CharField", "TextField")


def _next_url(application: Application, spec) -> str:

    codes = [s.code for s in sections_of(application)]
    index = codes.index(spec.code)
    if index + 1 < len(codes):
        return reverse("portal:section", args=[application.pk, codes[index + 1]])
    return reverse("portal:documents", args=[application.pk])


def _autosave_response(request, application: Application) -> JsonResponse:
    application.refresh_from_db()
    local = timezone.localtime(clock.now())
    items = checklist(application)
    html = render_to_string(
        "applications/_checklist.html",
        {"application": application, "items": items, "missing_items": missing(items)},
        request=request,
    )
    return JsonResponse(
        {
            "saved": True,
            "message": _("Brouillon enregistré à %(hour)s h %(minute)02d.")
            % {"hour": local.hour, "minute": local.minute},
            "checklist": html,
            # the page now stands on this version: its next save is not refused as stale
            "version": application.version,
        }
    )


# Documents ---------------------------------------------------------------------------


@portal_login_required
@members_act(reads=True)
@require_http_methods(["GET", "POST"])
def documents(request, pk: int):
    application = _application(request, pk)
    context = _context(request, application)
    can_edit = DOCUMENTS_SECTION in context["editable"]
    renewal = application.kind == Kind.RENEWAL and application.renews_id is not None
    previous = actions.latest_documents(application.renews) if renewal else {}
    form = DocumentsForm(
        request.POST or None, request.FILES or None, renewal=renewal, reusable=previous
    )
    status = 200
    saved: list[str] = []
    if request.method == "POST":
        if not can_edit:
            messages.error(request, _("Les documents ne peuvent pas être modifiés maintenant."))
            return redirect("portal:application", application.pk)
        # One bad file refuses only itself: the good ones of the batch are kept (issue 10).
        bound = form.is_bound
        form.is_valid()
        uploads = []
        for kind, upload in form.uploads() if bound else ():
            try:
                check_upload(upload, field=kind)
            except ValidationError as error:
                form.add_error(kind, error.message_dict[kind])
            else:
                uploads.append((kind, upload))
        unchanged = form.unchanged() if bound else []
        if uploads or unchanged:
            now = clock.now()
            try:
                with transaction.atomic():
                    if unchanged:
                        actions.reuse_documents(
                            application, kinds=unchanged, by=request.user, at=now
                        )
                    if uploads:
                        actions.upload_documents(
                            application, uploads=uploads, by=request.user, at=now
                        )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                saved = [kind for kind, _upload in uploads] + unchanged
                messages.success(
                    request,
                    ngettext(
                        "%(count)s document enregistré.",
                        "%(count)s documents enregistrés.",
                        len(saved),
                    )
                    % {"count": len(saved)},
                )
                if not form.errors:
                    return redirect("portal:documents", application.pk)
        status = 422
    latest = actions.latest_documents(application)
    versions: dict[str, int] = {}
    for document in application.documents.all():
        versions[document.kind] = versions.get(document.kind, 0) + 1
    rows = [
        {
            "document": document,
            "field": field,
            "unchanged": unchanged,
            "latest": latest.get(document.code),
            "versions": versions.get(document.code, 0),
            "previous": previous.get(document.code),
            "saved": document.code in saved,
        }
        for document, field, unchanged in form.rows()
    ]
    context.update(
        form=form,
        rows=rows,
        saved=saved,
        can_edit=can_edit,
        size_limit=size_limit_label(),
        accepted=", ".join(f".{e}" for e in _accepted()),
    )
    return render(request, "applications/documents.html", context, status=status)


def _accepted():

    return ACCEPTED_EXTENSIONS.split(", ")


@portal_login_required
def document_versions(request, pk: int, kind: str):
    application = _application(request, pk)
    spec = DOCUMENTS_BY_CODE.get(kind)
    if spec is None:
        raise Http404
    versions = (
        application.documents.filter(kind=kind)
        .select_related("uploaded_by", "reused_from", "reused_from__application")
        .order_by("-number")
    )
    return render(
        request,
        "applications/document_versions.html",
        {**_context(request, application), "document": spec, "versions": versions},
    )


# Submission and acknowledgment ---------------------------------------------------------------


@portal_login_required
@members_act(reads=True)
@require_http_methods(["GET", "POST"])
def submit(request, pk: int):
    application = _application(request, pk)
    if application.state == State.INCOMPLETE:
        info = application.information_requests.open().order_by("due_at").first()
        if info is not None:
            return redirect("portal:answer_request", application.pk, info.pk)
    form = DeclarationForm(
        request.POST if request.method == "POST" else None,
        initial={"declarant_name": request.user.full_name},
    )
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if application.state != State.DRAFT:
            errors.append(_("Cette demande a déjà été déposée."))
        elif form.is_valid():
            declarant = actions.Declarant(
                name=form.cleaned_data["declarant_name"],
                title=form.cleaned_data["declarant_title"],
            )
            try:
                actions.submit_application(
                    application,
                    by=request.user,
                    at=clock.now(),
                    require_complete=True,
                    declarant=declarant,
                )
            except ValidationError as error:
                # The declaration's fields under their field; the rest (incomplete, late) above.
                for field, messages_ in getattr(error, "error_dict", {None: error}).items():
                    for message in ValidationError(messages_).messages:
                        if field in form.fields:
                            form.add_error(field, message)
                        else:
                            errors.append(message)
            else:
                return redirect("portal:acknowledgment", application.pk)
        application = _application(request, pk)
        status = 422
    return render(
        request,
        "applications/submit.html",
        _context(
            request,
            application,
            errors=errors,
            form=form,
            links=True,
            **recap_context(application),
        ),
        status=status,
    )


@portal_login_required
def acknowledgment(request, pk: int):
    application = _application(request, pk)
    ack = acknowledgment_of(application)
    if ack is None:
        raise Http404
    return render(
        request, "applications/acknowledgment.html", {"ack": ack, **_context(request, application)}
    )


@portal_login_required
def acknowledgment_pdf(request, pk: int):
    application = _application(request, pk)
    ack = acknowledgment_of(application)
    if ack is None:
        raise Http404
    return pdf_response(
        render_pdf(ack), f"accuse-reception-{application.reference}.pdf", attachment=True
    )


# After submission ------------------------------------------------------------------------


@portal_login_required
@members_act(reads=True)
@require_http_methods(["GET", "POST"])
def answer_request(request, pk: int, request_pk: int):
    application = _application(request, pk)
    info = get_object_or_404(
        InformationRequest.objects.for_user(request.user).select_related("requested_by"),
        pk=request_pk,
        application=application,
    )
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.answer_request(
                    info, by=request.user, at=clock.now(), answer=form.cleaned_data["answer"]
                )
            except ValidationError as error:
                # nothing was saved: the request is open again as it is in the database
                info.refresh_from_db()
                _add_errors(form, error)
            else:
                messages.success(request, _("Votre réponse est transmise au Ministère."))
                if application.state == State.SUBMITTED and info.kind == RequestKind.CORRECTION:
                    return redirect("portal:acknowledgment", application.pk)
                return redirect("portal:application", application.pk)
        status = 422
    named_sections = [SECTIONS_BY_CODE[c] for c in info.sections if c in SECTIONS_BY_CODE]
    named_documents = [DOCUMENTS_BY_CODE[c] for c in info.documents if c in DOCUMENTS_BY_CODE]
    return render(
        request,
        "applications/answer.html",
        _context(
            request,
            application,
            info=info,
            form=form,
            named_sections=named_sections,
            named_documents=named_documents,
            due=actions.deadline_label(info.due_at),
        ),
        status=status,
    )


ACTION_LABELS = {
    "application.created": _("Demande créée"),
    "application.renewal_started": _("Formulaire de reconduction commencé"),
    "application.section_saved": _("Section enregistrée"),
    "application.documents_uploaded": _("Documents déposés"),
    "application.documents_reused": _("Documents inchangés repris de l'année précédente"),
    "application.submitted": _("Demande déposée"),
    "application.resubmitted": _("Demande déposée de nouveau après correction"),
    "application.declared": _("Déclaration de la personne autorisée"),
    "application.copy_kept": _("Copie PDF de la demande déposée conservée"),
    "application.correction_requested": _("Correction demandée par le Ministère"),
    "application.information_requested": _("Renseignements demandés par le Ministère"),
    "application.request_answered": _("Réponse de l'organisme"),
    "application.evaluation_started": _("Évaluation commencée"),
    "application.accepted": _("Demande acceptée"),
    "application.refused": _("Demande refusée"),
    "application.withdrawn": _("Demande retirée"),
}


@portal_login_required
def timeline(request, pk: int):
    application = _application(request, pk)
    entries = []
    for entry in (
        JournalEntry.objects.for_subject(application).select_related("actor").order_by("at", "id")
    ):
        data = entry.data or {}
        details = []
        if entry.action in ("application.documents_uploaded", "application.documents_reused"):
            details = [
                str(DOCUMENTS_BY_CODE[d["document"]].title)
                if d["document"] in DOCUMENTS_BY_CODE
                else d["document"]
                for d in data.get("documents", [])
            ]
        if entry.action == "application.section_saved":
            spec = SECTIONS_BY_CODE.get(data.get("section"))
            details = [str(spec.title)] if spec else []
        entries.append(
            {
                "entry": entry,
                "label": ACTION_LABELS.get(entry.action, entry.action),
                "details": details,
                "late": bool(data.get("late")),
                "actor": _actor(entry.actor),
            }
        )
    return render(
        request,
        "applications/timeline.html",
        {**_context(request, application), "entries": entries},
    )


def _actor(user) -> str:
    if user is None:
        return _("Système")
    if getattr(user, "is_ministry_staff", False) or user.is_superuser:
        return _("%(name)s (Ministère)") % {"name": user.full_name or user.email}
    return user.full_name or user.email
