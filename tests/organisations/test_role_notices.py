"""An account made, or a role given or ended, in the admin tells the person, at once, whatever they chose for other
notifications; whoever made the change is not told of it."""

import pytest
from django.urls import reverse

from csp_portal.notifications.kinds import Delivery, Kind
from csp_portal.notifications.models import Notification, Preference
from csp_portal.organisations.models import Role

pytestmark = pytest.mark.django_db


def test_a_role_given_in_the_admin_tells_the_person_at_once(login, cast):
    Preference.objects.create(user=cast.outsider, kind=Kind.ROLE_CHANGED, delivery=Delivery.NONE)
    response = login(cast.admin).post(
        reverse("admin:organisations_role_add"),
        {"user": cast.outsider.pk, "partnership": cast.lancaster.pk, "role": Role.Kind.LEAD},
    )
    assert response.status_code == 302
    [notice] = Notification.objects.filter(kind=Kind.ROLE_CHANGED)
    assert notice.recipient == cast.outsider and notice.status == Notification.Email.QUEUED
    assert notice.subject == "You are now an action lead of Lancaster District CSP"
    assert "write the quarterly progress returns of the actions you lead" in notice.body
    assert notice.reason == "your access to Lancaster District CSP changed"


def test_a_role_ended_in_the_admin_tells_the_person(login, cast):
    role = Role.objects.get(user=cast.lead, partnership=cast.lancaster)
    response = login(cast.admin).post(reverse("admin:organisations_role_delete", args=[role.pk]), {"post": "yes"})
    assert response.status_code == 302
    [notice] = Notification.objects.filter(kind=Kind.ROLE_CHANGED)
    assert (notice.recipient, notice.subject) == (
        cast.lead,
        "You are no longer an action lead of Lancaster District CSP",
    )
    assert notice.path == reverse("account")


def test_an_account_made_in_the_admin_invites_the_person_to_choose_their_password(login, cast):
    Preference.objects.create(user=cast.admin, kind=Kind.INVITATION, delivery=Delivery.NONE)  # cannot apply
    response = login(cast.admin).post(
        reverse("admin:organisations_user_add"),
        {
            "email": "new.lead@lancaster.example",
            "full_name": "Nia Newcomer",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-0-partnership": cast.lancaster.pk,
            "roles-0-role": Role.Kind.LEAD,
        },
    )
    assert response.status_code == 302
    [notice] = Notification.objects.filter(kind=Kind.INVITATION)
    assert notice.recipient.email == "new.lead@lancaster.example" and notice.status == Notification.Email.QUEUED
    assert notice.path.startswith("/account/invitation/") and "new.lead@lancaster.example" in notice.body
    assert "Ada Admin has made you an account" in notice.body and notice.reason == "someone invited you to the portal"
    assert not notice.recipient.has_usable_password()  # the administrator chose no password for them
    [role] = Notification.objects.filter(kind=Kind.ROLE_CHANGED)
    assert role.recipient == notice.recipient and role.subject == "You are now an action lead of Lancaster District CSP"
