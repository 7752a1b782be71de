"""Reads for the reports of statutory reviews: the recommendations status report (for the board, the
PCC and the Domestic Abuse Commissioner), the ASB Case Review annual figures councils publish, and a
county board's roll-up of its district CSPs. Each runs a fixed number of queries, however many
reviews, recommendations, actions and returns there are.

Where a recommendation stands is always ``actionplans.reviews.progress``'s rule, never worked out
here. Nothing of a review's case file is read for these reports but its case reference and kind:
they are for people who see recommendations' progress, not case files.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from actionplans.models import Action, ProgressReturn
from actionplans.reviews.models import Recommendation, Review
from actionplans.reviews.progress import RecommendationProgress, State, action_progress, progress_of
from csp_portal.organisations.models import Partnership
from csp_portal.quarters import Quarter

from . import rendering, snapshot
from .models import ReportJob

# The order states are counted and shown in: what needs attention first.
STATES = [State.OVERDUE, State.OPEN, State.AWAITING_ACTIONS, State.IMPLEMENTED, State.NOT_ACCEPTED]
PCC = "PCC"


# -- Counting by state --------------------------------------------------------------------------------


@dataclass
class StateCounts:
    """How many recommendations are in each state, in STATES order, and in all."""

    counts: Counter = field(default_factory=Counter)

    def add(self, state: str) -> None:
        self.counts[state] += 1

    def __add__(self, other: StateCounts) -> StateCounts:
        return StateCounts(self.counts + other.counts)

    @property
    def cells(self) -> list[tuple[str, str, int]]:
        """(state, its label, how many) for each state."""
        return [(state.value, state.label, self.counts.get(state.value, 0)) for state in STATES]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __getitem__(self, state: str) -> int:
        if state not in State.values:
            raise KeyError(state)  # so that templates look further: counts.cells, counts.total
        return self.counts.get(state, 0)


# -- The recommendations status report ----------------------------------------------------------------


@dataclass
class Evidence:
    """An action signed off as done: the accepted Complete return's words, who accepted it and when."""

    action: str
    words: str
    signed_off_by: str
    signed_off_at: datetime | None


@dataclass
class Row:
    """One recommendation as the report shows it."""

    source: str  # the review's case reference, or 'PCC'
    kind: str  # the review's kind, or '' for the PCC's
    progress: RecommendationProgress

    @property
    def recommendation(self) -> Recommendation:
        return self.progress.recommendation

    @property
    def state(self) -> str:
        return self.progress.state

    @property
    def state_label(self) -> str:
        return self.progress.state_label

    @property
    def done(self) -> int:
        return self.progress.done_count

    @property
    def total(self) -> int:
        return len(self.progress.actions)

    @property
    def lead_agencies(self) -> list[str]:
        names = {item.action.lead_agency.name for item in self.progress.actions if item.action.lead_agency_id}
        return sorted(names)

    @property
    def evidence(self) -> list[Evidence]:
        """For an implemented recommendation, the sign-off of each of its actions."""
        if self.state != State.IMPLEMENTED:
            return []
        found = []
        for item in self.progress.actions:
            sign_off = item.sign_off
            if sign_off is None:  # done by its status, without a Complete return
                found.append(Evidence(item.action.title, "", "", None))
                continue
            who = sign_off.reviewed_by.full_name if sign_off.reviewed_by_id else ""
            found.append(Evidence(item.action.title, sign_off.narrative, who, sign_off.reviewed_at))
        return found


@dataclass
class Source:
    """Where recommendations came from: one review (its case reference and kind), or the PCC."""

    key: str
    label: str
    kind: str
    counts: StateCounts = field(default_factory=StateCounts)


@dataclass
class RecommendationsReport:
    partnership: Partnership
    today: date
    rows: list[Row]
    sources: list[Source]
    counts: StateCounts


def _recommendations(partnership_ids: list[int]) -> list[Recommendation]:
    # Of the review, only what identifies it in a report: never its case file.
    return list(
        Recommendation.objects.filter(partnership_id__in=partnership_ids)
        .select_related("review", "agency")
        .only(*RECOMMENDATION_FIELDS)
        .order_by("partnership_id", "review__reference", "review_id", "number", "id")
    )


RECOMMENDATION_FIELDS = (
    "partnership_id",
    "review__id",
    "review__reference",
    "review__kind",
    "number",
    "text",
    "scope",
    "level",
    "agency__name",
    "sent_to",
    "due_date",
    "decision",
)


