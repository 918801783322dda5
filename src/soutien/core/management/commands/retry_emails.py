from django.core.management.base import BaseCommand

from soutien.core import mail


class Command(BaseCommand):
    help = (
        "Remet dans la file des tâches les courriels en attente dont la prochaine tentative est "
        "due (à lancer par cron, ou à la main après une panne du serveur de courriel)."
    )

    def handle(self, *args, **options):
        count = mail.retry_due()
        self.stdout.write(f"{count} courriel(s) remis dans la file d'envoi.")
