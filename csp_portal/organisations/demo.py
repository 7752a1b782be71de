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

Representatives are given by role title only; the source documents name real people, the demo must not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

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

FORCE = ("E23000003", "Lancashire")
COUNTY = ("E10000017", "Lancashire County Council")
WEST, EAST, SOUTH = "West", "East", "South"

# ONS code, name, kind, police division, and the CSP code the ONS December 2019 lookup gives it.
AUTHORITIES = [
    ("E06000008", "Blackburn with Darwen", Authority.Kind.UNITARY, EAST, "E22000150"),
    ("E06000009", "Blackpool", Authority.Kind.UNITARY, WEST, "E22000151"),
    ("E07000117", "Burnley", Authority.Kind.DISTRICT, EAST, "E22000152"),
    ("E07000118", "Chorley", Authority.Kind.DISTRICT, SOUTH, "E22000153"),
    ("E07000119", "Fylde", Authority.Kind.DISTRICT, WEST, "E22000154"),
    ("E07000120", "Hyndburn", Authority.Kind.DISTRICT, EAST, "E22000155"),
    ("E07000121", "Lancaster", Authority.Kind.DISTRICT, WEST, "E22000156"),
    ("E07000122", "Pendle", Authority.Kind.DISTRICT, EAST, "E22000157"),
    ("E07000123", "Preston", Authority.Kind.DISTRICT, SOUTH, "E22000158"),
    ("E07000124", "Ribble Valley", Authority.Kind.DISTRICT, EAST, "E22000159"),
    ("E07000125", "Rossendale", Authority.Kind.DISTRICT, EAST, "E22000160"),
    ("E07000126", "South Ribble", Authority.Kind.DISTRICT, SOUTH, "E22000161"),
    ("E07000127", "West Lancashire", Authority.Kind.DISTRICT, SOUTH, "E22000162"),
    ("E07000128", "Wyre", Authority.Kind.DISTRICT, WEST, "E22000163"),
]
CSP_CODE = {code: csp for code, _, _, _, csp in AUTHORITIES}
LANCASTER, CHORLEY, SOUTH_RIBBLE = "E07000121", "E07000118", "E07000126"
BLACKPOOL, PRESTON, BURNLEY = "E06000009", "E07000123", "E07000117"