def _progress(recommendations: list[Recommendation], today: date) -> list[RecommendationProgress]:
    """Each recommendation's progress by progress.py's rule, from its actions and their accepted
    returns: two queries for any number."""
    actions = (
        Action.objects.filter(recommendation__in=[r.pk for r in recommendations])
        .select_related("lead_agency", "lead_user")
        .order_by("order", "id")
    )
    returns = defaultdict(list)
    accepted = ProgressReturn.objects.filter(
        action__recommendation__in=[r.pk for r in recommendations], status=ProgressReturn.Status.ACCEPTED
    ).select_related("reviewed_by")
    for progress in accepted:
        returns[progress.action_id].append(progress)
    by_recommendation = defaultdict(list)
    for action in actions:
        by_recommendation[action.recommendation_id].append(action_progress(action, returns[action.pk]))
    return [progress_of(r, by_recommendation[r.pk], today) for r in recommendations]


def _source_of(recommendation: Recommendation) -> Source:
    review = recommendation.review
    if review is None:
        return Source(PCC, "Police and Crime Commissioner", "")
    return Source(f"review-{review.pk}", review.reference, review.get_kind_display())


def recommendations_report(partnership: Partnership, today: date | None = None) -> RecommendationsReport:
    """Every recommendation of the partnership (its reviews' and the PCC's) with its state, counted
    overall and by source: three queries."""
    today = today or timezone.localdate()
    rows, sources, counts = [], {}, StateCounts()
    for progress in _progress(_recommendations([partnership.pk]), today):
        source = _source_of(progress.recommendation)
        source = sources.setdefault(source.key, source)
        source.counts.add(progress.state)
        counts.add(progress.state)
        rows.append(Row(source.label if source.key != PCC else PCC, source.kind, progress))
    ordered = sorted(sources.values(), key=lambda s: (s.key == PCC, s.label))
    rows.sort(key=lambda row: (row.recommendation.review_id is None, row.source, row.recommendation.number))
    return RecommendationsReport(partnership, today, rows, ordered, counts)


CSV_COLUMNS = [
    "Source",
    "Review kind",
    "Number",
    "Recommendation",
    "Scope",
    "Level",
    "Sent to",
    "State",
    "Actions done",
    "Actions",
    "Lead agencies",
    "Due date",
    "Evidence of completion",
    "Signed off by",
    "Signed off on",
]


def csv_rows(report: RecommendationsReport) -> list[dict]:
    """The report's recommendations keyed by CSV_COLUMNS (their names are kept stable for those who
    load the file into their own spreadsheets)."""
    found = []
    for row in report.rows:
        recommendation = row.recommendation
        evidence = row.evidence
        found.append(
            {
                "Source": row.source,
                "Review kind": row.kind or PCC,
                "Number": recommendation.number,
                "Recommendation": recommendation.text,
                "Scope": recommendation.get_scope_display(),
                "Level": recommendation.get_level_display(),
                "Sent to": recommendation.sent_to,
                "State": row.state_label,
                "Actions done": row.done,
                "Actions": row.total,
                "Lead agencies": "; ".join(row.lead_agencies),
                "Due date": recommendation.due_date.isoformat() if recommendation.due_date else "",
                "Evidence of completion": " | ".join(e.words for e in evidence if e.words),
                "Signed off by": "; ".join(sorted({e.signed_off_by for e in evidence if e.signed_off_by})),
                "Signed off on": "; ".join(
                    timezone.localtime(e.signed_off_at).date().isoformat() for e in evidence if e.signed_off_at
                ),
            }
        )
    return found


def render_pdf_html(report: RecommendationsReport) -> str:
    """The report as one HTML document for WeasyPrint, in the partnership's report colour, logo and
    protective marking."""
    branding = snapshot._branding(report.partnership)
    colour = branding.get("colour") or ""
    context = {
        "report": report,
        "branding": branding,
        "accent": colour if rendering._HEX_COLOUR.fullmatch(colour) else "",
        "static_base": rendering.STATIC_PREFIX,
        "generated": snapshot.day(timezone.now()),
        "quarter": Quarter.of(report.today),
    }
    return render_to_string("reports/review_recommendations_pdf.html", context)


def recommendation_jobs(partnership: Partnership, limit: int = 5) -> list[ReportJob]:
    """The latest requests for the recommendations status report's PDF."""
    return list(
        ReportJob.objects.filter(partnership=partnership, kind=ReportJob.Kind.RECOMMENDATIONS)
        .select_related("requested_by", "partnership")
        .order_by("-created", "-pk")[:limit]
    )


# -- ASB Case Review annual figures -------------------------------------------------------------------


