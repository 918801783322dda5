"""Came after the squash (decision 012): the old line runs the same operations."""

from importlib import import_module

from django.db import migrations

_current = import_module("soutien.core.migrations.0002_job_items")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_outbox_and_jobs")]

    operations = _current.Migration.operations
