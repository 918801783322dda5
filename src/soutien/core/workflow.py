"""Workflows: one transition table per workflow; one function changes a state.

`transition()` checks that the move is in the table, saves the record and writes the journal
entry (actor, time, from → to, reason, dotted action code, data) in the same transaction.
A Record refuses to save a state that changed any other way (see Record.save).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User

    from .models import JournalEntry, Record


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    action: str  # dotted journal code, e.g. "application.submitted"
    reason_required: bool = False


class Workflow:
    def __init__(
        self,
        name: str,
        states: type[models.TextChoices],
        *,
        initial: str,
        transitions: Iterable[Transition],
        field: str = "state",
    ):
        self.name = name
        self.states = states
        self.initial = initial
        self.field = field
        self.transitions: Mapping[str, Transition] = {t.name: t for t in transitions}
        known = set(states.values)
        for t in self.transitions.values():
            if not set(t.sources) <= known or t.target not in known:
                raise ValueError(f"{name}.{t.name}: unknown state")

    def allowed_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources]

    def edges(self) -> set[tuple[str, str]]:
        return {(s, t.target) for t in self.transitions.values() for s in t.sources}


class TransitionNotAllowed(ValidationError):
    pass


class StateChangedOutsideWorkflow(RuntimeError):
    """A state field was changed by something other than `transition()` (a programming error)."""


def transition(
    record: Record,
    name: str,
    *,
    by: User | None,
    at: datetime,
    reason: str = "",
    data: dict[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
) -> JournalEntry:
    """Move `record` along the transition `name` of its workflow, save it, journal it."""
    from .models import JournalEntry  # models imports this module (Record.workflow)

    workflow: Workflow = type(record).workflow
    move = workflow.transitions[name]
    current = getattr(record, workflow.field)
    if current not in move.sources:
        raise TransitionNotAllowed(
            _(
                "Impossible de passer à l'état « %(target)s » depuis l'état « %(current)s » "
                "(%(record)s)."
            )
            % {
                "target": workflow.states(move.target).label,
                "current": workflow.states(current).label,
                "record": record,
            },
            code="transition_not_allowed",
        )
    reason = (reason or "").strip()
    if move.reason_required and not reason:
        raise ValidationError(
            {"reason": _("Le motif est requis pour cette opération.")}, code="reason_required"
        )
    with transaction.atomic():
        for field, value in (changes or {}).items():
            setattr(record, field, value)
        setattr(record, workflow.field, move.target)
        record._transition_allowed = True
        try:
            record.save_as(by)
        finally:
            record._transition_allowed = False
        return JournalEntry.write(
            record,
            move.action,
            by=by,
            at=at,
            from_state=current,
            to_state=move.target,
            reason=reason,
            data=data,
        )
