"""How a row of an imported action plan becomes an action's values (see ``importer``).

Each column has a reader: it takes the cell's text, returns the value the action takes from it and
names what is wrong with the cell. The rules between columns (an outcome of the row's priority, a
due date on or after the start date, a budget the funding source has room for...) are the rules
every action obeys, ``services.action_problems``, worded here for the cell at fault.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from assessments.models import Indicator
from csp_portal.organisations.models import Agency, User
from csp_portal.validators import has_line_break
from priorities.models import Outcome, Plan, Priority

from . import agency_names, queries
from .models import Action, FundingAllocation
from .services import Broken, action_problems

AGENCIES_COLUMN = "Lead Agency and others responsible"
SUGGEST_CUTOFF = 0.8
MAX_TARGET_VALUE = Decimal("100000000000")  # Action.target_value holds 14 digits, 3 of them after the point
MAX_BUDGET = Decimal("1e10")  # Action.budget holds 12 digits, 2 of them after the point
LINE_BREAK_HINT = "remove the line break (Alt+Enter in Excel makes one)"


class Lookups:
    """Everything rows are matched against, read once."""

    def __init__(self, plan: Plan):
        partnership = plan.partnership
        self.priorities = {p.title.casefold(): p for p in Priority.objects.filter(plan=plan)}
        self.outcomes: dict[int, dict[str, Outcome]] = defaultdict(dict)
        for priority in self.priorities.values():
            for outcome in priority.outcomes.all():
                self.outcomes[priority.pk][outcome.heading.casefold()] = outcome
        self.agencies = {a.name.casefold(): a for a in Agency.objects.all()}
        self.people: dict[str, User] = {}
        for user in User.objects.filter(roles__partnership=partnership).distinct():
            for key in (user.email, user.full_name, f"{user.full_name} <{user.email}>"):
                self.people.setdefault(key.casefold(), user)
        self.members = set(self.people.values())
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


@dataclass
class Sheet:
    """The file being read: what its rows are matched against, and what the rows read so far hold."""

    plan: Plan
    default_priority: Priority | None  # chosen for the whole file, for rows that name none
    has_priority_column: bool
    lookups: Lookups
    seen: set[tuple[int, str]] = field(default_factory=set)  # (priority, title) of the rows so far
    committed: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # by allocation


@dataclass
class RowCheck:
    """One row being read: its text by column, the action it makes so far and what is wrong with it
    as (column, message)."""

    cell: dict[str, str]
    priority: Priority | None = None
    values: dict = field(default_factory=dict)
    others: list[Agency] = field(default_factory=list)  # the agencies named after the lead
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Cell:
    """The cell of one column in the row being read."""

    column: str
    text: str
    row: RowCheck

    def problem(self, message: str) -> None:
        self.row.problems.append((self.column, message))


def split_agencies(cell: str) -> tuple[str, list[str]]:
    parts = [part.strip() for part in re.split(r"[;\n]", cell)]
    if not any(parts):
        return "", []
    return parts[0], [part for part in parts[1:] if part]


def join_agencies(lead: str, others: list[str]) -> str:
    if not lead and not others:
        return ""
    return "; ".join([lead, *others]) if lead else "; ".join(["", *others]).strip()


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


def _suggest_agency(name: str, known: dict[str, Agency]) -> str:
    """By kind and meaningful words, never an agency of another kind (``agency_names``)."""
    found = agency_names.best_match(name, list(known.values()))
    return f"; did you mean '{found.name}'?" if found is not None else ""


def _found(cell: Cell, known: dict, not_found: str, suggest: Callable[[str, dict], str] = _suggest):
    """What the cell names among ``known`` (by name, ignoring case), or None: for a name given and
    not known, a problem saying ``not_found`` and suggesting a close name."""
    if not cell.text:
        return None
    found = known.get(cell.text.casefold())
    if found is None:
        cell.problem(not_found + suggest(cell.text, known))
    return found


# -- One reader a column -----------------------------------------------------------------------------


def _priority(cell: Cell, sheet: Sheet) -> Priority | None:
    """The row's priority: the one it names, else the one chosen for the file."""
    if cell.text:
        return _found(cell, sheet.lookups.priorities, f"priority '{cell.text}' is not in {sheet.plan.title}")
    if sheet.default_priority is None and sheet.has_priority_column:
        cell.problem("enter the priority")
    return sheet.default_priority


def _title(cell: Cell, sheet: Sheet) -> str:
    title, priority = cell.text, cell.row.priority
    if not title:
        cell.problem("enter the action")
    elif len(title) > 500:
        cell.problem("the action must be 500 characters or fewer")
    elif has_line_break(title):
        cell.problem(f"the action must be on one line: {LINE_BREAK_HINT}; detail goes in the Activity column")
    elif priority is not None:
        key = (priority.pk, title.casefold())
        if key in sheet.lookups.existing:
            cell.problem(f"'{title}' is already in the action plan of '{priority.title}'")
        elif key in sheet.seen:
            cell.problem(f"'{title}' appears twice under '{priority.title}'")
        sheet.seen.add(key)
    return title


