import time

from django.conf import settings
from django.core.management.base import BaseCommand

from soutien import demo


class Command(BaseCommand):
    help = (
        "Charge un programme de démonstration entièrement fictif (une seule fois) et affiche "
        "les comptes de démonstration."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        settings.DEBUG = False  # no query log: this command runs thousands of queries
        if demo.load(write=self.stdout.write):
            self.stdout.write(
                self.style.SUCCESS(
                    "Données de démonstration chargées en %.1f s." % (time.perf_counter() - started)
                )
            )
        demo.print_accounts(self.stdout.write)
        demo.print_program_date(self.stdout.write)
