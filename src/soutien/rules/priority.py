"""Priorities among eligible organizations (5.2)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from enum import IntEnum
from typing import TypeVar

from msgspec import Struct

from .facts import Dossier, Stream, Territory


class Tier(IntEnum):
    REFUGEE_RECEPTION = 1
    NATIONAL_GROUPING = 2
    ALREADY_ATTACHED = 3
    NEW_ATTACHMENT = 4

    @property
    def label(self) -> str:
        return TIER_LABELS[self]


TIER_LABELS = {
    Tier.REFUGEE_RECEPTION: (
        "Organisme d'accueil et d'installation des personnes réfugiées ou protégées à titre "
        "humanitaire outre-frontières prises en charge par l'État"
    ),
    Tier.NATIONAL_GROUPING: "Regroupement national reconnu (volet 2)",
    Tier.ALREADY_ATTACHED: "Organisme dont le rattachement au Ministère est déjà établi",
    Tier.NEW_ATTACHMENT: "Nouvelle demande de rattachement",
}


class Priority(Struct, frozen=True, gc=False):  # a Struct: see facts.py
    tier: Tier
    clause: str = "5.2"


_PRIORITIES = {tier: Priority(tier) for tier in Tier}


def priority_of(dossier: Dossier) -> Priority:
    """The first tier of 5.2 that the organization falls in, in the clause's order."""
    org = dossier.organization
    if org.refugee_reception:
        return _PRIORITIES[Tier.REFUGEE_RECEPTION]
    if dossier.stream is Stream.NATIONAL_GROUPING:
        return _PRIORITIES[Tier.NATIONAL_GROUPING]
    if org.attached_to_ministry:
        return _PRIORITIES[Tier.ALREADY_ATTACHED]
    return _PRIORITIES[Tier.NEW_ATTACHMENT]


def attachment_rank_key(territory: Territory) -> tuple[bool, int, int]:
    """Sort key for new attachment requests (5.2); smaller comes first.

    The norms parameter `new_attachment_ranking` states this reading as an assumption.
    """
    return (
        territory.attached_organizations > 0,
        -territory.immigrant_population,
        territory.attached_organizations,
    )


K = TypeVar("K", bound=Hashable)


def rank_new_attachment_requests(requests: Iterable[tuple[K, Territory]]) -> list[K]:
    """The keys of new attachment requests, best first; ties keep their given order."""
    return [key for key, territory in sorted(requests, key=lambda r: attachment_rank_key(r[1]))]
