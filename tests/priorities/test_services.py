"""The services, called directly: what they write, what they refuse, and what history they leave."""

from datetime import date
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from priorities import queries, services
from priorities.models import (
    Candidate,
    Commitment,
    ContributoryFactor,
    Criterion,
    Exercise,
    Outcome,
    Plan,
    Priority,
    PriorityEvidence,
    Score,
)

from .factories import AssessmentFactory, CandidateFactory, FactorFactory, ThreatFactory
from .test_scoring import HAND_COMPUTED, PARTICIPANTS, SCORES

pytestmark = pytest.mark.django_db

PERIOD = {"period_start": date(2025, 4, 1), "period_end": date(2028, 3, 31)}


# Plans


def test_create_plan_records_who_created_it(cast, world):
    plan = services.create_plan(
        actor=cast.officer,
        partnership=cast.lancaster,
        title="Lancaster Plan 2025-2028",
        assessment=world.assessment,
        **PERIOD,
    )
    assert plan.status == Plan.Status.DRAFT
    assert plan.history.get().history_user == cast.officer
    assert plan.period_label == "2025-2028"


def test_a_plan_cannot_rest_on_another_partnerships_assessment(cast):
    elsewhere = AssessmentFactory(partnership=cast.chorley_south_ribble)
    with pytest.raises(ValidationError, match="county board's assessment"):
        services.create_plan(actor=cast.officer, partnership=cast.lancaster, title="P", assessment=elsewhere, **PERIOD)
    assert not Plan.objects.filter(title="P").exists()


def test_a_plan_period_must_end_after_it_starts(cast):
    with pytest.raises(ValidationError):
        services.create_plan(
            actor=cast.officer,
            partnership=cast.lancaster,
            title="P",
            period_start=date(2025, 4, 1),
            period_end=date(2025, 4, 1),
        )


def test_plan_titles_are_unique_in_a_partnership_whatever_the_case(cast, world):
    with pytest.raises(ValidationError, match="already has a plan"):
        services.create_plan(actor=cast.officer, partnership=cast.lancaster, title=world.plan.title.upper(), **PERIOD)


def test_saving_an_unchanged_plan_leaves_no_history(cast, world):
    before = world.plan.history.count()
    assert services.update_plan(world.plan, actor=cast.officer, title=world.plan.title) is False
    assert world.plan.history.count() == before
    assert services.update_plan(world.plan, actor=cast.officer, status=Plan.Status.ARCHIVED) is True
    latest = world.plan.history.first()
    assert (latest.status, latest.history_user) == ("archived", cast.officer)


def test_period_labels():
    from priorities.models import period_label

    assert period_label(date(2011, 4, 1), date(2012, 3, 31)) == "2011/12"
    assert period_label(date(2022, 4, 1), date(2025, 3, 31)) == "2022-2025"
    assert period_label(date(2024, 1, 1), date(2024, 12, 31)) == "2024"


# Priorities


def test_create_priority_adds_it_last_with_its_lists_and_links(cast, world):
    factor = FactorFactory(name="Drug use or misuse")
    priority = services.create_priority(
        world.plan,
        actor=cast.officer,
        fields={"title": "Anti-social behaviour", "lead_role": "Community Safety Manager"},
        supports=world.county_abuse,
        outcomes=["Reduce fear of crime"],
        current_work=["Attend forums:\n- MARAC\n- MAPPA", "Promote early action"],
        commitments=["Support outreach initiatives"],
        factors=[factor],
        evidence=[world.threats["Fraud"]],
    )
    assert priority.order == 3
    assert [o.text for o in priority.outcomes.all()] == ["Reduce fear of crime"]
    assert [w.sub_points for w in priority.current_work.all()] == [["MARAC", "MAPPA"], []]
    assert list(priority.contributory_factors.all()) == [factor]
    assert list(priority.evidence.all()) == [world.threats["Fraud"]]
    assert priority.history.get().history_user == cast.officer
    assert Commitment.history.filter(priority_id=priority.pk).get().history_user == cast.officer


def test_a_district_priority_supports_only_its_county_boards_priorities(cast, world):
    csr_priority = Priority.objects.create(plan=world.csr_plan, title="ASB", order=1)
    with pytest.raises(ValidationError, match="county board"):
        services.create_priority(world.plan, actor=cast.officer, fields={"title": "X"}, supports=csr_priority)
    with pytest.raises(ValidationError, match="county board"):
        services.create_priority(
            world.county_plan, actor=cast.officer, fields={"title": "X"}, supports=world.county_abuse
        )


