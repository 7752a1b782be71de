"""What priorities tell the apps built on them. Action plans build on priorities, so priorities never
import them: archiving or restoring a priority sends one of these, inside its transaction, and the
action plans archive or restore the priority's actions. A receiver's error undoes the whole change."""

from django.dispatch import Signal

# Sent with priority, archived_at (the moment the priority was archived) and actor.
priority_archived = Signal()
# Sent once the priority is back on its plan, with priority, archived_at (the moment it had been
# archived, which its actions archived with it share) and actor.
priority_restored = Signal()
