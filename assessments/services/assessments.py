"""Writing strategic assessments, their threat rankings and findings."""

from __future__ import annotations

from decimal import Decimal

from django.db import models, transaction
from simple_history.utils import bulk_create_with_history

from csp_portal import writes
from csp_portal.organisations.models import Partnership

from .. import scoring
from ..models import CommunityIssue, Consultation, DataRow, DataTable, StrategicAssessment, Threat


def save_assessment(*, actor, partnership: Partnership, assessment: StrategicAssessment) -> StrategicAssessment:
    """Create or update a strategic assessment of ``partnership`` (its form has validated the fields)."""
    with transaction.atomic():
        assessment.partnership = partnership
        writes.save(assessment, actor=actor)
        return assessment


def rerank(assessment: StrategicAssessment) -> None:
    """Recompute every threat's rank in the assessment (see ``assessments.scoring``)."""
    threats = list(Threat.objects.filter(assessment=assessment).select_for_update())
    ranks = scoring.rank([scoring.Scored(t.pk, t.name, t.risk_score, t.harm, t.ori, t.manual_rank) for t in threats])
    changed = [t for t in threats if t.rank != ranks[t.pk]]
    for threat in changed:
        threat.rank = ranks[threat.pk]
    Threat.objects.bulk_update(changed, ["rank"])


def save_threat(*, actor, threat: Threat) -> Threat:
    """Score a threat from its components, save it and re-rank its assessment."""
    with transaction.atomic():
        if not threat.manual_rank:
            threat.manual_rank, threat.override_reason = None, ""
        threat.compute_scores()
        writes.save(threat, actor=actor)
        rerank(threat.assessment)
        threat.refresh_from_db(fields=["rank"])
        return threat


def delete_threat(*, actor, threat: Threat) -> None:
    with transaction.atomic():
        assessment = threat.assessment
        writes.delete(threat, actor=actor)
        rerank(assessment)


def save_part(*, actor, part: models.Model, lines: list | None = None) -> models.Model:
    """Save a recommendation, source, review, finding, factor, consultation or data table. For a
    consultation ``lines`` are its issues in rank order; for a data table, its (label, value) rows."""
    with transaction.atomic():
        writes.save(part, actor=actor)
        # The lines are rewritten whole; each removed and added line keeps a version in the history.
        if isinstance(part, Consultation) and lines is not None:
            _replace_lines(
                part.issues.all(),
                [
                    CommunityIssue(consultation=part, rank=rank, issue=issue)
                    for rank, issue in enumerate(lines, start=1)
                ],
                actor,
            )
        if isinstance(part, DataTable) and lines is not None:
            _replace_lines(
                part.rows.all(),
                [
                    DataRow(table=part, position=position, label=label, value=Decimal(value))
                    for position, (label, value) in enumerate(lines, start=1)
                ],
                actor,
            )
        return part


def _replace_lines(old: models.QuerySet, new: list[models.Model], actor) -> None:
    for line in old:
        writes.delete(line, actor=actor)
    if new:
        bulk_create_with_history(new, type(new[0]), default_user=actor)


def delete_part(*, actor, part: models.Model) -> None:
    with transaction.atomic():
        writes.delete(part, actor=actor)
