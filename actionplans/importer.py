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

import difflib
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction

from assessments.models import Indicator
from csp_portal import tables
from csp_portal.exports import FORMULA_STARTS
from csp_portal.organisations.models import Agency, User
from csp_portal.validators import has_line_break
from priorities.models import Plan, Priority

from . import queries, services
from .models import Action, FundingAllocation

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
AGENCIES_COLUMN = "Lead Agency and others responsible"
SUGGEST_CUTOFF = 0.8
MAX_ROWS = 2000
# The import's sixteen columns with room to spare: a wider file is refused before its rows are read.
MAX_COLUMNS = 50
# What a workbook may unpack to: 2,000 actions with long texts unpack to about 4.5 MB.
MAX_UNZIPPED_BYTES = 16 * 1024 * 1024
# Refusals list this many problems, then say how many more there are.
MAX_PROBLEMS_SHOWN = 50
MAX_TARGET_VALUE = Decimal("100000000000")  # Action.target_value holds 14 digits, 3 of them after the point


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


def split_agencies(cell: str) -> tuple[str, list[str]]:
    parts = [part.strip() for part in re.split(r"[;\n]", cell)]
    if not any(parts):
        return "", []
    return parts[0], [part for part in parts[1:] if part]


def join_agencies(lead: str, others: list[str]) -> str:
    if not lead and not others:
        return ""
    return "; ".join([lead, *others]) if lead else "; ".join(["", *others]).strip()


# -- Checking rows -----------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    priority: Priority
    values: dict
    others: list[Agency]


class _Lookups:
    """Everything rows are matched against, read once."""

    def __init__(self, plan: Plan):
        partnership = plan.partnership
        self.priorities = {p.title.casefold(): p for p in Priority.objects.filter(plan=plan)}
        self.outcomes: dict[int, dict[str, object]] = defaultdict(dict)
        for priority in self.priorities.values():
            for outcome in priority.outcomes.all():
                self.outcomes[priority.pk][outcome.heading.casefold()] = outcome
        self.agencies = {a.name.casefold(): a for a in Agency.objects.all()}
        self.people: dict[str, User] = {}
        for user in User.objects.filter(roles__partnership=partnership).distinct():
            for key in (user.email, user.full_name, f"{user.full_name} <{user.email}>"):
                self.people.setdefault(key.casefold(), user)
        self.funding = {str(a).casefold(): a for a in FundingAllocation.objects.filter(partnership=partnership)}
        self.remaining = {a.pk: a.amount - queries.committed_from(a) for a in self.funding.values()}
        self.indicators = {i.name.casefold(): i for i in Indicator.objects.filter(partnership=partnership)}
        self.statuses = {}
        for value, label in Action.Status.choices:
            self.statuses[value.casefold()] = value
            self.statuses[label.casefold()] = value
        self.existing = {
            (priority_id, title.casefold())
            for priority_id, title in Action.objects.active()
            .filter(priority__plan=plan)
            .values_list("priority_id", "title")
        }


LINE_BREAK_HINT = "remove the line break (Alt+Enter in Excel makes one)"


def _suggest(name: str, known: dict) -> str:
    close = difflib.get_close_matches(name.casefold(), list(known), n=1, cutoff=SUGGEST_CUTOFF)
    if not close:
        return ""
    found = known[close[0]]
    label = (
        getattr(found, "name", None) or getattr(found, "title", None) or getattr(found, "heading", None) or str(found)
    )
    return f"; did you mean '{label}'?"


def _decimal(text: str) -> Decimal:
    cleaned = text.replace("£", "").replace(",", "").strip()
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return value


def _date(text: str) -> date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


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


