"""What every evidence page starts from: the partnership in the URL, checked against the user."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from csp_portal.organisations.permissions import authorize, partnership_for

from ..models import StrategicAssessment

VIEW, CHANGE, IMPORT, ENTER_VALUES = (
    "assessments.view_evidence",
    "assessments.change_evidence",
    "assessments.import_crime_data",
    "assessments.enter_indicator_values",
)


def evidence_of(request, slug: str, permission: str = VIEW):
    return partnership_for(request.user, slug, permission)


def assessment_of(request, slug: str, pk: int, permission: str = VIEW) -> StrategicAssessment:
    """An assessment of the partnership in the URL: 404 if it is another's or out of reach, 403 if
    the user may read but not ``permission`` it."""
    assessment = get_object_or_404(
        StrategicAssessment.objects.select_related("partnership", "partnership__county_board"),
        pk=pk,
        partnership__slug=slug,
    )
    authorize(request.user, permission, assessment)
    return assessment


def may(request, permission: str, obj) -> bool:
    return request.user.has_perm(permission, obj)
