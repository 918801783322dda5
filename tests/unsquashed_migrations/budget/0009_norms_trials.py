"""Came after the squash (decision 012): the old line runs the same operations."""

from importlib import import_module

from django.db import migrations

_current = import_module("soutien.budget.migrations.0004_norms_trials")


class Migration(migrations.Migration):
    dependencies = [("budget", "0008_credits_approval")]

    operations = _current.Migration.operations
