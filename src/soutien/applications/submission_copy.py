"""The PDF copy of the whole application as submitted (issue 10): every section's answers,
the documents of clause 5.1 and the declaration, made in the submission's transaction and kept
in private storage beside the documents, one per (re)submission."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db.models import Max

from soutien.accounts.models import User
from soutien.core import pdf
from soutien.core.files import KINDS, CheckedFile, store

from .answers import answers_of
from .models import Application, ApplicationDocument, Declaration, DocumentKind, SubmissionCopy


def document_rows(application: Application) -> list[dict]:
    """The nine documents of clause 5.1 in order, each with its last version (or None)."""
    latest: dict[str, ApplicationDocument] = application.documents.latest_by_kind()
    return [{"title": label, "document": latest.get(kind)} for kind, label in DocumentKind.choices]


def recap_context(application: Application) -> dict:
    """What `applications/_recap.html` shows: every section's answers and the documents."""
    return {"sections": answers_of(application), "document_rows": document_rows(application)}


def render_copy(application: Application, *, declaration: Declaration, at: datetime) -> bytes:
    """A tagged PDF (PDF/UA-1), in French."""
    return pdf.render_pdf(
        "applications/submission_copy_pdf.html",
        {
            "application": application,
            **recap_context(application),
            "declaration": declaration,
            "submitted_at": at,
        },
    )


def make_copy(
    application: Application, *, declaration: Declaration, by: User, at: datetime
) -> SubmissionCopy:
    """Render and keep the next copy; call it inside the submission's transaction."""
    content = render_copy(application, declaration=declaration, at=at)
    checked = CheckedFile(
        original_name=f"demande-{application.reference}.pdf",
        kind=KINDS["pdf"],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    last = application.submission_copies.aggregate(last=Max("number"))["last"] or 0
    copy = SubmissionCopy(
        application=application,
        declaration=declaration,
        number=last + 1,
        file=store(checked),
        original_name=checked.original_name,
        mime_type=checked.kind.mime_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_at=at,
        uploaded_by=by,
    )
    copy.save_as(by)
    return copy
