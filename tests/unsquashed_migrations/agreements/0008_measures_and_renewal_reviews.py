"""Came after the squash (decision 012): the old line runs the same operations."""

from importlib import import_module

from django.conf import settings
from django.db import migrations

_current = import_module("soutien.agreements.migrations.0003_measures_and_renewal_reviews")


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0007_installment_payment_number"),
        ("applications", "0005_submission_declaration_copy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = _current.Migration.operations
