from django.core.management.base import BaseCommand

from soutien.budget import ledger
from soutien.core import fiscal

from ...reconciliation import check


class Command(BaseCommand):
    help = (
        "Grand livre du programme. « ledger check » recalcule chaque solde à partir des "
        "enveloppes, répartitions, conventions, versements et créances, et le compare au grand "
        "livre ; le code de sortie est 1 à la moindre différence."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("check", help="Vérifier le grand livre contre les enregistrements.")
        sub.add_parser("balances", help="Afficher les soldes par exercice et volet.")

    def handle(self, *args, **options):
        if options["action"] == "balances":
            for (fiscal_year, stream), money in sorted(ledger.balances().items()):
                self.stdout.write(
                    f"{fiscal.label(fiscal_year)} volet {stream} : crédits {money.credits} $, "
                    f"engagé {money.committed} $, disponible {money.available} $, versé "
                    f"{money.paid} $, retenu {money.held} $, recouvré {money.recovered} $"
                )
            return
        differences = check()
        if differences:
            for difference in differences:
                self.stderr.write(str(difference))
            self.stderr.write(f"Grand livre : {len(differences)} différence(s).")
            raise SystemExit(1)
        self.stdout.write("Grand livre : aucun écart avec les enregistrements.")
