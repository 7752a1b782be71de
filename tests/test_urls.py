"""Every page outside the public few asks the visitor to sign in; a new view must be listed here."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
}
SIGNED_IN = {
    "home",
    "partnership_list",
    "switch_partnership",
    "partnership_detail",
    "partnership_members",
    "logout",
    "password_change",
    "password_change_done",
    "account",
    "two_factor_verify",
    "two_factor_setup",
    "two_factor_disable",
    "assessment_list",
    "assessment_create",
    "assessment_detail",
    "assessment_edit",
    "assessment_document",
    "threat_create",
    "threat_edit",
    "threat_delete",
    "part_create",
    "part_edit",
    "part_delete",
    "crime_data",
    "crime_counts_csv",
    "crime_upload",
    "import_detail",
    "import_status",
    "harm_weights",
    "indicator_list",
    "indicator_create",
    "indicator_detail",
    "indicator_edit",
    "local_profile",
    "plan_list",
    "plan_create",
    "plan_detail",
    "plan_edit",
    "plan_history",
    "plan_export",
    "priority_create",
    "priority_detail",
    "priority_edit",
    "priority_outcomes",
    "priority_move",
    "priority_archive",
    "priority_restore",
    "archived_priorities",
    "priority_history",
    "exercise_create",
    "exercise_detail",
    "exercise_edit",
    "exercise_criteria",
    "exercise_candidates",
    "candidate_remove",
    "candidate_convert",
    "exercise_score",
    "exercise_result",
    "index",
    "priority_plan",
    "action_add",
    "action_detail",
    "action_edit",
    "action_reorder",
    "action_move",
    "action_archive",
    "action_restore",
    "action_history",
    "return_edit",
    "return_review",
    "quarter_current",
    "quarter_status",
    "quarter_chase",
    "quarter_close",
    "escalations",
    "funding",
    "funding_edit",
    "plan_import",
    "my_actions",
    "my_actions_quarter",
    "dashboard",
    "report_list",
    "report_download",
    "report_quarter",
    "report_preview",
    "report_request",
    "report_job",
    "report_job_status",
    "report_job_download",
    "report_decision",
    "report_settings",
}
SAMPLE_VALUES = ["lancaster", "1", "2025-26-Q2", "MQ", "set-password", "x"]


def named_patterns(resolver=None, namespace=None, converters=None):
    """(qualified name, bare name, converters of the whole route) for every named view."""
    for entry in (resolver or get_resolver()).url_patterns:
        route_converters = {**(converters or {}), **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the Django admin guards itself; tests/organisations/test_admin.py checks it
            yield from named_patterns(entry, entry.namespace or namespace, route_converters)
        elif isinstance(entry, URLPattern) and entry.name:
            qualified = f"{namespace}:{entry.name}" if namespace else entry.name
            yield qualified, entry.name, route_converters


def sample_arguments(converters) -> dict:
    """A value each converter accepts, so that the URL can be built without real objects."""
    return {
        key: next(value for value in SAMPLE_VALUES if re.fullmatch(converter.regex, value))
        for key, converter in converters.items()
    }


def test_every_named_view_is_classified():
    names = {bare for _, bare, _ in named_patterns()}
    assert names - PUBLIC - SIGNED_IN == set(), "classify the new view here and test its permissions"
    assert (PUBLIC | SIGNED_IN) - names == set(), "a listed view no longer exists"


@pytest.mark.parametrize(
    ("qualified", "converters"),
    [(qualified, converters) for qualified, bare, converters in named_patterns() if bare in SIGNED_IN],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_anonymous_visitors_are_asked_to_sign_in(client, qualified, converters):
    url = reverse(qualified, kwargs=sample_arguments(converters))
    response = client.get(url)
    if response.status_code == 405:  # a view that only takes a POST
        response = client.post(url)
    assert response.status_code == 302, url
    assert response["Location"].startswith(reverse("login")), url
