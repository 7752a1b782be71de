"""Demonstration data: pan-Lancashire, its partnerships, partner agencies and demo accounts.

``manage.py load_demo`` runs every registered step in order, in one transaction. Steps must be
idempotent: running them twice leaves the same rows. Any installed app can add its own steps in a
``demo.py`` module of its own (the command imports them all with ``autodiscover_modules("demo")``)::

    from csp_portal.organisations.demo import DemoContext, demo_step

    @demo_step(order=500)
    def priorities(ctx: DemoContext) -> None:
        lancaster = ctx.partnership("lancaster")
        ...
        ctx.report("Priorities: 5 for Lancaster District CSP.")

Orders below 500 belong to this app: 100 areas, 200 partnerships, 300 agencies, 400 people.

The data (names, codes, texts, figures) is kept apart from the steps, in TOML files in each app's
``data`` folder that say where it comes from; a demo module reads its own with
``read_data(__file__, "demo_....toml")``. This app's is ``data/demo_lancashire.toml``.
Representatives are given by role title only; the source documents name real people, the demo must not.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import models, transaction
from django.utils.module_loading import autodiscover_modules

from .models import Agency, Authority, Membership, Partnership, PoliceDivision, PoliceForceArea, Role, User

DEFAULT_PASSWORD = "demo"  # the published demo password # nosec B105

# Site administrators must use two-factor authentication, so the demo administrator has an
# authenticator-app device with this fixed, published secret. Never use it outside the demo:
# `manage.py demo_code` prints the current code, and load_demo prints the secret.
DEMO_TOTP_KEY = b"CSP-Portal-demo-only".hex()
DEMO_TOTP_SECRET = "INJVALKQN5ZHIYLMFVSGK3LPFVXW43DZ"  # published on purpose # nosec B105

Step = Callable[["DemoContext"], None]
_steps: dict[str, tuple[int, Step]] = {}


def demo_step(order: int) -> Callable[[Step], Step]:
    """Register a function as a step of ``load_demo``; steps run by ascending ``order``."""

    def register(func: Step) -> Step:
        _steps[f"{func.__module__}.{func.__qualname__}"] = (order, func)
        return func

    return register


def steps() -> list[Step]:
    autodiscover_modules("demo")
    return [func for _, func in sorted(_steps.values(), key=lambda item: item[0])]


@dataclass
class DemoContext:
    """What the steps share: the password to give the accounts and the summary they build up."""

    password: str = DEFAULT_PASSWORD
    lines: list[str] = field(default_factory=list)
    accounts: list[tuple[str, str]] = field(default_factory=list)

    def report(self, line: str) -> None:
        self.lines.append(line)

    def partnership(self, slug: str) -> Partnership:
        return Partnership.objects.get(slug=slug)


class DemoConflict(Exception):
    """The database holds rows the demo cannot take over without overwriting someone's data."""


def load(*, password: str = DEFAULT_PASSWORD) -> DemoContext:
    """Create or refresh all demonstration data in one transaction."""
    ctx = DemoContext(password=password)
    with transaction.atomic():
        for step in steps():
            step(ctx)
    return ctx


def read_data(module_file: str, name: str) -> dict:
    """A demo data file, TOML in the ``data`` folder beside the module ``module_file`` (``__file__``).
    Decimals are read exactly, so that figures match the published ones."""
    with open(Path(module_file).resolve().parent / "data" / name, "rb") as file:
        return tomllib.load(file, parse_float=Decimal)


@dataclass
class _Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created + self.updated + self.unchanged} ({self.created} created, {self.updated} updated)"


