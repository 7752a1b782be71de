"""Import every local authority, CSP and police force area of England and Wales from the ONS lookups
shipped in ``csp_portal/organisations/data`` (see the README there for sources and licence).

Rows are matched on their ONS codes, so the import can run any number of times. Names and slugs of
rows that already exist are left alone: administrators (and ``load_demo``) may have renamed them.
What a re-run does update are the links that come from the ONS: an authority's kind, county and
police force, and a partnership's authorities, kind (district or joint) and police force.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..models import Authority, Partnership, PoliceForceArea

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LOOKUP_CSV = DATA_DIR / "ons_lad_csp_pfa_2019.csv"
UPPER_TIER_CSV = DATA_DIR / "la_all_codes.csv"

KIND_BY_PREFIX = {
    "E06": Authority.Kind.UNITARY,
    "E07": Authority.Kind.DISTRICT,
    "E08": Authority.Kind.METROPOLITAN,
    "E09": Authority.Kind.LONDON,
    "W06": Authority.Kind.UNITARY,
}

# la_all_codes.csv gives each district's upper tier as it is today. These unitaries replaced county
# councils after the 2019 lookup was drawn, so their districts are mapped back to the 2019 county.
FORMER_COUNTY_BY_SUCCESSOR = {
    "E06000060": ("E10000002", "Buckinghamshire"),  # Buckinghamshire, 2020
    "E06000061": ("E10000021", "Northamptonshire"),  # North Northamptonshire, 2021
    "E06000062": ("E10000021", "Northamptonshire"),  # West Northamptonshire, 2021
    "E06000063": ("E10000006", "Cumbria"),  # Cumberland, 2023
    "E06000064": ("E10000006", "Cumbria"),  # Westmorland and Furness, 2023
    "E06000065": ("E10000023", "North Yorkshire"),  # North Yorkshire, 2023
    "E06000066": ("E10000027", "Somerset"),  # Somerset, 2023
}


def county_council_name(place: str) -> str:
    return f"{place} County Council"


@dataclass
class Area:
    """One ONS area as the lookup describes it."""

    code: str
    name: str


@dataclass
class CspRow:
    code: str
    name: str
    force_code: str
    lad_codes: list[str] = field(default_factory=list)


@dataclass
class Lookup:
    """The 2019 lookup, parsed: forces, counties, LADs (with county and force) and CSPs."""

    forces: dict[str, Area]
    counties: dict[str, Area]
    lads: dict[str, Area]
    county_of_lad: dict[str, str]
    force_of_lad: dict[str, str]
    csps: dict[str, CspRow]


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class ImportResult:
    forces: Tally
    authorities: Tally
    partnerships: Tally


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_lookup(lookup_csv: Path = LOOKUP_CSV, upper_tier_csv: Path = UPPER_TIER_CSV) -> Lookup:
    upper_tier = {row["LADCD"]: (row["UTLACD"], row["UTLANM"]) for row in _read_csv(upper_tier_csv)}
    forces: dict[str, Area] = {}
    counties: dict[str, Area] = {}
    lads: dict[str, Area] = {}
    county_of_lad: dict[str, str] = {}
    force_of_lad: dict[str, str] = {}
    csps: dict[str, CspRow] = {}
    for row in _read_csv(lookup_csv):
        lad, csp, force = row["LAD19CD"], row["CSP19CD"], row["PFA19CD"]
        forces.setdefault(force, Area(force, row["PFA19NM"]))
        lads.setdefault(lad, Area(lad, row["LAD19NM"]))
        force_of_lad[lad] = force
        csps.setdefault(csp, CspRow(csp, row["CSP19NM"], force)).lad_codes.append(lad)
        if lad[:3] not in KIND_BY_PREFIX:
            raise ValueError(f"{lookup_csv.name}: unexpected LAD code {lad} ({row['LAD19NM']})")
        if KIND_BY_PREFIX[lad[:3]] == Authority.Kind.DISTRICT:
            if lad not in upper_tier:
                raise ValueError(f"{upper_tier_csv.name} has no upper tier for district {lad}")
            code, name = upper_tier[lad]
            code, name = FORMER_COUNTY_BY_SUCCESSOR.get(code, (code, name))
            if not code.startswith("E10"):
                raise ValueError(f"district {lad} has upper tier {code}, not a county council")
            counties.setdefault(code, Area(code, county_council_name(name)))
            county_of_lad[lad] = code
    return Lookup(forces, counties, lads, county_of_lad, force_of_lad, csps)


def _county_forces(lookup: Lookup) -> dict[str, str]:
    """A county council's police force, where all its districts are policed by the same one."""
    forces_by_county: dict[str, set[str]] = defaultdict(set)
    for lad, county in lookup.county_of_lad.items():
        forces_by_county[county].add(lookup.force_of_lad[lad])
    return {county: forces.pop() for county, forces in forces_by_county.items() if len(forces) == 1}


def _import_forces(lookup: Lookup) -> tuple[dict[str, PoliceForceArea], Tally]:
    existing = {f.code: f for f in PoliceForceArea.objects.filter(code__in=lookup.forces)}
    new = [PoliceForceArea(code=a.code, name=a.name) for a in lookup.forces.values() if a.code not in existing]
    new = bulk_create_with_history(new, PoliceForceArea, default_change_reason="load_areas")
    existing.update({f.code: f for f in new})
    return existing, Tally(created=len(new), unchanged=len(lookup.forces) - len(new))


def _pk(obj) -> int | None:
    return obj.pk if obj is not None else None


