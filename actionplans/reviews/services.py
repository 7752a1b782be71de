"""What people do to the review register and a review's case file: start a review, record its dates
and decisions, its quality-assurance rounds, its people and its documents, and set the partnership's
own timescales. Each write checks everything first and writes nothing on any problem (a
ValidationError naming each field), locks the rows two people could change at once, and goes
through ``csp_portal.writes`` so that the history names who made it.

The rules a review's dates follow are ``review_problems``; the forms ask it too, so that a page
shows every problem at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from csp_portal import writes
from csp_portal.organisations.models import Partnership, User

from .models import QualityAssuranceRound, Review, ReviewDocument, ReviewRole, ReviewTimescales
from .permissions import forget_review_roles

Problems = dict[str, str]
Outcome = QualityAssuranceRound.Outcome

# The fields each kind of review records on its edit page.
HOMICIDE_FIELDS = (
    "reference",
    "summary",
    "notified_on",
    "decision",
    "decided_on",
    "decision_reasons",
    "home_office_notified_on",
    "chair",
    "chair_appointed_on",
    "panel",
    "draft_report_on",
    "final_report_on",
    "published_on",
    "removed_on",
    "closed_on",
)
ASB_FIELDS = (
    "reference",
    "summary",
    "applied_on",
    "threshold",
    "threshold_decided_on",
    "threshold_reasons",
    "meeting_on",
    "outcome",
    "outcome_sent_on",
    "appeal_received_on",
    "appeal_outcome",
    "appeal_decided_on",
    "closed_on",
)

# (date, the date it follows, said when it is earlier, said when the earlier one is missing)
HOMICIDE_ORDER = (
    (
        "decided_on",
        "notified_on",
        "The decision cannot be before the partnership was notified of the death",
        "Enter the date the partnership was notified of the death, which the decision follows",
    ),
    (
        "home_office_notified_on",
        "decided_on",
        "The Home Office cannot be told before the decision was made",
        "Enter the date of the decision before the date the Home Office was told",
    ),
    (
        "chair_appointed_on",
        "decided_on",
        "The chair cannot be appointed before the decision to hold a review",
        "Enter the date of the decision before the chair's appointment",
    ),
    (
        "draft_report_on",
        "decided_on",
        "The draft report cannot be ready before the decision to hold a review",
        "Enter the date of the decision before the draft report's",
    ),
    (
        "final_report_on",
        "draft_report_on",
        "The final report cannot be agreed before the draft report was ready",
        "Enter the date the draft report was ready before the final report's",
    ),
    (
        "removed_on",
        "published_on",
        "The report cannot be removed before it was published",
        "Enter the date the report was published before its removal",
    ),
)
ASB_ORDER = (
    (
        "threshold_decided_on",
        "applied_on",
        "The threshold cannot be decided before the application was received",
        "Enter the date the application was received, which the threshold decision follows",
    ),
    (
        "meeting_on",
        "threshold_decided_on",
        "The review meeting cannot be before the threshold was decided",
        "Enter the date the threshold was decided before the review meeting's",
    ),
    (
        "outcome_sent_on",
        "meeting_on",
        "The outcome cannot be sent before the review meeting",
        "Enter the date of the review meeting before the date the outcome was sent",
    ),
    (
        "appeal_decided_on",
        "appeal_received_on",
        "The appeal cannot be decided before it was received",
        "Enter the date the appeal was received before its decision",
    ),
)
# (a choice, its date, its reasons or text, what to say for each when missing)
HOMICIDE_PAIRS = (
    ("decision", "decided_on", "decision_reasons", ("Choose the decision", "Enter the date the decision was made")),
)
ASB_PAIRS = (
    (
        "threshold",
        "threshold_decided_on",
        "threshold_reasons",
        ("Choose the threshold decision", "Enter the date the threshold was decided"),
    ),
    (
        "appeal_outcome",
        "appeal_decided_on",
        None,
        ("Choose the appeal's outcome", "Enter the date the appeal was decided"),
    ),
)
REASONS_MISSING = {
    "decision_reasons": "Enter the reasons for the decision",
    "threshold_reasons": "Enter the reasons for the threshold decision",
}
# Steps a homicide review takes only once the partnership decided to hold it.
HELD_ONLY = ("chair_appointed_on", "draft_report_on", "final_report_on")


def _label(name: str) -> str:
    return str(Review._meta.get_field(name).verbose_name)


def _add(problems: Problems, name: str, message: str) -> None:
    problems.setdefault(name, message)


def _future(values: dict, names: Sequence[str], today: date, problems: Problems) -> None:
    for name in names:
        value = values.get(name)
        if isinstance(value, date) and value > today:
            _add(problems, name, f"The date '{_label(name)}' cannot be in the future")


def _pairs(values: dict, pairs, problems: Problems) -> None:
    for choice, when, reasons, (no_choice, no_date) in pairs:
        if values.get(choice):
            if not values.get(when):
                _add(problems, when, no_date)
            if reasons and not (values.get(reasons) or "").strip():
                _add(problems, reasons, REASONS_MISSING[reasons])
        elif values.get(when):
            _add(problems, choice, no_choice)


def _order(values: dict, rules, problems: Problems) -> None:
    for name, follows, too_early, missing in rules:
        value, earlier = values.get(name), values.get(follows)
        if value is None:
            continue
        if earlier is None:
            _add(problems, name, missing)
        elif value < earlier:
            _add(problems, name, too_early)


def _closed(values: dict, names: Sequence[str], problems: Problems) -> None:
    closed = values.get("closed_on")
    if closed is None:
        return
    for name in names:
        value = values.get(name)
        if name != "closed_on" and isinstance(value, date) and value > closed:
            _add(problems, "closed_on", f"The review cannot be closed before '{_label(name)}' ({value:%d %B %Y})")
            return


def _homicide_rules(values: dict, rounds: Sequence[QualityAssuranceRound], problems: Problems) -> None:
    held = values.get("decision") == Review.Decision.HOLD
    for name in HELD_ONLY:
        if values.get(name) and not held:
            _add(problems, name, f"The date '{_label(name)}' needs a decision to hold a review")
    published = values.get("published_on")
    approved = next((r for r in rounds if r.outcome == Outcome.APPROVED and r.outcome_on), None)
    if published is not None and approved is None:
        _add(problems, "published_on", "The report can be published only after the Home Office panel approved it")
    elif published is not None and published < approved.outcome_on:
        _add(
            problems,
            "published_on",
            f"The report cannot be published before the panel approved it ({approved.outcome_on:%d %B %Y})",
        )


# An appeal follows the outcome sent to the applicant or, where the threshold was not met, that decision.
APPEAL_AFTER_OUTCOME = (
    (
        "appeal_received_on",
        "outcome_sent_on",
        "An appeal cannot be received before the outcome was sent",
        "Enter the date the outcome was sent before an appeal",
    ),
)
APPEAL_AFTER_THRESHOLD = (
    (
        "appeal_received_on",
        "threshold_decided_on",
        "An appeal cannot be received before the threshold was decided",
        "Enter the date the threshold was decided before an appeal",
    ),
)


def _asb_rules(values: dict, problems: Problems) -> None:
    not_met = values.get("threshold") == Review.Threshold.NOT_MET
    _order(values, APPEAL_AFTER_THRESHOLD if not_met else APPEAL_AFTER_OUTCOME, problems)
    if values.get("meeting_on") and values.get("threshold") != Review.Threshold.MET:
        _add(problems, "meeting_on", "A review meeting is held only when the threshold is met")
    if values.get("outcome_sent_on") and not (values.get("outcome") or "").strip():
        _add(problems, "outcome", "Enter the outcome sent to the applicant")


def review_problems(
    kind: str, values: dict, rounds: Sequence[QualityAssuranceRound], today: date | None = None
) -> Problems:
    """Every contradiction in a review's dates and decisions, by field: a decision needs its date
    and reasons, a date never comes before the step it follows or after today, a report is
    published only once the panel approved it, and the review closes after everything else."""
    today = today or timezone.localdate()
    homicide = kind in Review.HOMICIDE_KINDS
    names = HOMICIDE_FIELDS if homicide else ASB_FIELDS
    problems: Problems = {}
    _future(values, names, today, problems)
    _pairs(values, HOMICIDE_PAIRS if homicide else ASB_PAIRS, problems)
    if homicide:
        _homicide_rules(values, rounds, problems)
    else:
        _asb_rules(values, problems)
    _order(values, HOMICIDE_ORDER if homicide else ASB_ORDER, problems)
    _closed(values, names, problems)
    return problems


def reference_problem(partnership: Partnership, reference: str, other_than: int | None = None) -> Problems:
    """A case reference is used once in a partnership (whatever the case of its letters)."""
    taken = Review.objects.filter(partnership=partnership, reference__iexact=(reference or "").strip())
    if other_than is not None:
        taken = taken.exclude(pk=other_than)
    if reference and taken.exists():
        return {"reference": f"The partnership already has a review with the case reference '{reference.strip()}'"}
    return {}


# -- The register ------------------------------------------------------------------------------------


def first_date_field(kind: str) -> str:
    """The date a review starts from: the notification of a death, or an ASB application."""
    return "notified_on" if kind in Review.HOMICIDE_KINDS else "applied_on"


@transaction.atomic
def start_review(
    partnership: Partnership, *, actor: User, kind: str, reference: str, summary: str, first_date: date
) -> Review:
    """Put a review on the partnership's register; whoever starts it becomes its review officer."""
    Partnership.objects.select_for_update().get(pk=partnership.pk)  # two starts with one reference queue here
    first = first_date_field(kind)
    problems = reference_problem(partnership, reference)
    _future({first: first_date}, [first], timezone.localdate(), problems)
    if problems:
        raise ValidationError(problems)
    review = Review(partnership=partnership, kind=kind, reference=reference.strip(), summary=summary)
    setattr(review, first, first_date)

    def officer(created: Review) -> None:
        writes.save(ReviewRole(review=created, user=actor, role=ReviewRole.Kind.OFFICER), actor=actor)

    writes.create(review, actor=actor, then=officer)
    forget_review_roles(actor)
    return review


