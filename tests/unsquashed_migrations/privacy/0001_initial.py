"""Came after the squash (decision 012): the old line runs the same operations."""

from importlib import import_module

from django.conf import settings
from django.db import migrations

_current = import_module("soutien.privacy.migrations.0001_initial")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("agreements", "0008_measures_and_renewal_reviews"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_job_items"),
        ("organizations", "0006_supplier_identification"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = _current.Migration.operations
