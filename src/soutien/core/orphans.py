"""Files of the documents folder that no row names (issue 10).

A worker killed between writing a file and committing its row leaves the file behind (a
rollback removes it: `core.files.store`). Every FileField kept in private storage, and its
history, is read; a file older than the grace period that none of them names is an orphan.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

from .files import PrivateStorage


@dataclass(frozen=True, slots=True)
class Orphan:
    name: str
    path: Path
    size: int
    modified: datetime


def referenced_names() -> set[str]:
    """Every name a row (or a row's history) gives to a file of private storage."""
    names: set[str] = set()
    for model in apps.get_models():
        original = getattr(model, "instance_type", model)  # a history names its record's files
        for field in original._meta.concrete_fields:
            if isinstance(field, models.FileField) and isinstance(field.storage, PrivateStorage):
                values = model._default_manager.exclude(**{field.attname: ""}).values_list(
                    field.attname, flat=True
                )
                names.update(value for value in values if value)
    return names


def find_orphans(*, now: datetime, grace: timedelta | None = None) -> list[Orphan]:
    if grace is None:
        grace = timedelta(hours=settings.DOCUMENTS_ORPHAN_GRACE_HOURS)
    root = Path(settings.DOCUMENTS_ROOT)
    if not root.is_dir():
        return []
    referenced = referenced_names()
    cutoff = (now - grace).timestamp()
    orphans = []
    for folder, _dirs, files in os.walk(root):
        for file_name in files:
            path = Path(folder) / file_name
            name = path.relative_to(root).as_posix()
            stat = path.stat()
            if name not in referenced and stat.st_mtime < cutoff:
                modified = datetime.fromtimestamp(stat.st_mtime, tz=now.tzinfo)
                orphans.append(Orphan(name, path, stat.st_size, modified))
    return sorted(orphans, key=lambda orphan: orphan.name)
