"""What the evidence tells people: a police.uk import finished or refused, to whoever started it.
Who is told is decided in csp_portal.notifications.kinds."""

from __future__ import annotations

from django.urls import reverse

from csp_portal.notifications.kinds import Kind
from csp_portal.notifications.services import Message, quoted, tell

from .models import CrimeImport


def import_finished(job: CrimeImport) -> None:
    if job.requested_by_id is None or job.partnership_id is None:
        return  # imported from the command line: nobody is waiting in the portal
    refused = job.status == CrimeImport.Status.FAILED
    files = quoted(job.file_names)
    if refused:
        problems = job.error.splitlines()
        first = problems[0] if problems else ""
        if len(problems) > 1:  # the page lists them all, with a count of any beyond the first twenty
            first = f"The first of its problems: {first}"
        body = f"The police.uk import of {files} was refused and nothing was stored. {first}".strip()
    else:
        body = f"The police.uk import of {files} has finished: its crime counts are in the evidence."
    message = Message(
        subject=f"Your police.uk import {'was refused' if refused else 'has finished'}: {files}",
        body=body + " The import's page has the details.",
        path=reverse("assessments:import_detail", args=[job.partnership.slug, job.pk]),
    )
    tell(Kind.IMPORT_FINISHED, message, partnership=job.partnership, people=[job.requested_by])
