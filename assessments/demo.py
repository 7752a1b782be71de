"""Demonstration evidence: the Lancashire Strategic Assessment 2022-2025 (draft), its threat ranking,
findings and tables, crime data and indicators. Runs before the priorities app's steps (500+), which
link priorities to these threats.

Sources: the Lancashire Strategic Assessment 2022-2025 (draft) for the assessment, and the Chorley
and South Ribble CSP Partnership Plan 2022-2025 for the vehicle-offence figures (MADE). The published
assessment gives each threat only its rank and organisational risk indicator (ORI); the component
scores below are illustrative, chosen so that the scoring formula reproduces the published order and
ORIs, and the assessment's method says so.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from csp_portal.organisations.demo import DemoContext, demo_step
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
TITLE = "Lancashire Strategic Assessment 2022-2025"

AIM = (
    "The strategic assessment (SA) is a statutory requirement for community safety partnerships as outlined in the "
    "Crime and Disorder Act 1998. The aim of this SA is to provide an account of long-term issues and threats from "
    "crime and anti-social behaviour (ASB) across Lancashire. This SA is produced on a 3-year cycle."
)
METHOD = (
    "This assessment (along with 14 SA local profiles) is the result of 6 months research, analysis, engagement and "
    "consultation with key stakeholders, community safety partner agencies and all 14 local authorities. The process "
    "included 3 area workshop consultations (June 2021). The Lancashire Talking community survey tool and the Trading "
    "Standards Young Persons Survey 2020 gathered residents' and young people's concerns. The MORILE assessment tool "
    "has been used to rank the threats.\n\n"
    "Demonstration data: the published assessment gives each threat only its rank and organisational risk indicator. "
    "The component scores shown here are illustrative, chosen so that the scoring formula reproduces that order."
)
SUMMARY = """The key risks and threats impacting across the county include:
- Domestic abuse
- Violence
- Exploitation – criminal and sexual
- Serious Organised Crime
- Road safety

Health and well-being issues have become more and more apparent as factors relating to community safety; a public \
health approach and partnership working is necessary to tackle the 'causes of the causes'.

The impact of the Covid-19 pandemic throughout 2020/21 cannot be underestimated. Recorded crime reduced throughout \
2020/21, whilst the overall number of reported incidents to services remained similar to previous years.

