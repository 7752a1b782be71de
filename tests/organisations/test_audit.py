"""The sign-in audit and role history, shown to site administrators in the admin, read-only."""

import pytest
from django.urls import reverse

from csp_portal.organisations.models import Role, SignInEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

Outcome = SignInEvent.Outcome


def sign_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR="192.0.2.7")


def test_sign_in_and_sign_out_are_recorded_with_the_address(client, cast):
    sign_in(client, cast.officer.email, PASSWORD)
    client.post(reverse("logout"))
    events = list(SignInEvent.objects.order_by("created", "pk"))
    assert [(e.outcome, e.user, e.email) for e in events] == [
        (Outcome.SUCCESS, cast.officer, cast.officer.email),
        (Outcome.SIGN_OUT, cast.officer, cast.officer.email),
    ]
    assert events[0].ip_address == "192.0.2.7"


def test_failures_and_the_lockout_are_recorded(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, cast.officer.email, "wrong")
    assert SignInEvent.objects.filter(outcome=Outcome.LOCKED_OUT, email=cast.officer.email).count() == 1
    sign_in(client, cast.officer.email, PASSWORD)  # refused while locked out
    sign_in(client, "stranger@example.org", "wrong")
    failures = SignInEvent.objects.filter(outcome=Outcome.FAILURE)
    assert failures.filter(email=cast.officer.email, user=None).count() == settings.AXES_FAILURE_LIMIT + 1
    assert failures.filter(email="stranger@example.org").exists()
    assert not SignInEvent.objects.filter(outcome=Outcome.SUCCESS).exists()


def test_admin_reads_the_audit_with_filters(login, cast):
    SignInEvent.objects.create(user=cast.officer, email=cast.officer.email, outcome=Outcome.SUCCESS)
    SignInEvent.objects.create(email="someone@example.org", outcome=Outcome.FAILURE)
    client = login(cast.admin)
    url = reverse("admin:organisations_signinevent_changelist")
    response = client.get(url, {"outcome__exact": Outcome.FAILURE})
    assert response.status_code == 200
    assert [e.email for e in response.context["cl"].result_list] == ["someone@example.org"]


def test_the_audit_is_read_only(login, cast):
    event = SignInEvent.objects.create(user=cast.officer, email=cast.officer.email, outcome=Outcome.SUCCESS)
    client = login(cast.admin)
    assert client.get(reverse("admin:organisations_signinevent_add")).status_code == 403
    detail = client.get(reverse("admin:organisations_signinevent_change", args=[event.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.post(reverse("admin:organisations_signinevent_delete", args=[event.pk])).status_code == 403
    assert SignInEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("member", ["officer", "board_member", "outsider"])
def test_only_administrators_see_the_audit(login, cast, member):
    response = login(getattr(cast, member)).get(reverse("admin:organisations_signinevent_changelist"))
    assert response.status_code == 302


def test_admin_reads_who_changed_a_role(login, cast):
    client = login(cast.admin)
    role = Role.objects.get(user=cast.lead)
    response = client.post(
        reverse("admin:organisations_role_change", args=[role.pk]),
        {"user": cast.lead.pk, "partnership": cast.lancaster.pk, "role": Role.Kind.BOARD},
    )
    assert response.status_code == 302
    latest = role.history.first()
    assert (latest.role, latest.history_user) == (Role.Kind.BOARD, cast.admin)
    page = client.get(reverse("admin:organisations_role_history", args=[role.pk]))
    assert page.status_code == 200
    assert "Ada Admin" in page.content.decode()
