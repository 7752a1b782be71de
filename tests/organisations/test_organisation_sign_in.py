"""Signing in with one's own organisation's account, through a real OpenID Connect provider (Node's
oidc-provider, started by the suite: tests/oidc_provider.py). The browser journey is in
tests/browser/test_organisation_sign_in.py; here each rule is driven with the test client for the
portal and plain HTTP for the provider's sign-in form."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csp_portal.organisations.models import Agency, OrganisationAccount, SignInEvent, SignInOrganisation, User
from tests.conftest import PASSWORD
from tests.oidc_provider import ALLOWED_TENANT, OTHER_TENANT, TestProvider

REFUSED = SignInEvent.Outcome.REFUSED


@pytest.fixture
def police(cast) -> Agency:
    return Agency.objects.get(name="Lancashire Constabulary")


@pytest.fixture
def organisation(settings, oidc_provider, police) -> SignInOrganisation:
    """Lancashire Constabulary signs in through its Entra-shaped tenant, found by the multi-tenant
    discovery document (issuer .../{tenantid}/v2.0), and owns the domain lancaster.example."""
    settings.OIDC_DISCOVERY_URL = oidc_provider.multi_tenant_discovery_url(ALLOWED_TENANT)
    settings.OIDC_RP_CLIENT_ID = TestProvider.CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = TestProvider.CLIENT_SECRET
    return SignInOrganisation.objects.create(
        agency=police, issuer=oidc_provider.issuer(ALLOWED_TENANT), email_domains="lancaster.example"
    )


def sign_in_through_organisation(client, oidc_provider, email: str, *, mfa: bool = False, next_url: str = ""):
    """Start at the portal, sign in at the provider, and come back to the portal's callback.
    Returns the callback's response and its URL (for replaying it)."""
    start = client.get(reverse("organisation_sign_in") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.content[:500]
    callback = urlsplit(oidc_provider.sign_in_without_browser(start["Location"], email, mfa=mfa))
    assert callback.path == reverse("organisation_sign_in_callback")
    url = f"{callback.path}?{callback.query}"
    return client.get(url), url


def signed_in_as(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def refusal(response) -> str:
    assert response.status_code == 403, response.content[:500]
    return response.context["reason"]


@pytest.mark.parametrize("discovery", ["multi-tenant", "single issuer"])
def test_someone_from_an_allowed_organisation_signs_in_and_lands_on_their_home_page(
    client, cast, organisation, oidc_provider, settings, discovery
):
    if discovery == "single issuer":  # any standard provider: its own issuer, no template
        settings.OIDC_DISCOVERY_URL = oidc_provider.discovery_url(ALLOWED_TENANT)
    response, _ = sign_in_through_organisation(client, oidc_provider, cast.officer.email)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_as(client) == cast.officer.pk
    home = client.get(reverse("home"), follow=True)
    assert cast.lancaster.name in home.content.decode()
    event = SignInEvent.objects.get(outcome=SignInEvent.Outcome.SUCCESS, user=cast.officer)
    assert (event.route, event.organisation) == (SignInEvent.Route.ORGANISATION, organisation)
    account = OrganisationAccount.objects.get(person=cast.officer)
    assert account.organisation == organisation and account.subject
    cast.officer.refresh_from_db()
    assert cast.officer.agency == organisation.agency  # had none: now their organisation's


def test_where_they_were_going_is_kept(client, cast, organisation, oidc_provider):
    members = reverse("partnership_members", args=[cast.lancaster.slug])
    response, _ = sign_in_through_organisation(client, oidc_provider, cast.officer.email, next_url=members)
    assert response["Location"] == members


def test_a_later_sign_in_finds_the_person_by_their_linked_account_not_their_address(
    client, cast, organisation, oidc_provider
):
    sign_in_through_organisation(client, oidc_provider, cast.officer.email)
    client.logout()
    # The portal's address changes; the organisation's account is still hers.
    User.objects.filter(pk=cast.officer.pk).update(email="olivia.officer@lancaster.example")
    response, _ = sign_in_through_organisation(client, oidc_provider, cast.officer.email)
    assert response.status_code == 302 and signed_in_as(client) == cast.officer.pk


def test_a_second_account_of_the_organisation_cannot_take_over_a_linked_person(
    client, cast, organisation, oidc_provider
):
    OrganisationAccount.objects.create(person=cast.officer, organisation=organisation, subject="someone-else")
    reason = refusal(sign_in_through_organisation(client, oidc_provider, cast.officer.email)[0])
    assert "already linked to another account of Lancashire Constabulary" in reason
    assert signed_in_as(client) is None


def test_a_tenant_not_on_the_list_is_refused(client, cast, organisation, oidc_provider, settings):
    settings.OIDC_DISCOVERY_URL = oidc_provider.multi_tenant_discovery_url(OTHER_TENANT)
    response, _ = sign_in_through_organisation(client, oidc_provider, cast.officer.email)
    reason = refusal(response)
    assert "not on this portal's list of organisations" in reason and OTHER_TENANT in reason
    assert "Start your organisation's sign-in again" in response.content.decode()
    assert signed_in_as(client) is None
    event = SignInEvent.objects.get(outcome=REFUSED)
    assert event.route == SignInEvent.Route.ORGANISATION and OTHER_TENANT in event.detail
    assert not OrganisationAccount.objects.exists()


def test_an_organisation_taken_off_the_list_is_refused_at_once(client, cast, organisation, oidc_provider):
    SignInOrganisation.objects.filter(pk=organisation.pk).update(is_allowed=False)
    assert "not on this portal's list" in refusal(
        sign_in_through_organisation(client, oidc_provider, cast.officer.email)[0]
    )


@pytest.mark.parametrize(
    "tamper, reason",
    [
        ("wrong-audience", "issued for another application"),
        ("expired", "expired before it reached the portal"),
        ("bad-signature", "not signed by its sign-in service"),
    ],
)
def test_a_tampered_token_is_refused(client, cast, organisation, oidc_provider, tamper, reason):
    oidc_provider.tamper_next_token(tamper)
    response, _ = sign_in_through_organisation(client, oidc_provider, cast.officer.email)
    assert reason in refusal(response)
    assert signed_in_as(client) is None
    assert SignInEvent.objects.filter(outcome=REFUSED, detail__contains=reason).count() == 1
    assert not SignInEvent.objects.filter(outcome=SignInEvent.Outcome.SUCCESS).exists()


def test_a_replayed_callback_is_refused_in_the_same_browser_and_in_another(client, cast, organisation, oidc_provider):
    from django.test import Client

    response, callback = sign_in_through_organisation(client, oidc_provider, cast.officer.email)
    assert response.status_code == 302
    replayed = client.get(callback)  # e.g. Back in the browser: refused, and still signed in as before
    assert "already been used" in refusal(replayed)
    assert f"still signed in as {cast.officer.email}" in replayed.content.decode()
    client.logout()
    assert "already been used" in refusal(client.get(callback))
    assert "already been used" in refusal(Client().get(callback))
    assert signed_in_as(client) is None


def test_the_providers_own_refusal_is_shown(client, cast, organisation, oidc_provider):
    start = client.get(reverse("organisation_sign_in"))
    state = dict(p.split("=", 1) for p in urlsplit(start["Location"]).query.split("&"))["state"]
    callback = reverse("organisation_sign_in_callback")
    response = client.get(callback, {"error": "access_denied", "error_description": "The user said no", "state": state})
    assert "stopped: The user said no" in refusal(response)
    # The state is spent: an answer with a code for it now is a replay.
    assert "already been used" in refusal(client.get(callback, {"code": "x", "state": state}))


def test_an_unknown_address_is_refused_where_the_organisation_does_not_add_people(
    client, cast, organisation, oidc_provider
):
    reason = refusal(sign_in_through_organisation(client, oidc_provider, "newcomer@lancaster.example")[0])
    assert "no account here for newcomer@lancaster.example" in reason and "invite you" in reason
    assert not User.objects.filter(email="newcomer@lancaster.example").exists()


def test_an_unknown_address_gets_a_person_with_no_role_where_the_organisation_adds_people(
    client, cast, organisation, oidc_provider
):
    SignInOrganisation.objects.filter(pk=organisation.pk).update(adds_people=True)
    response, _ = sign_in_through_organisation(client, oidc_provider, "newcomer@lancaster.example")
    assert response.status_code == 302
    person = User.objects.get(email="newcomer@lancaster.example")
    assert signed_in_as(client) == person.pk
    assert (person.agency, person.roles.count(), person.has_usable_password()) == (organisation.agency, 0, False)
    home = client.get(reverse("home"))
    assert "You do not have a role yet" in home.content.decode()


def test_a_switched_off_person_is_refused_whether_linked_or_not(client, cast, organisation, oidc_provider):
    User.objects.filter(pk=cast.lead.pk).update(is_active=False)
    assert "switched off" in refusal(sign_in_through_organisation(client, oidc_provider, cast.lead.email)[0])
    User.objects.filter(pk=cast.lead.pk).update(is_active=True)
    sign_in_through_organisation(client, oidc_provider, cast.lead.email)
    client.logout()
    User.objects.filter(pk=cast.lead.pk).update(is_active=False)
    assert "switched off" in refusal(sign_in_through_organisation(client, oidc_provider, cast.lead.email)[0])
    assert SignInEvent.objects.filter(outcome=REFUSED, user=None, email=cast.lead.email).count() == 2


def test_someone_switched_off_while_signed_in_through_their_organisation_is_signed_out(
    client, cast, organisation, oidc_provider
):
    sign_in_through_organisation(client, oidc_provider, cast.lead.email)
    assert client.get(reverse("my_actions")).status_code == 200
    User.objects.filter(pk=cast.lead.pk).update(is_active=False)
    assert client.get(reverse("my_actions"))["Location"].startswith(reverse("login"))


def test_the_sign_in_page_reads_the_organisations_in_one_query_however_many(client, cast, organisation, police):
    def queries_for_the_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("login")).status_code == 200
        return len(captured)

    before = queries_for_the_page()
    for n in range(10):
        agency = Agency.objects.create(name=f"Council {n}", agency_type=Agency.Type.LOCAL_AUTHORITY)
        SignInOrganisation.objects.create(agency=agency, issuer=f"https://login.example/{n}/v2.0")
    assert queries_for_the_page() == before
    assert "Council 9" in client.get(reverse("login")).content.decode()


def test_an_unverified_address_matches_only_in_a_domain_the_organisation_owns(
    client, cast, organisation, oidc_provider
):
    outside = User.objects.create_user("unverified@elsewhere.example", PASSWORD, full_name="Una Verified")
    reason = refusal(sign_in_through_organisation(client, oidc_provider, outside.email)[0])
    assert "did not confirm that unverified@elsewhere.example is yours" in reason
    inside = User.objects.create_user("unverified.ulla@lancaster.example", PASSWORD, full_name="Ulla")
    response, _ = sign_in_through_organisation(client, oidc_provider, inside.email)
    assert response.status_code == 302 and signed_in_as(client) == inside.pk


@pytest.mark.parametrize("has_device", [False, True])
def test_a_site_administrator_is_asked_for_the_portals_code_unless_the_provider_reports_mfa(
    client, cast, organisation, oidc_provider, has_device
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if has_device:
        TOTPDevice.objects.create(user=cast.admin, name="Phone", confirmed=True)
    sign_in_through_organisation(client, oidc_provider, cast.admin.email, mfa=False)
    step = client.get(reverse("site_index"))
    assert step.status_code == 302
    assert step["Location"].startswith(reverse("two_factor_verify" if has_device else "two_factor_setup"))
    client.logout()
    sign_in_through_organisation(client, oidc_provider, cast.admin.email, mfa=True)
    assert client.get(reverse("site_index")).status_code == 200


def test_a_deployment_can_require_the_organisation_sign_in_for_its_people(client, cast, organisation, police, settings):
    settings.OIDC_REQUIRED = True
    User.objects.filter(pk__in=[cast.lead.pk, cast.admin.pk]).update(agency=police)
    form = {"username": cast.lead.email, "password": PASSWORD}
    response = client.post(reverse("login"), form)
    assert response.status_code == 200 and signed_in_as(client) is None
    assert (
        "People from Lancashire Constabulary sign in with their organisation&#x27;s account"
        in response.content.decode()
    )
    # A site administrator keeps the password (with two-factor), so a broken provider locks nobody out.
    assert client.post(reverse("login"), {"username": cast.admin.email, "password": PASSWORD}).status_code == 302
    client.logout()
    # Someone whose agency has no organisation sign-in still uses their password.
    assert client.post(reverse("login"), {"username": cast.board_member.email, "password": PASSWORD}).status_code == 302
    event = SignInEvent.objects.filter(outcome=SignInEvent.Outcome.SUCCESS, user=cast.board_member).get()
    assert (event.route, event.organisation) == (SignInEvent.Route.PASSWORD, None)


def test_the_sign_in_page_offers_the_organisation_sign_in_only_where_it_is_set_up(
    client, cast, settings, oidc_provider, police
):
    settings.OIDC_DISCOVERY_URL = ""
    page = client.get(reverse("login")).content.decode()
    assert "organisation&#x27;s sign-in" not in page and "organisation's sign-in" not in page
    assert client.get(reverse("organisation_sign_in")).status_code == 404
    assert client.get(reverse("organisation_sign_in_callback")).status_code == 404
    settings.OIDC_DISCOVERY_URL = oidc_provider.discovery_url(ALLOWED_TENANT)
    settings.OIDC_RP_CLIENT_ID = TestProvider.CLIENT_ID
    SignInOrganisation.objects.create(agency=police, issuer=oidc_provider.issuer(ALLOWED_TENANT))
    page = client.get(reverse("login") + "?next=/account/").content.decode()
    assert "Staff of Lancashire Constabulary sign in with the account they use at work" in page
    assert f'href="{reverse("organisation_sign_in")}?next=/account/"' in page


def test_an_unreachable_provider_gets_a_clear_page(client, cast, settings):
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    settings.OIDC_RP_CLIENT_ID = TestProvider.CLIENT_ID
    response = client.get(reverse("organisation_sign_in"))
    assert response.status_code == 503 and "could not be reached" in response.context["reason"]
