"""Import and export a plan's actions as a CSV file or an Excel workbook, in the columns of the
action plans officers already keep (Lancaster District CSP's, seed 001):

    Action, Activity, Resources Required, Timescale, Lead Agency and others responsible, Targets

and, optionally, the columns that make a round trip lossless: Priority, Outcome, Budget, Funding
source, Start date, Due date, Lead person, Indicator, Target value, Status. An export imports back
into an empty plan with the same priorities as the same actions.

**Lead Agency and others responsible** holds the lead agency first, then the others, separated by
semicolons: 'Lancashire Constabulary; Lancaster City Council; Students' Union'. Names are matched to
the agencies the site knows, ignoring case; a name close to a known agency is an error with a
suggestion ('did you mean ...?'); other names of the others are kept as other partners (groups such
as 'DV Group' that are not agencies). Leave the first part empty (';Police') for no lead agency.

Every row is checked before anything is written; each problem is reported with its row (as the
spreadsheet numbers it, the headings being row 1) and column. One problem anywhere and nothing is
written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from csp_portal import tables
from csp_portal.exports import FORMULA_STARTS
from csp_portal.organisations.models import Agency, User
from priorities.models import Plan, Priority

from . import queries, services
from .import_columns import AGENCIES_COLUMN, Lookups, Sheet, join_agencies, read_row
from .models import Action

SEED_COLUMNS = [
    "Action",
    "Activity",
    "Resources Required",
    "Timescale",
    "Lead Agency and others responsible",
    "Targets",
]
COLUMNS = [
    "Priority",
    "Outcome",
    "Action",
    "Activity",
    "Resources Required",
    "Budget",
    "Funding source",
    "Timescale",
    "Start date",
    "Due date",
    "Lead Agency and others responsible",
    "Lead person",
    "Targets",
    "Indicator",
    "Target value",
    "Status",
]
MAX_ROWS = 2000
# The import's sixteen columns with room to spare: a wider file is refused before its rows are read.
MAX_COLUMNS = 50
# What a workbook may unpack to: 2,000 actions with long texts unpack to about 4.5 MB.
MAX_UNZIPPED_BYTES = 16 * 1024 * 1024
# Refusals list this many problems, then say how many more there are.
MAX_PROBLEMS_SHOWN = 50


@dataclass(frozen=True)
class Problem:
    row: int  # as the spreadsheet numbers it: the headings are row 1
    column: str | None
    letter: str | None
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "The file"
        if self.column:
            where += f", column {self.letter} ({self.column})"
        return f"{where}: {self.message}"


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


# -- Reading the file --------------------------------------------------------------------------------


def read_table(data: bytes, filename: str) -> tables.Table:
    """The file's rows, read within the import's bounds. Raises ImportFailed for a file that is not a
    table, or one too large to be an action plan."""
    try:
        return tables.read_table(
            data, filename, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS, max_unzipped=MAX_UNZIPPED_BYTES
        )
    except tables.UnreadableTable as error:
        raise ImportFailed([Problem(error.row or 0, None, None, error.message)]) from None


def _text(value) -> str:
    """A cell as text. Excel gives dates and numbers as such; they are written as an export writes them."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text[:1] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]  # an exported cell kept from being taken for a formula
    return text


# -- Checking rows -----------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    priority: Priority
    values: dict
    others: list[Agency]


def _listed(names: list[str], limit: int = 10) -> str:
    """'a', 'b' and 3 more: a list of names that stays short however long it is."""
    shown = ", ".join(f"'{name}'" for name in names[:limit])
    return shown + (f" and {len(names) - limit:,} more" if len(names) > limit else "")


def _heading_problems(table: tables.Table, default_priority: Priority | None) -> list[Problem]:
    row = table.heading_row
    problems: list[Problem] = []
    position: dict[str, int] = {}
    for index, name in enumerate(table.headings):
        if name in position:
            letters = f"{tables.column_letter(position[name] + 1)} and {tables.column_letter(index + 1)}"
            problems.append(Problem(row, None, None, f"the column '{name}' appears twice (columns {letters})"))
        position.setdefault(name, index)
    missing = [name for name in SEED_COLUMNS if name not in position]
    unknown = [name for name in position if name and name not in COLUMNS]
    if missing:
        problems.append(Problem(row, None, None, f"the columns {_listed(missing)} are missing"))
    if unknown:
        problems.append(Problem(row, None, None, f"unknown columns {_listed(unknown)}: use {', '.join(COLUMNS)}"))
    if "Priority" not in position and default_priority is None:
        problems.append(Problem(row, None, None, "there is no Priority column: add one, or choose the priority above"))
    if not table.rows:
        problems.append(Problem(0, None, None, "there are no actions in it"))
    return problems


