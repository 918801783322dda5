"""Came after the squash (decision 012): the old line runs the same operations."""

from importlib import import_module

from django.conf import settings
from django.db import migrations

_current = import_module("soutien.accountability.migrations.0004_offsets")


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0006_installment_paid_immutable_again"),
        ("agreements", "0008_measures_and_renewal_reviews"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = _current.Migration.operations
