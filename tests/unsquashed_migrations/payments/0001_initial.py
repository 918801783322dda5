"""The payments app came after the squash (decision 012): the old line runs the same migration,
after the old line's last migrations of the apps it depends on."""

from importlib import import_module

from django.conf import settings
from django.db import migrations

_current = import_module("soutien.payments.migrations.0001_initial")


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0007_installment_payment_number"),
        ("organizations", "0006_supplier_identification"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = _current.Migration.operations