def test_evidence_comes_from_the_partnerships_or_its_county_boards_assessment(cast, world):
    elsewhere = ThreatFactory(assessment=AssessmentFactory(partnership=cast.chorley_south_ribble))
    with pytest.raises(ValidationError, match="Evidence"):
        services.create_priority(world.plan, actor=cast.officer, fields={"title": "X"}, evidence=[elsewhere])
    own = ThreatFactory(assessment=AssessmentFactory(partnership=cast.lancaster))
    services.create_priority(
        world.plan, actor=cast.officer, fields={"title": "X"}, evidence=[own, world.threats["Fraud"]]
    )


def test_the_lead_person_holds_a_role_in_the_partnership(cast, world):
    with pytest.raises(ValidationError, match="lead person"):
        services.create_priority(world.plan, actor=cast.officer, fields={"title": "X", "lead_user": cast.csr_officer})


def test_a_failed_update_changes_nothing(cast, world):
    elsewhere = ThreatFactory(assessment=AssessmentFactory(partnership=cast.chorley_south_ribble))
    with pytest.raises(ValidationError):
        services.update_priority(
            world.abuse, actor=cast.officer, fields={"title": "Renamed"}, outcomes=["New"], evidence=[elsewhere]
        )
    world.abuse.refresh_from_db()
    assert world.abuse.title == "Domestic violence and abuse"
    assert world.abuse.outcomes.count() == 2


def test_update_priority_keeps_the_rows_of_kept_edited_and_moved_points(cast, world):
    first, second = world.abuse.outcomes.order_by("order")
    services.update_priority(
        world.abuse,
        actor=cast.officer,
        fields={"title": world.abuse.title},
        supports=world.county_abuse,
        outcomes=[
            "Increase reporting of domestic abuse",
            "Reduce repeat referrals to MARAC each year",
            "Hold perpetrators to account",
        ],
    )
    rows = list(world.abuse.outcomes.order_by("order"))
    assert [o.text for o in rows] == [
        "Increase reporting of domestic abuse",
        "Reduce repeat referrals to MARAC each year",
        "Hold perpetrators to account",
    ]
    assert rows[0].pk == second.pk  # moved unchanged
    assert rows[1].pk == first.pk  # edited where it stood... after the move
    assert rows[2].pk not in {first.pk, second.pk}


def test_sync_points_deletes_removed_points_with_history(cast, world):
    services.sync_points(Outcome, world.abuse, ["Increase reporting of domestic abuse"], actor=cast.officer)
    assert [o.text for o in world.abuse.outcomes.all()] == ["Increase reporting of domestic abuse"]
    deleted = Outcome.history.filter(priority_id=world.abuse.pk, history_type="-").get()
    assert (deleted.text, deleted.history_user) == ("Reduce repeat referrals to MARAC", cast.officer)


def test_move_priority_up_and_down(cast, world):
    assert services.move_priority(world.roads, actor=cast.officer, direction="up") is True
    assert list(world.plan.priorities.values_list("title", flat=True)) == ["Road safety", "Domestic violence and abuse"]
    assert services.move_priority(world.roads, actor=cast.officer, direction="up") is False
    assert services.move_priority(world.roads, actor=cast.officer, direction="down") is True
    assert list(world.plan.priorities.values_list("order", flat=True)) == [1, 2]
    with pytest.raises(ValidationError):
        services.move_priority(world.roads, actor=cast.officer, direction="sideways")


def test_update_outcomes_sets_measures_removes_and_adds(cast, world):
    first, second = world.abuse.outcomes.order_by("order")
    services.update_outcomes(
        world.abuse,
        actor=cast.officer,
        rows=[
            {"id": first.pk, "text": first.text, "measure": "Repeat referrals each quarter", "delete": False},
            {"id": second.pk, "text": second.text, "measure": "", "delete": True},
            {"id": None, "text": "Hold perpetrators to account", "measure": "", "delete": False},
        ],
    )
    assert [(o.text, o.measure, o.order) for o in world.abuse.outcomes.all()] == [
        ("Reduce repeat referrals to MARAC", "Repeat referrals each quarter", 1),
        ("Hold perpetrators to account", "", 2),
    ]


def test_update_outcomes_refuses_another_prioritys_outcome(cast, world):
    other = world.abuse.outcomes.first()
    with pytest.raises(ValidationError):
        services.update_outcomes(world.roads, actor=cast.officer, rows=[{"id": other.pk, "text": "x", "measure": ""}])


