"""The open datasets, each declared once: its name, title, what it holds, its columns (name, type,
meaning and an example) and the function that reads its rows. The files' CSV header and JSON keys
and the data dictionary page all come from these declarations, so the dictionary cannot drift from
the files.

Column names are a promise: a column is never renamed or removed, and its meaning never changes;
new columns are added at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import queries

LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "attribution": "Contains public sector information licensed under the Open Government Licence v3.0.",
}
POLICE_UK = {
    "name": "data.police.uk",
    "url": "https://data.police.uk/",
    "attribution": "Police recorded crime from data.police.uk, published by the police forces of England, "
    "Wales and Northern Ireland under the Open Government Licence v3.0.",
}

# Column types: how each value is written (the dictionary page explains them).
TYPES = {
    "string": "Text.",
    "integer": "A whole number.",
    "decimal": "A number, with a decimal point where it has a fraction (95, 12.5).",
    "boolean": "true or false.",
    "date": "A date, YYYY-MM-DD.",
    "month": "A month, YYYY-MM.",
    "datetime": "A date and time with its offset from UTC (ISO 8601).",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    example: str


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[str | None], Iterable[dict]]
    state: Callable[[str | None], queries.State]
    source: dict | None = None
    per_partnership: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


PARTNERSHIP_SLUG = Column(
    "partnership_slug", "string", "The partnership's short name, as in its public page's address.", "lancaster"
)
PARTNERSHIP_NAME = Column("partnership_name", "string", "The community safety partnership.", "Lancaster District CSP")
PLAN_TITLE = Column("plan_title", "string", "The plan's title.", "Lancaster District Community Safety Plan 2025-2028")
PRIORITY_TITLE = Column("priority_title", "string", "The priority the action delivers.", "Domestic abuse")
ACTION_TITLE = Column("action_title", "string", "What the partnership will do.", "Train frontline staff in DASH")
LEAD_AGENCY = Column(
    "lead_agency", "string", "The agency that leads the action; empty if not decided.", "Lancaster City Council"
)
AUTHORITY_CODE = Column("authority_code", "string", "The council's ONS local authority code.", "E07000121")
AUTHORITY_NAME = Column("authority_name", "string", "The council's name.", "Lancaster")

PLANS = Dataset(
    name="plans",
    title="Published plans and their actions",
    description="One row for each action of every plan a partnership has published, as it was published: "
    "the plan, the priority the action belongs to, who leads it, when it is due and how far it has got.",
    columns=(
        PARTNERSHIP_SLUG,
        PARTNERSHIP_NAME,
        PLAN_TITLE,
        Column("plan_period_start", "date", "The first day the plan covers.", "2025-04-01"),
        Column("plan_period_end", "date", "The last day the plan covers.", "2028-03-31"),
        PRIORITY_TITLE,
        Column(
            "watching_brief",
            "boolean",
            "true if the partnership watches the priority rather than working on it actively.",
            "false",
        ),
        ACTION_TITLE,
        LEAD_AGENCY,
        Column("due_date", "date", "When the action is due; empty if it has a timescale instead.", "2026-03-31"),
        Column("timescale", "string", "When the action runs, in words, where it has no due date.", "2025/26"),
        Column("status", "string", "Not started, In progress or Complete.", "In progress"),
        Column(
            "published_at",
            "datetime",
            "When the partnership published this version of its plan.",
            "2026-01-12T09:30:00+00:00",
        ),
    ),
    rows=queries.plan_rows,
    state=queries.plans_state,
    per_partnership=True,
    notes=(
        "Actions still being drafted, cancelled or archived are not published, and nor is a priority "
        "that is archived or retired.",
    ),
)

QUARTERLY_STATUS = Dataset(
    name="quarterly-status",
    title="Quarterly progress of the published plans",
    description="One row for each action and quarter whose progress summary a partnership has published: "
    "the action's RAG status that quarter, from the latest progress return the partnership accepted, and "
    "how complete it is.",
    columns=(
        PARTNERSHIP_SLUG,
        PARTNERSHIP_NAME,
        PLAN_TITLE,
        Column("quarter", "string", "The financial year quarter, as in the public page's address.", "2025-26-Q3"),
        Column("quarter_label", "string", "The quarter as reports write it.", "2025/26 Q3"),
        Column("quarter_year", "integer", "The calendar year the financial year starts in (April).", "2025"),
        Column("quarter_number", "integer", "1 (April to June) to 4 (January to March).", "3"),
        PRIORITY_TITLE,
        ACTION_TITLE,
        LEAD_AGENCY,
        Column(
            "rag",
            "string",
            "The status: red, amber, green, complete, not_started, or none when no progress return "
            "has been accepted yet.",
            "amber",
        ),
        Column("rag_label", "string", "The status in words.", "Amber"),
        Column(
            "percent_complete",
            "integer",
            "How complete the action is, 0 to 100, as its lead reported; empty if not reported.",
            "40",
        ),
        Column(
            "published_at",
            "datetime",
            "When the partnership published the quarter's summary.",
            "2026-01-12T09:30:00+00:00",
        ),
    ),
    rows=queries.quarter_rows,
    state=queries.quarters_state,
    notes=(
        "A quarter is here once its partnership publishes its progress summary, and leaves when the summary "
        "or the plan is withdrawn. Never a progress return's narrative, risks or requests to the board.",
    ),
)

INDICATORS = Dataset(
    name="indicators",
    title="Indicator figures",
    description="The figures the partnerships with a published plan track over time, one row for each "
    "indicator and period, with the council it measures.",
    columns=(
        PARTNERSHIP_SLUG,
        Column("indicator", "string", "The indicator's name.", "Repeat referrals to MARAC"),
        Column("unit", "string", "What the value counts or measures.", "referrals"),
        Column("source", "string", "Where the figures come from.", "MARAC coordinator"),
        Column(
            "authority_code",
            "string",
            "The ONS code of the council it measures; empty for the partnership's whole area.",
            "E07000121",
        ),
        Column("authority_name", "string", "The council it measures; empty for the whole area.", "Lancaster"),
        Column("period_start", "date", "The first day of the period.", "2024-04-01"),
        Column(
            "frequency",
            "string",
            "The period's length: month, quarter (financial year quarters, from April) or year "
            "(financial years, April to March).",
            "year",
        ),
        Column("value", "decimal", "The figure for the period.", "95"),
    ),
    rows=queries.indicator_rows,
    state=queries.indicators_state,
    notes=(
        "Indicators the portal counts from police.uk data are not repeated here: their figures are "
        "the crime counts below, summed over the indicator's councils and periods.",
    ),
)

CRIME_COUNTS = Dataset(
    name="crime-counts",
    title="Crime counts by council and month",
    description="How many crimes and anti-social behaviour incidents of each type the police recorded in "
    "each council's area each month, for the councils of the partnerships with a published plan.",
    columns=(
        AUTHORITY_CODE,
        AUTHORITY_NAME,
        Column("month", "month", "The month the crimes were recorded in.", "2024-01"),
        Column("crime_type", "string", "The police.uk crime type.", "Burglary"),
        Column("count", "integer", "How many were recorded.", "42"),
        Column("force", "string", "The police force that published them.", "Lancashire Constabulary"),
    ),
    rows=queries.crime_count_rows,
    state=queries.crime_counts_state,
    source=POLICE_UK,
    notes=("Counted from the street-level files of data.police.uk, by the area each crime's location lies in.",),
)

DATASETS: dict[str, Dataset] = {
    dataset.name: dataset for dataset in (PLANS, QUARTERLY_STATUS, INDICATORS, CRIME_COUNTS)
}
