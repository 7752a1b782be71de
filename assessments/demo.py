"""Demonstration evidence: the Lancashire Strategic Assessment 2022-2025 (draft), its threat ranking,
findings and tables, crime data and indicators. Runs before the priorities app's steps (500+), which
link priorities to these threats.

The data, and where it comes from, is in ``data/demo_strategic_assessment.toml``: the assessment
(seed 003) with illustrative component scores that reproduce its published ranking, and the
vehicle-offence figures of the Chorley and South Ribble plan (seed 004).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings

from csp_portal.organisations.demo import DemoContext, demo_step, read_data
from csp_portal.organisations.models import Authority, User

from .models import (
    CommunityIssue,
    Consultation,
    ContributoryFactor,
    CrimeCount,
    DataRow,
    DataTable,
    Indicator,
    IndicatorValue,
    KeyFinding,
    Recommendation,
    Source,
    StrategicAssessment,
    Threat,
)
from .services import assessments as services

SHARED_STREET = Path(settings.BASE_DIR).parent / "shared" / "data" / "police-uk-lancashire-street"
GENERATED_FORCE = "Generated demo data (not police.uk)"
DATA = read_data(__file__, "demo_strategic_assessment.toml")
TITLE = DATA["title"]
ASSESSMENT_FIELDS = (
    "period_start_year",
    "period_end_year",
    "trend_start",
    "trend_end",
    "status",
    "aim",
    "method",
    "executive_summary",
)
THREAT_SCORES = ("harm", "likelihood", "trend", "public_concern")


def _analyst() -> User | None:
    return User.objects.filter(email="analyst@demo.example").first()


def _reset(model, **lookup) -> None:
    model.objects.filter(**lookup).delete()


def _changed(obj, values: dict) -> bool:
    """Give ``obj`` the ``values``; False when it is saved already with all of them, so that loading
    the demo again writes no history."""
    if obj.pk and all(getattr(obj, key) == value for key, value in values.items()):
        return False
    for key, value in values.items():
        setattr(obj, key, value)
    return True


@demo_step(order=450)
def strategic_assessment(ctx: DemoContext) -> None:
    """The Lancashire Strategic Assessment 2022-2025: summary, thirteen ranked threats, findings, tables."""
    county = ctx.partnership("lancashire")
    actor = _analyst()
    assessment = StrategicAssessment.objects.filter(partnership=county, title=TITLE).first() or StrategicAssessment(
        partnership=county, title=TITLE
    )
    values = {name: DATA[name] for name in ASSESSMENT_FIELDS}
    values["status"] = StrategicAssessment.Status(values["status"])
    if _changed(assessment, values):
        services.save_assessment(actor=actor, partnership=county, assessment=assessment)
    _threats(assessment, actor)
    _findings(assessment)
    _consultations(assessment)
    _tables(assessment)
    ranked = ", ".join(t.name for t in assessment.threats.order_by("rank")[:3])
    ctx.report(f"Strategic assessment: '{TITLE}' with {len(DATA['threats'])} ranked threats ({ranked}, …).")


def _threats(assessment: StrategicAssessment, actor: User | None) -> None:
    # Capacity and capability are set so that each threat gets its published ORI.
    position = {int(ori): values for ori, values in DATA["capacity_capability_for_ori"].items()}
    for row in DATA["threats"]:
        capacity, capability = position[row["ori"]]
        threat = Threat.objects.filter(assessment=assessment, name=row["name"]).first() or Threat(
            assessment=assessment, name=row["name"]
        )
        wanted = {name: row[name] for name in THREAT_SCORES}
        wanted.update(theme=Threat.Theme(row["theme"]), capacity=capacity, capability=capability)
        if _changed(threat, wanted):
            services.save_threat(actor=actor, threat=threat)


def _findings(assessment: StrategicAssessment) -> None:
    """Recommendations, key findings, contributory factors and sources, as written in the assessment."""
    for number, text in enumerate(DATA["recommendations"], start=1):
        Recommendation.objects.update_or_create(assessment=assessment, number=number, defaults={"text": text})
    _reset(KeyFinding, assessment=assessment)
    KeyFinding.objects.bulk_create(
        KeyFinding(assessment=assessment, theme=Threat.Theme(row["theme"]), text=row["text"])
        for row in DATA["findings"]
    )
    _reset(ContributoryFactor, assessment=assessment)
    ContributoryFactor.objects.bulk_create(
        ContributoryFactor(assessment=assessment, name=row["name"], description=row.get("description", ""))
        for row in DATA["contributory_factors"]
    )
    _reset(Source, assessment=assessment)
    Source.objects.bulk_create(Source(assessment=assessment, citation=c) for c in DATA["sources"])


def _consultations(assessment: StrategicAssessment) -> None:
    _reset(Consultation, assessment=assessment)
    for row in DATA["consultations"]:
        consultation = Consultation.objects.create(
            assessment=assessment, title=row["title"], method=row["method"], sample_size=row.get("sample_size")
        )
        CommunityIssue.objects.bulk_create(
            CommunityIssue(consultation=consultation, rank=rank, issue=issue)
            for rank, issue in enumerate(row["issues"], start=1)
        )


def _tables(assessment: StrategicAssessment) -> None:
    _reset(DataTable, assessment=assessment)
    for row in DATA["tables"]:
        table = DataTable.objects.create(
            assessment=assessment,
            **{name: row[name] for name in ("title", "label_heading", "value_heading", "unit", "source")},
        )
        DataRow.objects.bulk_create(
            DataRow(table=table, position=position, label=label, value=value)
            for position, (label, value) in enumerate(row["rows"], 1)
        )


def _generated_counts(ctx: DemoContext) -> None:
    """Plausible monthly counts for the 14 authorities, clearly labelled as generated (not police.uk)."""
    import numpy as np

    from csp_portal.organisations.demo import AUTHORITIES

    generated = DATA["generated_crime"]
    rng = np.random.default_rng(generated["seed"])
    authorities = Authority.objects.filter(ons_code__in=[code for code, *_ in AUTHORITIES])
    months = [date(2022 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(5, 17)]
    CrimeCount.objects.filter(force=GENERATED_FORCE).delete()
    rows = []
    for authority in authorities:
        size = rng.uniform(0.5, 1.6)
        for month in months:
            for crime_type, mean in generated["monthly_mean"].items():
                count = int(rng.poisson(mean * size))
                if count:
                    rows.append(
                        CrimeCount(
                            force=GENERATED_FORCE, month=month, authority=authority, crime_type=crime_type, count=count
                        )
                    )
    CrimeCount.objects.bulk_create(rows)
    ctx.report(
        f"Crime data: ../shared/data not found, so {len(rows):,} monthly counts were GENERATED for the demo "
        f"(force '{GENERATED_FORCE}'); they are not real police.uk figures."
    )


@demo_step(order=460)
def crime_data(ctx: DemoContext) -> None:
    """Crime counts: the real police.uk files for Lancashire (May-October 2022) when present, else generated."""
    from .services.crime import import_police_uk, street_files

    files = street_files([SHARED_STREET]) if SHARED_STREET.is_dir() else []
    if not files:
        _generated_counts(ctx)
        return
    CrimeCount.objects.filter(force=GENERATED_FORCE).delete()
    summary = import_police_uk([(path, path.name) for path in files])
    ctx.report(
        f"Crime data: {summary['rows']:,} police.uk rows for {', '.join(summary['forces'])}, "
        f"{summary['months'][0]} to {summary['months'][-1]}, imported from ../shared/data."
    )


@demo_step(order=470)
def indicators(ctx: DemoContext) -> None:
    """Indicators: police.uk-fed ones for the county's threats, and the vehicle offences of Chorley and
    South Ribble from their partnership plan."""
    county = ctx.partnership("lancashire")
    threats = {t.name: t for t in Threat.objects.filter(assessment__partnership=county, assessment__title=TITLE)}
    for row in DATA["indicators"]["from_crime_data"]:
        crime_type = row["crime_type"]
        indicator, _ = Indicator.objects.update_or_create(
            partnership=county,
            name=row["name"],
            defaults={
                "unit": "crimes" if crime_type != "Anti-social behaviour" else "incidents",
                "source": "police.uk street-level data",
                "desired_direction": Indicator.Direction.DOWN,
                "frequency": Indicator.Frequency.MONTH,
                "crime_type": crime_type,
            },
        )
        indicator.threats.set([threats[n] for n in row["threats"] if n in threats])
    _vehicle_offences(ctx.partnership("chorley-south-ribble"))
    ctx.report(
        f"Indicators: {len(DATA['indicators']['from_crime_data'])} from crime data for the county; vehicle "
        "offences for Chorley and South Ribble (+61.5% and +18.4%)."
    )


def _vehicle_offences(csr) -> None:
    vehicles = DATA["indicators"]["vehicle_offences"]
    for row in vehicles["places"]:
        indicator, _ = Indicator.objects.update_or_create(
            partnership=csr,
            name=f"Vehicle offences, {row['place']}",
            defaults={
                "unit": vehicles["unit"],
                "source": vehicles["source"],
                "desired_direction": Indicator.Direction.DOWN,
                "frequency": Indicator.Frequency.YEAR,
                "authority": Authority.objects.get(ons_code=row["authority"]),
                "crime_type": "",
            },
        )
        for start, value in zip(vehicles["periods"], row["figures"], strict=True):
            IndicatorValue.objects.update_or_create(indicator=indicator, period_start=start, defaults={"value": value})
