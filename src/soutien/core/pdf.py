"""Every document the software makes is a PDF rendered here: tagged PDF/UA-1, in French.

The template gives the language (`<html lang="fr-CA">`) and the title (`<title>`); WeasyPrint
writes them into the catalog (/Lang) and the metadata, with the structure tree PDF/UA-1 asks
for, so that a screen reader reads the document in order and in French.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

PDF_VARIANT = "pdf/ua-1"


def render_pdf(template: str, context: dict) -> bytes:
    """Render `template` with `context` into a tagged PDF (PDF/UA-1)."""
    from weasyprint import HTML  # heavy import (Pango), paid only when a PDF is made

    html = render_to_string(template, context)
    document = HTML(string=html, base_url=str(settings.PACKAGE_DIR))
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def pdf_response(content: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    """A PDF made for one person: shown in the browser (or downloaded), never cached."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