@transaction.atomic
def change_review(review: Review, *, actor: User, values: dict) -> bool:
    """Record the review's dates and decisions; refused whole on any problem. True if it changed."""
    locked = Review.objects.select_for_update().get(pk=review.pk)
    rounds = list(QualityAssuranceRound.objects.filter(review=locked).order_by("submitted_on", "id"))
    merged = {name: getattr(locked, name) for name in HOMICIDE_FIELDS + ASB_FIELDS} | values
    problems = review_problems(locked.kind, merged, rounds)
    if "reference" in values:
        problems = reference_problem(locked.partnership, values["reference"], locked.pk) | problems
    if problems:
        raise ValidationError(problems)
    return writes.update(locked, values, actor=actor)


# -- Quality-assurance rounds ------------------------------------------------------------------------


def new_round_problem(rounds: Sequence[QualityAssuranceRound]) -> str | None:
    """Why no new round can be sent now (the last one approved, or awaiting its outcome), or None."""
    if not rounds:
        return None
    last = rounds[-1].outcome
    if last == Outcome.APPROVED:
        return "The panel approved the report: no further round is sent"
    if last != Outcome.RESUBMIT:
        return "The last round is still awaiting the panel's outcome: record it first"
    return None


def qa_round_problems(
    review: Review,
    rounds: Sequence[QualityAssuranceRound],
    values: dict,
    editing: QualityAssuranceRound | None = None,
    today: date | None = None,
) -> Problems:
    """What is wrong with a round sent (or being changed): a new one only after a 'resubmit', never
    before the final report was agreed or the panel asked for it again, an outcome with its date."""
    today = today or timezone.localdate()
    problems: Problems = {}
    index = next((i for i, r in enumerate(rounds) if r.pk == editing.pk), len(rounds)) if editing else len(rounds)
    if editing is None and (message := new_round_problem(rounds)):
        problems["__all__"] = message
    sent, outcome, outcome_on = values.get("submitted_on"), values.get("outcome"), values.get("outcome_on")
    for name, value in (("submitted_on", sent), ("outcome_on", outcome_on)):
        if value and value > today:
            _add(problems, name, "The date cannot be in the future")
    if sent and review.final_report_on is None:
        _add(
            problems, "submitted_on", "Record the date the final report was agreed before sending it to the Home Office"
        )
    elif sent and sent < review.final_report_on:
        _add(problems, "submitted_on", "The report cannot be sent before the final report was agreed")
    previous = rounds[index - 1] if index > 0 else None
    if sent and previous is not None and previous.outcome_on and sent < previous.outcome_on:
        _add(problems, "submitted_on", "A resubmission cannot be sent before the panel asked for it")
    if outcome and not outcome_on:
        _add(problems, "outcome_on", "Enter the date the outcome was received")
    if outcome_on and not outcome:
        _add(problems, "outcome", "Choose the panel's outcome")
    if outcome_on and sent and outcome_on < sent:
        _add(problems, "outcome_on", "The outcome cannot be received before the report was sent")
    if index < len(rounds) - 1 and outcome != Outcome.RESUBMIT:
        _add(problems, "outcome", "Another round followed this one: its outcome stays Resubmit")
    if editing and editing.outcome == Outcome.APPROVED and outcome != Outcome.APPROVED and review.published_on:
        _add(problems, "outcome", "The report is published: the panel's approval stays")
    return problems


