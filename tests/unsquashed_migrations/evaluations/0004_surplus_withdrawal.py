"""Came after the squash (decision 012): the old line runs the same operations."""

from importlib import import_module

from django.conf import settings
from django.db import migrations

_current = import_module("soutien.evaluations.migrations.0002_surplus_withdrawal")


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_submission_declaration_copy"),
        ("evaluations", "0003_program_clock"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = _current.Migration.operations
