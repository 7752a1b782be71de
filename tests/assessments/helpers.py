"""Small police.uk files for tests, and the Lancashire authorities they name."""

from __future__ import annotations

from pathlib import Path

from csp_portal.organisations.demo import DemoContext, areas
from csp_portal.organisations.models import Authority

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context"
)
FORCE = "Lancashire Constabulary"
SHARED_STREET = Path(__file__).resolve().parents[3] / "shared" / "data" / "police-uk-lancashire-street"

# Real 2011 LSOAs: two in Chorley, one in Lancaster, one in South Ribble, one in Bolton (Greater Manchester).
CHORLEY_A = ("E01024951", "Chorley 001A")
CHORLEY_B = ("E01024952", "Chorley 001B")
LANCASTER_A = ("E01025088", "Lancaster 001A")
SOUTH_RIBBLE_A = ("E01025424", "South Ribble 001A")
BOLTON_A = ("E01004768", "Bolton 001A")
NO_LOCATION = ("", "")


def row(crime_id="", month="2024-01", lsoa=CHORLEY_A, crime_type="Burglary", force=FORCE) -> str:
    code, name = lsoa
    location = "No Location" if not code else "On or near Market Street"
    lon_lat = ",," if not code else "-2.63,53.65,"
    outcome = "" if crime_type == "Anti-social behaviour" else "Under investigation"
    return f"{crime_id},{month},{force},{force},{lon_lat[:-1]},{location},{code},{name},{crime_type},{outcome},"


def write_csv(path: Path, rows: list[str], header: str = HEADER, newline: str = "\r\n") -> Path:
    path.write_bytes((newline.join([header, *rows]) + newline).encode("utf-8"))
    return path


def lancashire_authorities() -> dict[str, Authority]:
    """The 14 pan-Lancashire authorities (and the county council), as load_demo makes them."""
    areas(DemoContext())
    return {a.name: a for a in Authority.objects.all()}