def _locked_rounds(review: Review) -> tuple[Review, list[QualityAssuranceRound]]:
    locked = Review.objects.select_for_update().get(pk=review.pk)
    return locked, list(QualityAssuranceRound.objects.filter(review=locked).order_by("submitted_on", "id"))


@transaction.atomic
def add_qa_round(review: Review, *, actor: User, values: dict) -> QualityAssuranceRound:
    """Record the report sent to the Home Office's quality-assurance panel."""
    locked, rounds = _locked_rounds(review)
    if problems := qa_round_problems(locked, rounds, values):
        raise ValidationError(problems)
    qa_round = QualityAssuranceRound(review=locked, **values)
    writes.save(qa_round, actor=actor)
    return qa_round


@transaction.atomic
def change_qa_round(qa_round: QualityAssuranceRound, *, actor: User, values: dict) -> bool:
    """Record the panel's outcome of a round, or correct it."""
    locked, rounds = _locked_rounds(qa_round.review)
    current = next(r for r in rounds if r.pk == qa_round.pk)
    if problems := qa_round_problems(locked, rounds, values, editing=current):
        raise ValidationError(problems)
    return writes.update(current, values, actor=actor)


# -- People ------------------------------------------------------------------------------------------


def _locked_roles(review: Review) -> list[ReviewRole]:
    return list(ReviewRole.objects.select_for_update().filter(review=review).order_by("id"))


