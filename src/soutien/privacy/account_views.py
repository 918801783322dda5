"""« Mes renseignements personnels » on the account page: a person downloads what the
program holds about them (Loi sur l'accès, art. 83), as JSON or as a readable PDF.

Only ever one's own: the signed-in account, no identifier in the address."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from soutien.core import clock
from soutien.core.pdf import pdf_response, render_pdf

from . import rights
from .personal_data import as_tables, personal_data, to_json

FILENAME = "mes-renseignements"


def data_response(person, fmt: str) -> HttpResponse:
    """The person's data as a download in `fmt` (json or pdf), never cached."""
    data = personal_data(person)
    if fmt == "pdf":
        content = render_pdf(
            "privacy/pdf/personal_data.html",
            {
                "person": person,
                "generated": data["généré le"].strftime("%Y-%m-%d %H:%M"),
                "tables": as_tables(data),
                "days": settings.PRIVACY_REQUEST_DAYS,
            },
        )
        return pdf_response(content, f"{FILENAME}.pdf", attachment=True)
    response = HttpResponse(to_json(data), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def download(request, fmt: str):
    if fmt not in ("json", "pdf"):
        raise Http404
    response = data_response(request.user, fmt)
    rights.record_download(request.user, by=request.user, at=clock.now(), fmt=fmt)
    return response
