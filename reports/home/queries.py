"""What the home page shows each person: the work their roles ask of them now, across all their
partnerships. Each part runs a fixed number of queries, however many partnerships, actions, returns,
imports and indicators there are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from actionplans.models import Action, ProgressReturn, QuarterClosure
from actionplans.queries import DONE, MyQuarter, my_actions, reporting_quarter
from assessments.models import CrimeCount, CrimeImport, Indicator, StrategicAssessment
from csp_portal.organisations.models import Partnership, User
from csp_portal.organisations.permissions import ANALYST, BOARD, LEAD, OFFICER, roles_by_partnership
from csp_portal.quarters import Quarter

from ..models import Decision, Meeting, ReportJob, ReportVersion
from ..queries import next_meetings

IMPORTS_SHOWN = 3  # each partnership's latest crime-data imports on an analyst's home page
ESCALATION_LOOKBACK = 4  # quarters in which an escalation still waits for the board
LISTED = 10  # rows of a list shown before 'and N more'


@dataclass
class Listing:
    """The first LISTED items of a list, and how many there are in all."""

    items: list
    total: int

    @classmethod
    def of(cls, items: list) -> Listing:
        return cls(items[:LISTED], len(items))

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class OfficerWork:
    partnership: Partnership
    to_review: Listing
    owed: int
    escalations: Listing
    report: ReportState
    next_meeting: Meeting | None = None

    @property
    def links(self) -> list[tuple[str, str]]:
        slug, quarter = self.partnership.slug, self.report.quarter
        return [
            (f"{quarter.label} returns", reverse("actionplans:quarter_status", args=[slug, quarter])),
            ("Action plans", reverse("actionplans:index", args=[slug])),
        ]


@dataclass
class BoardWork:
    partnership: Partnership
    latest_report: ReportVersion | None
    agenda: Listing
    red: Listing
    next_meeting: Meeting | None = None

    @property
    def links(self) -> list[tuple[str, str]]:
        return [("Dashboard and reports", reverse("reports:dashboard", args=[self.partnership.slug]))]


@dataclass
class DataSet:
    name: str
    latest: date | None
    url: str = ""


@dataclass
class AnalystWork:
    partnership: Partnership
    imports: list[CrimeImport]
    data_sets: list[DataSet] = field(default_factory=list)

    @property
    def links(self) -> list[tuple[str, str]]:
        slug = self.partnership.slug
        return [
            ("Crime data", reverse("assessments:crime_data", args=[slug])),
            ("Evidence", reverse("assessments:assessment_list", args=[slug])),
        ]


@dataclass
class ReportState:
    """Where the report on the quarter stands: issued (its newest version) or a draft under way."""

    quarter: Quarter
    issued: ReportVersion | None
    draft: ReportJob | None


@dataclass
class Home:
    quarter: Quarter
    mine: MyQuarter | None
    officer: list[OfficerWork]
    board: list[BoardWork]
    analyst: list[AnalystWork]

    @property
    def empty(self) -> bool:
        return not (self.mine or self.officer or self.board or self.analyst)


def home_of(user: User, today: date | None = None) -> Home:
    today = today or timezone.localdate()
    quarter = reporting_quarter(today)
    held = roles_by_partnership(user)
    with_role = {role: [pk for pk, roles in held.items() if role in roles] for role in (OFFICER, BOARD, ANALYST)}
    partnerships = Partnership.objects.in_bulk({pk for pks in with_role.values() for pk in pks})
    rows = my_actions(user, quarter, today)
    leads = bool(rows) or any(LEAD in roles for roles in held.values())
    named = {
        role: [partnerships[pk] for pk in sorted(pks, key=lambda pk: partnerships[pk].name)]
        for role, pks in with_role.items()
    }
    return Home(
        quarter=quarter,
        mine=MyQuarter(rows) if leads else None,
        officer=officer_work(named[OFFICER], quarter),
        board=board_work(named[BOARD], quarter),
        analyst=analyst_work(named[ANALYST]),
    )


# -- The officer: returns to review and still owed, escalations waiting, the report -----------------


def officer_work(partnerships: list[Partnership], quarter: Quarter) -> list[OfficerWork]:
    if not partnerships:
        return []
    ids = [p.pk for p in partnerships]
    to_review = _listed_by_partnership(
        _returns_in(ids).filter(status=ProgressReturn.Status.SUBMITTED), "submitted_at", "pk"
    )
    owed = owed_returns(ids, quarter)
    waiting = escalations_waiting(ids, quarter)
    meetings = next_meetings(ids)
    # The report that matters is the one for the next meeting: of the quarter it reviews.
    reports = report_states({pk: meetings[pk].quarter if pk in meetings else quarter for pk in ids})
    return [
        OfficerWork(p, to_review[p.pk], owed[p.pk], Listing.of(waiting[p.pk]), reports[p.pk], meetings.get(p.pk))
        for p in partnerships
    ]


def _returns_in(partnership_ids: list[int]) -> QuerySet[ProgressReturn]:
    return ProgressReturn.objects.filter(
        action__partnership_id__in=partnership_ids, action__archived_at__isnull=True
    ).select_related(
        "action__partnership",
        "action__priority",
        "action__recommendation__review",
        "action__lead_user",
        "action__lead_agency",
    )


def _listed_by_partnership(returns: QuerySet[ProgressReturn], *order: str) -> dict[int, Listing]:
    """Each partnership's first LISTED of ``returns`` in ``order``, and how many there are in all:
    a partnership of the national size has hundreds waiting at quarter end, and only ten are shown."""
    partnership = F("action__partnership_id")
    ranked = returns.annotate(
        place=Window(RowNumber(), partition_by=[partnership], order_by=list(order)),
        total=Window(Count("pk"), partition_by=[partnership]),
    )
    found: dict[int, Listing] = defaultdict(lambda: Listing([], 0))
    for progress in ranked.filter(place__lte=LISTED).order_by("action__partnership_id", "place"):
        listing = found[progress.action.partnership_id]
        listing.items.append(progress)
        listing.total = progress.total
    return found


def owed_returns(partnership_ids: list[int], quarter: Quarter) -> dict[int, int]:
    """How many of each partnership's actions owe a return for the quarter and have none submitted;
    none while the quarter is closed."""
    closed = set(
        QuarterClosure.objects.filter(
            partnership_id__in=partnership_ids, year=quarter.year, number=quarter.number
        ).values_list("partnership_id", flat=True)
    )
    done = ProgressReturn.objects.filter(
        action=OuterRef("pk"), year=quarter.year, number=quarter.number, status__in=DONE
    )
    actions = (
        Action.objects.active()
        .filter(partnership_id__in=partnership_ids)
        .filter(Q(priority__isnull=True) | Q(priority__archived_at__isnull=True))
        .exclude(pk__in=Subquery(done.values("action")))
        .only("pk", "created", "partnership_id", "priority_id", "status", "start_date", "due_date", "archived_at")
    )
    owed = defaultdict(int)
    for action in actions:
        if action.partnership_id not in closed and action.owes_return(quarter):
            owed[action.partnership_id] += 1
    return owed


def escalations_waiting(partnership_ids: list[int], quarter: Quarter) -> dict[int, list[ProgressReturn]]:
    """Support asked of the board in an accepted return of the last year that the board has not yet
    decided (or deferred): one per action, its newest request, noting the quarter it was first raised."""
    since = quarter - (ESCALATION_LOOKBACK - 1)
    asked = (
        _returns_in(partnership_ids)
        .filter(status=ProgressReturn.Status.ACCEPTED)
        .exclude(support_needed="")
        .filter(Q(year__gt=since.year) | Q(year=since.year, number__gte=since.number))
        .filter(Q(year__lt=quarter.year) | Q(year=quarter.year, number__lte=quarter.number))
        .exclude(board_decisions__in=Decision.objects.exclude(outcome=Decision.Outcome.DEFERRED))
        .order_by(
            F("action__priority__order").asc(nulls_last=True),
            "action__priority_id",
            "action__recommendation_id",
            "action__order",
            "action_id",
            "year",
            "number",
        )
    )
    newest: dict[int, ProgressReturn] = {}
    for progress in asked:
        progress.first_raised = (
            newest[progress.action_id].first_raised if progress.action_id in newest else progress.quarter
        )
        newest[progress.action_id] = progress
    found = defaultdict(list)
    for progress in newest.values():
        found[progress.action.partnership_id].append(progress)
    return found


def report_states(quarters: dict[int, Quarter]) -> dict[int, ReportState]:
    """{partnership id: where its report on the given quarter stands}: two queries."""
    in_quarters = Q(pk__in=[])
    for quarter in set(quarters.values()):
        in_quarters |= Q(year=quarter.year, number=quarter.number)
    issued = {
        (v.partnership_id, v.quarter): v
        for v in ReportVersion.objects.filter(in_quarters, partnership_id__in=quarters)
        .select_related("partnership")  # its download address names the partnership
        .defer("snapshot")
        .order_by("version")
    }
    drafts = {
        (job.partnership_id, job.quarter): job
        for job in ReportJob.objects.filter(
            in_quarters, partnership_id__in=quarters, kind=ReportJob.Kind.DRAFT
        ).order_by("created")
    }
    return {pk: ReportState(q, issued.get((pk, q)), drafts.get((pk, q))) for pk, q in quarters.items()}


# -- The board member: the latest report, what the board will be asked, red actions ----------------


def board_work(partnerships: list[Partnership], quarter: Quarter) -> list[BoardWork]:
    if not partnerships:
        return []
    ids = [p.pk for p in partnerships]
    newest = ReportVersion.objects.filter(partnership=OuterRef("partnership")).order_by("-issued_at", "-pk")
    latest = {
        v.partnership_id: v
        for v in ReportVersion.objects.filter(partnership_id__in=ids, pk=Subquery(newest.values("pk")[:1]))
        .select_related("partnership")  # its download address names the partnership
        .defer("snapshot")
    }
    agenda = escalations_waiting(ids, quarter)
    red = _listed_by_partnership(
        _returns_in(ids)
        .filter(year=quarter.year, number=quarter.number, status=ProgressReturn.Status.ACCEPTED)
        .filter(rag=ProgressReturn.Rag.RED),
        "action__priority__order",
        "action__priority_id",
        "action__order",
        "action_id",
    )
    meetings = next_meetings(ids)
    return [
        BoardWork(p, latest.get(p.pk), Listing.of(agenda[p.pk]), red[p.pk], meetings.get(p.pk)) for p in partnerships
    ]


# -- The analyst: imports, and how old each data set is ---------------------------------------------


def analyst_work(partnerships: list[Partnership]) -> list[AnalystWork]:
    if not partnerships:
        return []
    ids = [p.pk for p in partnerships]
    ranked = CrimeImport.objects.filter(partnership_id__in=ids).annotate(
        rank=Window(RowNumber(), partition_by=F("partnership_id"), order_by=F("created").desc())
    )
    imports = defaultdict(list)
    for job in ranked.filter(rank__lte=IMPORTS_SHOWN).select_related("requested_by").order_by("-created"):
        imports[job.partnership_id].append(job)
    crime = dict(
        CrimeCount.objects.filter(authority__partnerships__in=ids)
        .values_list("authority__partnerships")
        .annotate(latest=Max("month"))
    )
    assessments = dict(
        StrategicAssessment.objects.filter(partnership_id__in=ids)
        .values_list("partnership_id")
        .annotate(latest=Max("trend_end"))
    )
    indicators = defaultdict(list)
    for indicator in (
        Indicator.objects.filter(partnership_id__in=ids).annotate(latest=Max("values__period_start")).order_by("name")
    ):
        indicators[indicator.partnership_id].append(indicator)
    return [
        AnalystWork(p, imports[p.pk], _data_sets(p, crime.get(p.pk), assessments.get(p.pk), indicators[p.pk]))
        for p in partnerships
    ]


def _data_sets(partnership, crime_month, assessed, indicators) -> list[DataSet]:
    sets = [
        DataSet("Recorded crime (police.uk)", crime_month, reverse("assessments:crime_data", args=[partnership.slug])),
        DataSet(
            "Strategic assessment (data analysed up to)",
            assessed,
            reverse("assessments:assessment_list", args=[partnership.slug]),
        ),
    ]
    for indicator in indicators:
        latest = crime_month if indicator.crime_type else indicator.latest
        url = reverse("assessments:indicator_detail", args=[partnership.slug, indicator.pk])
        sets.append(DataSet(indicator.name, latest, url))
    return sets
