"""Came after the squash (decision 012): the old line runs the same operations."""

from importlib import import_module

from django.db import migrations

_current = import_module("soutien.accountability.migrations.0003_installment_paid_immutable_again")


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0005_paid_and_decided_immutable"),
        ("agreements", "0007_installment_payment_number"),
    ]

    operations = _current.Migration.operations
