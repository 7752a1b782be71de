"""Who may do what to statutory reviews and recommendations.

A review's case file (its dates, decisions, panel, quality-assurance rounds and documents) opens
only to the people given a role on that review, and to site administrators: a partnership role
alone, even an officer's, opens none, and a role on one review opens nothing of another. The
review's officer and chair change it; its panel members read it. A partnership officer starts a
review (becoming its officer) and keeps the PCC's recommendations.

Recommendations' progress is the partnership's business: everyone with a role in the partnership
(board members included) reads it, without the case file behind it. The review's officer or chair
(for a PCC recommendation, a partnership officer) adds recommendations and turns them into actions,
which then follow the action rules (``actionplans.permissions``).
"""

from __future__ import annotations

import rules

from csp_portal.organisations.permissions import has_any_role, is_officer, is_site_admin

from .models import Recommendation, Review, ReviewRole

_CACHE_ATTRIBUTE = "_review_roles"


def review_roles_of(user) -> dict[int, str]:
    """{review id: role} for the user, read once per request."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = dict(ReviewRole.objects.filter(user=user).values_list("review_id", "role"))
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_review_roles(user) -> None:
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def _review_of(obj) -> Review | None:
    if isinstance(obj, Review):
        return obj
    if isinstance(obj, Recommendation):
        return obj.review
    return getattr(obj, "review", None)


def review_role(*wanted: str):
    @rules.predicate(name=f"review_role({', '.join(wanted)})")
    def predicate(user, obj) -> bool:
        review = _review_of(obj)
        return review is not None and review_roles_of(user).get(review.pk) in wanted

    return predicate


@rules.predicate
def is_pcc_recommendation(user, obj) -> bool:
    return isinstance(obj, Recommendation) and obj.review_id is None


has_review_role = review_role(*ReviewRole.Kind.values)
runs_review = review_role(ReviewRole.Kind.OFFICER, ReviewRole.Kind.CHAIR)

can_open_case_file = is_site_admin | has_review_role
can_change_review = is_site_admin | runs_review
# On a partnership: start a review, keep the PCC's recommendations, set local timescales.
can_start_review = is_site_admin | is_officer
can_view_recommendations = is_site_admin | has_any_role
can_change_recommendation = is_site_admin | runs_review | (is_pcc_recommendation & is_officer)

rules.add_perm("reviews.open_case_file", can_open_case_file)
rules.add_perm("reviews.change_review", can_change_review)
rules.add_perm("reviews.start_review", can_start_review)
rules.add_perm("reviews.view_recommendations", can_view_recommendations)
rules.add_perm("reviews.change_recommendation", can_change_recommendation)
