"""Demonstration statutory reviews for Lancaster District CSP, all FICTIONAL (``data/demo_reviews.toml``):
one Domestic Homicide Review from notification to publication, with a 'resubmit' and an 'approved'
quality-assurance round and five recommendations at different stages (implemented, overdue, open,
awaiting actions, and a national one sent to the Home Office); an ASB Case Review whose threshold was
not met, under appeal; one whose threshold was met, with its meeting, outcome and a recommendation;
and a recommendation of the Police and Crime Commissioner, accepted, answered and turned into an action.

The partnership officer is every review's officer; the demo lead sits on the homicide review's panel;
the board member has no review role, so sees the recommendations' progress and not the case files.
Everything is written through the services the pages use, as the officer and the leads would:
the register's (a review started, its dates and decisions, its rounds, its people), the
recommendations' (added, the PCC's received then considered, each turned into an action), and the
action plans' (returns written, submitted and accepted), so their rules hold and their history
names who did what.

Dates are counted back from the day the demo is loaded. Loading it again keeps what is there: a
review, a recommendation, an action or a return the demo finds is left as it is.

Runs after the reports' step (order 700), so that the board report it issues is the plan's alone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from actionplans import services as action_services
from actionplans.models import Action, ProgressReturn
from actionplans.queries import reporting_quarter
from csp_portal.organisations.demo import DemoContext, demo_step, read_data
from csp_portal.organisations.models import Agency, Partnership, User
from csp_portal.quarters import Quarter

from . import recommendation_services as recommendations
from . import services
from .models import Recommendation, Review, ReviewRole

DATA = read_data(__file__, "demo_reviews.toml")
REVIEW_TEXT = ("decision", "decision_reasons", "chair", "panel", "threshold", "threshold_reasons", "outcome")
LATER = ("published_on",)  # recorded once the Home Office panel has approved the report
RECOMMENDATION_TEXT = ("number", "text", "scope", "level", "sent_to")
CONSIDERATION = ("decision", "reasons")  # a PCC recommendation's, recorded once it was considered


class _Demo:
    """What the step's writes share: the partnership, its officer, the day and the quarter reported."""

    def __init__(self, partnership: Partnership, officer: User, today: date) -> None:
        self.partnership, self.officer, self.today = partnership, officer, today
        self.reporting = reporting_quarter(today)
        self.created = {"reviews": 0, "recommendations": 0, "actions": 0, "returns": 0}

    def day(self, days_ago: int | None) -> date | None:
        return None if days_ago is None else self.today - timedelta(days=days_ago)

    def dates(self, days_ago: dict) -> dict[str, date]:
        return {name: self.day(days) for name, days in days_ago.items()}


@demo_step(order=750)
def statutory_reviews(ctx: DemoContext) -> None:
    """Lancaster's fictional reviews, their recommendations and the PCC's, with actions and returns."""
    demo = _Demo(ctx.partnership(DATA["partnership"]), User.objects.get(email=DATA["officer"]), timezone.localdate())
    for spec in DATA["reviews"]:
        review = _review(demo, spec)
        _role(demo, review, demo.officer, ReviewRole.Kind.OFFICER)
        for email in spec["panel_members"]:
            _role(demo, review, User.objects.get(email=email), ReviewRole.Kind.PANEL)
        for rec_spec in spec.get("recommendations", []):
            _recommendation(demo, review, rec_spec)
    _recommendation(demo, None, DATA["pcc"])
    made = demo.created
    ctx.report(
        f"Statutory reviews (fictional): {len(DATA['reviews'])} for {demo.partnership.name} "
        f"({made['reviews']} created); recommendations, the PCC's included: {made['recommendations']} created; "
        f"{made['actions']} actions and {made['returns']} progress returns written."
    )