def _as_written(cell: Cell, sheet: Sheet) -> str:
    return cell.text


def _timescale(cell: Cell, sheet: Sheet) -> str:
    if len(cell.text) > 200:
        cell.problem("the timescale must be 200 characters or fewer")
    elif has_line_break(cell.text):
        cell.problem(f"the timescale must be on one line: {LINE_BREAK_HINT}")
    return cell.text[:200]


def _outcome(cell: Cell, sheet: Sheet) -> Outcome | None:
    priority = cell.row.priority
    if priority is None:
        return None
    known = sheet.lookups.outcomes[priority.pk]
    return _found(cell, known, f"outcome '{cell.text}' is not an outcome of '{priority.title}'")


def _lead_agency(cell: Cell, sheet: Sheet) -> Agency | None:
    lead, _ = split_agencies(cell.text)
    return _found(replace(cell, text=lead), sheet.lookups.agencies, f"lead agency '{lead}' not found", _suggest_agency)


def _other_partners(cell: Cell, sheet: Sheet) -> str:
    """The partners named after the lead that are not agencies; the agencies among them are the
    row's ``others``. A name close to an agency's is taken for a misspelling."""
    _, names = split_agencies(cell.text)
    free = []
    for name in names:
        agency = sheet.lookups.agencies.get(name.casefold())
        if agency is not None:
            cell.row.others.append(agency)
        elif hint := _suggest_agency(name, sheet.lookups.agencies):
            cell.problem(f"agency '{name}' not found{hint}")
        else:
            free.append(name)
    partners = "; ".join(free)
    if len(partners) > 500:
        cell.problem("the other partners must be 500 characters or fewer")
    return partners


def _lead_person(cell: Cell, sheet: Sheet) -> User | None:
    partnership = sheet.plan.partnership
    return _found(cell, sheet.lookups.people, f"'{cell.text}' holds no role in {partnership.name}")


def _budget(cell: Cell, sheet: Sheet) -> Decimal | None:
    if not cell.text:
        return None
    try:
        budget = _decimal(cell.text)
    except (InvalidOperation, ValueError):
        budget = None
    if budget is None or budget < 0 or budget >= MAX_BUDGET:
        cell.problem(f"'{cell.text}' is not an amount of pounds such as 1000 or 2500.50")
        return None
    return budget


def _funding(cell: Cell, sheet: Sheet) -> FundingAllocation | None:
    message = f"funding source '{cell.text}' is not one of the partnership's allocations"
    return _found(cell, sheet.lookups.funding, message)


def _day(cell: Cell, sheet: Sheet) -> date | None:
    if not cell.text:
        return None
    try:
        return _date(cell.text)
    except ValueError:
        cell.problem(f"'{cell.text}' is not a date such as 2012-03-31 or 31/03/2012")
        return None


def _indicator(cell: Cell, sheet: Sheet) -> Indicator | None:
    return _found(cell, sheet.lookups.indicators, f"indicator '{cell.text}' not found")


def _target_value(cell: Cell, sheet: Sheet) -> Decimal | None:
    if not cell.text:
        return None
    try:
        value = _decimal(cell.text)
    except (InvalidOperation, ValueError):
        cell.problem(f"'{cell.text}' is not a number")
        return None
    if abs(value) >= MAX_TARGET_VALUE:
        cell.problem(f"the target value must be less than {MAX_TARGET_VALUE:,}")
        return None
    return value


def _status(cell: Cell, sheet: Sheet) -> str:
    if not cell.text:
        return Action.Status.NOT_STARTED
    status = sheet.lookups.statuses.get(cell.text.casefold())
    if status is None:
        labels = ", ".join(label for _, label in Action.Status.choices)
        cell.problem(f"status '{cell.text}' is not one of {labels}")
        return Action.Status.NOT_STARTED
    return status


Reader = Callable[[Cell, Sheet], object]

# (column, the action's field it gives, its reader), read in this order once the row's priority is
# known; a row's problems are listed in this order too.
READERS: tuple[tuple[str, str, Reader], ...] = (
    ("Action", "title", _title),
    ("Activity", "activity", _as_written),
    ("Resources Required", "resources", _as_written),
    ("Timescale", "timescale", _timescale),
    ("Targets", "targets", _as_written),
    ("Outcome", "outcome", _outcome),
    (AGENCIES_COLUMN, "lead_agency", _lead_agency),
    (AGENCIES_COLUMN, "other_partners", _other_partners),
    ("Lead person", "lead_user", _lead_person),
    ("Budget", "budget", _budget),
    ("Funding source", "funding", _funding),
    ("Start date", "start_date", _day),
    ("Due date", "due_date", _day),
    ("Indicator", "indicator", _indicator),
    ("Target value", "target_value", _target_value),
    ("Status", "status", _status),
)
COLUMN_OF_FIELD = {name: column for column, name, _ in READERS}
READING_ORDER = {column: index for index, column in enumerate(["Priority", *(c for c, _, _ in READERS)])}


