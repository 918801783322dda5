"""Came after the squash (decision 012): the old line runs the same operations."""

from importlib import import_module

from django.conf import settings
from django.db import migrations

_current = import_module("soutien.payments.migrations.0002_offsets")


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("agreements", "0008_measures_and_renewal_reviews"),
        ("organizations", "0006_supplier_identification"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = _current.Migration.operations
