"""How long the program keeps what it holds, and from when (clause 7; Loi sur l'accès, art. 73).

A rule says what starts a kind of record's clock and for how long it then runs. Clause 7
governs the dossiers (six years after the last year they relate to: `records_retention_years`
in the norms); the other kinds have no clause of the norms and take their period from the
project's settings, each naming the provision it applies. The software decides only what
this module decides; the destruction itself is `soutien.privacy`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .eligibility import anniversary
from .fiscal import FiscalYear

DOSSIER = "dossier"
APPLICATION = "application"
BOARD_MEMBER = "board_member"
ACCOUNT = "account"
INVITATION = "invitation"

KINDS = (DOSSIER, APPLICATION, BOARD_MEMBER, ACCOUNT, INVITATION)


@dataclass(frozen=True, slots=True)
class RetentionRule:
    code: str
    label: str
    provision: str
    clock: str  # what starts the clock, in French
    destroyed: str  # what is destroyed or anonymized when it has run, in French
    years: int = 0  # counted from the end of the fiscal year the clock starts in
    days: int = 0  # counted from the day the clock starts

    def kept_until(self, start: date) -> date:
        """The last day the record is kept when its clock started on `start`."""
        if self.years:
            return anniversary(FiscalYear.containing(start).ends_on, self.years)
        return start + timedelta(days=self.days)

    def expired(self, start: date, today: date) -> bool:
        return today > self.kept_until(start)

    @property
    def period(self) -> str:
        if self.years:
            return f"{self.years} ans après la fin de l'exercice financier"
        return f"{self.days} jours"


def retention_rules(
    *, records_years: int, account_years: int, invitation_days: int
) -> dict[str, RetentionRule]:
    """The rules, with the norms' `records_retention_years` and the settings' periods."""
    rules = (
        RetentionRule(
            DOSSIER,
            "Dossier d'une convention fermée",
            "clause 7 du programme",
            "la fermeture du dossier : convention échue ou résiliée, dernier rapport annuel "
            "accepté, réclamations soldées, aucun manquement ouvert",
            "les documents déposés (demande, convention, rapports) et les noms des personnes "
            "signataires ; les montants, le grand livre et l'identité de l'organisme restent",
            years=records_years,
        ),
        RetentionRule(
            APPLICATION,
            "Demande non financée",
            "clause 7 du programme",
            "la décision, le retrait ou l'abandon de la demande",
            "les documents déposés avec la demande",
            years=records_years,
        ),
        RetentionRule(
            BOARD_MEMBER,
            "Membre d'un conseil d'administration",
            "clause 7 du programme (composition du conseil, clause 3)",
            "la fin du mandat, ou la fermeture du dernier dossier de l'organisme",
            "le nom (remplacé par un pseudonyme) ; la fonction et le statut restent pour les "
            "décomptes de la clause 3",
            years=records_years,
        ),
        RetentionRule(
            ACCOUNT,
            "Compte d'une personne représentant un organisme",
            "Loi sur l'accès, art. 73 (fin de l'usage)",
            "la fermeture du dernier dossier des organismes que la personne représentait",
            "le nom, l'adresse courriel et le mot de passe (remplacés par un pseudonyme) ; les "
            "actes au journal restent, attribués au pseudonyme",
            years=account_years,
        ),
        RetentionRule(
            INVITATION,
            "Invitation d'une ou d'un collègue",
            "Loi sur l'accès, art. 73 (fin de l'usage)",
            "l'envoi de l'invitation",
            "l'adresse courriel de la personne invitée",
            days=invitation_days,
        ),
    )
    return {rule.code: rule for rule in rules}