def _upsert(model: type[models.Model], tally: _Tally, lookup: dict, values: dict) -> models.Model:
    """get_or_create that saves only when something changed, so history records real changes only."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        tally.created += 1
        return model._default_manager.create(**lookup, **values)
    diff = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if diff:
        for k, v in diff.items():
            setattr(obj, k, v)
        obj.save()
        tally.updated += 1
    else:
        tally.unchanged += 1
    return obj


# -- Areas -------------------------------------------------------------------------------------------

DATA = read_data(__file__, "demo_lancashire.toml")
FORCE = (DATA["force"]["code"], DATA["force"]["name"])
COUNTY = (DATA["county"]["code"], DATA["county"]["name"])
# ONS code, name, kind, police division, and the CSP code the ONS December 2019 lookup gives it.
AUTHORITIES = [
    (row["code"], row["name"], Authority.Kind(row["kind"]), row["division"], row["csp"]) for row in DATA["authorities"]
]
CSP_CODE = {code: csp for code, _, _, _, csp in AUTHORITIES}


@demo_step(order=100)
def areas(ctx: DemoContext) -> None:
    """Lancashire police force area, its three divisions, the county council and the 14 authorities."""
    forces, divisions, authorities = _Tally(), _Tally(), _Tally()
    force = _upsert(PoliceForceArea, forces, {"code": FORCE[0]}, {"name": FORCE[1]})
    division = {
        name: _upsert(PoliceDivision, divisions, {"force": force, "name": name}, {}) for name in DATA["divisions"]
    }
    county = _upsert(
        Authority,
        authorities,
        {"ons_code": COUNTY[0]},
        {"name": COUNTY[1], "kind": Authority.Kind.COUNTY, "county": None, "police_force": force},
    )
    for code, name, kind, division_name, _ in AUTHORITIES:
        _upsert(
            Authority,
            authorities,
            {"ons_code": code},
            {
                "name": name,
                "kind": kind,
                "county": county if kind == Authority.Kind.DISTRICT else None,
                "police_force": force,
                "police_division": division[division_name],
            },
        )
    ctx.report(f"Police force areas: {forces}; divisions: {divisions}; authorities: {authorities}.")


# -- Partnerships ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnershipSpec:
    slug: str
    name: str
    kind: str
    authorities: tuple[str, ...]
    ons_code: str = ""
    county_board: str | None = None


PARTNERSHIPS = [
    PartnershipSpec(**{**row, "kind": Partnership.Kind(row["kind"]), "authorities": tuple(row["authorities"])})
    for row in DATA["partnerships"]
]


def _find_partnership(spec: PartnershipSpec) -> Partnership | None:
    """The row to use for ``spec``: the one with its ONS code (e.g. made by load_areas) or its slug."""
    by_code = Partnership.objects.filter(ons_code=spec.ons_code).first() if spec.ons_code else None
    by_slug = Partnership.objects.filter(slug=spec.slug).first()
    if by_code and by_slug and by_code != by_slug:
        raise DemoConflict(
            f"The demo partnership '{spec.slug}' should be the CSP with ONS code {spec.ons_code} "
            f"('{by_code}'), but the slug '{spec.slug}' already belongs to '{by_slug}'."
        )
    if by_slug and not by_code and spec.ons_code and by_slug.ons_code:
        raise DemoConflict(
            f"The slug '{spec.slug}' belongs to '{by_slug}' (ONS code {by_slug.ons_code}), "
            f"not to the CSP {spec.ons_code} the demo expects."
        )
    return by_code or by_slug


@demo_step(order=200)
def partnerships(ctx: DemoContext) -> None:
    """The Lancashire board and the district and joint CSPs that report to it.

    Where load_areas already made a CSP (same ONS code), that row is taken over and renamed."""
    tally = _Tally()
    force = PoliceForceArea.objects.get(code=FORCE[0])
    authority = {a.ons_code: a for a in Authority.objects.filter(ons_code__in=CSP_CODE)}
    made: dict[str, Partnership] = {}
    for spec in PARTNERSHIPS:
        values = {
            "slug": spec.slug,
            "name": spec.name,
            "kind": spec.kind,
            "ons_code": spec.ons_code,
            "police_force": force,
            "county_board": made[spec.county_board] if spec.county_board else None,
        }
        partnership = _find_partnership(spec)
        lookup = {"pk": partnership.pk} if partnership else {"slug": spec.slug}
        if partnership is None:
            del values["slug"]
        partnership = _upsert(Partnership, tally, lookup, values)
        wanted = {authority[code] for code in spec.authorities}
        if set(partnership.authorities.all()) != wanted:
            partnership.authorities.set(wanted)
        made[spec.slug] = partnership
    ctx.report(f"Partnerships: {tally}.")


# -- Agencies and memberships ------------------------------------------------------------------------

# Name, type. Responsible authorities are the statutory types (Agency.RESPONSIBLE_TYPES).
AGENCIES = [(row["name"], Agency.Type(row["type"])) for row in DATA["agencies"]]


def _seats(seats: dict) -> list[tuple[str, str]]:
    """A partnership's seats, (agency, representative by role title): in a two-tier district the
    council's and the other responsible authorities' first, then the others."""
    found = []
    if statutory := seats.get("statutory"):
        found.append((statutory["council"], statutory["representative"]))
        found += [(agency, role.format(place=statutory["place"])) for agency, role in DATA["statutory_seats"]]
    return found + [(agency, representative) for agency, representative in seats.get("others", [])]


# Partnership slug -> (agency, representative by role title). Voting follows responsible-authority status.
MEMBERSHIPS = {slug: _seats(seats) for slug, seats in DATA["memberships"].items()}


@demo_step(order=300)
def agencies(ctx: DemoContext) -> None:
    """Partner agencies named in the Lancashire documents, and their seats on the demo partnerships."""
    agency_tally, membership_tally = _Tally(), _Tally()
    agency = {
        name: _upsert(
            Agency,
            agency_tally,
            {"name": name},
            {"agency_type": kind, "is_responsible_authority": kind in Agency.RESPONSIBLE_TYPES},
        )
        for name, kind in AGENCIES
    }
    for slug, seats in MEMBERSHIPS.items():
        partnership = ctx.partnership(slug)
        for name, representative in seats:
            _upsert(
                Membership,
                membership_tally,
                {"partnership": partnership, "agency": agency[name]},
                {"is_voting": agency[name].is_responsible_authority, "representative": representative},
            )
    ctx.report(f"Agencies: {agency_tally}; memberships: {membership_tally}.")


# -- People ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSpec:
    email: str
    full_name: str
    job_title: str
    agency: str
    roles: tuple[tuple[str, str], ...] = ()  # (partnership slug, Role.Kind)
    is_superuser: bool = False


ACCOUNTS = [
    AccountSpec(**{**row, "roles": tuple((slug, Role.Kind(role)) for slug, role in row.get("roles", ()))})
    for row in DATA["accounts"]
]


def _describe(spec: AccountSpec, names: dict[str, str]) -> str:
    parts = ["site administrator"] if spec.is_superuser else []
    parts += [f"{Role.Kind(role).label.lower()}, {names[slug]}" for slug, role in spec.roles]
    return "; ".join(parts)


def _demo_authenticator(user: User) -> None:
    """Give a demo administrator the demo's authenticator-app device (fresh on every run)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).exclude(name="Demo authenticator").delete()
    TOTPDevice.objects.update_or_create(
        user=user,
        name="Demo authenticator",
        defaults={"key": DEMO_TOTP_KEY, "confirmed": True, "drift": 0, "last_t": -1, "throttling_failure_count": 0},
    )