# -- The rules between columns -----------------------------------------------------------------------


def _target_without_indicator(row: RowCheck, sheet: Sheet) -> str | None:
    # An indicator named but not found has its own problem already.
    return None if row.cell["Indicator"] else "a target value needs an indicator"


def _over_allocation(row: RowCheck, sheet: Sheet) -> str:
    allocation, budget = row.values["funding"], row.values["budget"]
    return (
        f"the {allocation} has £{sheet.lookups.remaining[allocation.pk]:,.2f} left; the actions up to this row "
        f"commit £{sheet.committed[allocation.pk] + budget:,.2f}"
    )


# Each rule as the import words it for the column of the field at fault (None: not said again). The
# lookups find only the outcomes of the row's priority and the partnership's people, indicators and
# allocations, so the rules about those hold for every row read.
RULE_MESSAGES: dict[Broken, Callable[[RowCheck, Sheet], str | None]] = {
    Broken.OUTCOME_OF_ANOTHER_PRIORITY: lambda row, sheet: f"choose an outcome of '{row.priority.title}'",
    Broken.LEAD_WITHOUT_ROLE: lambda row, sheet: f"the lead person must hold a role in {sheet.plan.partnership.name}",
    Broken.INDICATOR_OF_ANOTHER_PARTNERSHIP: lambda row, sheet: "choose one of the partnership's indicators",
    Broken.TARGET_WITHOUT_INDICATOR: _target_without_indicator,
    Broken.DUE_BEFORE_START: lambda row, sheet: "the due date must be on or after the start date",
    Broken.FUNDING_OF_ANOTHER_PARTNERSHIP: lambda row, sheet: "choose one of the partnership's own allocations",
    Broken.FUNDING_WITHOUT_BUDGET: lambda row, sheet: (
        f"enter the budget this action commits from the {row.values['funding']}"
    ),
    Broken.OVER_ALLOCATION: _over_allocation,
}


def _check_rules(row: RowCheck, sheet: Sheet) -> None:
    """The rules every action obeys, over the row's values. Its budget is checked against what its
    funding source has left once the rows above are committed, then committed too."""
    broken = action_problems(
        row.values,
        partnership=sheet.plan.partnership,
        priority=row.priority,
        holds_role=sheet.lookups.members.__contains__,
        left_in=lambda allocation: sheet.lookups.remaining[allocation.pk] - sheet.committed[allocation.pk],
    )
    for name, rule in broken.items():
        message = RULE_MESSAGES[rule](row, sheet)
        if message:
            row.problems.append((COLUMN_OF_FIELD[name], message))
    funding, budget = row.values["funding"], row.values["budget"]
    if funding is not None and budget is not None:
        sheet.committed[funding.pk] += budget


def _remove_nul(cell: dict[str, str]) -> list[tuple[str, str]]:
    """PostgreSQL text cannot hold NUL: a cell with one is a damaged file, not something to keep."""
    damaged = [column for column, text in cell.items() if "\x00" in text]
    for column in damaged:
        cell[column] = cell[column].replace("\x00", "")
    return [(column, "the cell contains a NUL character (a damaged file?): remove it") for column in damaged]


def _draft_when_incomplete(row: RowCheck) -> None:
    """A row without a status that leaves its lead agency, lead person or timescale to decide (as
    plans written in Word usually leave the lead person) comes in as a draft action, which owes no
    returns until the officer completes it; a status in the file is kept as written."""
    values = row.values
    complete = values["lead_agency"] and values["lead_user"] and (values["timescale"] or values["due_date"])
    if not row.cell["Status"].strip() and not complete:
        values["status"] = Action.Status.DRAFT


def read_row(cell: dict[str, str], sheet: Sheet) -> RowCheck:
    """A row's text by column read as an action's values, with every problem found in it."""
    damaged = _remove_nul(cell)
    row = RowCheck(cell)
    row.priority = _priority(Cell("Priority", cell["Priority"], row), sheet)
    for column, name, read in READERS:
        row.values[name] = read(Cell(column, cell[column], row), sheet)
    _draft_when_incomplete(row)
    _check_rules(row, sheet)
    row.problems.sort(key=lambda problem: READING_ORDER[problem[0]])
    row.problems[:0] = damaged
    return row