# Priority setting


def test_start_exercise_uses_lincolnshires_seven_criteria(cast, world):
    exercise = services.start_exercise(
        world.plan,
        actor=cast.officer,
        title="Setting 2025",
        participants=[cast.officer, cast.lead],
        threats=[world.threats["Fraud"]],
        titles=["Shoplifting"],
    )
    criteria = list(exercise.criteria.all())
    assert len(criteria) == 7
    assert [c.text for c in criteria if c.inverse] == ["Is this a single agency issue?"]
    assert all(c.weight == 1 for c in criteria)
    assert {(c.title, c.threat_id) for c in exercise.candidates.all()} == {
        ("Fraud", world.threats["Fraud"].pk),
        ("Shoplifting", None),
    }


def test_participants_hold_a_role_in_the_partnership(cast, world):
    with pytest.raises(ValidationError, match="role in the partnership"):
        services.start_exercise(
            world.plan, actor=cast.officer, title="T", participants=[cast.csr_officer], titles=["A"]
        )
    with pytest.raises(ValidationError, match="at least one candidate"):
        services.start_exercise(world.plan, actor=cast.officer, title="T", participants=[cast.officer])
    assert not Exercise.objects.filter(title="T").exists()


def test_update_criteria_changes_weights_and_refuses_to_remove_them_all(cast, world):
    criteria = list(world.exercise.criteria.all())
    rows = [{"id": c.pk, "text": c.text, "weight": 3, "inverse": c.inverse, "delete": False} for c in criteria]
    rows[0]["delete"] = True
    services.update_criteria(world.exercise, actor=cast.officer, rows=rows)
    assert list(world.exercise.criteria.values_list("weight", "order")) == [(3, 1), (3, 2)]
    with pytest.raises(ValidationError, match="at least one criterion"):
        services.update_criteria(world.exercise, actor=cast.officer, rows=[{**r, "delete": True} for r in rows[1:]])
    with pytest.raises(ValidationError, match="weight"):
        services.update_criteria(world.exercise, actor=cast.officer, rows=[{**rows[1], "weight": 11}])


def test_add_candidates_refuses_duplicates(cast, world):
    assert services.add_candidates(world.exercise, actor=cast.officer, titles=["Fraud"]) == 1
    with pytest.raises(ValidationError, match="already a candidate"):
        services.add_candidates(world.exercise, actor=cast.officer, titles=["fraud"])


def scores_for(exercise, value):
    return {(c.pk, k.pk): value for c in exercise.candidates.all() for k in exercise.criteria.all()}


def test_record_scores_saves_changes_and_withdraws_scores(cast, world):
    assert services.record_scores(world.exercise, actor=cast.lead, scores=scores_for(world.exercise, 4)) == 6
    some = next(iter(scores_for(world.exercise, None)))
    assert services.record_scores(world.exercise, actor=cast.lead, scores={some: None}) == 5
    services.record_scores(world.exercise, actor=cast.lead, scores=scores_for(world.exercise, 2))
    assert set(Score.objects.filter(participant=cast.lead).values_list("value", flat=True)) == {2}


@pytest.mark.parametrize(
    ("who", "scores", "message"),
    [
        ("csr_officer", 3, "participants"),
        ("lead", 6, "whole numbers from 1 to 5"),
        ("lead", 0, "whole numbers from 1 to 5"),
    ],
)
def test_record_scores_refuses_outsiders_and_bad_values(cast, world, who, scores, message):
    with pytest.raises(ValidationError, match=message):
        services.record_scores(world.exercise, actor=getattr(cast, who), scores=scores_for(world.exercise, scores))
    assert not Score.objects.exists()


def test_record_scores_refuses_questions_of_another_exercise(cast, world):
    stranger = CandidateFactory()
    criterion = world.exercise.criteria.first()
    with pytest.raises(ValidationError, match="not in this exercise"):
        services.record_scores(world.exercise, actor=cast.lead, scores={(stranger.pk, criterion.pk): 3})


def test_a_closed_exercise_keeps_its_scores(cast, world):
    services.update_exercise(
        world.exercise, actor=cast.officer, title="Closed", status=Exercise.Status.CLOSED, participants=[cast.lead]
    )
    with pytest.raises(ValidationError, match="closed"):
        services.record_scores(world.exercise, actor=cast.lead, scores=scores_for(world.exercise, 3))