def _sync_roles(user: User, wanted: Iterable[tuple[Partnership, str]], tally: _Tally) -> None:
    """Give the user exactly the demo roles: roles left from an earlier run are removed."""
    keep = {(partnership.pk, role) for partnership, role in wanted}
    current = {(r.partnership_id, r.role): r for r in user.roles.all()}
    for key, role in current.items():
        if key not in keep:
            role.delete()
            tally.updated += 1
    for partnership_id, role in keep - current.keys():
        Role.objects.create(user=user, partnership_id=partnership_id, role=role)
        tally.created += 1
    tally.unchanged += len(keep & current.keys())


@demo_step(order=400)
def accounts(ctx: DemoContext) -> None:
    """Demo accounts, one per role, all with the same password (reset on every run)."""
    from axes.utils import reset as reset_lockouts

    users, roles = _Tally(), _Tally()
    agency = {a.name: a for a in Agency.objects.filter(name__in={spec.agency for spec in ACCOUNTS})}
    slugs = {slug for spec in ACCOUNTS for slug, _ in spec.roles}
    partnership = {p.slug: p for p in Partnership.objects.filter(slug__in=slugs)}
    for spec in ACCOUNTS:
        user = _upsert(
            User,
            users,
            {"email": spec.email},
            {
                "full_name": spec.full_name,
                "job_title": spec.job_title,
                "agency": agency[spec.agency],
                "is_superuser": spec.is_superuser,
                "is_active": True,
            },
        )
        user.set_password(ctx.password)
        user.save(update_fields=["password"])
        reset_lockouts(username=spec.email)
        if spec.is_superuser:
            _demo_authenticator(user)
        _sync_roles(user, [(partnership[slug], role) for slug, role in spec.roles], roles)
        ctx.accounts.append((spec.email, _describe(spec, {slug: p.name for slug, p in partnership.items()})))
    ctx.report(f"Demo accounts: {users}; roles: {roles}.")
