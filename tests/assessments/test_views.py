"""Evidence pages: the happy path, the wrong role (403), another partnership (404), bad input, and query
counts that stay flat when the data grows tenfold."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import (
    CrimeCount,
    CrimeImport,
    HarmWeight,
    Indicator,
    IndicatorValue,
    Recommendation,
    StrategicAssessment,
    Threat,
)
from assessments.services import assessments as services
from csp_portal.organisations.models import Role

pytestmark = pytest.mark.django_db


def url(name, partnership, *args):
    return reverse(f"assessments:{name}", args=[partnership.slug, *args])


@pytest.fixture
def sa(cast):
    """The county's strategic assessment, with two threats."""
    assessment = StrategicAssessment.objects.create(
        partnership=cast.lancashire,
        title="Lancashire Strategic Assessment 2022-2025",
        period_start_year=2022,
        period_end_year=2025,
    )
    for name, harm in (("Domestic Abuse", 5), ("Fraud", 3)):
        services.save_threat(actor=cast.analyst, threat=Threat(assessment=assessment, name=name, harm=harm))
    return assessment


@pytest.fixture
def district_sa(cast):
    return StrategicAssessment.objects.create(
        partnership=cast.lancaster, title="Lancaster local assessment", period_start_year=2022, period_end_year=2025
    )


def counts(authority, months=3, crime_type="Burglary", per_month=10):
    from datetime import date

    CrimeCount.objects.bulk_create(
        CrimeCount(
            force="Lancashire Constabulary",
            month=date(2024, m, 1),
            authority=authority,
            crime_type=crime_type,
            count=per_month,
        )
        for m in range(1, months + 1)
    )


THREAT_DATA = {
    "name": "Gun & Knife Crime",
    "theme": "violence",
    "description": "",
    "harm": "5",
    "likelihood": "4",
    "trend": "4",
    "public_concern": "4",
    "capacity": "3",
    "capability": "3",
    "manual_rank": "",
    "override_reason": "",
}


# The list of assessments


def test_analyst_sees_the_county_assessments(login, cast, sa):
    body = login(cast.analyst).get(url("assessment_list", cast.lancashire)).content.decode()
    assert "Lancashire Strategic Assessment 2022-2025" in body
    assert "Add a strategic assessment" in body


def test_district_officer_reads_the_county_assessment_from_their_own_evidence_page(login, cast, sa):
    body = login(cast.csr_officer).get(url("assessment_list", cast.chorley_south_ribble)).content.decode()
    assert "Assessments of the county board" in body
    assert "Lancashire Strategic Assessment 2022-2025" in body
    assert "Add a strategic assessment" not in body
    assert login(cast.csr_officer).get(url("assessment_detail", cast.lancashire, sa.pk)).status_code == 200


def test_outsider_gets_not_found(login, cast, sa):
    assert login(cast.outsider).get(url("assessment_list", cast.lancashire)).status_code == 404
    assert login(cast.csr_officer).get(url("assessment_list", cast.lancaster)).status_code == 404


def test_assessment_is_found_only_under_its_own_partnership(login, cast, sa):
    assert login(cast.admin).get(url("assessment_detail", cast.lancaster, sa.pk)).status_code == 404


# Creating and editing


def test_analyst_creates_an_assessment(login, cast):
    response = login(cast.analyst).post(
        url("assessment_create", cast.lancashire),
        {
            "title": "Lancashire Strategic Assessment 2025-2028",
            "status": "draft",
            "period_start_year": "2025",
            "period_end_year": "2028",
            "trend_start": "2021-04",
            "trend_end": "2024-03",
            "aim": "To account for long-term threats.",
        },
    )
    assessment = StrategicAssessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("assessment_detail", cast.lancashire, assessment.pk)
    assert assessment.trend_window_label == "April 2021 to March 2024"
    assert assessment.history.first().history_user == cast.analyst


