"""Came after the squash (decision 012): the old line runs the same operations."""

from importlib import import_module

from django.db import migrations

_current = import_module("soutien.accounts.migrations.0003_notice_acknowledgments")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_confidentiality_incidents"),
        ("organizations", "0006_supplier_identification"),
    ]

    operations = _current.Migration.operations
