"""Every page outside the public few asks the visitor to sign in; a new view must be listed here."""

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
    "plan_export",
    "my_actions",
    "my_actions_quarter",
}
EXAMPLE_ARGUMENTS = {"slug": "lancaster", "uidb64": "MQ", "token": "set-password"}


def named_patterns(resolver=None, namespace=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the Django admin guards itself; tests/organisations/test_admin.py checks it
            yield from named_patterns(entry, entry.namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry


def test_every_named_view_is_classified():
    names = {pattern.name for pattern in named_patterns()}
    assert names - PUBLIC - SIGNED_IN == set(), "classify the new view here and test its permissions"
    assert (PUBLIC | SIGNED_IN) - names == set(), "a listed view no longer exists"


@pytest.mark.parametrize("name", sorted(SIGNED_IN))
def test_anonymous_visitors_are_asked_to_sign_in(client, name):
    pattern = next(p for p in named_patterns() if p.name == name)
    kwargs = {key: EXAMPLE_ARGUMENTS[key] for key in pattern.pattern.converters}
    url = reverse(name, kwargs=kwargs)
    response = client.post(url) if name in {"logout", "switch_partnership"} else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
