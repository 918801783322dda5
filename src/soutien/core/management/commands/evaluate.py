from django.core.management.base import BaseCommand, CommandError

from soutien.rules.cli import main as evaluate


class Command(BaseCommand):
    help = "Évalue un ou plusieurs dossiers JSON selon les normes du programme (résultat JSON)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier JSON : un dossier ou un tableau de dossiers.")
        parser.add_argument("--pretty", action="store_true", help="JSON indenté.")
        parser.add_argument(
            "--jsonl", action="store_true", help="JSON Lines : un dossier, un résultat par ligne."
        )
        parser.add_argument(
            "--compact",
            action="store_true",
            help="Forme compacte : critères par code et statut, textes une fois dans l'en-tête.",
        )

    def handle(self, *args, **options):
        argv = [options["file"]]
        argv += [f"--{name}" for name in ("pretty", "jsonl", "compact") if options[name]]
        status = evaluate(argv)
        if status:
            raise CommandError(returncode=status)