def test_convert_candidate_makes_a_watching_brief_citing_its_threat(cast, world):
    candidate = world.exercise.candidates.get(title="Domestic Abuse")
    services.record_scores(world.exercise, actor=cast.lead, scores=scores_for(world.exercise, 4))
    priority = services.convert_candidate(
        candidate, actor=cast.officer, title="Domestic abuse (watching)", status=Priority.Status.WATCHING
    )
    assert (priority.status, priority.order, priority.plan) == ("watching", 3, world.plan)
    assert list(priority.evidence.all()) == [world.threats["Domestic Abuse"]]
    candidate.refresh_from_db()
    assert candidate.priority == priority
    assert Score.objects.filter(candidate=candidate).count() == 3  # kept: the record of why
    with pytest.raises(ValidationError, match="already a priority"):
        services.convert_candidate(candidate, actor=cast.officer, title="Again", status="active")
    with pytest.raises(ValidationError, match="became a priority"):
        services.remove_candidate(candidate, actor=cast.officer)


def test_convert_candidate_refuses_a_title_the_plan_has(cast, world):
    candidate = world.exercise.candidates.get(title="Shoplifting")
    with pytest.raises(ValidationError, match="already has a priority"):
        services.convert_candidate(candidate, actor=cast.officer, title="road safety", status="active")
    assert Candidate.objects.get(pk=candidate.pk).priority is None


def test_three_participants_scoring_in_the_service_give_the_hand_computed_ranking(cast, world):
    """The same scores as tests/priorities/test_scoring.py, given by three people through the services."""
    exercise = services.start_exercise(
        world.plan,
        actor=cast.officer,
        title="Hand computed",
        participants=[cast.officer, cast.board_member, cast.lead],
        titles=["Knife crime", "Domestic abuse", "Fraud", "ASB", "Shoplifting"],
    )
    criteria = list(exercise.criteria.all())
    rows = [{"id": c.pk, "text": c.text, "weight": 1, "inverse": c.inverse, "delete": True} for c in criteria]
    keep = {"Do we add value as a partnership?": ("c1", 2), "Is this a single agency issue?": ("c2", 1)}
    keep["If we don't tackle it, who does?"] = ("c3", 1)
    for row in rows:
        if row["text"] in keep:
            row.update(delete=False, weight=keep[row["text"]][1])
    services.update_criteria(exercise, actor=cast.officer, rows=rows)
    criterion = {keep[c.text][0]: c.pk for c in exercise.criteria.all()}
    candidate = {c.title: c.pk for c in exercise.candidates.all()}
    key = {"da": "Domestic abuse", "asb": "ASB", "ka": "Knife crime", "fr": "Fraud"}
    people = dict(zip(PARTICIPANTS, [cast.officer, cast.board_member, cast.lead], strict=True))
    for index, name in enumerate(PARTICIPANTS):
        mine = {
            (candidate[key[c]], criterion[k]): values[index]
            for c, by_criterion in SCORES.items()
            for k, values in by_criterion.items()
        }
        services.record_scores(exercise, actor=people[name], scores=mine)
    result = queries.exercise_result(exercise)
    assert [(r.rank, r.title, r.score) for r in result.rows] == HAND_COMPUTED
    fraud = next(r for r in result.rows if r.title == "Fraud")
    assert fraud.means == [Fraction(5, 2), Fraction(4), Fraction(3)]
    ann = result.by_participant[cast.officer.pk]
    # Ann alone gave Domestic abuse 4, 1 (inverted 5) and 5: (2*4 + 5 + 5) / 4 = 4.5.
    assert ann[candidate["Domestic abuse"]].score == Fraction(9, 2)


def test_ensure_default_factors_is_idempotent(db):
    ContributoryFactor.objects.all().delete()
    services.ensure_default_factors()
    services.ensure_default_factors()
    assert ContributoryFactor.objects.count() == 6
    assert ContributoryFactor.objects.first().name == "Alcohol use or misuse"


def test_evidence_links_keep_history(cast, world):
    services.update_priority(world.abuse, actor=cast.officer, fields={}, supports=world.county_abuse, evidence=[])
    assert (
        PriorityEvidence.history.filter(priority_id=world.abuse.pk, history_type="-").get().history_user == cast.officer
    )


def test_criteria_history_is_kept(cast, world):
    criterion = world.exercise.criteria.first()
    services.update_criteria(
        world.exercise,
        actor=cast.officer,
        rows=[{"id": c.pk, "text": c.text, "weight": 2, "inverse": c.inverse} for c in world.exercise.criteria.all()],
    )
    assert Criterion.history.filter(id=criterion.pk).first().weight == 2
