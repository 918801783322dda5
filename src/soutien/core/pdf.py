"""Every document the software makes is a PDF rendered here: tagged PDF/UA-1, in French.

The template gives the language (`<html lang="fr-CA">`) and the title (`<title>`); WeasyPrint
writes them into the catalog (/Lang) and the metadata, with the structure tree PDF/UA-1 asks
for, so that a screen reader reads the document in order and in French.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

PDF_VARIANT = "pdf/ua-1"


def render_pdf(template: str, context: dict) -> bytes:
    """Render `template` with `context` into a tagged PDF (PDF/UA-1)."""
    from weasyprint import HTML  # heavy import (Pango), paid only when a PDF is made

    html = render_to_string(template, context)
    document = HTML(string=html, base_url=str(settings.PACKAGE_DIR))
    return document.write_pdf(pdf_variant=PDF_VARIANT)
