from django.core.management.base import BaseCommand, CommandError

from soutien.rules.cli import main as evaluate


class Command(BaseCommand):
    help = "Évalue un ou plusieurs dossiers JSON selon les normes du programme (résultat JSON)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier JSON : un dossier ou un tableau de dossiers.")
        parser.add_argument("--pretty", action="store_true", help="JSON indenté.")

    def handle(self, *args, **options):
        argv = [options["file"]]
        if options["pretty"]:
            argv.append("--pretty")
        status = evaluate(argv)
        if status:
            raise CommandError(returncode=status)
