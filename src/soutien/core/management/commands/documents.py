from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from soutien.core import clock
from soutien.core.orphans import find_orphans


class Command(BaseCommand):
    help = "Entretien du dossier des documents."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", title=_("actions"))
        orphans = actions.add_parser(
            "orphans",
            help=_(
                "Liste les fichiers du dossier des documents qu'aucun enregistrement ne "
                "nomme (par exemple laissés par un processus interrompu), plus anciens que le "
                "délai de grâce."
            ),
        )
        orphans.add_argument(
            "--delete", action="store_true", help=_("Supprime les fichiers orphelins listés.")
        )
        orphans.add_argument(
            "--grace-hours",
            type=int,
            default=settings.DOCUMENTS_ORPHAN_GRACE_HOURS,
            help=_("Ignore les fichiers modifiés depuis moins de ce nombre d'heures."),
        )

    def handle(self, *args, **options):
        if options.get("action") != "orphans":
            raise CommandError(_("Précisez une action : orphans."))
        # The files' times are the machine's, not the program's date.
        orphans = find_orphans(
            now=clock.system_now(), grace=timedelta(hours=options["grace_hours"])
        )
        for orphan in orphans:
            self.stdout.write(
                _("%(name)s (%(size)s octets, modifié le %(when)s)")
                % {
                    "name": orphan.name,
                    "size": orphan.size,
                    "when": formats.date_format(orphan.modified, "Y-m-d H:i"),
                }
            )
            if options["delete"]:
                orphan.path.unlink(missing_ok=True)
        count = len(orphans)
        if not count:
            self.stdout.write(_("Aucun fichier orphelin."))
            return
        if options["delete"]:
            summary = ngettext(
                "%(count)s fichier orphelin supprimé.",
                "%(count)s fichiers orphelins supprimés.",
                count,
            )
        else:
            summary = ngettext(
                "%(count)s fichier orphelin trouvé (--delete pour le supprimer).",
                "%(count)s fichiers orphelins trouvés (--delete pour les supprimer).",
                count,
            )
        self.stdout.write(summary % {"count": count})
