from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ... import tasks


class Command(BaseCommand):
    help = (
        "Reddition de comptes quotidienne (clause 8) : ouvre les redditions de comptes des "
        "années de convention commencées et envoie les rappels dus à la date du programme. "
        "« reminders --schedule » place plutôt la tâche quotidienne (chaque jour à 6 h) dans "
        "la file du db_worker, si elle n'y est pas déjà."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Placer la tâche quotidienne dans la file au lieu de l'exécuter maintenant.",
        )

    def handle(self, *args, **options):
        if options["schedule"]:
            if tasks.schedule_daily():
                self.stdout.write(_("Tâche quotidienne de reddition de comptes planifiée."))
            elif not tasks.can_defer():
                self.stdout.write(
                    _(
                        "Tâche quotidienne non planifiée : cette file de tâches ne diffère pas "
                        "les tâches ; lancez « soutien-mission reminders » chaque jour."
                    )
                )
            else:
                self.stdout.write(_("Tâche quotidienne de reddition de comptes déjà planifiée."))
            return
        opened, sent = tasks.daily_work()
        self.stdout.write(
            _("Redditions de comptes ouvertes : %(opened)s. Rappels envoyés : %(sent)s.")
            % {"opened": opened, "sent": sent}
        )
