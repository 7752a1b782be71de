"""Officers run their own partnership's people and agencies, in the portal's own pages: they invite
someone by e-mail to a role (a one-time link that expires, where the person chooses their own
password), change and end roles, send an invitation again, and seat agencies; each change is in the
history with who made it. Another partnership's officer can neither see nor change any of it; the
Django admin is for site administrators, in plain words and without bulk delete."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib import admin
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from csp_portal.notifications.models import Notification
from csp_portal.organisations import services
from csp_portal.organisations.models import Agency, Invitation, Membership, Role, User
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.mail import emails_sent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a walk along the lune estuary"
LINK = re.compile(r"https://csp\.example\.org(/account/invitation/[\w-]+/)")


def members(cast) -> str:
    return reverse("partnership_members", args=[cast.lancaster.slug])


def invite_url(partnership) -> str:
    return reverse("partnership_invite", args=[partnership.slug])


def _invite(client, partnership, **changes):
    data = {
        "full_name": "Nia Newcomer",
        "email": "Nia.Newcomer@Lancaster.example ",
        "job_title": "Community safety officer",
        "agency": "",
        "role": Role.Kind.LEAD,
        "voting": "on",
        **changes,
    }
    with emails_sent():
        return client.post(invite_url(partnership), data)


def _link(message) -> str:
    [path] = set(LINK.findall(message.body))
    html, _ = message.alternatives[0]
    assert f'href="https://csp.example.org{path}"' in html
    return path


def _choose(client, path: str, password: str = NEW_PASSWORD, again: str | None = None):
    return client.post(path, {"password1": password, "password2": again or password})


# -- The invitation, end to end -------------------------------------------------------------------


def test_an_officer_invites_a_newcomer_who_chooses_a_password_and_is_signed_in(login, cast, client, settings):
    settings.SITE_URL = "https://csp.example.org/"
    response = _invite(login(cast.officer), cast.lancaster)
    assert response.status_code == 302 and response["Location"] == members(cast)

    person = User.objects.get(email="nia.newcomer@lancaster.example")
    assert not person.has_usable_password() and person.job_title == "Community safety officer"
    assert Role.objects.get(user=person, partnership=cast.lancaster).role == Role.Kind.LEAD
    [message] = mail.outbox
    assert message.to == [person.email] and message.subject == "You are invited to CSP Portal"
    assert "Olivia Officer has invited you to CSP Portal as an action lead of Lancaster District CSP" in message.body
    assert "It works once, until" in message.body and "ask Olivia Officer to send you a new invitation" in message.body
    assert "You received this e-mail because someone invited you to the portal" in message.body
    path = _link(message)
    invitation = Invitation.objects.get(person=person)
    assert path.split("/")[-2] not in invitation.token_hash  # only the hash of the link's secret is kept
    assert invitation.invited_by == cast.officer and invitation.expires > timezone.now() + timedelta(days=6)

    client.logout()
    page = client.get(path)
    assert page.status_code == 200 and "Choose your password" in page.content.decode()
    response = _choose(client, path)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert client.get(reverse("account")).context["user"] == person  # signed in
    assert Invitation.objects.get(pk=invitation.pk).used_at is not None
    # The link no longer sits in the person's notification either.
    assert not Notification.objects.filter(recipient=person, path__contains="/invitation/").exists()


def test_a_link_used_once_is_refused_the_second_time(login, cast, client, settings):
    settings.SITE_URL = "https://csp.example.org/"
    _invite(login(cast.officer), cast.lancaster)
    path = _link(mail.outbox[0])
    client.logout()
    assert _choose(client, path).status_code == 302
    client.logout()
    again = _choose(client, path, "another long passphrase here")
    assert again.status_code == 410
    assert "has been used already" in again.content.decode()
    assert User.objects.get(email="nia.newcomer@lancaster.example").check_password(NEW_PASSWORD)


def test_an_expired_link_is_refused_and_says_to_ask_for_a_new_invitation(login, cast, client, settings):
    settings.SITE_URL = "https://csp.example.org/"
    _invite(login(cast.officer), cast.lancaster)
    path = _link(mail.outbox[0])
    client.logout()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = _choose(client, path)
    assert response.status_code == 410
    page = response.content.decode()
    assert "The link expired on" in page and "Ask Olivia Officer, who invited you, to send you a new invitation" in page
    assert not User.objects.get(email="nia.newcomer@lancaster.example").has_usable_password()


def test_an_unknown_link_is_not_found(client):
    response = client.get(reverse("accept_invitation", args=["made-up"]))
    assert response.status_code == 404 and "This invitation link does not work" in response.content.decode()


def test_every_password_rule_broken_is_reported_at_once(login, cast, client, settings):
    settings.SITE_URL = "https://csp.example.org/"
    _invite(login(cast.officer), cast.lancaster)
    path = _link(mail.outbox[0])
    client.logout()
    response = _choose(client, path, "12345678", "12345679")
    assert response.status_code == 200
    errors = [link.message for link in response.context["errors"]]
    assert any("too short" in error for error in errors)
    assert any("too common" in error for error in errors)
    assert any("entirely numeric" in error for error in errors)
    assert "The two passwords are not the same" in errors
    assert re.search(r"<title>Error: Choose your password", response.content.decode())
    assert not User.objects.get(email="nia.newcomer@lancaster.example").has_usable_password()


def test_sending_again_replaces_the_link(login, cast, client, settings):
    settings.SITE_URL = "https://csp.example.org/"
    officer = login(cast.officer)
    _invite(officer, cast.lancaster)
    old = _link(mail.outbox[0])
    invitation = Invitation.objects.get()
    resend = reverse("partnership_invitation_resend", args=[cast.lancaster.slug, invitation.pk])
    with emails_sent():
        assert officer.post(resend).status_code == 302
    new = _link(mail.outbox[1])
    assert new != old
    client.logout()
    assert client.get(old).status_code == 404
    assert _choose(client, new).status_code == 302


def test_someone_who_already_signs_in_is_given_the_role_and_told(login, cast):
    with emails_sent():
        response = login(cast.officer).post(
            invite_url(cast.lancaster),
            {"full_name": "Someone Else", "email": cast.csr_officer.email, "role": Role.Kind.BOARD},
        )
    assert response.status_code == 302
    role = Role.objects.get(user=cast.csr_officer, partnership=cast.lancaster)
    assert (role.role, role.voting) == (Role.Kind.BOARD, False)
    cast.csr_officer.refresh_from_db()
    assert cast.csr_officer.full_name == "Carl Chorley"  # their own name stays
    assert not Invitation.objects.exists()
    [message] = mail.outbox
    assert message.subject == "You are now a board member of Lancaster District CSP"


def test_inviting_to_a_role_the_person_holds_is_refused_with_a_reason(login, cast):
    response = _invite(login(cast.officer), cast.lancaster, email=cast.lead.email)
    assert response.status_code == 200
    assert "Liam Lead is already an action lead of Lancaster District CSP." in response.content.decode()
    assert Role.objects.filter(user=cast.lead).count() == 1 and not mail.outbox


def test_an_invitation_needs_a_name_an_address_and_a_role(login, cast):
    response = login(cast.officer).post(invite_url(cast.lancaster), {})
    messages = [link.message for link in response.context["errors"]]
    assert messages == ["Enter the person's full name", "Enter the person's e-mail address", "Choose the person's role"]
    assert User.objects.count() == 7


def test_the_admins_add_person_invites_with_no_password_fields(login, cast, settings):
    settings.SITE_URL = "https://csp.example.org/"
    client = login(cast.admin)
    page = client.get(reverse("admin:organisations_user_add")).content.decode()
    assert 'name="password1"' not in page and 'name="usable_password"' not in page
    with emails_sent():
        response = client.post(
            reverse("admin:organisations_user_add"),
            {
                "email": "new.lead@lancaster.example",
                "full_name": "Nia Newcomer",
                "roles-TOTAL_FORMS": "0",
                "roles-INITIAL_FORMS": "0",
            },
        )
    assert response.status_code == 302
    person = User.objects.get(email="new.lead@lancaster.example")
    assert not person.has_usable_password()
    invitation = Invitation.objects.get(person=person)
    assert invitation.partnership is None and invitation.invited_by == cast.admin
    [message] = mail.outbox
    assert "Ada Admin has made you an account in CSP Portal" in message.body
    assert _link(message).startswith("/account/invitation/")


# -- Roles: changed and ended, in the history with who did it ---------------------------------------


def test_changing_a_role_is_recorded_with_the_officer_and_tells_the_person(login, cast):
    role = Role.objects.get(user=cast.lead, partnership=cast.lancaster)
    url = reverse("partnership_role_edit", args=[cast.lancaster.slug, role.pk])
    with emails_sent():
        response = login(cast.officer).post(url, {"role": Role.Kind.BOARD})
    assert response.status_code == 302
    role.refresh_from_db()
    assert (role.role, role.voting) == (Role.Kind.BOARD, False)
    latest = role.history.latest("history_id")
    assert (latest.role, latest.history_user) == (Role.Kind.BOARD, cast.officer)
    assert [m.subject for m in mail.outbox] == ["You are now a board member of Lancaster District CSP"]


def test_ending_a_role_is_recorded_with_the_officer_and_tells_the_person(login, cast):
    role = Role.objects.get(user=cast.lead, partnership=cast.lancaster)
    url = reverse("partnership_role_end", args=[cast.lancaster.slug, role.pk])
    client = login(cast.officer)
    assert "End Liam Lead's role as action lead?" in client.get(url).content.decode()
    with emails_sent():
        assert client.post(url).status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()
    deleted = Role.history.filter(id=role.pk).latest("history_id")
    assert (deleted.history_type, deleted.history_user) == ("-", cast.officer)
    assert [m.subject for m in mail.outbox] == ["You are no longer an action lead of Lancaster District CSP"]


def test_an_officer_cannot_end_their_own_officer_role_and_is_told_why(login, cast):
    role = Role.objects.get(user=cast.officer, partnership=cast.lancaster)
    client = login(cast.officer)
    response = client.post(reverse("partnership_role_end", args=[cast.lancaster.slug, role.pk]))
    assert response.status_code == 200
    assert "You cannot end or change your own officer role" in response.content.decode()
    response = client.post(reverse("partnership_role_edit", args=[cast.lancaster.slug, role.pk]), {"role": "lead"})
    assert "You cannot end or change your own officer role" in response.content.decode()
    assert Role.objects.get(pk=role.pk).role == Role.Kind.OFFICER


def test_ending_the_last_role_of_someone_invited_withdraws_the_invitation(login, cast, settings):
    settings.SITE_URL = "https://csp.example.org/"
    client = login(cast.officer)
    _invite(client, cast.lancaster)
    path = _link(mail.outbox[0])
    role = Role.objects.get(user__email="nia.newcomer@lancaster.example")
    client.post(reverse("partnership_role_end", args=[cast.lancaster.slug, role.pk]))
    assert not Invitation.objects.exists()
    client.logout()
    assert client.get(path).status_code == 404


# -- Agencies ----------------------------------------------------------------------------------------


def test_an_officer_seats_an_existing_agency_changes_and_removes_it(login, cast):
    probation = AgencyFactory(name="Probation Service North West", agency_type="probation")
    client = login(cast.officer)
    add = reverse("partnership_membership_add", args=[cast.lancaster.slug])
    response = client.post(add, {"agency": probation.pk, "representative": "Head of Service"})
    assert response.status_code == 302
    membership = Membership.objects.get(partnership=cast.lancaster, agency=probation)
    assert (membership.is_voting, membership.representative) == (False, "Head of Service")
    edit = reverse("partnership_membership_edit", args=[cast.lancaster.slug, membership.pk])
    assert client.post(edit, {"is_voting": "on", "representative": "Deputy Head"}).status_code == 302
    membership.refresh_from_db()
    assert (membership.is_voting, membership.representative) == (True, "Deputy Head")
    remove = reverse("partnership_membership_remove", args=[cast.lancaster.slug, membership.pk])
    assert client.post(remove).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    history = Membership.history.filter(id=membership.pk).order_by("history_id")
    assert [(h.history_type, h.history_user) for h in history] == [
        ("+", cast.officer),
        ("~", cast.officer),
        ("-", cast.officer),
    ]
    assert Agency.objects.filter(pk=probation.pk).exists()


def test_an_officer_seats_a_new_agency_with_its_type(login, cast):
    add = reverse("partnership_membership_add", args=[cast.lancaster.slug])
    data = {"new_agency_name": "Lancaster Women's Aid", "new_agency_type": "voluntary", "is_voting": "on"}
    assert login(cast.officer).post(add, data).status_code == 302
    agency = Agency.objects.get(name="Lancaster Women's Aid")
    assert (agency.agency_type, agency.is_responsible_authority) == ("voluntary", False)
    assert Membership.objects.get(agency=agency).partnership == cast.lancaster
    assert agency.history.get().history_user == cast.officer


def test_a_new_agency_needs_a_name_and_type_and_may_not_repeat_one(login, cast):
    client = login(cast.officer)
    add = reverse("partnership_membership_add", args=[cast.lancaster.slug])
    messages = [link.message for link in client.post(add, {}).context["errors"]]
    assert messages == [
        "Choose an agency from the list, or enter the name of a new one",
        "Choose the type of the new agency",
    ]
    response = client.post(add, {"new_agency_name": "lancashire constabulary", "new_agency_type": "police"})
    assert "An agency called lancashire constabulary exists already" in response.content.decode()
    assert Agency.objects.count() == 1


# -- Who may: another partnership's officer neither sees nor changes --------------------------------


def _pages_of(cast) -> list[str]:
    role = Role.objects.get(user=cast.lead, partnership=cast.lancaster)
    membership = Membership.objects.get(partnership=cast.lancaster)
    slug = cast.lancaster.slug
    return [
        members(cast),
        invite_url(cast.lancaster),
        reverse("partnership_role_edit", args=[slug, role.pk]),
        reverse("partnership_role_end", args=[slug, role.pk]),
        reverse("partnership_membership_add", args=[slug]),
        reverse("partnership_membership_edit", args=[slug, membership.pk]),
        reverse("partnership_membership_remove", args=[slug, membership.pk]),
    ]


def test_another_partnerships_officer_can_neither_see_nor_change_them(login, cast):
    client = login(cast.csr_officer)
    for url in _pages_of(cast):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"role": "officer", "agency": ""}).status_code == 404, url
    assert Role.objects.get(user=cast.lead, partnership=cast.lancaster).role == Role.Kind.LEAD
    assert Membership.objects.filter(partnership=cast.lancaster).count() == 1


@pytest.mark.parametrize("member", ["lead", "board_member"])
def test_a_lead_or_board_member_may_not(login, cast, member):
    client = login(getattr(cast, member))
    for url in _pages_of(cast):
        assert client.post(url, {}).status_code == 403, url


def test_another_partnerships_invitation_is_not_sent_again_from_ones_own(login, cast):
    services.invite(
        cast.chorley_south_ribble, actor=cast.csr_officer, email="x@csr.example", full_name="X", role="lead"
    )
    invitation = Invitation.objects.get()
    url = reverse("partnership_invitation_resend", args=[cast.lancaster.slug, invitation.pk])
    assert login(cast.officer).post(url).status_code == 404


def test_a_site_administrator_manages_any_partnership(login, cast):
    response = _invite(login(cast.admin), cast.chorley_south_ribble, email="new@csr.example")
    assert response.status_code == 302
    assert Role.objects.get(user__email="new@csr.example").partnership == cast.chorley_south_ribble


def test_the_members_page_shows_the_officer_what_they_may_change(login, cast):
    services.invite(cast.lancaster, actor=cast.officer, email="nia@lancaster.example", full_name="Nia", role="lead")
    page = login(cast.officer).get(members(cast)).content.decode()
    assert "Invite someone" in page and "Add an agency" in page and "Send again" in page
    assert "Invitations not yet accepted" in page and "nia@lancaster.example" in page
    page = login(cast.admin).get(members(cast)).content.decode()
    assert "Invite someone" in page


# -- Query counts ---------------------------------------------------------------------------------------


def _grow(partnership, n: int, actor) -> None:
    for _ in range(n):
        person = UserFactory(agency=AgencyFactory())
        Role.objects.create(user=person, partnership=partnership, role=Role.Kind.LEAD)
        MembershipFactory(partnership=partnership)
        services.send_invitation(person, partnership=partnership, role=Role.Kind.LEAD, actor=actor)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_people_page_costs_the_same_queries_as_roles_grow(login, cast):
    client = login(cast.officer)
    _grow(cast.lancaster, 2, cast.officer)
    small = _count(client, members(cast))
    _grow(cast.lancaster, 20, cast.officer)
    assert _count(client, members(cast)) == small


def test_the_invite_and_agency_pages_cost_the_same_queries_as_agencies_grow(login, cast):
    client = login(cast.officer)
    pages = [invite_url(cast.lancaster), reverse("partnership_membership_add", args=[cast.lancaster.slug])]
    _grow(cast.lancaster, 2, cast.officer)
    small = [_count(client, url) for url in pages]
    _grow(cast.lancaster, 20, cast.officer)
    assert [_count(client, url) for url in pages] == small


# -- The Django admin: plain words, no bulk delete ------------------------------------------------------

UNPLAIN = [
    "AXES",
    "Axes",
    "OTP_TOTP",
    "Otp_Totp",
    "Slug",
    "Reminder sents",
    "Role in a partnerships",
]


def test_the_admin_reads_in_plain_words_and_deletes_nothing_in_bulk(login, cast):
    client = login(cast.admin)
    index = client.get(reverse("admin:index"))
    names = [app["name"] for app in index.context["app_list"]]
    names += [model["name"] for app in index.context["app_list"] for model in app["models"]]
    assert "Sign-in lockouts" in names and "Two-factor devices" in names and "Reminders sent" in names
    pages = {"index": index.content.decode()}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
        assert "delete_selected" not in pages[url] and "Delete selected " not in pages[url], url
    pages["person"] = client.get(reverse("admin:organisations_user_change", args=[cast.lead.pk])).content.decode()
    found = [(url, label) for url, page in pages.items() for label in UNPLAIN if label in page]
    assert not found
