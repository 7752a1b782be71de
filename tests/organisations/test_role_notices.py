"""A role given or ended in the admin tells the person, at once, whatever they chose for other
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
