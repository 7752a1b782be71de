"""Importing police.uk street-level files: real files count exactly, re-imports replace, quirks are
reported, and malformed files are refused with the line and column of the problem, storing nothing."""

import csv
import io
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessments import police_uk
from assessments.models import CrimeCount, CrimeImport
from assessments.queries import crime_count_rows
from assessments.services.crime import import_police_uk

from .helpers import (
    BOLTON_A,
    CHORLEY_A,
    CHORLEY_B,
    HEADER,
    LANCASTER_A,
    NO_LOCATION,
    SHARED_STREET,
    SOUTH_RIBBLE_A,
    lancashire_authorities,
    row,
    write_csv,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(CrimeCount.objects.values_list("force", "month", "area", "authority_id", "crime_type", "count"))


def imported(*paths):
    return import_police_uk([(p, Path(p).name) for p in paths])


def counts_by_authority():
    return {(r["authority name"], r["month"], r["crime type"]): r["count"] for r in crime_count_rows()}


# The real files


def direct_count(paths):
    """Count the CSV rows with the csv module and the shipped lookup alone, independently of the importer."""
    district_of = {}
    with police_uk.LSOA_LOOKUP.open(newline="", encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            district_of[line["LSOA11CD"]] = line["LAD19NM"]
    counts = Counter()
    for path in paths:
        with open(path, newline="", encoding="utf-8") as handle:
            for line in csv.DictReader(handle):
                code = line["LSOA code"]
                if not code:
                    area = "Unknown area (no location)"
                elif district_of[code] in LANCASHIRE:
                    area = district_of[code]
                else:
                    area = "Outside the area"
                counts[(area, line["Month"], line["Crime type"])] += 1
    return dict(counts)


LANCASHIRE = {
    "Blackburn with Darwen",
    "Blackpool",
    "Burnley",
    "Chorley",
    "Fylde",
    "Hyndburn",
    "Lancaster",
    "Pendle",
    "Preston",
    "Ribble Valley",
    "Rossendale",
    "South Ribble",
    "West Lancashire",
    "Wyre",
}


@pytest.fixture
def real_files():
    files = sorted(SHARED_STREET.glob("*-street.csv")) if SHARED_STREET.is_dir() else []
    if len(files) < 6:
        pytest.skip("../shared/data/police-uk-lancashire-street not present")
    return files


def test_real_files_give_the_counts_of_a_direct_count_twice_in_a_row(real_files):
    lancashire_authorities()
    expected = direct_count(real_files)
    assert sum(expected.values()) == 100_812

    summary = imported(*real_files)
    assert counts_by_authority() == expected
    assert summary["rows"] == 100_812
    first = snapshot()

    summary = imported(*real_files)
    assert counts_by_authority() == expected
    assert snapshot() == first
    assert len(summary["months_replaced"]) == 6
    assert CrimeImport.objects.filter(status="ready").count() == 2


def test_real_files_quirks_are_reported_as_measured(real_files):
    lancashire_authorities()
    summary = imported(*real_files)
    files = summary["files"]
    assert sum(f["asb_without_crime_id"] for f in files) == 30_161
    assert sum(f["other_without_crime_id"] for f in files) == 0
    assert sum(f["no_location"] for f in files) == 3_172
    assert sum(f["outside_force_area"] for f in files) == 292
    assert [f["repeated_crime_ids"] for f in files] == [1, 4, 13, 1, 0, 27]
    assert sum(f["matched_by_name"] for f in files) == 0
    assert {f["force_area"] for f in files} == {"Lancashire"}
    assert summary["months"] == ["2022-05", "2022-06", "2022-07", "2022-08", "2022-09", "2022-10"]


def test_real_files_import_from_the_command_line_and_export(real_files, tmp_path):
    lancashire_authorities()
    out = io.StringIO()
    call_command("import_police_uk", str(real_files[0].parent), stdout=out)
    assert "Imported 100,812 rows" in out.getvalue()
    target = tmp_path / "counts.csv"
    call_command("export_crime_counts", "-o", str(target), stderr=io.StringIO())
    with target.open(newline="", encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    assert list(exported[0]) == ["authority ONS code", "authority name", "month", "crime type", "count"]
    assert sum(int(r["count"]) for r in exported) == 100_812
    chorley = [r for r in exported if r["authority name"] == "Chorley"]
    assert {r["authority ONS code"] for r in chorley} == {"E07000118"}
    assert {r["month"] for r in chorley} == {"2022-05", "2022-06", "2022-07", "2022-08", "2022-09", "2022-10"}


# Quirks of real files, in small files made here


def test_quirks_are_handled_and_reported(tmp_path):
    lancashire_authorities()
    same_id = "a" * 64
    rows = [
        row("", crime_type="Anti-social behaviour"),
        row("", crime_type="Anti-social behaviour", lsoa=NO_LOCATION),
        row("b" * 64, lsoa=NO_LOCATION),
        row(same_id, lsoa=CHORLEY_B),
        row(same_id, lsoa=CHORLEY_B),
        row("c" * 64, lsoa=BOLTON_A),
        row("d" * 64, lsoa=("E01035999", "Chorley 099Z")),  # a 2021 code the 2011 lookup lacks
        row("e" * 64, lsoa=LANCASTER_A, crime_type="Vehicle crime"),
        row("f" * 64, lsoa=SOUTH_RIBBLE_A, crime_type="Vehicle crime"),
    ]
    summary = imported(write_csv(tmp_path / "2024-01-lancashire-street.csv", rows))
    (file,) = summary["files"]
    assert file["rows"] == 9
    assert file["asb_without_crime_id"] == 2
    assert file["no_location"] == 2
    assert file["outside_force_area"] == 1
    assert file["outside_force_area_by_authority"] == {"Bolton": 1}
    assert file["outside_the_database"] == 1
    assert file["repeated_crime_ids"] == 1
    assert file["matched_by_name_examples"] == ["E01035999"]
    counts = counts_by_authority()
    assert counts[("Chorley", "2024-01", "Burglary")] == 3
    assert counts[("Chorley", "2024-01", "Anti-social behaviour")] == 1
    assert counts[("Unknown area (no location)", "2024-01", "Anti-social behaviour")] == 1
    assert counts[("Unknown area (no location)", "2024-01", "Burglary")] == 1
    assert counts[("Outside the area", "2024-01", "Burglary")] == 1
    assert counts[("Lancaster", "2024-01", "Vehicle crime")] == 1


def test_rows_outside_the_force_area_count_against_their_authority_when_it_is_set_up(tmp_path):
    from csp_portal.organisations.models import Authority

    lancashire_authorities()
    Authority.objects.create(name="Bolton", ons_code="E08000001", kind=Authority.Kind.METROPOLITAN)
    summary = imported(write_csv(tmp_path / "f.csv", [row(lsoa=CHORLEY_A), row(lsoa=BOLTON_A)]))
    assert summary["files"][0]["outside_force_area"] == 1
    assert summary["files"][0]["outside_the_database"] == 0
    assert counts_by_authority()[("Bolton", "2024-01", "Burglary")] == 1


def test_lf_line_endings_and_a_byte_order_mark_are_accepted(tmp_path):
    lancashire_authorities()
    path = write_csv(tmp_path / "f.csv", [row(), row()], header="\ufeff" + HEADER, newline="\n")
    assert imported(path)["rows"] == 2


def test_reimporting_a_month_replaces_only_that_forces_month(tmp_path):
    lancashire_authorities()
    imported(write_csv(tmp_path / "jan.csv", [row(), row(), row()]))
    imported(write_csv(tmp_path / "feb.csv", [row(month="2024-02")]))
    imported(write_csv(tmp_path / "other.csv", [row(force="Cumbria Constabulary")]))
    imported(write_csv(tmp_path / "jan-again.csv", [row()]))
    counts = counts_by_authority()
    assert counts[("Chorley", "2024-01", "Burglary")] == 2  # one from Lancashire, one from Cumbria
    assert counts[("Chorley", "2024-02", "Burglary")] == 1


def test_two_files_holding_the_same_month_are_refused(tmp_path):
    lancashire_authorities()
    with pytest.raises(police_uk.Refused, match="holds Lancashire Constabulary's 2024-01, which a.csv holds too"):
        imported(write_csv(tmp_path / "a.csv", [row()]), write_csv(tmp_path / "b.csv", [row()]))
    assert snapshot() == []


# Malformed files are refused precisely, and nothing changes


@pytest.fixture
def stored(tmp_path):
    lancashire_authorities()
    imported(write_csv(tmp_path / "stored.csv", [row(), row(lsoa=LANCASTER_A)]))
    return snapshot()


def refused(path) -> str:
    with pytest.raises(police_uk.Refused) as caught:
        imported(path)
    return str(caught.value)


def test_a_missing_column_is_refused(tmp_path, stored):
    header = HEADER.replace("LSOA name,", "")
    lines = [",".join(r.split(",")[:8] + r.split(",")[9:]) for r in [row(), row()]]
    message = refused(write_csv(tmp_path / "no-name.csv", lines, header=header))
    assert message == (
        "no-name.csv, line 1: the header has no 'LSOA name' column. A police.uk street-level file starts: "
        + HEADER.replace(",Context", ",Context")
    )
    assert snapshot() == stored


def test_a_bad_month_is_refused_with_its_line_and_column(tmp_path, stored):
    message = refused(write_csv(tmp_path / "m.csv", [row(), row(), row(month="2024-13"), row(month="Jan 2024")]))
    assert message.splitlines() == [
        "m.csv, line 4, column 2 (Month): '2024-13' is not a month: police.uk gives months as YYYY-MM, e.g. 2022-05.",
        "m.csv, line 5, column 2 (Month): 'Jan 2024' is not a month: police.uk gives months as YYYY-MM, e.g. 2022-05.",
    ]
    assert snapshot() == stored


def test_an_unknown_lsoa_is_refused_with_its_line_and_column(tmp_path, stored):
    message = refused(write_csv(tmp_path / "u.csv", [row(), row(lsoa=("E01099999", "Atlantis 001A"))]))
    assert message == (
        "u.csv, line 3, column 8 (LSOA code): unknown LSOA: the code 'E01099999' is not in the ONS lookup "
        "and the name 'Atlantis 001A' does not start with the name of a local authority."
    )
    assert snapshot() == stored


def test_a_truncated_last_line_is_refused_with_its_line_and_column(tmp_path, stored):
    path = tmp_path / "cut.csv"
    content = "\r\n".join([HEADER, row(), row(), row()]) + "\r\n"
    path.write_bytes(content[: content.rindex(",Burglary")].encode())  # cut inside the last line
    message = refused(path)
    assert message == (
        "cut.csv, line 4, column 10 (Crime type): has 9 fields where the header has 12: the line is cut short."
    )
    assert snapshot() == stored


def test_a_line_with_a_stray_comma_is_refused(tmp_path, stored):
    message = refused(write_csv(tmp_path / "extra.csv", [row(), row() + ",oops"]))
    assert message.startswith("extra.csv, line 3, column 13: has 13 fields where the header has 12")
    assert snapshot() == stored


def test_an_empty_crime_type_is_refused(tmp_path, stored):
    message = refused(write_csv(tmp_path / "t.csv", [row(crime_type="")]))
    assert message == "t.csv, line 2, column 10 (Crime type): the crime type is missing."


def test_a_file_that_is_not_csv_is_refused(tmp_path, stored):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7\n\xff\xfe binary")
    assert "is not a UTF-8 text file" in refused(path) or "has no 'Crime ID'" in refused(path)
    assert snapshot() == stored


def test_a_header_without_rows_is_refused(tmp_path, stored):
    assert refused(write_csv(tmp_path / "empty.csv", [])) == "empty.csv, line 2: has a header but no rows of crimes."


def test_one_bad_file_among_good_ones_stores_nothing(tmp_path, stored):
    good = write_csv(tmp_path / "good.csv", [row(month="2024-03")])
    bad = write_csv(tmp_path / "bad.csv", [row(month="2024-3")])
    with pytest.raises(police_uk.Refused):
        imported(good, bad)
    assert snapshot() == stored


def test_the_command_refuses_a_malformed_file(tmp_path, stored):
    path = write_csv(tmp_path / "m.csv", [row(month="2024-13")])
    with pytest.raises(CommandError, match=r"Nothing was imported.\n.*line 2, column 2 \(Month\)"):
        call_command("import_police_uk", str(path), stdout=io.StringIO())
    assert snapshot() == stored


def test_the_command_names_a_missing_path():
    with pytest.raises(CommandError, match="No such file or folder: /no/such/file.csv"):
        call_command("import_police_uk", "/no/such/file.csv")
