"""Came after the squash (decision 012): the old line runs the same operations."""

from importlib import import_module

from django.db import migrations

_current = import_module("soutien.agreements.migrations.0002_installment_payment_number")


class Migration(migrations.Migration):
    dependencies = [("agreements", "0006_year_one_per_organization")]

    operations = _current.Migration.operations
