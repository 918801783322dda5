"""Separation of duties (5.2): who evaluated a dossier does not decide it nor approve its
funding. The evaluators are the advisor of record and whoever recorded a step of the
evaluation in the journal (judgments, adjustments, the computation)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType

from soutien.core.models import JournalEntry

from .models import Evaluation

EVALUATION_STEPS = (
    "evaluation.started",
    "evaluation.judgment_recorded",
    "evaluation.judgments_recorded",
    "evaluation.computed",
    "evaluation.adjusted",
    "evaluation.completed",
)


def evaluators_of(evaluation_ids: Iterable[int]) -> set[int]:
    """The ids of everyone who evaluated one of these evaluations."""
    ids = list(evaluation_ids)
    if not ids:
        return set()
    people = set(
        Evaluation.objects.filter(pk__in=ids)
        .exclude(advisor__isnull=True)
        .values_list("advisor_id", flat=True)
    )
    people |= set(
        JournalEntry.objects.filter(
            subject_type=ContentType.objects.get_for_model(Evaluation),
            subject_id__in=ids,
            action__in=EVALUATION_STEPS,
            actor__isnull=False,
        ).values_list("actor_id", flat=True)
    )
    return people
