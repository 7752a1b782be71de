"""Demonstration statutory reviews for Lancaster District CSP, all FICTIONAL (``data/demo_reviews.toml``):
one Domestic Homicide Review from notification to publication, with a 'resubmit' and an 'approved'
quality-assurance round and five recommendations at different stages (implemented, overdue, open,
awaiting actions, and a national one sent to the Home Office); an ASB Case Review whose threshold was
not met, under appeal; one whose threshold was met, with its meeting, outcome and a recommendation;
and a recommendation of the Police and Crime Commissioner, accepted, answered and turned into an action.

The partnership officer is every review's officer; the demo lead sits on the homicide review's panel;
the board member has no review role, so sees the recommendations' progress and not the case files.
The recommendations' actions are written through the action services and their returns written,
submitted and accepted as the leads and the officer would, so they live in the plan's machinery.

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
from csp_portal import writes
from csp_portal.organisations.demo import DemoContext, demo_step, read_data
from csp_portal.organisations.models import Agency, Partnership, User
from csp_portal.quarters import Quarter

from .models import QualityAssuranceRound, Recommendation, Review, ReviewRole

DATA = read_data(__file__, "demo_reviews.toml")
REVIEW_TEXT = ("kind", "reference", "summary", "decision", "decision_reasons", "chair", "panel", "threshold")
REVIEW_TEXT += ("threshold_reasons", "outcome")
RECOMMENDATION_TEXT = ("number", "text", "scope", "level", "sent_to", "decision")


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
    review = Review.objects.filter(partnership=demo.partnership, reference=spec["reference"]).first()
    if review is not None:
        return review
    values = {name: spec[name] for name in REVIEW_TEXT if name in spec}
    review = Review(partnership=demo.partnership, **values, **demo.dates(spec["days_ago"]))
    writes.create(review, actor=demo.officer, then=lambda created: None)
    for round_spec in spec.get("qa_rounds", []):
        qa_round = QualityAssuranceRound(
            review=review,
            submitted_on=demo.day(round_spec["submitted_days_ago"]),
            outcome=round_spec["outcome"],
            outcome_on=demo.day(round_spec["outcome_days_ago"]),
            feedback=round_spec["feedback"],
        )
        writes.create(qa_round, actor=demo.officer, then=lambda created: None)
    demo.created["reviews"] += 1
    return review


def _role(demo: _Demo, review: Review, user: User, role: str) -> None:
    if not ReviewRole.objects.filter(review=review, user=user).exists():
        writes.create(ReviewRole(review=review, user=user, role=role), actor=demo.officer, then=lambda created: None)


def _recommendation(demo: _Demo, review: Review | None, spec: dict) -> Recommendation:
    found = Recommendation.objects.filter(partnership=demo.partnership, review=review)
    recommendation = (found.filter(number=spec.get("number", 1)) if review else found.filter(text=spec["text"])).first()
    if recommendation is None:
        values = {name: spec[name] for name in RECOMMENDATION_TEXT if name in spec}
        recommendation = Recommendation(
            partnership=demo.partnership,
            review=review,
            agency=Agency.objects.get(name=spec["agency"]) if "agency" in spec else None,
            due_date=demo.day(spec.get("due_days_ago")),
            sent_on=demo.day(spec.get("sent_days_ago")),
            **values,
            **demo.dates(spec.get("days_ago", {})),
        )
        writes.create(recommendation, actor=demo.officer, then=lambda created: None)
        demo.created["recommendations"] += 1
    for action_spec in spec.get("actions", []):
        _action(demo, recommendation, action_spec)
    return recommendation


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
    action = action_services.add_recommendation_action(recommendation, actor=demo.officer, values=values)
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