Victims, vulnerability and safeguarding are a theme throughout the assessment."""

T = Threat.Theme
# name, theme, ORI as published, harm, likelihood, trend, public concern (illustrative)
THREATS = [
    ("Gun & Knife Crime", T.VIOLENCE, 3, 5, 4, 4, 4),
    ("Domestic Abuse", T.VULNERABILITY, 3, 5, 4, 4, 3),
    ("Violence Linked to Drug Supply", T.VIOLENCE, 3, 5, 4, 3, 3),
    ("County Lines", T.SERIOUS_ORGANISED_CRIME, 3, 5, 3, 4, 3),
    ("Modern Day Slavery/Trafficking", T.SERIOUS_ORGANISED_CRIME, 2, 5, 3, 4, 3),
    ("Child Criminal Exploitation", T.VULNERABILITY, 3, 5, 3, 3, 2),
    ("Anti-Social Behaviour", T.PUBLIC_SAFETY, 2, 2, 5, 3, 5),
    ("Road Safety", T.ROAD_SAFETY, 3, 3, 3, 3, 4),
    ("Cyber Crime", T.SERIOUS_ORGANISED_CRIME, 3, 3, 3, 4, 1),
    ("Fraud", T.PUBLIC_SAFETY, 3, 2, 4, 4, 1),
    ("Child Sexual Exploitation", T.VULNERABILITY, 3, 5, 2, 2, 1),
    ("Homicide", T.VIOLENCE, 2, 5, 1, 3, 1),
    ("Robbery & Burglary", T.PUBLIC_SAFETY, 1, 3, 2, 1, 2),
]
# Capacity and capability giving each published ORI (see assessments.scoring).
POSITION_FOR_ORI = {1: (5, 5), 2: (4, 4), 3: (3, 3)}

RECOMMENDATIONS = [
    "The Strategic Assessment enables future work streams to be identified. Governance will be provided by the "
    "Lancashire Community Safety Partnership Board (LCSPB). Further work in these themes, and others, will assess the "
    "impact on the communities across the county:\n- Domestic Abuse\n- Exploitation (criminal/sexual)\n"
    "- Vulnerability and safeguarding\n- Cyber crime",
    "Community Safety Agreement – key themes within the assessment to feature within the CSA, which include "
    "vulnerability, victims, justice, public safety and serious organised crime.",
    "The Strategic Assessment and Local Profiles are to be used as evidence to support commissioning and targeting of "
    "issues across the county. They are to support the local delivery of the partnership plan, and the setting of the "
    "priorities for the next three years.",
]
FINDINGS = [
    (
        T.VULNERABILITY,
        "Domestic abuse is an issue for all districts of Lancashire. It accounts for approximately 14% of "
        "all crime, however, this could be an underestimation.",
    ),
    (
        T.VULNERABILITY,
        "Child criminal exploitation in the form of drug networks were found hand in hand with "
        "scenarios of child sexual exploitation.",
    ),
    (
        T.JUSTICE,
        "Proven reoffending rates across Lancashire have fluctuated for the last 4 years between 27% and 30%, "
        "a notable reduction from 10 years ago when they stood at 35-36%.",
    ),
    (
        T.PUBLIC_SAFETY,
        "The peak crime categories equate to 56% of all crimes recorded across Lancashire but less than "
        "20% of harm; the most harmful categories equate to 20% of the volume but 72% of the harm.",
    ),
    (T.VIOLENCE, "Knife crimes account for less than 1% of all serious violence across Lancashire."),
    (
        T.VIOLENCE,
        "From a survey undertaken in 2019, 44% of young people were worried about knives, with only 2% "
        "disclosing having carried a knife.",
    ),
    (
        T.SERIOUS_ORGANISED_CRIME,
        "The majority of known OCGs are typically involved in drug related activity and "
        "associated violence and exploitation.",
    ),
    (T.ROAD_SAFETY, "Almost one-fifth of all killed or seriously injured casualties are aged between 17 and 24 years."),
]
FACTORS = [
    ("Alcohol and drug use", "At least a quarter of domestic abuse offences are alcohol related."),
    ("Child poverty and unemployment", ""),
    ("Education, employment and training", ""),
    ("Parenting, families and communities", ""),
]
CONSULTATIONS = [
    (
        "Lancashire Talking community survey",
        "Residents name their top 5 community issues; over 80,000 residents are signed up.",
        40000,
        [
            "Anti-Social Behaviour (noise nuisance, neighbours etc)",
            "Road safety (speeding, nuisance motorbikes, highways obstructions, drink driving)",
            "Drug dealing and drug taking",
            "House burglary",
            "Criminal damage (including graffiti and arson)",
            "Alcohol",
            "Fraud (including bogus callers, courier fraud and cyber-crime)",
            "Violent crime (including knife crime)",
        ],
    ),
    (
        "Partner workshops",
        "Three area workshops with partners across the county (June 2021).",
        None,
        [
            "Anti-Social Behaviour",
            "Serious Organised Crime (drugs, county lines, cuckooing)",
            "Health issues (impact on people's lives and wellbeing caused by others actions and behaviours, mental "
            "health)",
            "The need for a trauma informed approach",
            "Vulnerability (exploitation of both young persons and adults)",
            "Lack of youth provision",
            "Cyber-crime (on-line abuse)",
        ],
    ),
]
TABLES = [
    (
        "Table 2: Proportion of all reoffenders per age group",
        "Age Group",
        "Proportion of Reoffenders",
        [("10-17", "8.5"), ("18-24", "18.7"), ("25-31", "22.4"), ("32-40", "26.2"), ("41+", "24.2")],
    ),
    (
        "Table 3: Proportion of crime types committed by reoffenders",
        "Offence Group Type",
        "Total",
        [
            ("Arson & Criminal Damage", "9.8"),
            ("Burglary", "6.1"),
            ("Drug Offences", "9.3"),
            ("Miscellaneous Crimes Against Society", "3.9"),
            ("Possession of Weapons", "3.6"),
            ("Public Order Offences", "9.8"),
            ("Robbery", "1.2"),
            ("Sexual Offences", "2.6"),
            ("Theft", "14.5"),
            ("Vehicle Offences", "3.5"),
            ("Violence Against the Person", "35.8"),
        ],
    ),
]
SOURCES = [
    "Ashley, A (2021) Pan Lancashire Reducing Reoffending Board report – April 2021",
    "Auton, C & Lavery B (2020) – Young Persons Survey 2020",
    "Burrow, J (2021) Operation Empra",
    "Cartmell, H (2020) Domestic Abuse in Lancashire",
    "Hoyle, C (2021) Serious Organised Crime Strategy 2021",
    "Pan Lancashire Hate Crime Strategy 2021-24",
    "Sculpher, L (2021) Lancashire Talking Results – May 2021",
    "Violence Reduction Network Strategy 2020-25",
    "Whiffing, T & Youansamouth L (2021) Strategic Needs Assessment – Serious Violence in Lancashire",
    "Wright, A (2021) Road Safety Strategic Threats and Risk Assessment",
]
# Indicators fed by police.uk data on the county board: name, crime type, threats they measure.
CRIME_INDICATORS = [
    ("Anti-social behaviour, Lancashire", "Anti-social behaviour", ["Anti-Social Behaviour"]),
    ("Possession of weapons, Lancashire", "Possession of weapons", ["Gun & Knife Crime"]),
    ("Drugs offences, Lancashire", "Drugs", ["Violence Linked to Drug Supply", "County Lines"]),
    ("Burglary, Lancashire", "Burglary", ["Robbery & Burglary"]),
    ("Robbery, Lancashire", "Robbery", ["Robbery & Burglary"]),
    ("Violence and sexual offences, Lancashire", "Violence and sexual offences", ["Homicide", "Domestic Abuse"]),
]
# Chorley and South Ribble CSP Partnership Plan 2022-2025: MADE, years ending March 2022 and March 2023.
VEHICLE_OFFENCES = [("E07000126", "South Ribble", 255, 302), ("E07000118", "Chorley", 234, 378)]


def _analyst() -> User | None:
    return User.objects.filter(email="analyst@demo.example").first()


def _reset(model, **lookup) -> None:
    model.objects.filter(**lookup).delete()


@demo_step(order=450)
def strategic_assessment(ctx: DemoContext) -> None:
    """The Lancashire Strategic Assessment 2022-2025: summary, thirteen ranked threats, findings, tables."""
    county = ctx.partnership("lancashire")
    actor = _analyst()
    assessment = StrategicAssessment.objects.filter(partnership=county, title=TITLE).first() or StrategicAssessment(
        partnership=county, title=TITLE
    )
    values = {
        "period_start_year": 2022,
        "period_end_year": 2025,
        "trend_start": date(2018, 4, 1),
        "trend_end": date(2021, 3, 1),
        "status": StrategicAssessment.Status.DRAFT,
        "aim": AIM,
        "method": METHOD,
        "executive_summary": SUMMARY,
    }
    if not assessment.pk or any(getattr(assessment, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(assessment, key, value)
        services.save_assessment(actor=actor, partnership=county, assessment=assessment)
    for name, theme, ori, harm, likelihood, trend, concern in THREATS:
        capacity, capability = POSITION_FOR_ORI[ori]
        threat = Threat.objects.filter(assessment=assessment, name=name).first() or Threat(
            assessment=assessment, name=name
        )
        wanted = {
            "theme": theme,
            "harm": harm,
            "likelihood": likelihood,
            "trend": trend,
            "public_concern": concern,
            "capacity": capacity,
            "capability": capability,
        }
        if not threat.pk or any(getattr(threat, k) != v for k, v in wanted.items()):
            for key, value in wanted.items():
                setattr(threat, key, value)
            services.save_threat(actor=actor, threat=threat)
    for number, text in enumerate(RECOMMENDATIONS, start=1):
        Recommendation.objects.update_or_create(assessment=assessment, number=number, defaults={"text": text})
    _reset(KeyFinding, assessment=assessment)
    KeyFinding.objects.bulk_create(KeyFinding(assessment=assessment, theme=t, text=x) for t, x in FINDINGS)
    _reset(ContributoryFactor, assessment=assessment)
    ContributoryFactor.objects.bulk_create(
        ContributoryFactor(assessment=assessment, name=n, description=d) for n, d in FACTORS
    )
    _reset(Consultation, assessment=assessment)
    for title, method, sample, issues in CONSULTATIONS:
        consultation = Consultation.objects.create(
            assessment=assessment, title=title, method=method, sample_size=sample
        )
        CommunityIssue.objects.bulk_create(
            CommunityIssue(consultation=consultation, rank=r, issue=i) for r, i in enumerate(issues, start=1)
        )
    _reset(DataTable, assessment=assessment)
    for title, label_heading, value_heading, rows in TABLES:
        table = DataTable.objects.create(
            assessment=assessment,
            title=title,
            label_heading=label_heading,
            value_heading=value_heading,
            unit="%",
            source="Sculpher, L & Birdsall N (2017) Offending and Reoffending Behaviour in Lancashire",
        )
        DataRow.objects.bulk_create(
            DataRow(table=table, position=p, label=label, value=Decimal(v)) for p, (label, v) in enumerate(rows, 1)
        )
    _reset(Source, assessment=assessment)
    Source.objects.bulk_create(Source(assessment=assessment, citation=c) for c in SOURCES)
    ranked = ", ".join(t.name for t in assessment.threats.order_by("rank")[:3])
    ctx.report(f"Strategic assessment: '{TITLE}' with {len(THREATS)} ranked threats ({ranked}, …).")


def _generated_counts(ctx: DemoContext) -> None:
    """Plausible monthly counts for the 14 authorities, clearly labelled as generated (not police.uk)."""
    import numpy as np

    from csp_portal.organisations.demo import AUTHORITIES

    rng = np.random.default_rng(2022)
    shares = {
        "Violence and sexual offences": 420,
        "Anti-social behaviour": 380,
        "Criminal damage and arson": 110,
        "Public order": 95,
        "Other theft": 80,
        "Shoplifting": 55,
        "Burglary": 45,
        "Vehicle crime": 40,
        "Drugs": 20,
        "Other crime": 20,
        "Possession of weapons": 9,
        "Robbery": 8,
        "Bicycle theft": 7,
        "Theft from the person": 6,
    }
    authorities = Authority.objects.filter(ons_code__in=[code for code, *_ in AUTHORITIES])
    months = [date(2022 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(5, 17)]
    CrimeCount.objects.filter(force=GENERATED_FORCE).delete()
    rows = []
    for authority in authorities:
        size = rng.uniform(0.5, 1.6)
        for month in months:
            for crime_type, mean in shares.items():
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
    for name, crime_type, threat_names in CRIME_INDICATORS:
        indicator, _ = Indicator.objects.update_or_create(
            partnership=county,
            name=name,
            defaults={
                "unit": "crimes" if crime_type != "Anti-social behaviour" else "incidents",
                "source": "police.uk street-level data",
                "desired_direction": Indicator.Direction.DOWN,
                "frequency": Indicator.Frequency.MONTH,
                "crime_type": crime_type,
            },
        )
        indicator.threats.set([threats[n] for n in threat_names if n in threats])
    csr = ctx.partnership("chorley-south-ribble")
    for code, place, before, after in VEHICLE_OFFENCES:
        indicator, _ = Indicator.objects.update_or_create(
            partnership=csr,
            name=f"Vehicle offences, {place}",
            defaults={
                "unit": "offences",
                "source": "MADE (Multi Agency Data Exchange), years ending March",
                "desired_direction": Indicator.Direction.DOWN,
                "frequency": Indicator.Frequency.YEAR,
                "authority": Authority.objects.get(ons_code=code),
                "crime_type": "",
            },
        )
        for start, value in ((date(2021, 4, 1), before), (date(2022, 4, 1), after)):
            IndicatorValue.objects.update_or_create(indicator=indicator, period_start=start, defaults={"value": value})
    ctx.report(
        f"Indicators: {len(CRIME_INDICATORS)} from crime data for the county; vehicle offences for Chorley and "
        "South Ribble (+61.5% and +18.4%)."
    )
