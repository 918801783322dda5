from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from soutien.core import backup


class Command(BaseCommand):
    help = (
        "Sauvegarde la base de données et le dossier des documents ensemble dans une archive "
        ".tar.gz (avec leur manifeste : lignes de chaque table, empreinte de chaque document)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Fichier de sauvegarde à créer (.tar.gz).")

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        try:
            summary = backup.create(archive)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Sauvegarde écrite dans {archive} : {summary.rows} lignes dans {summary.tables} "
            f"tables, {summary.documents} documents."
        )
