"""The organization's answer to a request for correction is its resubmission (issue 4's side):
whatever view does it, the `application.resubmitted` journal entry marks the open requests of
that application as answered, at the entry's time (late if after the deadline)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from soutien.core.models import JournalEntry


@receiver(post_save, sender=JournalEntry, dispatch_uid="evaluations.requests_answered")
def requests_answered(sender, instance: JournalEntry, created: bool, **kwargs) -> None:
    if created and instance.action == "application.resubmitted":
        from .actions import mark_requests_answered

        mark_requests_answered(instance.subject_id, at=instance.at)