def _cells(table: tables.Table, number: int, values: tuple) -> tuple[dict[str, str], list[Problem]]:
    """A row's text by column name (the headings were checked: each is a known column or empty), and
    a problem for each value under no heading."""
    cell = dict.fromkeys(COLUMNS, "")
    problems = []
    for index, value in enumerate(values):
        name = table.headings[index] if index < len(table.headings) else ""
        text = _text(value)
        if name:
            cell[name] = text
        elif text:
            letter = tables.column_letter(index + 1)
            message = f"column {letter} has a value but no heading in row {table.heading_row}"
            problems.append(Problem(number, None, None, message))
    return cell, problems


def _cell_problem(number: int, column: str, message: str, position: dict[str, int]) -> Problem:
    if column not in position:  # a rule's column the file leaves out: a funding source with no Budget column
        return Problem(number, None, None, f"{message} in a '{column}' column")
    return Problem(number, column, tables.column_letter(position[column] + 1), message)


def check_rows(
    plan: Plan, table: tables.Table, default_priority: Priority | None = None
) -> tuple[list[Row], list[Problem]]:
    """Every row as the values of a new action, or every problem found."""
    problems = _heading_problems(table, default_priority)
    if problems:
        return [], problems
    position = {name: index for index, name in enumerate(table.headings) if name}
    sheet = Sheet(plan, default_priority, "Priority" in position, Lookups(plan))
    rows: list[Row] = []
    for number, record in table.rows:
        cell, stray = _cells(table, number, record)
        problems.extend(stray)
        if not any(cell.values()):
            continue  # blank rows between sections are fine
        row = read_row(cell, sheet)
        problems.extend(_cell_problem(number, column, message, position) for column, message in row.problems)
        if row.priority is not None:
            rows.append(Row(number, row.priority, row.values, row.others))
    return rows, problems


@transaction.atomic
def import_actions(
    plan: Plan, *, actor: User | None, data: bytes, filename: str, priority: Priority | None = None
) -> list[Action]:
    """Add the file's actions to the end of their priorities' action plans: all of them, or, if any
    row has a problem, none (``ImportFailed`` lists every problem)."""
    table = read_table(data, filename)
    rows, problems = check_rows(plan, table, priority)
    if problems:
        raise ImportFailed(problems)
    return [services.add_action(row.priority, actor=actor, values=row.values, others=row.others) for row in rows]


# -- Export ------------------------------------------------------------------------------------------


def _person(user: User | None) -> str:
    return f"{user.full_name} <{user.email}>" if user else ""


def export_rows(plan: Plan) -> list[dict]:
    """The plan's active actions in the import's columns."""
    rows = []
    for action in queries.plan_actions(plan):
        others = sorted(action.others_responsible.all(), key=lambda a: a.name.casefold())
        free = [part.strip() for part in action.other_partners.split(";") if part.strip()]
        rows.append(
            {
                "Priority": action.priority.title,
                "Outcome": action.outcome.heading if action.outcome_id else "",
                "Action": action.title,
                "Activity": action.activity,
                "Resources Required": action.resources,
                "Budget": f"{action.budget:.2f}" if action.budget is not None else "",
                "Funding source": str(action.funding) if action.funding_id else "",
                "Timescale": action.timescale,
                "Start date": action.start_date.isoformat() if action.start_date else "",
                "Due date": action.due_date.isoformat() if action.due_date else "",
                AGENCIES_COLUMN: join_agencies(
                    action.lead_agency.name if action.lead_agency_id else "", [a.name for a in others] + free
                ),
                "Lead person": _person(action.lead_user),
                "Targets": action.targets,
                "Indicator": action.indicator.name if action.indicator_id else "",
                "Target value": f"{action.target_value.normalize():f}" if action.target_value is not None else "",
                "Status": action.get_status_display(),
            }
        )
    return rows
