"""Came after the squash (decision 012): the old line runs the same operations."""

from importlib import import_module

from django.db import migrations

_current = import_module("soutien.budget.migrations.0003_credits_approval")


class Migration(migrations.Migration):
    dependencies = [("budget", "0007_ledger_append_only")]

    operations = _current.Migration.operations