def _forget(*people: User) -> None:
    for person in people:
        forget_review_roles(person)


@transaction.atomic
def add_review_role(review: Review, *, actor: User, person: User | None, role: str) -> ReviewRole:
    """Give someone who signs in to the portal a role on this review (the case file opens to them)."""
    roles = _locked_roles(review)
    if person is None:
        raise ValidationError(
            {"email": "No one signs in with this e-mail address: ask a partnership officer to invite them first"}
        )
    if any(r.user_id == person.pk for r in roles):
        raise ValidationError({"email": f"{person} already has a role on this review: change it in the list"})
    added = ReviewRole(review=review, user=person, role=role)
    writes.save(added, actor=actor)
    _forget(person, actor)
    return added


def _last_officer(roles: Sequence[ReviewRole], role: ReviewRole) -> bool:
    officers = [r for r in roles if r.role == ReviewRole.Kind.OFFICER]
    return officers == [role]


LAST_OFFICER = "The review must keep a review officer: give someone else the role first"


@transaction.atomic
def change_review_role(role: ReviewRole, *, actor: User, new_role: str) -> bool:
    roles = _locked_roles(role.review)
    current = next(r for r in roles if r.pk == role.pk)
    if new_role != ReviewRole.Kind.OFFICER and _last_officer(roles, current):
        raise ValidationError({"role": LAST_OFFICER})
    changed = writes.update(current, {"role": new_role}, actor=actor)
    _forget(role.user, actor)
    return changed


@transaction.atomic
def remove_review_role(role: ReviewRole, *, actor: User) -> None:
    roles = _locked_roles(role.review)
    current = next(r for r in roles if r.pk == role.pk)
    if _last_officer(roles, current):
        raise ValidationError(LAST_OFFICER)
    writes.delete(current, actor=actor)
    _forget(role.user, actor)


# -- Documents and timescales ------------------------------------------------------------------------


@transaction.atomic
def add_document(review: Review, *, actor: User, title: str, file) -> ReviewDocument:
    """Keep a file on the case file (its type and size were checked by the form)."""
    document = ReviewDocument(review=review, title=title, file=file, uploaded_by=actor)
    writes.save(document, actor=actor)
    return document


@transaction.atomic
def set_timescales(partnership: Partnership, *, actor: User, values: dict) -> ReviewTimescales:
    """The partnership's own timescales, in place of the statutory guidance's."""
    Partnership.objects.select_for_update().get(pk=partnership.pk)  # two first saves would both insert
    row = ReviewTimescales.objects.filter(partnership=partnership).first()
    if row is None:
        row = ReviewTimescales(partnership=partnership, **values)
        writes.save(row, actor=actor)
    else:
        writes.update(row, values, actor=actor)
    return row
