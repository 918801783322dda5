"""Came after the squash (decision 012): the old line runs the same operations."""

from importlib import import_module

from django.db import migrations

_current = import_module("soutien.accounts.migrations.0002_confidentiality_incidents")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_program_clock")]

    operations = _current.Migration.operations
