"""Documents: private storage, type checked by content, size limit, SHA-256.

Office and OpenDocument files (zips) are decompressed within limits before they are kept
(`check_archive`: entries, expanded size, ratio; settings ZIP_MAX_*).

Files live under settings.DOCUMENTS_ROOT (outside any public URL) and are named by their
SHA-256: a file, once written, is never overwritten, so a new version never destroys the
previous one (identical content is stored once). They are served only by
`soutien.core.views.download`, which checks access through `for_user`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import Max
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history


@deconstructible(path="soutien.core.files.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A FileSystemStorage rooted at settings.DOCUMENTS_ROOT (read at each use), with no URL."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return str(settings.DOCUMENTS_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private documents have no URL; use the download view.")


private_storage = PrivateStorage()


def get_private_storage() -> PrivateStorage:
    return private_storage


@dataclass(frozen=True, slots=True)
class FileKind:
    code: str
    mime_type: str
    extensions: tuple[str, ...]
    label: str


KINDS = {
    kind.code: kind
    for kind in (
        FileKind("pdf", "application/pdf", ("pdf",), "PDF"),
        FileKind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
            "Word (DOCX)",
        ),
        FileKind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
            "Excel (XLSX)",
        ),
        FileKind("odt", "application/vnd.oasis.opendocument.text", ("odt",), "OpenDocument (ODT)"),
        FileKind(
            "ods",
            "application/vnd.oasis.opendocument.spreadsheet",
            ("ods",),
            "OpenDocument (ODS)",
        ),
        FileKind("jpeg", "image/jpeg", ("jpg", "jpeg"), "JPEG"),
        FileKind("png", "image/png", ("png",), "PNG"),
    )
}
ACCEPTED_EXTENSIONS = ", ".join(ext for kind in KINDS.values() for ext in kind.extensions)

_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def sniff(content: bytes) -> str | None:
    """The kind of a file from its bytes (magic numbers, zip contents), or None."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    return _ODF_MIMETYPES.get(archive.read("mimetype").strip())
                if "[Content_Types].xml" in names:
                    types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
                    for marker, code in _OOXML_MAIN.items():
                        if marker in types:
                            return code
        except (zipfile.BadZipFile, KeyError, RuntimeError, ValueError):
            return None
    return None


@dataclass(frozen=True, slots=True)
class CheckedFile:
    original_name: str
    kind: FileKind
    size: int
    sha256: str
    content: bytes

    @property
    def storage_name(self) -> str:
        return f"{self.sha256[:2]}/{self.sha256}.{self.kind.extensions[0]}"


def check_upload(upload: File, *, field: str = "fichier") -> CheckedFile:
    """Read an uploaded file, refuse it with a French message naming the field, or check it."""
    name = PurePath(upload.name or "").name
    limit = settings.DOCUMENT_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(field, name, limit)
    chunks, digest, total = [], hashlib.sha256(), 0
    upload.seek(0)
    for chunk in (
        upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    ):
        total += len(chunk)
        if total > limit:
            raise _too_large(field, name, limit)
        digest.update(chunk)
        chunks.append(chunk)
    content = b"".join(chunks)
    if not content:
        raise ValidationError(
            {field: _("Le fichier « %(name)s » est vide.") % {"name": name}}, code="empty"
        )
    if content.startswith(b"PK\x03\x04"):
        check_archive(content, name=name, field=field)
    code = sniff(content)
    extension = PurePath(name).suffix.lower().lstrip(".")
    if code is None:
        raise _unknown_type(field, name)
    kind = KINDS[code]
    if extension not in kind.extensions:
        raise ValidationError(
            {
                field: _(
                    "Le fichier « %(name)s » porte l'extension « .%(extension)s », mais son "
                    "contenu est celui d'un fichier %(kind)s. Renommez-le ou déposez le bon "
                    "fichier."
                )
                % {"name": name, "extension": extension, "kind": kind.label}
            },
            code="extension_mismatch",
        )
    return CheckedFile(name, kind, total, digest.hexdigest(), content)


def _unknown_type(field: str, name: str) -> ValidationError:
    message = _(
        "Le fichier « %(name)s » n'est pas d'un type accepté. Types acceptés : %(accepted)s."
    ) % {"name": name, "accepted": ACCEPTED_EXTENSIONS}
    return ValidationError({field: ValidationError(message, code="unknown_type")})


_READ_CHUNK = 64 * 1024
# Below this expanded size the ratio is not checked: a small file compressing well is harmless.
_RATIO_FLOOR = 1024 * 1024


