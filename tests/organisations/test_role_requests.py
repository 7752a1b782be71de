"""Someone signed in with no role asks a partnership's officers for one, in the portal: every officer
of that partnership is told (and nobody else), sees the request on the members page, and gives the
role asked for (the person is told as for any role given) or declines (the person is told, and may
ask again). One request per person and partnership waits at a time; another partnership's officer
finds none of it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from csp_portal.notifications.kinds import Kind
from csp_portal.notifications.models import Notification
from csp_portal.organisations.models import (
    Invitation,
    OrganisationAccount,
    Role,
    RoleRequest,
    SignInOrganisation,
    User,
)
from tests.factories import AgencyFactory, MembershipFactory, PartnershipFactory, RoleFactory, UserFactory
from tests.mail import emails_sent
from tests.organisations.test_self_service import _count

pytestmark = pytest.mark.django_db

NOTE = "I lead the night-time economy actions\nfor the council."


def ask(client, partnership, role=Role.Kind.LEAD, note=NOTE):
    with emails_sent():
        return client.post(reverse("ask_for_role"), {"partnership": partnership.slug, "role": role, "note": note})


def members(partnership) -> str:
    return reverse("partnership_members", args=[partnership.slug])


def answer(client, asked: RoleRequest, how: str):
    url = reverse(f"partnership_role_request_{how}", args=[asked.partnership.slug, asked.pk])
    with emails_sent():
        return client.post(url)


@pytest.fixture
def second_officer(cast) -> User:
    return RoleFactory(
        partnership=cast.lancaster, role=Role.Kind.OFFICER, user=UserFactory(full_name="Otto Officer")
    ).user


# -- The page of someone with no role -------------------------------------------------------------


def test_someone_with_no_role_sees_the_form_to_ask_for_one(login, cast):
    page = login(cast.outsider).get(reverse("home")).content.decode()
    assert "Ask for a role" in page and "Send my request" in page
    assert f'action="{reverse("ask_for_role")}"' in page
    assert "Lancaster District CSP" in page and "Chorley and South Ribble CSP" in page
    assert "Action lead: write the quarterly progress returns of the actions you lead" in page


def test_someone_with_a_role_does_not_see_the_form(login, cast):
    page = login(cast.lead).get(reverse("home")).content.decode()
    assert "Send my request" not in page and reverse("ask_for_role") not in page


def test_the_partnerships_ones_agency_sits_on_come_first_and_a_single_one_is_chosen(login, cast):
    agency = AgencyFactory(name="Lancaster City Council")
    MembershipFactory(partnership=cast.lancaster, agency=agency)
    cast.outsider.agency = agency
    cast.outsider.save()
    page = login(cast.outsider).get(reverse("home")).content.decode()
    assert '<optgroup label="Partnerships Lancaster City Council sits on">' in page
    ours, others = page.split('<optgroup label="Other partnerships">')
    assert '<option value="lancaster" selected>Lancaster District CSP</option>' in ours
    assert "Chorley and South Ribble CSP" in others and "Lancaster District CSP" not in others


# -- Asking -------------------------------------------------------------------------------------


def test_asking_tells_every_officer_of_that_partnership_and_nobody_else(login, cast, second_officer):
    response = ask(login(cast.outsider), cast.lancaster)
    assert response.status_code == 302 and response["Location"] == reverse("home")

    asked = RoleRequest.objects.get()
    assert (asked.person, asked.partnership, asked.role) == (cast.outsider, cast.lancaster, Role.Kind.LEAD)
    assert asked.note == NOTE and asked.outcome == RoleRequest.Outcome.WAITING and asked.answered_at is None
    told = Notification.objects.filter(kind=Kind.ROLE_REQUESTED)
    assert {n.recipient for n in told} == {cast.officer, second_officer}
    assert {n.partnership for n in told} == {cast.lancaster}
    notice = told.first()
    assert notice.subject == "Nadia Nobody asks for a role in Lancaster District CSP"
    assert "asks to be an action lead of Lancaster District CSP" in notice.body
    assert "“I lead the night-time economy actions for the council.”" in notice.body
    assert notice.path == members(cast.lancaster) + "#role-requests"
    assert notice.reason == "you are a partnership officer of Lancaster District CSP, who gives its people their roles"
    assert asked.history.get().history_user == cast.outsider


def test_the_no_role_page_then_shows_the_request_waiting(login, cast):
    client = login(cast.outsider)
    ask(client, cast.lancaster)
    asked = RoleRequest.objects.get()
    page = client.get(reverse("home")).content.decode()
    day = f"{timezone.localtime(asked.created):%-d %B %Y}"
    assert f"You asked Lancaster District CSP for the Action lead role on {day}. Its officers have been told." in page
    assert "Your request has been sent to the officers of Lancaster District CSP." in page


def test_the_officers_e_mail_says_why_and_links_to_the_members_page_in_text_and_html(login, cast, settings):
    settings.SITE_URL = "https://csp.example.org/"
    ask(login(cast.outsider), cast.lancaster)
    [message] = [m for m in mail.outbox if m.to == [cast.officer.email]]
    link = f"https://csp.example.org{members(cast.lancaster)}#role-requests"
    assert message.subject == "Nadia Nobody asks for a role in Lancaster District CSP"
    assert link in message.body
    assert "because you are a partnership officer of Lancaster District CSP, who gives its people their roles" in (
        message.body
    )
    html, kind = message.alternatives[0]
    assert kind == "text/html" and f'href="{link}"' in html
    assert "you are a partnership officer of Lancaster District CSP" in html


def test_a_second_request_to_the_same_partnership_is_refused_while_the_first_waits(login, cast):
    client = login(cast.outsider)
    ask(client, cast.lancaster)
    response = ask(client, cast.lancaster, role=Role.Kind.BOARD, note="")
    assert response.status_code == 200
    assert "Your request to Lancaster District CSP is already waiting for its officers to answer" in (
        response.content.decode()
    )
    assert RoleRequest.objects.count() == 1
    assert Notification.objects.filter(kind=Kind.ROLE_REQUESTED).count() == 1
    assert ask(client, cast.chorley_south_ribble).status_code == 302  # another partnership may be asked


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"role": "lead"}, "Choose the partnership you work with"),
        ({"partnership": "lancaster"}, "Choose the role you need"),
        ({"partnership": "no-such-csp", "role": "lead"}, "Choose a partnership from the list"),
        ({"partnership": "lancaster", "role": "lead", "note": "x" * 501}, "must be 500 characters or fewer"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(login, cast, data, error):
    response = login(cast.outsider).post(reverse("ask_for_role"), data)
    assert response.status_code == 200 and error in response.content.decode()
    assert not RoleRequest.objects.exists() and not Notification.objects.exists()


def test_a_role_one_holds_already_is_not_asked_for(login, cast):
    response = ask(login(cast.lead), cast.lancaster, role=Role.Kind.LEAD)
    assert "You are already an action lead of Lancaster District CSP" in response.content.decode()
    assert not RoleRequest.objects.exists()


# -- Answering ----------------------------------------------------------------------------------


def test_the_officer_sees_the_waiting_request_on_the_members_page(login, cast):
    ask(login(cast.outsider), cast.lancaster)
    page = login(cast.officer).get(members(cast.lancaster)).content.decode()
    assert 'id="role-requests"' in page and "Nadia Nobody" in page and "nobody@example.org" in page
    assert "I lead the night-time economy actions<br>for the council." in page
    assert "Give this role" in page and "Decline" in page


def test_giving_the_role_makes_it_tells_the_person_and_marks_the_request_given(login, cast):
    ask(login(cast.outsider), cast.lancaster)
    asked = RoleRequest.objects.get()
    response = answer(login(cast.officer), asked, "give")
    assert response.status_code == 302 and response["Location"] == members(cast.lancaster) + "#role-requests"

    assert Role.objects.filter(user=cast.outsider, partnership=cast.lancaster, role=Role.Kind.LEAD).exists()
    asked.refresh_from_db()
    assert asked.outcome == RoleRequest.Outcome.GIVEN and asked.answered_by == cast.officer and asked.answered_at
    [told] = Notification.objects.filter(kind=Kind.ROLE_CHANGED)
    assert told.recipient == cast.outsider
    assert told.subject == "You are now an action lead of Lancaster District CSP"
    page = login(cast.officer).get(members(cast.lancaster)).content.decode()
    assert 'id="role-requests"' not in page
    assert "Nadia Nobody is now action lead, and has been told." in page


def test_declining_marks_it_declined_and_tells_the_person_who_may_ask_again(login, cast, settings):
    settings.SITE_URL = "https://csp.example.org"
    ask(login(cast.outsider), cast.lancaster)
    asked = RoleRequest.objects.get()
    mail.outbox.clear()
    assert answer(login(cast.officer), asked, "decline").status_code == 302

    asked.refresh_from_db()
    assert asked.outcome == RoleRequest.Outcome.DECLINED and asked.answered_by == cast.officer
    assert not Role.objects.filter(user=cast.outsider).exists()
    [told] = Notification.objects.filter(kind=Kind.ROLE_DECLINED)
    assert told.recipient == cast.outsider and told.reason == "you asked Lancaster District CSP for a role"
    assert told.subject == "Your request for a role in Lancaster District CSP is declined"
    [message] = mail.outbox
    assert message.to == [cast.outsider.email] and "https://csp.example.org/" in message.body
    assert ask(login(cast.outsider), cast.lancaster).status_code == 302  # no longer waiting: ask again


def test_an_answered_request_is_not_answered_twice(login, cast):
    ask(login(cast.outsider), cast.lancaster)
    asked = RoleRequest.objects.get()
    client = login(cast.officer)
    answer(client, asked, "decline")
    response = answer(client, asked, "give")
    assert response.status_code == 302
    assert not Role.objects.filter(user=cast.outsider).exists()
    assert "already been answered" in client.get(members(cast.lancaster)).content.decode()


def test_another_partnerships_officer_finds_no_request(login, cast):
    ask(login(cast.outsider), cast.lancaster)
    asked = RoleRequest.objects.get()
    client = login(cast.csr_officer)
    for how in ("give", "decline"):
        assert answer(client, asked, how).status_code == 404
    # nor at their own partnership's address
    url = reverse("partnership_role_request_give", args=[cast.chorley_south_ribble.slug, asked.pk])
    assert client.post(url).status_code == 404
    asked.refresh_from_db()
    assert asked.outcome == RoleRequest.Outcome.WAITING and not Role.objects.filter(user=cast.outsider).exists()


@pytest.mark.parametrize("member", ["lead", "board_member"])
def test_the_partnerships_other_roles_may_not_answer(login, cast, member):
    ask(login(cast.outsider), cast.lancaster)
    asked = RoleRequest.objects.get()
    assert answer(login(getattr(cast, member)), asked, "give").status_code == 403
    assert RoleRequest.objects.get().outcome == RoleRequest.Outcome.WAITING


def test_a_site_administrator_answers_any_partnerships_requests(login, cast):
    ask(login(cast.outsider), cast.chorley_south_ribble, role=Role.Kind.BOARD)
    assert answer(login(cast.admin), RoleRequest.objects.get(), "give").status_code == 302
    assert Role.objects.filter(user=cast.outsider, partnership=cast.chorley_south_ribble, role="board").exists()


# -- Query counts -------------------------------------------------------------------------------


def _grow(partnership, n: int) -> None:
    for _ in range(n):
        RoleRequest.objects.create(
            person=UserFactory(agency=AgencyFactory()), partnership=partnership, role=Role.Kind.LEAD, note="Help"
        )
        PartnershipFactory()


def test_the_members_page_costs_the_same_queries_as_requests_grow(login, cast):
    client = login(cast.officer)
    _grow(cast.lancaster, 2)
    small = _count(client, members(cast.lancaster))
    _grow(cast.lancaster, 20)
    assert _count(client, members(cast.lancaster)) == small


def test_the_no_role_page_costs_the_same_queries_as_partnerships_and_requests_grow(login, cast):
    client = login(cast.outsider)
    ask(client, cast.lancaster)
    small = _count(client, reverse("home")), _count(client, reverse("ask_for_role"))
    _grow(cast.lancaster, 20)
    ask(client, cast.chorley_south_ribble)
    assert (_count(client, reverse("home")), _count(client, reverse("ask_for_role"))) == small


def test_someone_who_signs_in_with_their_organisation_is_given_the_role_and_told_not_invited(login, cast):
    council = AgencyFactory(name="Lancaster City Council")
    organisation = SignInOrganisation.objects.create(
        agency=council, issuer="https://login.example.org/council/v2.0", adds_people=True
    )
    person = User.objects.create(email="new.starter@lancaster.gov.example", full_name="Nell Starter", agency=council)
    person.set_unusable_password()
    person.save()
    OrganisationAccount.objects.create(person=person, organisation=organisation, subject="abc-123")
    ask(login(person), cast.lancaster, role=Role.Kind.ANALYST)
    answer(login(cast.officer), RoleRequest.objects.get(), "give")

    assert Role.objects.filter(user=person, partnership=cast.lancaster, role=Role.Kind.ANALYST).exists()
    assert not Invitation.objects.filter(person=person).exists()
    [told] = Notification.objects.filter(recipient=person)
    assert told.kind == Kind.ROLE_CHANGED and told.subject == "You are now an analyst of Lancaster District CSP"
