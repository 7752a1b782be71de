"""load_areas: every local authority, CSP and police force area of England and Wales from the ONS lookup."""

import hashlib
import io
from pathlib import Path

import pytest
from django.core.management import call_command

import csp_portal
from csp_portal.organisations.management.areas import LOOKUP_CSV, UPPER_TIER_CSV
from csp_portal.organisations.models import Authority, Partnership, PoliceForceArea

pytestmark = pytest.mark.django_db

LANCASHIRE_DISTRICTS = {f"E07000{n}" for n in range(117, 129)}


def load_areas() -> str:
    out = io.StringIO()
    call_command("load_areas", stdout=out)
    return out.getvalue()


def authority_codes(partnership: Partnership) -> set[str]:
    return set(partnership.authorities.values_list("ons_code", flat=True))


def test_creates_every_force_authority_and_csp_of_england_and_wales():
    output = load_areas()

    assert PoliceForceArea.objects.count() == 43
    assert Partnership.objects.exclude(ons_code="").count() == 314
    assert Partnership.objects.count() == 314
    assert Authority.objects.exclude(kind=Authority.Kind.COUNTY).count() == 339
    # The 26 county councils of 2019, five of them since replaced by unitaries.
    assert Authority.objects.filter(kind=Authority.Kind.COUNTY).count() == 26
    assert "Partnerships: 314 created" in output
    assert "Authorities: 365 created" in output


def test_kind_of_authority_follows_its_ons_code():
    load_areas()

    kinds = {a.ons_code: a.kind for a in Authority.objects.all()}
    assert kinds["E06000009"] == Authority.Kind.UNITARY  # Blackpool
    assert kinds["E07000121"] == Authority.Kind.DISTRICT  # Lancaster
    assert kinds["E08000003"] == Authority.Kind.METROPOLITAN  # Manchester
    assert kinds["E09000002"] == Authority.Kind.LONDON  # Barking and Dagenham
    assert kinds["W06000015"] == Authority.Kind.UNITARY  # Cardiff
    assert sum(kind == Authority.Kind.DISTRICT for kind in kinds.values()) == 192
    assert sum(kind == Authority.Kind.LONDON for kind in kinds.values()) == 33


def test_csp_covering_several_districts_is_joint():
    load_areas()

    south_worcester = Partnership.objects.get(ons_code="E22000332")
    assert south_worcester.kind == Partnership.Kind.JOINT
    assert set(south_worcester.authorities.values_list("name", flat=True)) == {"Malvern Hills", "Worcester", "Wychavon"}
    assert south_worcester.police_force.name == "West Mercia"
    assert south_worcester.slug == "south-worcester"
    assert Partnership.objects.filter(kind=Partnership.Kind.JOINT).count() == 15
    assert Partnership.objects.get(ons_code="E22000156").kind == Partnership.Kind.DISTRICT


def test_lancashire_districts_sit_under_lancashire_county_council():
    load_areas()

    county = Authority.objects.get(ons_code="E10000017")
    assert county.kind == Authority.Kind.COUNTY
    assert county.name == "Lancashire County Council"
    assert county.police_force.code == "E23000003"
    assert set(county.districts.values_list("ons_code", flat=True)) == LANCASHIRE_DISTRICTS
    assert Authority.objects.get(ons_code="E06000009").county is None  # Blackpool is unitary
    lancashire_csps = Partnership.objects.filter(police_force__code="E23000003")
    assert set(lancashire_csps.values_list("ons_code", flat=True)) == {f"E22000{n}" for n in range(150, 164)}


def test_districts_of_counties_abolished_since_2019_get_their_2019_county():
    load_areas()

    assert Authority.objects.get(ons_code="E07000028").county.ons_code == "E10000006"  # Carlisle, Cumbria
    assert Authority.objects.get(ons_code="E07000154").county.ons_code == "E10000021"  # Northampton
    assert not Authority.objects.filter(kind=Authority.Kind.DISTRICT, county__isnull=True).exists()


def test_running_twice_creates_nothing_new(django_assert_max_num_queries):
    load_areas()
    counts = (Authority.objects.count(), Partnership.objects.count(), PoliceForceArea.objects.count())
    history = Partnership.history.count()

    with django_assert_max_num_queries(20):
        output = load_areas()

    assert (Authority.objects.count(), Partnership.objects.count(), PoliceForceArea.objects.count()) == counts
    assert Partnership.history.count() == history
    assert "Partnerships: 0 created, 0 updated, 314 unchanged" in output
    assert "Authorities: 0 created, 0 updated, 365 unchanged" in output


def test_rerun_restores_ons_links_but_keeps_names_and_slugs():
    load_areas()
    lancaster = Partnership.objects.get(ons_code="E22000156")
    lancaster.name, lancaster.slug, lancaster.police_force = "Safer Lancaster", "safer-lancaster", None
    lancaster.save()
    lancaster.authorities.set([Authority.objects.get(ons_code="E07000128")])  # Wyre, wrongly
    Authority.objects.filter(ons_code="E07000121").update(county=None)

    output = load_areas()

    lancaster.refresh_from_db()
    assert (lancaster.name, lancaster.slug) == ("Safer Lancaster", "safer-lancaster")
    assert lancaster.police_force.code == "E23000003"
    assert authority_codes(lancaster) == {"E07000121"}
    assert Authority.objects.get(ons_code="E07000121").county.ons_code == "E10000017"
    assert "Partnerships: 0 created, 1 updated" in output
    assert "Authorities: 0 created, 1 updated" in output


def test_slug_taken_by_another_partnership_gets_a_suffix():
    Partnership.objects.create(name="Lancaster pilot", slug="lancaster", kind=Partnership.Kind.DISTRICT)

    load_areas()

    assert Partnership.objects.get(ons_code="E22000156").slug == "lancaster-2"
    assert Partnership.objects.get(slug="lancaster").name == "Lancaster pilot"


def test_data_is_a_copy_inside_the_project():
    package = Path(csp_portal.__file__).resolve().parent
    assert LOOKUP_CSV.resolve().is_relative_to(package)
    assert UPPER_TIER_CSV.resolve().is_relative_to(package)
    digest = hashlib.sha256(LOOKUP_CSV.read_bytes()).hexdigest()
    assert digest == "8e7fe7e7c9c301d5ccf4eb9da56d675efefc812431d4b50cd458d422da52a29e"
    readme = (LOOKUP_CSV.parent / "README.md").read_text()
    assert "Source: Office for National Statistics licensed under the Open Government Licence v.3.0" in readme