def check_archive(content: bytes, *, name: str, field: str = "fichier") -> None:
    """Refuse an Office or OpenDocument file (a zip) that expands beyond the limits.

    Zip bombs: a few hundred kilobytes can expand to gigabytes, or hold tens of thousands of
    entries. The sizes written in the archive's headers are the sender's word, so every
    member is read in chunks against a running budget, and reading stops as soon as a limit
    is passed: memory stays at one chunk whatever the archive claims.
    """
    max_entries = settings.ZIP_MAX_ENTRIES
    max_bytes = settings.ZIP_MAX_EXPANDED_BYTES
    max_ratio = settings.ZIP_MAX_RATIO
    # The expanded size allowed: the absolute limit, and at most max_ratio times the file.
    budget = min(max_bytes, max(_RATIO_FLOOR, max_ratio * len(content)))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > max_entries:
                raise _archive_refused(
                    field,
                    _(
                        "Le fichier « %(name)s » contient %(count)s éléments compressés, plus "
                        "que la limite de %(limit)s."
                    )
                    % {"name": name, "count": len(members), "limit": max_entries},
                    code="zip_entries",
                )
            expanded = 0
            for member in members:
                with archive.open(member) as stream:
                    while chunk := stream.read(_READ_CHUNK):
                        expanded += len(chunk)
                        if expanded > budget:
                            raise _expands_too_much(field, name, budget)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, ValueError, OSError):
        raise _unknown_type(field, name) from None  # corrupt, encrypted or unreadable


def _expands_too_much(field, name, budget) -> ValidationError:
    if budget >= settings.ZIP_MAX_EXPANDED_BYTES:
        message = _(
            "Le fichier « %(name)s » se décompresse en plus de %(limit)s Mo, la limite "
            "permise. Enregistrez-le de nouveau ou déposez-le en PDF."
        ) % {"name": name, "limit": _megabytes(budget)}
        return _archive_refused(field, message, code="zip_expanded")
    message = _(
        "Le fichier « %(name)s » se décompresse en plus de %(ratio)s fois sa taille, la "
        "limite permise. Enregistrez-le de nouveau ou déposez-le en PDF."
    ) % {"name": name, "ratio": settings.ZIP_MAX_RATIO}
    return _archive_refused(field, message, code="zip_ratio")


def _archive_refused(field: str, message, *, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g}".replace(".", ",")


def _too_large(field: str, name: str, limit: int) -> ValidationError:
    return ValidationError(
        {
            field: _("Le fichier « %(name)s » dépasse la taille maximale de %(limit)s Mo.")
            % {"name": name, "limit": _megabytes(limit)}
        },
        code="too_large",
    )


def store(checked: CheckedFile) -> str:
    """Write the content under its SHA-256 name, unless it is already there; never overwrite.

    The file is written before the row that names it is committed (a committed row always
    has its file). If the transaction rolls back instead, the file this call wrote is removed
    (`_RemovedUnlessCommitted`), so a failed action leaves nothing on disk. A file found
    already there may have been written by a transaction still open: it is written again at
    our commit if that one rolled back meanwhile. What a killed worker leaves behind is found
    by `soutien-mission documents orphans`.
    """
    name = checked.storage_name
    content = checked.content
    if private_storage.exists(name):
        transaction.on_commit(lambda: _ensure_stored(name, content))
        return name
    saved = private_storage.save(name, ContentFile(content))
    if saved != name:  # written concurrently by another request: same content, keep one
        private_storage.delete(saved)
        transaction.on_commit(lambda: _ensure_stored(name, content))
    else:
        transaction.on_commit(_RemovedUnlessCommitted(private_storage.path(name)))
    return name


def _ensure_stored(name: str, content: bytes) -> None:
    if not private_storage.exists(name):
        private_storage.save(name, ContentFile(content))


class _RemovedUnlessCommitted:
    """An on_commit callback that removes a file if it is dropped without being called.

    Django has no on_rollback hook, but a rollback (of the transaction or of the savepoint
    the callback was registered in) discards the pending callbacks: this object is then
    freed uncalled, and its file goes with it. Called at the commit, it keeps the file.
    """

    def __init__(self, path: str):
        self.path = path
        self.committed = False

    def __call__(self) -> None:
        self.committed = True

    def __del__(self) -> None:
        if not self.committed:
            with contextlib.suppress(OSError):
                os.remove(self.path)


def new_versions(model, *, owner_field: str, owner, uploads, by, at) -> list:
    """Check and store uploads [(kind, file), …] as the next versions of (owner, kind).

    Every file is checked before anything is written (all or nothing). Earlier versions are
    kept. The owner's row is locked so that concurrent uploads get distinct, dense numbers.
    """

    checked = [(kind, check_upload(upload)) for kind, upload in uploads]
    type(owner).objects.select_for_update().filter(pk=owner.pk).values_list("pk").first()
    last = dict(
        model.objects.filter(**{owner_field: owner})
        .order_by()
        .values_list("kind")
        .annotate(last=Max("number"))
    )
    documents = []
    for kind, file in checked:
        last[kind] = last.get(kind, 0) + 1
        document = model(
            **{owner_field: owner},
            kind=kind,
            number=last[kind],
            file=store(file),
            original_name=file.original_name[:255],
            mime_type=file.kind.mime_type,
            size=file.size,
            sha256=file.sha256,
            uploaded_at=at,
            uploaded_by=by,
        )
        document.compute_retention()
        documents.append(document)
    return bulk_create_with_history(documents, model, default_user=by, default_date=at)
