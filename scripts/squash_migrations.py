"""Rewrite the project's initial migrations as decision 012 describes (before a deployment only).

Run after `soutien-mission makemigrations <apps>` on empty migrations folders (the data and
trigger migrations set aside, then put back):

    PYTHONPATH=src python scripts/squash_migrations.py

Each app's generated 0001 (and 0002) is optimized, every field, index and constraint folded
into its CreateModel, and written again as one `0001_initial` holding one CreateModels.
The dependencies that put the other applications' migrations first are added too
(FIRST, decision 012); the comments beside them in the committed files are written by hand.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path

APPS = [
    "core",
    "accounts",
    "organizations",
    "applications",
    "evaluations",
    "budget",
    "agreements",
    "accountability",
]

# Applied before our models, while the project state is small (decision 012).
FIRST = {
    "accounts": [
        ("axes", "__latest__"),
        ("contenttypes", "__latest__"),
        ("django_tasks_database", "__latest__"),
        ("sessions", "__latest__"),
    ],
    "organizations": [("admin", "__latest__")],
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soutien.settings")
    import django

    django.setup()
    from django.db import migrations
    from django.db.migrations.operations import AddConstraint, AddField, AddIndex, CreateModel
    from django.db.migrations.optimizer import MigrationOptimizer
    from django.db.migrations.writer import MigrationWriter

    from soutien.core.migration_operations import CreateModels

    written = []
    for app in APPS:
        names = [
            name
            for name in ("0001_initial", "0002_initial")
            if importlib.util.find_spec(f"soutien.{app}.migrations.{name}")
        ]
        operations, dependencies = [], list(FIRST.get(app, []))
        for name in names:
            generated = importlib.import_module(f"soutien.{app}.migrations.{name}").Migration
            operations += generated.operations
            for dependency in generated.dependencies:
                if getattr(dependency, "setting", None):
                    dependency = ("__setting__", "AUTH_USER_MODEL")
                if dependency[0] != app and tuple(dependency) not in dependencies:
                    dependencies.append(tuple(dependency))
        operations = MigrationOptimizer().optimize(operations, app)
        models = {op.name_lower: op for op in operations if isinstance(op, CreateModel)}
        for operation in operations:
            if isinstance(operation, AddConstraint):
                options = models[operation.model_name_lower].options
                options.setdefault("constraints", []).append(operation.constraint)
            elif isinstance(operation, AddIndex):
                options = models[operation.model_name_lower].options
                options.setdefault("indexes", []).append(operation.index)
            elif isinstance(operation, AddField):
                models[operation.model_name_lower].fields.append((operation.name, operation.field))
            elif not isinstance(operation, CreateModel):
                raise SystemExit(f"{app}: opération inattendue {operation!r}")
        migration = type("Migration", (migrations.Migration,), {})("0001_initial", app)
        migration.initial = True
        migration.dependencies = sorted(dependencies)
        migration.operations = [CreateModels(list(models.values()))]
        written.append((app, names, MigrationWriter(migration)))
    for app, names, writer in written:
        folder = Path(writer.path).parent
        for name in names:
            (folder / f"{name}.py").unlink()
        Path(writer.path).write_text(writer.as_string(), encoding="utf-8")
        print(f"{app} : {writer.path}")


if __name__ == "__main__":
    main()
