"""The fixed cast every test can call on, so permission tests read like sentences.

Lancashire's county board sits above two CSPs: Lancaster District CSP and the joint Chorley and
South Ribble CSP. Lancaster has an officer, an action lead and a board member; Chorley and South
Ribble has its own officer; the county has an analyst; there is a site administrator and a
signed-up person with no role at all.
"""

import os
from dataclasses import dataclass

import pytest

from csp_portal.organisations.models import Authority, Partnership, Role, User

from .factories import AgencyFactory, AuthorityFactory, MembershipFactory, PartnershipFactory, UserFactory
from .oidc_provider import oidc_provider  # noqa: F401 - the fixture: a real OpenID Connect provider (Node)

PASSWORD = "correct horse battery staple"


@dataclass
class Cast:
    lancashire: Partnership
    lancaster: Partnership
    chorley_south_ribble: Partnership
    officer: User
    lead: User
    board_member: User
    analyst: User
    csr_officer: User
    admin: User
    outsider: User


def _person(email: str, name: str, *roles: tuple[Partnership, str], **extra) -> User:
    user = UserFactory(email=email, full_name=name, **extra)
    for partnership, role in roles:
        Role.objects.create(user=user, partnership=partnership, role=role)
    return user


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


def build_cast() -> Cast:
    """The cast's rows, for a fixture that builds them once for a whole module."""
    county = AuthorityFactory(name="Lancashire", ons_code="E10000017", kind=Authority.Kind.COUNTY)
    lancaster_council = AuthorityFactory(name="Lancaster", ons_code="E07000121", county=county)
    chorley = AuthorityFactory(name="Chorley", ons_code="E07000118", county=county)
    south_ribble = AuthorityFactory(name="South Ribble", ons_code="E07000126", county=county)

    lancashire = PartnershipFactory(
        name="Lancashire Community Safety Partnership Board", slug="lancashire", kind=Partnership.Kind.COUNTY
    )
    lancaster = PartnershipFactory(name="Lancaster District CSP", slug="lancaster", county_board=lancashire)
    csr = PartnershipFactory(
        name="Chorley and South Ribble CSP",
        slug="chorley-south-ribble",
        kind=Partnership.Kind.JOINT,
        county_board=lancashire,
    )
    lancaster.authorities.add(lancaster_council)
    csr.authorities.add(chorley, south_ribble)
    lancashire.authorities.add(lancaster_council, chorley, south_ribble)

    police = AgencyFactory(name="Lancashire Constabulary", agency_type="police", is_responsible_authority=True)
    MembershipFactory(partnership=lancaster, agency=police, representative="Chief Inspector, Lancaster")
    MembershipFactory(partnership=csr, agency=police, representative="Chief Inspector, South")

    officer = Role.Kind.OFFICER
    return Cast(
        lancashire=lancashire,
        lancaster=lancaster,
        chorley_south_ribble=csr,
        officer=_person("officer@lancaster.example", "Olivia Officer", (lancaster, officer), (lancashire, "board")),
        lead=_person("lead@lancaster.example", "Liam Lead", (lancaster, Role.Kind.LEAD)),
        board_member=_person("board@lancaster.example", "Bea Board", (lancaster, Role.Kind.BOARD)),
        analyst=_person("analyst@lancashire.example", "Ana Analyst", (lancashire, Role.Kind.ANALYST)),
        csr_officer=_person("officer@csr.example", "Carl Chorley", (csr, officer)),
        admin=_person("admin@example.org", "Ada Admin", is_superuser=True),
        outsider=_person("nobody@example.org", "Nadia Nobody"),
    )


def verify_second_factor(client, user: User) -> None:
    """Mark the client's session as having passed the two-factor step, as django_otp.login does,
    with a confirmed authenticator-app device for the user (created if they have none)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def login(client):
    """Sign the test client in as a user of the cast. Site administrators must pass two-factor
    authentication, so for them the session is also marked as verified."""

    def sign_in(user: User):
        client.force_login(user)
        if user.is_superuser:
            verify_second_factor(client, user)
        return client

    return sign_in


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real worker process, consuming from the test Redis and using the test database."""
    from csp_portal.celery import app

    from .worker import WorkerProcess

    app.control.purge()  # what an earlier test sent and no worker took would otherwise come first
    worker = WorkerProcess(f"test-{os.getpid()}@localhost", tmp_path / "worker.log").start()
    yield worker
    worker.stop()


@pytest.fixture
def smtp_server(monkeypatch, settings):
    """A real SMTP server on localhost (aiosmtpd): this process's e-mails go to it, and so do those
    of a worker started after this fixture (it reads EMAIL_URL)."""
    from .smtp import SMTPServer

    with SMTPServer() as server:
        monkeypatch.setenv("EMAIL_URL", server.url)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server
