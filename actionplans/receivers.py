"""What action plans do when the priorities they build on change (priorities.signals)."""

from django.dispatch import receiver

from priorities.signals import priority_archived, priority_restored

from . import services


@receiver(priority_archived, dispatch_uid="actionplans.archive_with_priority")
def archive_actions_with_their_priority(sender, *, priority, archived_at, actor, **kwargs) -> None:
    services.archive_with_priority(priority, actor=actor, archived_at=archived_at)


@receiver(priority_restored, dispatch_uid="actionplans.restore_with_priority")
def restore_actions_with_their_priority(sender, *, priority, archived_at, actor, **kwargs) -> None:
    services.restore_with_priority(priority, actor=actor, archived_at=archived_at)
