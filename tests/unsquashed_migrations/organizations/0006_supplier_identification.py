"""Came after the squash (decision 012): the old line runs the same operations."""

from importlib import import_module

from django.db import migrations

_current = import_module("soutien.organizations.migrations.0003_supplier_identification")


class Migration(migrations.Migration):
    dependencies = [("organizations", "0005_attachment_set_by_the_ministry")]

    operations = _current.Migration.operations