@demo_step(order=100)
def areas(ctx: DemoContext) -> None:
    """Lancashire police force area, its three divisions, the county council and the 14 authorities."""
    forces, divisions, authorities = _Tally(), _Tally(), _Tally()
    force = _upsert(PoliceForceArea, forces, {"code": FORCE[0]}, {"name": FORCE[1]})
    division = {
        name: _upsert(PoliceDivision, divisions, {"force": force, "name": name}, {}) for name in (WEST, EAST, SOUTH)
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
    county_board: str | None = "lancashire"


PARTNERSHIPS = [
    PartnershipSpec(
        "lancashire",
        "Lancashire Community Safety Partnership Board",
        Partnership.Kind.COUNTY,
        tuple(code for code, *_ in AUTHORITIES),
        county_board=None,
    ),
    PartnershipSpec(
        "lancaster", "Lancaster District CSP", Partnership.Kind.DISTRICT, (LANCASTER,), CSP_CODE[LANCASTER]
    ),
    # One plan for two CSPs; the ONS still lists Chorley and South Ribble separately, so no code.
    PartnershipSpec(
        "chorley-south-ribble", "Chorley and South Ribble CSP", Partnership.Kind.JOINT, (CHORLEY, SOUTH_RIBBLE)
    ),
    PartnershipSpec(
        "blackpool",
        "Blackpool Community Safety Partnership",
        Partnership.Kind.DISTRICT,
        (BLACKPOOL,),
        CSP_CODE[BLACKPOOL],
    ),
    PartnershipSpec(
        "preston", "Preston Community Safety Partnership", Partnership.Kind.DISTRICT, (PRESTON,), CSP_CODE[PRESTON]
    ),
    PartnershipSpec(
        "burnley", "Burnley Community Safety Partnership", Partnership.Kind.DISTRICT, (BURNLEY,), CSP_CODE[BURNLEY]
    ),
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

T = Agency.Type
CONSTABULARY = "Lancashire Constabulary"
COUNTY_COUNCIL = "Lancashire County Council"
FIRE = "Lancashire Fire and Rescue Service"
PROBATION = "Probation Service North West"
ICB = "Lancashire and South Cumbria Integrated Care Board"
OPCC = "Office of the Police and Crime Commissioner for Lancashire"
YOT = "Lancashire Youth Offending Team"
VRN = "Lancashire Violence Reduction Network"
ROAD_SAFETY = "Lancashire Road Safety Partnership"
WOMENS_AID = "Lancaster District Women's Aid"
CITIZENS_ADVICE = "Citizens Advice"
HOUSING = "Progress Housing Group"
VICTIM_SERVICES = "Lancashire Victim Services"

# Name, type. Responsible authorities are the statutory types (Agency.RESPONSIBLE_TYPES).
AGENCIES = [
    (CONSTABULARY, T.POLICE),
    (COUNTY_COUNCIL, T.LOCAL_AUTHORITY),
    ("Lancaster City Council", T.LOCAL_AUTHORITY),
    ("Chorley Council", T.LOCAL_AUTHORITY),
    ("South Ribble Borough Council", T.LOCAL_AUTHORITY),
    ("Blackpool Council", T.LOCAL_AUTHORITY),
    ("Blackburn with Darwen Borough Council", T.LOCAL_AUTHORITY),
    ("Preston City Council", T.LOCAL_AUTHORITY),
    ("Burnley Borough Council", T.LOCAL_AUTHORITY),
    (FIRE, T.FIRE),
    (PROBATION, T.PROBATION),
    (ICB, T.HEALTH),
    (OPCC, T.OPCC),
    (YOT, T.YOUTH_JUSTICE),
    (VRN, T.OTHER),
    (ROAD_SAFETY, T.OTHER),
    (WOMENS_AID, T.VOLUNTARY),
    (CITIZENS_ADVICE, T.VOLUNTARY),
    (HOUSING, T.HOUSING),
    (VICTIM_SERVICES, T.VOLUNTARY),
]


def _statutory(council: str, council_rep: str, place: str) -> list[tuple[str, str]]:
    """The responsible authorities' seats on a district CSP in two-tier Lancashire."""
    return [
        (council, council_rep),
        (COUNTY_COUNCIL, "Community Safety Lead"),
        (CONSTABULARY, f"Chief Inspector, {place}"),
        (FIRE, f"Station Manager, {place}"),
        (PROBATION, f"Head of Probation Delivery Unit, {place}"),
        (ICB, "Designated Nurse, Safeguarding"),
    ]


# Partnership slug -> (agency, representative by role title). Voting follows responsible-authority status.
MEMBERSHIPS: dict[str, list[tuple[str, str]]] = {
    "lancashire": [
        (COUNTY_COUNCIL, "Head of Community Safety"),
        ("Blackpool Council", "Director of Communities and Environmental Services"),
        ("Blackburn with Darwen Borough Council", "Strategic Director of Environment and Operations"),
        (CONSTABULARY, "Assistant Chief Constable"),
        (FIRE, "Area Manager, Prevention and Protection"),
        (PROBATION, "Head of Public Protection"),
        (ICB, "Director of Population Health"),
        (OPCC, "Chief Executive"),
        (VRN, "Director"),
        (ROAD_SAFETY, "Partnership Manager"),
        (VICTIM_SERVICES, "Service Manager"),
    ],
    "lancaster": [
        *_statutory("Lancaster City Council", "Community Safety Manager", "Lancaster"),
        (OPCC, "Partnerships and Commissioning Officer"),
        (YOT, "Youth Offending Team Manager, North"),
        (WOMENS_AID, "Service Manager"),
        (ROAD_SAFETY, "Road Safety Officer"),
    ],
    "chorley-south-ribble": [
        *_statutory("Chorley Council", "Director of Communities (Chair)", "Chorley and South Ribble"),
        ("South Ribble Borough Council", "Community Safety Manager"),
        (OPCC, "Partnerships and Commissioning Officer"),
        (YOT, "Youth Offending Team Manager, Central"),
        (CITIZENS_ADVICE, "Chief Officer"),
        (HOUSING, "Neighbourhood Services Manager"),
    ],
    "blackpool": [
        ("Blackpool Council", "Head of Community Safety"),
        (CONSTABULARY, "Chief Inspector, Blackpool"),
        (FIRE, "Station Manager, Blackpool"),
        (PROBATION, "Head of Probation Delivery Unit, Blackpool"),
        (ICB, "Designated Nurse, Safeguarding"),
        (OPCC, "Partnerships and Commissioning Officer"),
    ],
    "preston": [
        *_statutory("Preston City Council", "Community Safety Manager", "Preston"),
        (OPCC, "Partnerships and Commissioning Officer"),
    ],
    "burnley": [
        *_statutory("Burnley Borough Council", "Community Safety Manager", "Burnley"),
        (OPCC, "Partnerships and Commissioning Officer"),
    ],
}


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


R = Role.Kind
ACCOUNTS = [
    AccountSpec("admin@demo.example", "Alex Morgan", "Systems Administrator", COUNTY_COUNCIL, is_superuser=True),
    AccountSpec(
        "officer@demo.example",
        "Priya Shah",
        "Community Safety Partnership Officer",
        "Lancaster City Council",
        (("lancaster", R.OFFICER), ("lancashire", R.BOARD)),
    ),
    AccountSpec(
        "lead@demo.example",
        "Tom Hughes",
        "Inspector, Lancaster Neighbourhood Policing",
        CONSTABULARY,
        (("lancaster", R.LEAD),),
    ),
    AccountSpec(
        "board@demo.example",
        "Helen Price",
        "Area Manager, Northern Area",
        FIRE,
        (("lancaster", R.BOARD),),
    ),
    AccountSpec(
        "analyst@demo.example",
        "Sam Okafor",
        "Community Safety Analyst",
        COUNTY_COUNCIL,
        (("lancashire", R.ANALYST),),
    ),
    AccountSpec(
        "officer-csr@demo.example",
        "Rachel Evans",
        "Community Safety Partnership Officer",
        "Chorley Council",
        (("chorley-south-ribble", R.OFFICER),),
    ),
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
