from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from soutien.core import backup


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde faite par « backup » : remplace la base de données et le "
        "dossier des documents, puis vérifie les deux contre le manifeste. Arrêtez le serveur "
        "et le travailleur avant de restaurer."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Sauvegarde à restaurer (.tar.gz).")
        parser.add_argument(
            "--oui",
            action="store_true",
            dest="confirmed",
            help="Confirme le remplacement des données actuelles (obligatoire).",
        )

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not options["confirmed"]:
            raise CommandError(
                "La restauration remplace la base et les documents actuels : relancez avec --oui "
                "pour confirmer."
            )
        try:
            summary = backup.restore(archive)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Sauvegarde {archive} restaurée et vérifiée : {summary.rows} lignes dans "
            f"{summary.tables} tables, {summary.documents} documents."
        )
