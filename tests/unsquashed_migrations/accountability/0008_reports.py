"""Came after the squash (decision 012): the old line runs the same operations."""

from importlib import import_module

from django.conf import settings
from django.db import migrations

_current = import_module("soutien.accountability.migrations.0005_reports")


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0007_offsets"),
        ("core", "0002_outbox_and_jobs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = _current.Migration.operations