def check_rows(
    plan: Plan, table: tables.Table, default_priority: Priority | None = None
) -> tuple[list[Row], list[Problem]]:
    """Every row as the values of a new action, or every problem found."""
    problems = _heading_problems(table, default_priority)
    if problems:
        return [], problems
    position = {name: index for index, name in enumerate(table.headings) if name}

    lookups = _Lookups(plan)
    rows: list[Row] = []
    seen: set[tuple[int, str]] = set()
    wanted_from: dict[int, Decimal] = defaultdict(Decimal)
    for number, record in table.rows:
        cell, stray = _cells(table, number, record)
        problems.extend(stray)
        if not any(cell.values()):
            continue  # blank rows between sections are fine

        def problem(column: str, message: str, number=number) -> None:
            problems.append(Problem(number, column, tables.column_letter(position[column] + 1), message))

        for column in [name for name in COLUMNS if "\x00" in cell[name]]:
            # PostgreSQL text cannot hold NUL; such a cell is a damaged file, not something to keep.
            problem(column, "the cell contains a NUL character (a damaged file?): remove it")
            cell[column] = cell[column].replace("\x00", "")

        values: dict = {}
        priority = default_priority
        if cell["Priority"] or (priority is None and "Priority" in position):
            priority = lookups.priorities.get(cell["Priority"].casefold())
            if priority is None:
                what = (
                    f"priority '{cell['Priority']}' is not in {plan.title}"
                    if cell["Priority"]
                    else "enter the priority"
                )
                problem("Priority", what + (_suggest(cell["Priority"], lookups.priorities) if cell["Priority"] else ""))
        title = cell["Action"]
        if not title:
            problem("Action", "enter the action")
        elif len(title) > 500:
            problem("Action", "the action must be 500 characters or fewer")
        elif has_line_break(title):
            problem("Action", f"the action must be on one line: {LINE_BREAK_HINT}; detail goes in the Activity column")
        elif priority is not None:
            key = (priority.pk, title.casefold())
            if key in lookups.existing:
                problem("Action", f"'{title}' is already in the action plan of '{priority.title}'")
            elif key in seen:
                problem("Action", f"'{title}' appears twice under '{priority.title}'")
            seen.add(key)
        values.update(
            title=title,
            activity=cell["Activity"],
            resources=cell["Resources Required"],
            timescale=cell["Timescale"][:200],
            targets=cell["Targets"],
        )
        if len(cell["Timescale"]) > 200:
            problem("Timescale", "the timescale must be 200 characters or fewer")
        elif has_line_break(cell["Timescale"]):
            problem("Timescale", f"the timescale must be on one line: {LINE_BREAK_HINT}")
        if cell["Outcome"] and priority is not None:
            outcome = lookups.outcomes[priority.pk].get(cell["Outcome"].casefold())
            if outcome is None:
                problem(
                    "Outcome",
                    f"outcome '{cell['Outcome']}' is not an outcome of '{priority.title}'"
                    + _suggest(cell["Outcome"], lookups.outcomes[priority.pk]),
                )
            values["outcome"] = outcome
        lead_name, other_names = split_agencies(cell[AGENCIES_COLUMN])
        values["lead_agency"] = None
        if lead_name:
            values["lead_agency"] = lookups.agencies.get(lead_name.casefold())
            if values["lead_agency"] is None:
                problem(AGENCIES_COLUMN, f"lead agency '{lead_name}' not found" + _suggest(lead_name, lookups.agencies))
        others, free = [], []
        for name in other_names:
            agency = lookups.agencies.get(name.casefold())
            if agency is not None:
                others.append(agency)
            elif hint := _suggest(name, lookups.agencies):
                problem(AGENCIES_COLUMN, f"agency '{name}' not found{hint}")
            else:
                free.append(name)
        values["other_partners"] = "; ".join(free)
        if len(values["other_partners"]) > 500:
            problem(AGENCIES_COLUMN, "the other partners must be 500 characters or fewer")
        values["lead_user"] = None
        if cell["Lead person"]:
            values["lead_user"] = lookups.people.get(cell["Lead person"].casefold())
            if values["lead_user"] is None:
                problem(
                    "Lead person",
                    f"'{cell['Lead person']}' holds no role in {plan.partnership.name}"
                    + _suggest(cell["Lead person"], lookups.people),
                )
        values["budget"] = None
        if cell["Budget"]:
            try:
                values["budget"] = _decimal(cell["Budget"])
                if values["budget"] < 0 or values["budget"] >= Decimal("1e10"):
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                problem("Budget", f"'{cell['Budget']}' is not an amount of pounds such as 1000 or 2500.50")
                values["budget"] = None
        values["funding"] = None
        if cell["Funding source"]:
            allocation = lookups.funding.get(cell["Funding source"].casefold())
            if allocation is None:
                problem(
                    "Funding source",
                    f"funding source '{cell['Funding source']}' is not one of the partnership's allocations"
                    + _suggest(cell["Funding source"], lookups.funding),
                )
            elif values["budget"] is None:
                problem("Budget", f"enter the budget this action commits from the {allocation}")
            else:
                values["funding"] = allocation
                wanted_from[allocation.pk] += values["budget"]
                if wanted_from[allocation.pk] > lookups.remaining[allocation.pk]:
                    problem(
                        "Budget",
                        f"the {allocation} has £{lookups.remaining[allocation.pk]:,.2f} left; the actions up to "
                        f"this row commit £{wanted_from[allocation.pk]:,.2f}",
                    )
        for column, name in (("Start date", "start_date"), ("Due date", "due_date")):
            values[name] = None
            if cell[column]:
                try:
                    values[name] = _date(cell[column])
                except ValueError:
                    problem(column, f"'{cell[column]}' is not a date such as 2012-03-31 or 31/03/2012")
        if values["start_date"] and values["due_date"] and values["due_date"] < values["start_date"]:
            problem("Due date", "the due date must be on or after the start date")
        values["indicator"] = None
        if cell["Indicator"]:
            values["indicator"] = lookups.indicators.get(cell["Indicator"].casefold())
            if values["indicator"] is None:
                problem(
                    "Indicator",
                    f"indicator '{cell['Indicator']}' not found" + _suggest(cell["Indicator"], lookups.indicators),
                )
        values["target_value"] = None
        if cell["Target value"]:
            try:
                values["target_value"] = _decimal(cell["Target value"])
                if abs(values["target_value"]) >= MAX_TARGET_VALUE:
                    problem("Target value", f"the target value must be less than {MAX_TARGET_VALUE:,}")
                    values["target_value"] = None
            except (InvalidOperation, ValueError):
                problem("Target value", f"'{cell['Target value']}' is not a number")
            if not cell["Indicator"]:
                problem("Target value", "a target value needs an indicator")
        values["status"] = Action.Status.NOT_STARTED
        if cell["Status"]:
            status = lookups.statuses.get(cell["Status"].casefold())
            if status is None:
                labels = ", ".join(label for _, label in Action.Status.choices)
                problem("Status", f"status '{cell['Status']}' is not one of {labels}")
            else:
                values["status"] = status
        if priority is not None:
            rows.append(Row(number, priority, values, others))
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
