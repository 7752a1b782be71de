"""What every evidence page starts from: the partnership in the URL, checked against the user."""

from __future__ import annotations

from csp_portal import pages
from csp_portal.organisations.permissions import authorize, partnership_for

from .. import queries
from ..models import StrategicAssessment

VIEW, CHANGE, IMPORT, ENTER_VALUES = (
    "assessments.view_evidence",
    "assessments.change_evidence",
    "assessments.import_crime_data",
    "assessments.enter_indicator_values",
)


def evidence_of(request, slug: str, permission: str = VIEW):
    return partnership_for(request.user, slug, permission)


def found_at(request, rows, what: str, pk: int, permission: str = VIEW):
    """The object of ``rows`` (found at the partnership the URL names) with primary key ``pk``: 404
    if it is another partnership's or out of reach, 403 if the user may read but not ``permission`` it."""
    found = pages.one_or_404(rows, what, pk=pk)
    authorize(request.user, permission, found)
    return found


def assessment_of(request, slug: str, pk: int, permission: str = VIEW) -> StrategicAssessment:
    return found_at(request, queries.assessments_at(slug), "assessment", pk, permission)


def may(request, permission: str, obj) -> bool:
    return request.user.has_perm(permission, obj)