def _review(demo: _Demo, spec: dict) -> Review:
    """The review as its officer would record it, through the register's services: started, its
    dates and decisions, the quality-assurance rounds, then the publication."""
    review = Review.objects.filter(partnership=demo.partnership, reference=spec["reference"]).first()
    if review is not None:
        return review
    dates = demo.dates(spec["days_ago"])
    first = services.first_date_field(spec["kind"])
    review = services.start_review(
        demo.partnership,
        actor=demo.officer,
        kind=spec["kind"],
        reference=spec["reference"],
        summary=spec["summary"],
        first_date=dates.pop(first),
    )
    values = {name: spec[name] for name in REVIEW_TEXT if name in spec}
    values |= {name: day for name, day in dates.items() if name not in LATER}
    services.change_review(review, actor=demo.officer, values=values)
    for round_spec in spec.get("qa_rounds", []):
        values = {
            "submitted_on": demo.day(round_spec["submitted_days_ago"]),
            "outcome": round_spec["outcome"],
            "outcome_on": demo.day(round_spec["outcome_days_ago"]),
            "feedback": round_spec["feedback"],
        }
        services.add_qa_round(review, actor=demo.officer, values=values)
    if later := {k: v for k, v in dates.items() if k in LATER}:
        services.change_review(review, actor=demo.officer, values=later)
    demo.created["reviews"] += 1
    return review


def _role(demo: _Demo, review: Review, user: User, role: str) -> None:
    if not ReviewRole.objects.filter(review=review, user=user).exists():
        services.add_review_role(review, actor=demo.officer, person=user, role=role)


def _recommendation(demo: _Demo, review: Review | None, spec: dict) -> Recommendation:
    found = Recommendation.objects.filter(partnership=demo.partnership, review=review)
    recommendation = (found.filter(number=spec.get("number", 1)) if review else found.filter(text=spec["text"])).first()
    if recommendation is None:
        recommendation = _record(demo, review, spec)
        demo.created["recommendations"] += 1
    for action_spec in spec.get("actions", []):
        _action(demo, recommendation, action_spec)
    return recommendation


def _record(demo: _Demo, review: Review | None, spec: dict) -> Recommendation:
    """A review's recommendation as its officer adds it; the PCC's as received, then as considered
    and answered."""
    values = {name: spec[name] for name in RECOMMENDATION_TEXT if name in spec}
    values |= {
        "agency": Agency.objects.get(name=spec["agency"]) if "agency" in spec else None,
        "due_date": demo.day(spec.get("due_days_ago")),
        "sent_on": demo.day(spec.get("sent_days_ago")),
    }
    if review is not None:
        return recommendations.add_recommendation(review, actor=demo.officer, values=values)
    dates = demo.dates(spec["days_ago"])
    values["received_on"] = dates.pop("received_on")
    received = recommendations.receive_pcc_recommendation(demo.partnership, actor=demo.officer, values=values)
    considered = {name: spec[name] for name in CONSIDERATION if name in spec} | dates
    recommendations.change_recommendation(received, actor=demo.officer, values=considered)
    received.refresh_from_db()
    return received


def _action(demo: _Demo, recommendation: Recommendation, spec: dict) -> None:
    if Action.objects.filter(recommendation=recommendation, title=spec["title"]).exists():
        return
    lead = User.objects.get(email=spec["lead"])
    values = {
        "title": spec["title"],
        "activity": spec["activity"],
        "lead_user": lead,
        "lead_agency": Agency.objects.get(name=spec["lead_agency"]),
        "due_date": demo.day(spec["due_days_ago"]),
        "status": Action.Status.IN_PROGRESS,
    }
    action = recommendations.add_action(recommendation, actor=demo.officer, values=values)
    demo.created["actions"] += 1
    returns = [(demo.reporting + row["quarter"], row) for row in spec.get("returns", [])]
    if returns:
        # On the plan since its first return's quarter, so that it owes that quarter's return (no
        # history: a set-up detail, as the action plans' demo does).
        since = timezone.make_aware(datetime.combine(min(q for q, _ in returns).start, time(9)))
        Action.objects.filter(pk=action.pk).update(created=since)
    for quarter, row in returns:
        _return(demo, action, lead, quarter, row)
    if spec.get("complete"):
        action.refresh_from_db()
        values = {name: getattr(action, name) for name in action_services.ACTION_FIELDS}
        values["status"] = Action.Status.COMPLETE
        action_services.edit_action(action, actor=demo.officer, version=action.version, values=values, others=[])


def _return(demo: _Demo, action: Action, lead: User, quarter: Quarter, row: dict) -> None:
    values = {name: row.get(name, "") for name in action_services.RETURN_FIELDS}
    values["percent_complete"] = row["percent_complete"]
    progress = action_services.submit_return(action, quarter, actor=lead, values=values)
    if row["state"] == ProgressReturn.Status.ACCEPTED:
        action_services.accept_return(progress, actor=demo.officer)
    demo.created["returns"] += 1