def _sync_authorities(wanted: dict[str, dict], names: dict[str, str], tally: Tally) -> dict[str, Authority]:
    """Create the authorities in ``wanted`` (ONS code -> field values, FKs as ids) or bring their links up to
    date."""
    existing = {a.ons_code: a for a in Authority.objects.filter(ons_code__in=wanted)}
    new, changed = [], []
    for code, values in wanted.items():
        authority = existing.get(code)
        if authority is None:
            new.append(Authority(ons_code=code, name=names[code], **values))
            continue
        diff = {k: v for k, v in values.items() if getattr(authority, k) != v}
        if diff:
            for k, v in diff.items():
                setattr(authority, k, v)
            changed.append(authority)
    new = bulk_create_with_history(new, Authority, default_change_reason="load_areas")
    bulk_update_with_history(changed, Authority, ["kind", "county", "police_force"], default_change_reason="load_areas")
    tally.created += len(new)
    tally.updated += len(changed)
    tally.unchanged += len(wanted) - len(new) - len(changed)
    existing.update({a.ons_code: a for a in new})
    return existing


def _import_authorities(lookup: Lookup, forces: dict[str, PoliceForceArea]) -> tuple[dict[str, Authority], Tally]:
    tally = Tally()
    county_forces = _county_forces(lookup)
    counties = _sync_authorities(
        {
            code: {
                "kind": Authority.Kind.COUNTY,
                "county_id": None,
                "police_force_id": _pk(forces.get(county_forces.get(code, ""))),
            }
            for code in lookup.counties
        },
        {code: area.name for code, area in lookup.counties.items()},
        tally,
    )
    lads = _sync_authorities(
        {
            code: {
                "kind": KIND_BY_PREFIX[code[:3]],
                "county_id": _pk(counties.get(lookup.county_of_lad.get(code, ""))),
                "police_force_id": forces[lookup.force_of_lad[code]].pk,
            }
            for code in lookup.lads
        },
        {code: area.name for code, area in lookup.lads.items()},
        tally,
    )
    return lads, tally


def _unique_slug(name: str, taken: set[str]) -> str:
    max_length = Partnership._meta.get_field("slug").max_length
    base = slugify(name)[:max_length] or "partnership"
    slug, n = base, 1
    while slug in taken:
        n += 1
        suffix = f"-{n}"
        slug = f"{base[: max_length - len(suffix)]}{suffix}"
    taken.add(slug)
    return slug


def _csp_kind(csp: CspRow) -> str:
    return Partnership.Kind.JOINT if len(csp.lad_codes) > 1 else Partnership.Kind.DISTRICT


def _import_partnerships(
    lookup: Lookup, authorities: dict[str, Authority], forces: dict[str, PoliceForceArea]
) -> Tally:
    existing = {p.ons_code: p for p in Partnership.objects.filter(ons_code__in=lookup.csps)}
    taken_slugs = set(Partnership.objects.values_list("slug", flat=True))
    new, changed = [], []
    for csp in lookup.csps.values():
        partnership = existing.get(csp.code)
        force = forces[csp.force_code]
        if partnership is None:
            slug = _unique_slug(csp.name, taken_slugs)
            new.append(
                Partnership(name=csp.name, slug=slug, kind=_csp_kind(csp), ons_code=csp.code, police_force=force)
            )
            continue
        dirty = False
        # An administrator may have made a CSP with an ONS code the county board; leave that alone.
        if partnership.kind != Partnership.Kind.COUNTY and partnership.kind != _csp_kind(csp):
            partnership.kind, dirty = _csp_kind(csp), True
        if partnership.police_force_id != force.pk:
            partnership.police_force, dirty = force, True
        if dirty:
            changed.append(partnership)
    if new:
        new = bulk_create_with_history(new, Partnership, default_change_reason="load_areas")
    if changed:
        bulk_update_with_history(changed, Partnership, ["kind", "police_force"], default_change_reason="load_areas")
    existing.update({p.ons_code: p for p in new})
    relinked = _link_authorities(lookup, existing, authorities)

    updated = {p.pk for p in changed} | (relinked - {p.pk for p in new})
    return Tally(created=len(new), updated=len(updated), unchanged=len(lookup.csps) - len(new) - len(updated))


def _link_authorities(
    lookup: Lookup, partnerships: dict[str, Partnership], authorities: dict[str, Authority]
) -> set[int]:
    """Make each CSP's authorities exactly those the lookup gives; return the ids of partnerships changed."""
    through = Partnership.authorities.through
    wanted = {(partnerships[csp.code].pk, authorities[lad].pk) for csp in lookup.csps.values() for lad in csp.lad_codes}
    current = set(
        through.objects.filter(partnership_id__in=[p.pk for p in partnerships.values()]).values_list(
            "partnership_id", "authority_id"
        )
    )
    stale, missing = current - wanted, wanted - current
    if stale:
        condition = Q()
        for partnership_id, authority_id in stale:
            condition |= Q(partnership_id=partnership_id, authority_id=authority_id)
        through.objects.filter(condition).delete()
    through.objects.bulk_create([through(partnership_id=p, authority_id=a) for p, a in missing])
    return {p for p, _ in stale | missing}


def import_areas() -> ImportResult:
    """Load or refresh all police force areas, authorities and CSPs, in one transaction."""
    lookup = read_lookup()
    with transaction.atomic():
        forces, force_tally = _import_forces(lookup)
        authorities, authority_tally = _import_authorities(lookup, forces)
        partnership_tally = _import_partnerships(lookup, authorities, forces)
    return ImportResult(forces=force_tally, authorities=authority_tally, partnerships=partnership_tally)


def summary(result: ImportResult) -> list[str]:
    return [
        f"Police force areas: {result.forces}.",
        f"Authorities: {result.authorities}.",
        f"Partnerships: {result.partnerships}.",
    ]
