"""A person's notifications in the portal: the count in the navigation, the list, opening one marks
it read and goes to its page, nobody opens another's, and the e-mail choices are saved."""

import pytest
from django.urls import reverse

from csp_portal.notifications import services
from csp_portal.notifications.kinds import Delivery, Kind
from csp_portal.notifications.models import Notification, Preference

pytestmark = pytest.mark.django_db


def told(person, partnership, subject="Your 2025/26 Q3 return was accepted", path="/my-actions/2025-26-Q3/"):
    message = services.Message(subject, "Accepted for the board's report.", path)
    [row] = services.tell(Kind.RETURN_REVIEWED, message, partnership=partnership, people=[person])
    return row


def test_the_navigation_counts_unread_notifications(login, cast):
    client = login(cast.lead)
    assert 'id="unread-notifications"' not in client.get(reverse("notifications:list")).content.decode()
    told(cast.lead, cast.lancaster)
    told(cast.lead, cast.lancaster, subject="Another")
    body = client.get(reverse("notifications:list")).content.decode()
    assert 'id="unread-notifications">2<span class="govuk-visually-hidden"> unread</span>' in body
    assert "Your 2025/26 Q3 return was accepted" in body and "Another" in body


def test_opening_one_marks_it_read_and_goes_to_its_page(login, cast):
    notification = told(cast.lead, cast.lancaster)
    response = login(cast.lead).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/my-actions/2025-26-Q3/"
    notification.refresh_from_db()
    assert notification.is_read


def test_nobody_opens_anothers_notification(login, cast):
    notification = told(cast.lead, cast.lancaster)
    assert login(cast.officer).get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_a_path_that_leaves_the_portal_is_not_followed(login, cast):
    notification = told(cast.lead, cast.lancaster, path="https://evil.example/")
    response = login(cast.lead).get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read(login, cast):
    told(cast.lead, cast.lancaster)
    told(cast.officer, cast.lancaster)
    login(cast.lead).post(reverse("notifications:mark_all_read"))
    assert list(Notification.objects.filter(read_at__isnull=True).values_list("recipient", flat=True)) == [
        cast.officer.pk
    ]


def test_choices_are_saved_and_invitations_cannot_be_turned_off(login, cast):
    client = login(cast.lead)
    page = client.get(reverse("notifications:choices")).content.decode()
    assert "Your progress return is accepted or sent back" in page
    assert 'name="invitation"' not in page and 'name="role_changed"' not in page
    choices = {kind.value: Delivery.IMMEDIATE for kind in Kind}
    choices.update({Kind.RETURN_REVIEWED: Delivery.WEEKLY, Kind.REPORT_ISSUED: Delivery.NONE, Kind.INVITATION: "none"})
    response = client.post(reverse("notifications:choices"), choices)
    assert response.status_code == 302
    saved = dict(Preference.objects.filter(user=cast.lead).values_list("kind", "delivery"))
    assert saved[Kind.RETURN_REVIEWED] == Delivery.WEEKLY and saved[Kind.REPORT_ISSUED] == Delivery.NONE
    assert Kind.INVITATION not in saved


def test_a_choice_left_out_is_named_and_nothing_is_saved(login, cast):
    response = login(cast.lead).post(reverse("notifications:choices"), {Kind.RETURN_REVIEWED: Delivery.WEEKLY})
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "Choose how to hear that a progress return is submitted for review" in body
    assert not Preference.objects.exists()


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_costs_the_same_queries_however_many_there_are(login, cast, django_assert_max_num_queries, count):
    for number in range(count):
        told(cast.lead, cast.lancaster, subject=f"Notification {number}")
    client = login(cast.lead)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("notifications:list")).status_code == 200


def test_the_count_is_kept_on_the_persons_row_and_recounted_when_read(login, cast):
    first = told(cast.lead, cast.lancaster)
    told(cast.lead, cast.lancaster, subject="Another")
    cast.lead.refresh_from_db()
    assert cast.lead.unread_notifications == 2
    client = login(cast.lead)
    client.get(reverse("notifications:open", args=[first.pk]))
    cast.lead.refresh_from_db()
    assert cast.lead.unread_notifications == 1
    client.post(reverse("notifications:mark_all_read"))
    cast.lead.refresh_from_db()
    assert cast.lead.unread_notifications == 0
