"""Two-factor authentication: required for site administrators, offered to everyone."""

import pytest
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from csp_portal.organisations.models import SignInEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert AUTH_SESSION_KEY in client.session
    return response


def test_admin_without_a_device_must_set_one_up_before_any_page(client, cast):
    sign_in(client, cast.admin)
    for path in [reverse("home"), reverse("admin:index"), reverse("account")]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_setup"))


def test_admin_sets_up_an_authenticator_app_and_reaches_the_admin(client, cast):
    sign_in(client, cast.admin)
    page = client.get(reverse("two_factor_setup"), {"next": reverse("admin:index")})
    content = page.content.decode()
    assert 'src="data:image/png;base64,' in content
    device = TOTPDevice.objects.get(user=cast.admin, confirmed=False)
    assert page.context["secret"].replace(" ", "") in content.replace(" ", "")
    response = client.post(reverse("two_factor_setup") + "?next=" + reverse("admin:index"), {"token": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_with_a_device_enters_a_code_after_the_password(client, cast):
    device = TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    response = sign_in(client, cast.admin)
    assert client.get(response["Location"])["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor_verify"))
    page = client.get(reverse("two_factor_verify"))
    assert "Enter your security code" in page.content.decode()
    response = client.post(reverse("two_factor_verify") + "?next=/admin/", {"token": code_for(device)})
    assert response["Location"] == "/admin/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_wrong_code_is_refused_counted_and_throttled(client, cast):
    device = TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    sign_in(client, cast.admin)
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(reverse("two_factor_verify"), {"token": wrong})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert 'class="govuk-error-summary"' in response.content.decode()
    # Straight after a failure the device is throttled: even the right code waits.
    response = client.post(reverse("two_factor_verify"), {"token": right})
    assert "too many wrong codes" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert SignInEvent.objects.filter(user=cast.admin, outcome=SignInEvent.Outcome.TWO_FACTOR_FAILURE).count() == 2


def test_malformed_code_is_refused_with_a_message(client, cast):
    TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    sign_in(client, cast.admin)
    response = client.post(reverse("two_factor_verify"), {"token": "abc"})
    assert "Enter the code as 6 digits" in response.content.decode()
    response = client.post(reverse("two_factor_verify"), {"token": ""})
    assert "Enter the 6-digit code" in response.content.decode()


def test_sign_out_and_health_check_stay_open_before_the_code(client, cast):
    TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    sign_in(client, cast.admin)
    assert client.get(reverse("healthz")).status_code in {200, 503}
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert AUTH_SESSION_KEY not in client.session


def test_next_does_not_leave_the_site(client, cast):
    device = TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    sign_in(client, cast.admin)
    response = client.post(reverse("two_factor_verify") + "?next=https://evil.example/", {"token": code_for(device)})
    assert response["Location"] == "/"


def test_people_without_two_factor_are_not_asked_for_a_code(login, cast):
    assert login(cast.officer).get(reverse("account")).status_code == 200


def test_account_page_shows_roles_and_two_factor_status(login, cast):
    content = login(cast.officer).get(reverse("account")).content.decode()
    assert "Partnership officer, Lancaster District CSP" in content
    assert "Board member, Lancashire Community Safety Partnership Board" in content
    assert "Set up two-factor authentication" in content


def test_officer_turns_two_factor_on_then_is_asked_for_a_code_next_time(client, login, cast):
    login(cast.officer)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=cast.officer)
    response = client.post(reverse("two_factor_setup"), {"token": code_for(device)})
    assert response["Location"] == reverse("account")
    assert "On" in client.get(reverse("account")).content.decode()
    client.post(reverse("logout"))
    sign_in(client, cast.officer)
    assert client.get(reverse("account"))["Location"].startswith(reverse("two_factor_verify"))


def test_a_wrong_setup_code_turns_nothing_on(login, cast):
    client = login(cast.officer)
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"token": "000000"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=cast.officer, confirmed=True).exists()


def test_officer_turns_two_factor_off_with_their_password(login, cast):
    client = login(cast.officer)
    from tests.conftest import verify_second_factor

    verify_second_factor(client, cast.officer)
    response = client.post(reverse("two_factor_disable"), {"password": "wrong"})
    assert "Your password is not right" in response.content.decode()
    assert TOTPDevice.objects.filter(user=cast.officer).exists()
    response = client.post(reverse("two_factor_disable"), {"password": PASSWORD})
    assert response["Location"] == reverse("account")
    assert not TOTPDevice.objects.filter(user=cast.officer).exists()


def test_admin_cannot_turn_two_factor_off(login, cast):
    client = login(cast.admin)
    assert client.get(reverse("two_factor_disable")).status_code == 403
    assert client.post(reverse("two_factor_disable"), {"password": PASSWORD}).status_code == 403
    assert "must keep two-factor authentication on" in client.get(reverse("account")).content.decode()


def test_admin_removes_a_lost_device_without_seeing_its_secret(login, cast):
    device = TOTPDevice.objects.create(user=cast.officer, name="phone", confirmed=True)
    client = login(cast.admin)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
