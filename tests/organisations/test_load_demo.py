"""load_demo: pan-Lancashire, its partnerships, agencies and one demo account per role."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from csp_portal.organisations import demo
from csp_portal.organisations.management.areas import read_lookup
from csp_portal.organisations.models import (
    Agency,
    Authority,
    Membership,
    Partnership,
    PoliceDivision,
    PoliceForceArea,
    Role,
    User,
)
from tests import demo_copy

pytestmark = pytest.mark.django_db

ACCOUNTS = {
    "admin@demo.example": set(),
    "officer@demo.example": {("lancaster", "officer"), ("lancashire", "board")},
    "lead@demo.example": {("lancaster", "lead")},
    "board@demo.example": {("lancaster", "board")},
    "analyst@demo.example": {("lancashire", "analyst")},
    "officer-csr@demo.example": {("chorley-south-ribble", "officer")},
}
# People named in the seed documents: the demo identifies representatives by role title only.
SEED_NAMES = ["Cooper", "O'Gara", "Emery", "Dawson", "Burton", "Mullin", "Moore"]


@pytest.fixture(autouse=True)
def debug_on(settings):
    settings.DEBUG = True


def load_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def codes(partnership: Partnership) -> set[str]:
    return set(partnership.authorities.values_list("ons_code", flat=True))


def signs_in(email: str, password: str) -> bool:
    """Through the real sign-in page: django-axes needs the request that Client.login() does not pass."""
    client = Client()
    response = client.post(reverse("login"), {"username": email, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def row_counts() -> dict[str, int]:
    models = [PoliceForceArea, PoliceDivision, Authority, Partnership, Agency, Membership, User, Role]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["partnership authorities"] = Partnership.authorities.through.objects.count()
    return counts


def test_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        load_demo()

    assert not User.objects.exists()
    assert not Partnership.objects.exists()


def test_force_runs_it_with_debug_off(settings):
    settings.DEBUG = False

    load_demo("--force")

    assert User.objects.filter(email="admin@demo.example").exists()


def test_builds_pan_lancashire_with_its_divisions():
    demo_copy.load_demo()  # the rows of one run of the command, copied back

    force = PoliceForceArea.objects.get()
    assert (force.code, force.name) == ("E23000003", "Lancashire")
    county = Authority.objects.get(ons_code="E10000017")
    assert (county.name, county.kind, county.county) == ("Lancashire County Council", "county", None)
    assert Authority.objects.count() == 15
    assert county.districts.count() == 12
    assert set(Authority.objects.filter(kind="unitary").values_list("ons_code", flat=True)) == {
        "E06000008",
        "E06000009",
    }
    divisions = {
        d.name: set(d.authorities.values_list("name", flat=True)) for d in PoliceDivision.objects.filter(force=force)
    }
    assert divisions == {
        "West": {"Blackpool", "Fylde", "Wyre", "Lancaster"},
        "East": {"Blackburn with Darwen", "Burnley", "Hyndburn", "Pendle", "Ribble Valley", "Rossendale"},
        "South": {"Preston", "Chorley", "South Ribble", "West Lancashire"},
    }


def test_partnerships_report_to_the_lancashire_board():
    demo_copy.load_demo()  # the rows of one run of the command, copied back

    board = Partnership.objects.get(slug="lancashire")
    assert (board.name, board.kind, board.county_board, board.ons_code) == (
        "Lancashire Community Safety Partnership Board",
        "county",
        None,
        "",
    )
    assert len(codes(board)) == 14
    assert Authority.objects.get(ons_code="E10000017").pk not in board.authorities.values_list("pk", flat=True)

    lancaster = Partnership.objects.get(slug="lancaster")
    assert (lancaster.name, lancaster.kind, lancaster.ons_code) == ("Lancaster District CSP", "district", "E22000156")
    assert codes(lancaster) == {"E07000121"}

    csr = Partnership.objects.get(slug="chorley-south-ribble")
    assert (csr.name, csr.kind, csr.ons_code) == ("Chorley and South Ribble CSP", "joint", "")
    assert codes(csr) == {"E07000118", "E07000126"}

    assert Partnership.objects.get(slug="blackpool").ons_code == "E22000151"
    districts = Partnership.objects.exclude(slug="lancashire")
    assert districts.count() >= 5
    assert all(p.county_board == board for p in districts)


def test_demo_csp_codes_are_those_of_the_ons_lookup():
    lookup = read_lookup()
    for lad_code, csp_code in demo.CSP_CODE.items():
        assert lookup.csps[csp_code].lad_codes == [lad_code]


def test_responsible_authorities_vote_and_representatives_are_role_titles():
    demo_copy.load_demo()  # the rows of one run of the command, copied back

    police = Agency.objects.get(name="Lancashire Constabulary")
    assert (police.agency_type, police.is_responsible_authority) == ("police", True)
    opcc = Agency.objects.get(name="Office of the Police and Crime Commissioner for Lancashire")
    assert (opcc.agency_type, opcc.is_responsible_authority) == ("opcc", False)
    assert Agency.objects.get(name="Lancashire Fire and Rescue Service").is_responsible_authority
    assert Agency.objects.filter(agency_type="probation", is_responsible_authority=True).exists()
    assert Agency.objects.filter(agency_type="health", is_responsible_authority=True).exists()

    lancaster = Partnership.objects.get(slug="lancaster")
    seats = {m.agency.name: m for m in lancaster.memberships.select_related("agency")}
    assert seats["Lancashire Constabulary"].representative == "Chief Inspector, Lancaster"
    assert seats["Lancashire Constabulary"].is_voting
    assert not seats["Lancaster District Women's Aid"].is_voting
    for membership in Membership.objects.select_related("agency"):
        assert membership.is_voting == membership.agency.is_responsible_authority
        assert membership.representative
        assert not any(name in membership.representative for name in SEED_NAMES)


def test_demo_accounts_hold_their_roles_and_sign_in():
    output = load_demo()

    for email, roles in ACCOUNTS.items():
        user = User.objects.get(email=email)
        assert set(user.roles.values_list("partnership__slug", "role")) == roles
        assert user.agency is not None
        assert user.job_title
        assert signs_in(email, "demo"), email
        assert email in output
    assert User.objects.get(email="admin@demo.example").is_superuser
    assert User.objects.filter(is_superuser=True).count() == 1
    assert "Demo accounts (password 'demo'):" in output.splitlines()
    assert demo.DEMO_TOTP_SECRET in output


def test_demo_admin_has_the_published_authenticator_and_demo_code_prints_its_code():
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    demo_copy.load_demo()  # the rows of one run of the command, copied back
    load_demo()  # running twice keeps one device
    device = TOTPDevice.objects.get(user__email="admin@demo.example")
    assert device.confirmed
    assert base64.b32encode(device.bin_key).decode() == demo.DEMO_TOTP_SECRET
    out = io.StringIO()
    call_command("demo_code", stdout=out, stderr=io.StringIO())
    assert device.verify_token(out.getvalue().strip())
    assert not TOTPDevice.objects.exclude(user__email="admin@demo.example").exists()


def test_running_twice_gives_the_same_rows_and_resets_passwords():
    load_demo("--password", "first-password")
    counts = row_counts()
    board = User.objects.get(email="board@demo.example")
    Role.objects.create(user=board, partnership=Partnership.objects.get(slug="chorley-south-ribble"), role="officer")

    load_demo()

    assert row_counts() == counts
    board.refresh_from_db()
    assert signs_in("board@demo.example", "demo")
    assert not board.check_password("first-password")
    assert set(board.roles.values_list("partnership__slug", "role")) == {("lancaster", "board")}


def test_demo_takes_over_the_lancaster_csp_made_by_load_areas():
    call_command("load_areas", stdout=io.StringIO())
    ons_lancaster = Partnership.objects.get(ons_code="E22000156")

    load_demo()
    call_command("load_areas", stdout=io.StringIO())

    lancaster = Partnership.objects.get(authorities__ons_code="E07000121", kind="district")
    assert lancaster.pk == ons_lancaster.pk
    assert (lancaster.slug, lancaster.name) == ("lancaster", "Lancaster District CSP")
    assert lancaster.county_board.slug == "lancashire"
    # The 314 ONS CSPs plus the county board and the joint Chorley and South Ribble CSP.
    assert Partnership.objects.count() == 316


def test_load_areas_after_the_demo_keeps_one_lancaster_partnership():
    demo_copy.load_demo()  # the rows of one run of the command, copied back

    call_command("load_areas", stdout=io.StringIO())

    lancaster = Partnership.objects.get(ons_code="E22000156")
    assert (lancaster.slug, lancaster.name) == ("lancaster", "Lancaster District CSP")
    assert Partnership.objects.filter(slug__startswith="lancaster").count() == 1
    assert Partnership.objects.count() == 316
    assert Authority.objects.get(ons_code="E07000121").police_division.name == "West"


def test_other_apps_can_add_steps(monkeypatch):
    seen = []
    monkeypatch.setattr(demo, "_steps", dict(demo._steps))

    @demo.demo_step(order=500)
    def later_feature(ctx: demo.DemoContext) -> None:
        seen.append(ctx.partnership("lancaster").name)
        ctx.report("Later feature: ready.")

    output = load_demo()

    assert seen == ["Lancaster District CSP"]
    assert "Later feature: ready." in output
