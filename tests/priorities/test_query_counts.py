"""Every page runs the same number of queries when the plan, its lists, the exercise and the
history grow tenfold."""

import pytest

from priorities.models import PriorityEvidence, PriorityFactor, Score
from tests.factories import AgencyFactory, RoleFactory, UserFactory

from .conftest import count_queries, url
from .factories import (
    CandidateFactory,
    CommitmentFactory,
    CriterionFactory,
    CurrentWorkFactory,
    FactorFactory,
    OutcomeFactory,
    PlanFactory,
    PriorityFactory,
    ThreatFactory,
)
from .pages import CHANGE, READ, SCORE

pytestmark = pytest.mark.django_db

GET_PAGES = {**READ, **CHANGE, **SCORE}
BOUND = 30


def grow(world, cast, size: int) -> None:
    """``size`` more of everything the pages list: plans, priorities with their points and links,
    district priorities supporting the county's, threats, candidates, criteria, participants,
    scores, and versions in the change history."""
    factor = FactorFactory(name="Drug use or misuse")
    for _ in range(size):
        agency = AgencyFactory()
        threat = ThreatFactory(assessment=world.assessment)
        PlanFactory(partnership=world.plan.partnership)
        for priority in (PriorityFactory(plan=world.plan, lead_agency=agency, lead_user=cast.lead), world.abuse):
            priority.supports = world.county_abuse
            priority.save()
            OutcomeFactory(priority=priority)
            CurrentWorkFactory(priority=priority, text=f"Attend forums in {agency.name}:\n- MARAC")
            CommitmentFactory(priority=priority)
            PriorityEvidence.objects.create(priority=priority, threat=threat)
        PriorityFactor.objects.get_or_create(priority=world.abuse, factor=factor)
        PriorityFactory(plan=world.county_plan, lead_agency=agency)
        world.abuse.why = f"Version {threat.pk}"
        world.abuse.lead_agency = agency
        world.abuse._history_user = cast.officer
        world.abuse.save()
        world.plan.summary = f"Version {threat.pk}"
        world.plan._history_user = cast.officer
        world.plan.save()
        person = UserFactory()
        RoleFactory(user=person, partnership=world.plan.partnership, role="lead")
        world.exercise.participants.add(person)
        candidate = CandidateFactory(exercise=world.exercise, threat=threat)
        criterion = CriterionFactory(exercise=world.exercise)
        for who in (person, cast.lead):
            Score.objects.create(participant=who, candidate=candidate, criterion=criterion, value=3)


@pytest.mark.parametrize("page", sorted(GET_PAGES))
def test_page_queries_do_not_grow_with_the_data(login, cast, world, page):
    client = login(cast.lead if page == "exercise_score" else cast.officer)
    grow(world, cast, 1)
    small = count_queries(client, GET_PAGES[page](world))
    grow(world, cast, 9)
    large = count_queries(client, GET_PAGES[page](world))
    assert large == small
    assert small <= BOUND


def test_county_pages_do_not_grow_with_the_districts_supporting_them(login, cast, world):
    client = login(cast.analyst)
    pages = [
        url("plan_detail", world.county_plan),
        url("priority_detail", world.county_plan, priority_id=world.county_abuse.pk),
    ]
    grow(world, cast, 1)
    small = [count_queries(client, page) for page in pages]
    grow(world, cast, 9)
    assert [count_queries(client, page) for page in pages] == small


def test_moving_a_priority_does_not_grow_with_the_plan(login, cast, world):
    client = login(cast.officer)
    grow(world, cast, 1)
    move = url("priority_move", world.plan, priority_id=world.roads.pk)
    small = count_queries(client, move, "post", {"direction": "down"}, status=302)
    grow(world, cast, 9)
    assert count_queries(client, move, "post", {"direction": "up"}, status=302) == small


def test_saving_scores_does_not_grow_with_the_exercise(login, cast, world):
    client = login(cast.lead)
    sheet = url("exercise_score", world.plan, exercise_id=world.exercise.pk)

    def all_scores(value):
        return {
            f"score-{c.pk}-{k.pk}": value
            for c in world.exercise.candidates.all()
            for k in world.exercise.criteria.all()
        }

    grow(world, cast, 1)
    small = count_queries(client, sheet, "post", all_scores("4"), status=302)
    grow(world, cast, 9)
    assert count_queries(client, sheet, "post", all_scores("5"), status=302) == small


def test_saving_an_unchanged_priority_does_not_grow_with_its_lists(login, cast, world):
    client = login(cast.officer)
    edit = url("priority_edit", world.plan, priority_id=world.abuse.pk)

    def unchanged():
        form = client.get(edit).context["form"]
        data = {name: form[name].value() for name in form.fields}
        data = {key: ("" if value is None else value) for key, value in data.items()}
        for name in ("outcomes", "current_work", "commitments"):
            data[name] = form.fields[name].prepare_value(data[name])
        return data

    # The factories number points from a global sequence; the first save numbers them 1, 2, 3...
    grow(world, cast, 1)
    client.post(edit, unchanged())
    small = count_queries(client, edit, "post", unchanged(), status=302)
    grow(world, cast, 9)
    client.post(edit, unchanged())
    assert count_queries(client, edit, "post", unchanged(), status=302) == small