@dataclass
class AsbYear:
    """The four figures councils publish for a financial year (April to March, by application date)."""

    year: int
    applications: int = 0
    threshold_not_met: int = 0
    reviews_held: int = 0
    with_recommendations: int = 0

    @property
    def label(self) -> str:
        return Quarter(self.year, 1).financial_year

    def __add__(self, other: AsbYear) -> AsbYear:
        return AsbYear(
            self.year,
            self.applications + other.applications,
            self.threshold_not_met + other.threshold_not_met,
            self.reviews_held + other.reviews_held,
            self.with_recommendations + other.with_recommendations,
        )


ASB_COLUMNS = [
    "Financial year",
    "Applications",
    "Threshold not met",
    "Reviews carried out",
    "Reviews with recommendations",
]


def _asb_reviews(partnership_ids: list[int]) -> QuerySet:
    return (
        Review.objects.filter(partnership_id__in=partnership_ids, kind=Review.Kind.ASB)
        .annotate(recommendation_count=Count("recommendations"))
        .values_list("partnership_id", "applied_on", "threshold", "meeting_on", "recommendation_count")
    )


def _asb_by_partnership(partnership_ids: list[int]) -> tuple[dict[int, dict[int, AsbYear]], Counter]:
    """{partnership id: {financial year: its figures}}, and per partnership how many ASB Case Reviews
    have no application date (counted in no year): one query."""
    years: dict[int, dict[int, AsbYear]] = defaultdict(dict)
    undated: Counter = Counter()
    for partnership_id, applied_on, threshold, meeting_on, recommendation_count in _asb_reviews(partnership_ids):
        if applied_on is None:
            undated[partnership_id] += 1
            continue
        year = Quarter.of(applied_on).year
        figures = years[partnership_id].setdefault(year, AsbYear(year))
        figures.applications += 1
        figures.threshold_not_met += threshold == Review.Threshold.NOT_MET
        figures.reviews_held += meeting_on is not None
        figures.with_recommendations += recommendation_count > 0
    return years, undated


@dataclass
class AsbFigures:
    partnership: Partnership
    years: list[AsbYear]  # newest first, every year from the first application to this one
    undated: int


def asb_figures(partnership: Partnership, today: date | None = None) -> AsbFigures:
    """The partnership's ASB Case Review figures for every financial year from its first application
    to the current one (years without any say 0): one query."""
    this_year = Quarter.of(today or timezone.localdate()).year
    by_partnership, undated = _asb_by_partnership([partnership.pk])
    found = by_partnership.get(partnership.pk, {})
    first = min([*found, this_year])
    years = [found.get(year, AsbYear(year)) for year in range(max([*found, this_year]), first - 1, -1)]
    return AsbFigures(partnership, years, undated[partnership.pk])


def asb_csv_rows(figures: AsbFigures) -> list[dict]:
    return [
        dict(
            zip(
                ASB_COLUMNS,
                [y.label, y.applications, y.threshold_not_met, y.reviews_held, y.with_recommendations],
                strict=True,
            )
        )
        for y in figures.years
    ]


# -- A county board's roll-up -------------------------------------------------------------------------


@dataclass
class DistrictRow:
    partnership: Partnership
    counts: StateCounts
    asb: AsbYear
    kind = ""  # rows of a table of sources have a kind; a CSP's is in its name

    @property
    def label(self) -> str:
        return self.partnership.name


@dataclass
class Rollup:
    county: Partnership
    year: AsbYear  # the financial year whose ASB figures are shown (its figures: the totals)
    districts: list[DistrictRow]
    counts: StateCounts


def review_rollup(county: Partnership, today: date | None = None) -> Rollup:
    """For each district CSP under a county board, its recommendations by state and this financial
    year's ASB Case Review figures, with the totals: five queries."""
    today = today or timezone.localdate()
    this_year = Quarter.of(today).year
    districts = list(Partnership.objects.filter(county_board=county).order_by("name", "pk"))
    ids = [d.pk for d in districts]
    counts: dict[int, StateCounts] = defaultdict(StateCounts)
    for progress in _progress(_recommendations(ids), today):
        counts[progress.recommendation.partnership_id].add(progress.state)
    asb, _ = _asb_by_partnership(ids)
    rows = [DistrictRow(d, counts[d.pk], asb[d.pk].get(this_year, AsbYear(this_year))) for d in districts]
    total_counts = sum((row.counts for row in rows), StateCounts())
    total_asb = sum((row.asb for row in rows), AsbYear(this_year))
    return Rollup(county, total_asb, rows, total_counts)