def test_bad_assessment_input_is_shown_and_nothing_saved(login, cast):
    response = login(cast.analyst).post(
        url("assessment_create", cast.lancashire),
        {
            "title": "",
            "status": "draft",
            "period_start_year": "2025",
            "period_end_year": "2022",
            "trend_start": "April",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "The period must end in or after the year it starts." in body
    assert "Enter the month as year and month" in body
    assert StrategicAssessment.objects.count() == 0


def test_a_document_must_be_a_pdf(login, cast, sa):
    fake = SimpleUploadedFile("sa.pdf", b"not a pdf", content_type="application/pdf")
    data = {
        "title": sa.title,
        "status": "draft",
        "period_start_year": "2022",
        "period_end_year": "2025",
        "document": fake,
    }
    response = login(cast.analyst).post(url("assessment_edit", cast.lancashire, sa.pk), data)
    assert "The document must be a PDF file." in response.content.decode()


def test_a_pdf_is_attached_and_served(login, cast, sa, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("sa.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    data = {
        "title": sa.title,
        "status": "published",
        "period_start_year": "2022",
        "period_end_year": "2025",
        "document": pdf,
    }
    assert login(cast.analyst).post(url("assessment_edit", cast.lancashire, sa.pk), data).status_code == 302
    response = login(cast.csr_officer).get(url("assessment_document", cast.lancashire, sa.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_no_document_is_not_found(login, cast, sa):
    assert login(cast.analyst).get(url("assessment_document", cast.lancashire, sa.pk)).status_code == 404


@pytest.mark.parametrize("member", ["officer", "csr_officer"])
def test_readers_may_not_edit_the_county_assessment(login, cast, sa, member):
    client = login(getattr(cast, member))
    assert client.get(url("assessment_edit", cast.lancashire, sa.pk)).status_code == 403
    assert client.get(url("threat_create", cast.lancashire, sa.pk)).status_code == 403
    assert client.post(url("threat_create", cast.lancashire, sa.pk), THREAT_DATA).status_code == 403
    assert client.get(url("assessment_create", cast.lancashire)).status_code == 403


def test_county_analyst_reads_but_does_not_edit_a_district_assessment(login, cast, district_sa):
    client = login(cast.analyst)
    assert client.get(url("assessment_detail", cast.lancaster, district_sa.pk)).status_code == 200
    assert client.get(url("assessment_edit", cast.lancaster, district_sa.pk)).status_code == 403


def test_outsider_cannot_reach_edit_pages(login, cast, sa):
    client = login(cast.outsider)
    assert client.get(url("assessment_edit", cast.lancashire, sa.pk)).status_code == 404
    assert client.post(url("threat_create", cast.lancashire, sa.pk), THREAT_DATA).status_code == 404


# Threats and the ranking


def test_analyst_adds_a_threat_and_the_ranking_follows_the_formula(login, cast, sa):
    response = login(cast.analyst).post(url("threat_create", cast.lancashire, sa.pk), THREAT_DATA)
    assert response.status_code == 302
    threat = Threat.objects.get(name="Gun & Knife Crime")
    assert threat.ori == 3  # capacity 3, capability 3: gap 4, 1 + ceil(4 / 2)
    assert threat.risk_score == 5 * 4 * (4 + 4 + 3)
    assert list(Threat.objects.filter(assessment=sa).order_by("rank").values_list("name", flat=True)) == [
        "Gun & Knife Crime",
        "Domestic Abuse",
        "Fraud",
    ]
    body = login(cast.csr_officer).get(url("assessment_detail", cast.lancashire, sa.pk)).content.decode()
    assert "Organisational Risk Indicator" in body and "Gun &amp; Knife Crime" in body


def test_a_manual_rank_needs_a_reason_and_then_wins(login, cast, sa):
    client = login(cast.analyst)
    fraud = Threat.objects.get(name="Fraud")
    data = {**THREAT_DATA, "name": "Fraud", "harm": "3", "manual_rank": "1"}
    response = client.post(url("threat_edit", cast.lancashire, sa.pk, fraud.pk), data)
    assert "Say why you are setting the rank by hand." in response.content.decode()
    fraud.refresh_from_db()
    assert fraud.manual_rank is None
    data["override_reason"] = "Partners' consultation put fraud first."
    assert client.post(url("threat_edit", cast.lancashire, sa.pk, fraud.pk), data).status_code == 302
    fraud.refresh_from_db()
    assert fraud.rank == 1


def test_a_duplicate_threat_is_refused(login, cast, sa):
    response = login(cast.analyst).post(url("threat_create", cast.lancashire, sa.pk), {**THREAT_DATA, "name": "fraud"})
    assert "already ranks a threat with that name" in response.content.decode()


def test_removing_a_threat_reranks(login, cast, sa):
    domestic = Threat.objects.get(name="Domestic Abuse")
    response = login(cast.analyst).post(url("threat_delete", cast.lancashire, sa.pk, domestic.pk))
    assert response.status_code == 302
    assert Threat.objects.get(name="Fraud").rank == 1
    assert login(cast.analyst).get(url("threat_delete", cast.lancashire, sa.pk, domestic.pk)).status_code == 405


# Findings, recommendations, consultations, tables


def test_analyst_records_a_consultation_and_a_data_table(login, cast, sa):
    client = login(cast.analyst)
    response = client.post(
        url("part_create", cast.lancashire, sa.pk, "consultations"),
        {
            "title": "Lancashire Talking",
            "method": "",
            "sample_size": "40000",
            "issues": "Anti-Social Behaviour\n- Road safety\n\nDrug dealing and drug taking",
        },
    )
    assert response.status_code == 302
    response = client.post(
        url("part_create", cast.lancashire, sa.pk, "tables"),
        {
            "title": "Table 2: Proportion of all reoffenders per age group",
            "label_heading": "Age Group",
            "value_heading": "Proportion of Reoffenders",
            "unit": "%",
            "source": "",
            "rows": "10-17, 8.5\n18-24, 18.7%",
        },
    )
    assert response.status_code == 302
    body = client.get(url("assessment_detail", cast.lancashire, sa.pk)).content.decode()
    assert "Responses: 40000." in body
    assert body.index("Anti-Social Behaviour") < body.index("Road safety") < body.index("Drug dealing")
    assert "18.7%" in body


def test_a_data_table_row_without_a_number_is_refused(login, cast, sa):
    response = login(cast.analyst).post(
        url("part_create", cast.lancashire, sa.pk, "tables"),
        {"title": "T", "label_heading": "A", "value_heading": "B", "unit": "", "source": "", "rows": "10-17, lots"},
    )
    assert "Line 1 (&#x27;10-17, lots&#x27;) needs a label, a comma and a number." in response.content.decode()


def test_recommendations_are_numbered_and_numbers_are_unique(login, cast, sa):
    client = login(cast.analyst)
    assert 'value="1"' in client.get(url("part_create", cast.lancashire, sa.pk, "recommendations")).content.decode()
    client.post(url("part_create", cast.lancashire, sa.pk, "recommendations"), {"number": "1", "text": "Governance."})
    response = client.post(url("part_create", cast.lancashire, sa.pk, "recommendations"), {"number": "1", "text": "X"})
    assert "There is already a recommendation 1." in response.content.decode()
    recommendation = Recommendation.objects.get()
    client.post(url("part_delete", cast.lancashire, sa.pk, "recommendations", recommendation.pk))
    assert not Recommendation.objects.exists()


def test_an_unknown_part_is_not_found(login, cast, sa):
    assert login(cast.analyst).get(url("part_create", cast.lancashire, sa.pk, "gossip")).status_code == 404


def test_district_officer_may_not_add_findings_to_the_county_assessment(login, cast, sa):
    response = login(cast.csr_officer).post(
        url("part_create", cast.lancashire, sa.pk, "findings"), {"theme": "violence", "text": "x"}
    )
    assert response.status_code == 403


# Crime data, exports and uploads


def test_crime_data_page_and_csv_show_the_partnerships_authorities(login, cast):
    chorley = cast.chorley_south_ribble.authorities.get(name="Chorley")
    lancaster = cast.lancaster.authorities.get()
    counts(chorley)
    counts(lancaster, per_month=99)
    client = login(cast.csr_officer)
    body = client.get(url("crime_data", cast.chorley_south_ribble)).content.decode()
    assert "Chorley" in body and 'role="img"' in body
    assert "every type weighs 1" in body
    response = client.get(url("crime_counts_csv", cast.chorley_south_ribble))
    lines = response.content.decode().splitlines()
    assert lines[0] == "authority ONS code,authority name,month,crime type,count"
    assert lines[1:] == [f"E07000118,Chorley,2024-0{m},Burglary,10" for m in (1, 2, 3)]


def test_officer_may_not_upload_crime_data(login, cast):
    assert login(cast.officer).get(url("crime_upload", cast.lancaster)).status_code == 403
    assert login(cast.outsider).get(url("crime_upload", cast.lancaster)).status_code == 404


def test_an_upload_must_be_csv_or_zip(login, cast):
    upload = SimpleUploadedFile("crimes.xlsx", b"PK", content_type="application/vnd.ms-excel")
    response = login(cast.analyst).post(url("crime_upload", cast.lancashire), {"file": upload})
    assert "Choose a .csv file, or a .zip of police.uk files." in response.content.decode()
    assert not CrimeImport.objects.exists()


def test_analyst_uploads_a_file_and_follows_the_job(
    login, cast, settings, tmp_path, django_capture_on_commit_callbacks
):
    from .helpers import row

    settings.MEDIA_ROOT = tmp_path
    content = (
        "\r\n".join(
            [
                "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
                "Last outcome category,Context",
                row(),
                row(),
            ]
        )
        + "\r\n"
    )
    upload = SimpleUploadedFile("2024-01-lancashire-street.csv", content.encode(), content_type="text/csv")
    client = login(cast.analyst)
    from unittest import mock

    with (
        mock.patch("assessments.tasks.run_crime_import.apply_async") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url("crime_upload", cast.lancashire), {"file": upload})
    job = CrimeImport.objects.get()
    send.assert_called_once_with((job.pk,), priority=None)
    assert response["Location"] == url("import_detail", cast.lancashire, job.pk)
    assert client.get(url("import_status", cast.lancashire, job.pk)).json()["status"] == "queued"

    from assessments.services.crime import run_import_job

    run_import_job(job.pk)
    state = client.get(url("import_status", cast.lancashire, job.pk)).json()
    assert state["status"] == "ready" and state["progress"] == 100
    assert state["summary"][0].startswith("2 rows from 1 file")
    assert "Imported" in client.get(url("import_detail", cast.lancashire, job.pk)).content.decode()
    assert run_import_job(job.pk) is None  # claimed once only
    assert login(cast.csr_officer).get(url("import_status", cast.lancashire, job.pk)).status_code == 403


def test_a_refused_upload_reports_its_problems(login, cast, settings, tmp_path):
    from assessments.services.crime import run_import_job

    settings.MEDIA_ROOT = tmp_path
    job = CrimeImport(partnership=cast.lancashire, requested_by=cast.analyst, file_names="bad.csv")
    job.file.save("bad.csv", SimpleUploadedFile("bad.csv", b"Crime ID,Month\r\nx,2024-01\r\n"), save=False)
    job.save()
    run_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error.startswith("bad.csv, line 1: the header has no 'Reported by'") or "header has no" in job.error
    body = login(cast.analyst).get(url("import_detail", cast.lancashire, job.pk)).content.decode()
    assert "nothing was imported" in body


def test_crime_data_page_lists_the_partnership_s_own_imports_and_the_command_line_s(login, cast):
    CrimeImport.objects.create(partnership=cast.lancashire, requested_by=cast.analyst, file_names="county.csv")
    CrimeImport.objects.create(partnership=None, file_names="nightly.csv")
    other_analyst = cast.csr_officer
    Role.objects.create(user=other_analyst, partnership=cast.chorley_south_ribble, role=Role.Kind.ANALYST)
    CrimeImport.objects.create(partnership=cast.chorley_south_ribble, requested_by=other_analyst, file_names="csr.csv")
    county_page = login(cast.analyst).get(url("crime_data", cast.lancashire)).content.decode()
    assert "county.csv" in county_page and "nightly.csv" in county_page
    assert "csr.csv" not in county_page and str(other_analyst) not in county_page
    district_page = login(other_analyst).get(url("crime_data", cast.chorley_south_ribble)).content.decode()
    assert "csr.csv" in district_page and "nightly.csv" in district_page and "county.csv" not in district_page


def test_import_pages_of_another_partnership_are_not_found(login, cast):
    job = CrimeImport.objects.create(partnership=cast.lancashire, requested_by=cast.analyst)
    assert login(cast.analyst).get(url("import_detail", cast.lancaster, job.pk)).status_code == 404


# Crime-severity weights


def test_analyst_uploads_weights_and_harm_is_weighted(login, cast):
    chorley = cast.chorley_south_ribble.authorities.get(name="Chorley")
    counts(chorley, crime_type="Burglary", per_month=10)
    counts(chorley, crime_type="Shoplifting", per_month=30)
    csv_file = SimpleUploadedFile("w.csv", b"Crime type,Weight\r\nBurglary,9\r\nShoplifting,1\r\n")
    response = login(cast.analyst).post(
        url("harm_weights", cast.lancashire),
        {"action": "upload", "upload-file": csv_file, "upload-source": "Analyst's averages of ONS CSS weights"},
    )
    assert response.status_code == 302
    assert HarmWeight.objects.count() == 2
    body = login(cast.csr_officer).get(url("crime_data", cast.chorley_south_ribble)).content.decode()
    assert "75.0%" in body  # burglary: 30 of 40 crimes is 25% of volume but 270 of 360 harm


def test_a_bad_weights_file_is_refused_with_its_line(login, cast):
    csv_file = SimpleUploadedFile("w.csv", b"crime_type,weight\r\nBurglary,heavy\r\n")
    response = login(cast.analyst).post(
        url("harm_weights", cast.lancashire), {"action": "upload", "upload-file": csv_file, "upload-source": "x"}
    )
    assert "Line 2, column 2: &#x27;heavy&#x27; is not a weight." in response.content.decode()
    assert not HarmWeight.objects.exists()


def test_officer_may_read_but_not_set_weights(login, cast):
    client = login(cast.officer)
    assert client.get(url("harm_weights", cast.lancaster)).status_code == 200
    data = {"action": "weight", "weight-crime_type": "Burglary", "weight-weight": "2", "weight-source": "x"}
    assert client.post(url("harm_weights", cast.lancaster), data).status_code == 403
    assert login(cast.outsider).get(url("harm_weights", cast.lancaster)).status_code == 404


# Indicators


@pytest.fixture
def vehicle_offences(cast):
    south_ribble = cast.chorley_south_ribble.authorities.get(name="South Ribble")
    indicator = Indicator.objects.create(
        partnership=cast.chorley_south_ribble,
        name="Vehicle offences, South Ribble",
        unit="offences",
        source="MADE",
        frequency="year",
        authority=south_ribble,
    )
    from datetime import date

    IndicatorValue.objects.create(indicator=indicator, period_start=date(2021, 4, 1), value=255)
    IndicatorValue.objects.create(indicator=indicator, period_start=date(2022, 4, 1), value=302)
    return indicator


def test_indicator_shows_year_on_year_change_and_a_chart_with_its_table(login, cast, vehicle_offences):
    body = login(cast.csr_officer).get(url("indicator_detail", cast.chorley_south_ribble, vehicle_offences.pk))
    body = body.content.decode()
    assert "+47 (+18.4%)" in " ".join(body.split())
    assert "Worsening" in body
    assert 'role="img"' in body and "<title" in body
    assert "style=" not in body.split('role="img"')[1].split("</svg>")[0]


def test_officer_records_a_figure_by_hand(login, cast, vehicle_offences):
    response = login(cast.csr_officer).post(
        url("indicator_detail", cast.chorley_south_ribble, vehicle_offences.pk),
        {"action": "value", "value-period": "2023/24", "value-value": "280", "value-note": ""},
    )
    assert response.status_code == 302
    assert vehicle_offences.values.count() == 3


def test_a_figure_s_note_is_shown_beside_it(login, cast, vehicle_offences):
    page = url("indicator_detail", cast.chorley_south_ribble, vehicle_offences.pk)
    client = login(cast.csr_officer)
    assert ">Note</th>" not in client.get(page).content.decode()  # no notes, no empty column
    client.post(
        page,
        {"action": "value", "value-period": "2023/24", "value-value": "280", "value-note": "Recording rules changed"},
    )
    rows = [" ".join(row.split()) for row in client.get(page).content.decode().split("<tr")]
    assert ">Note</th>" in rows[1]
    figure_row = next(row for row in rows if ">2023/24</th>" in row)
    assert "280" in figure_row and ">Recording rules changed</td>" in figure_row
    assert sum(">Recording rules changed<" in row for row in rows) == 1


def test_a_bad_period_is_refused(login, cast, vehicle_offences):
    response = login(cast.csr_officer).post(
        url("indicator_detail", cast.chorley_south_ribble, vehicle_offences.pk),
        {"action": "value", "value-period": "2023", "value-value": "280"},
    )
    assert "Enter a financial year as, for example, 2022/23" in response.content.decode()
    assert vehicle_offences.values.count() == 2


def test_figures_are_uploaded_as_csv(login, cast, vehicle_offences):
    upload = SimpleUploadedFile("v.csv", b"period,value\r\n2023/24,281\r\n2024/25,290\r\n")
    response = login(cast.analyst).post(
        url("indicator_detail", cast.chorley_south_ribble, vehicle_offences.pk),
        {"action": "upload", "upload-file": upload},
    )
    assert response.status_code == 403  # the county analyst reads the district's indicators only
    csr_analyst = cast.csr_officer
    Role.objects.create(user=csr_analyst, partnership=cast.chorley_south_ribble, role=Role.Kind.ANALYST)
    upload.seek(0)
    response = login(csr_analyst).post(
        url("indicator_detail", cast.chorley_south_ribble, vehicle_offences.pk),
        {"action": "upload", "upload-file": upload},
    )
    assert response.status_code == 302
    assert vehicle_offences.values.count() == 4


def test_board_member_may_not_enter_figures(login, cast):
    indicator = Indicator.objects.create(partnership=cast.lancaster, name="ASB", source="police.uk")
    response = login(cast.board_member).post(
        url("indicator_detail", cast.lancaster, indicator.pk),
        {"action": "value", "value-period": "2022/23", "value-value": "1"},
    )
    assert response.status_code == 403
    assert login(cast.csr_officer).get(url("indicator_detail", cast.lancaster, indicator.pk)).status_code == 404


def test_analyst_defines_an_indicator_fed_by_crime_data(login, cast, sa):
    lancaster = cast.lancaster.authorities.get()
    counts(lancaster, months=12, crime_type="Vehicle crime", per_month=5)
    Role.objects.create(user=cast.analyst, partnership=cast.lancaster, role=Role.Kind.ANALYST)
    threat = Threat.objects.get(name="Fraud")
    response = login(cast.analyst).post(
        url("indicator_create", cast.lancaster),
        {
            "name": "Vehicle crime, Lancaster",
            "unit": "offences",
            "source": "police.uk",
            "desired_direction": "down",
            "target": "",
            "frequency": "quarter",
            "authority": lancaster.pk,
            "crime_type": "Vehicle crime",
            "threats": [threat.pk],
        },
    )
    indicator = Indicator.objects.get()
    assert response.status_code == 302
    assert list(indicator.threats.all()) == [threat]
    body = login(cast.officer).get(url("indicator_detail", cast.lancaster, indicator.pk)).content.decode()
    assert "2023/24 Q4" in body and "2024/25 Q3" in body  # Jan-Mar 2024 ... Oct-Dec 2024, 15 each
    assert "Record a figure" not in body
    assert login(cast.officer).get(url("indicator_create", cast.lancaster)).status_code == 403


def test_a_duplicate_indicator_name_is_refused(login, cast, vehicle_offences):
    Role.objects.create(user=cast.csr_officer, partnership=cast.chorley_south_ribble, role=Role.Kind.ANALYST)
    response = login(cast.csr_officer).post(
        url("indicator_create", cast.chorley_south_ribble),
        {
            "name": "vehicle offences, south ribble",
            "unit": "x",
            "source": "x",
            "desired_direction": "down",
            "frequency": "year",
        },
    )
    assert "already has an indicator with that name" in response.content.decode()


# Local profiles


def test_local_profile_shows_share_of_county_crime(login, cast, vehicle_offences):
    chorley = cast.chorley_south_ribble.authorities.get(name="Chorley")
    south_ribble = cast.chorley_south_ribble.authorities.get(name="South Ribble")
    counts(chorley, per_month=10)
    counts(south_ribble, per_month=30)
    body = login(cast.csr_officer).get(url("local_profile", cast.chorley_south_ribble, "E07000126")).content.decode()
    assert "South Ribble" in body
    assert "90 of 120 (75.0%)" in body
    assert "Vehicle offences, South Ribble" in body and "+18.4%" in body


def test_local_profile_of_an_authority_outside_the_partnership_is_not_found(login, cast):
    assert login(cast.csr_officer).get(url("local_profile", cast.chorley_south_ribble, "E07000121")).status_code == 404
    assert login(cast.outsider).get(url("local_profile", cast.lancaster, "E07000121")).status_code == 404


# Query counts do not grow with the data


def _queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def _grow(cast, sa, size, offset):
    from datetime import date

    from assessments.models import Consultation, KeyFinding

    for n in range(size):
        services.save_threat(actor=cast.analyst, threat=Threat(assessment=sa, name=f"Threat {offset + n}"))
        Recommendation.objects.create(assessment=sa, number=offset + n + 10, text="x")
        KeyFinding.objects.create(assessment=sa, theme="violence", text=f"Finding {n}")
        consultation = Consultation.objects.create(assessment=sa, title=f"Survey {offset + n}")
        consultation.issues.create(rank=1, issue="ASB")
        indicator = Indicator.objects.create(partnership=cast.lancashire, name=f"Indicator {offset + n}", source="x")
        IndicatorValue.objects.create(indicator=indicator, period_start=date(2020 + n % 5, 4, 1), value=n)
        StrategicAssessment.objects.create(
            partnership=cast.lancashire, title=f"SA {offset + n}", period_start_year=2020, period_end_year=2023
        )
    for authority in cast.lancashire.authorities.all():
        counts(authority, months=size % 12 + 1, crime_type=f"Type {offset}")


@pytest.mark.parametrize(
    "page",
    [
        lambda c, sa: url("assessment_list", c.lancashire),
        lambda c, sa: url("assessment_detail", c.lancashire, sa.pk),
        lambda c, sa: url("crime_data", c.lancashire),
        lambda c, sa: url("harm_weights", c.lancashire),
        lambda c, sa: url("local_profile", c.lancashire, "E07000121"),
        lambda c, sa: url("crime_counts_csv", c.lancashire),
    ],
    ids=["assessment_list", "assessment_detail", "crime_data", "harm_weights", "local_profile", "crime_counts_csv"],
)
def test_page_queries_do_not_grow_with_the_data(login, cast, sa, page):
    client = login(cast.analyst)
    _grow(cast, sa, 2, 0)
    small = _queries(client, page(cast, sa))
    _grow(cast, sa, 20, 100)
    assert _queries(client, page(cast, sa)) == small
    assert small <= 30


def test_indicator_list_queries_are_bounded(login, cast, sa):
    client = login(cast.analyst)
    _grow(cast, sa, 2, 0)
    small = _queries(client, url("indicator_list", cast.lancashire))
    _grow(cast, sa, 20, 100)
    assert _queries(client, url("indicator_list", cast.lancashire)) == small


def test_indicator_page_queries_do_not_grow_with_its_figures(login, cast):
    from datetime import date

    indicator = Indicator.objects.create(partnership=cast.lancaster, name="Repeat victims", frequency="month")
    client = login(cast.officer)
    address = url("indicator_detail", cast.lancaster, indicator.pk)

    def add_figures(years):
        for year in years:
            for month in range(1, 13):
                IndicatorValue.objects.create(
                    indicator=indicator, period_start=date(year, month, 1), value=month, note=f"Note {year}-{month}"
                )

    add_figures([2020])
    small = _queries(client, address)
    add_figures(range(2021, 2026))
    assert _queries(client, address) == small
    assert "Note 2025-12" in client.get(address).content.decode()
