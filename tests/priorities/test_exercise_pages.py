"""Priority-setting pages: start an exercise, edit it, score, rank, and turn candidates into priorities."""

import pytest

from priorities.models import Candidate, Criterion, Exercise, Priority, Score

from .conftest import url
from .test_scoring import HAND_COMPUTED, PARTICIPANTS, SCORES

pytestmark = pytest.mark.django_db


def exercise_url(name, world, **kwargs):
    return url(name, world.plan, exercise_id=world.exercise.pk, **kwargs)


def test_officer_starts_an_exercise_from_the_threat_ranking_and_typed_candidates(login, cast, world):
    data = {
        "title": "Priority setting 2025",
        "participants": [cast.officer.pk, cast.lead.pk, cast.board_member.pk],
        "threats": [world.threats["Domestic Abuse"].pk, world.threats["Road Safety"].pk],
        "other_candidates": "Shoplifting\nHate crime",
    }
    response = login(cast.officer).post(url("exercise_create", world.plan), data)
    exercise = Exercise.objects.get(title="Priority setting 2025")
    assert response.status_code == 302
    assert response["Location"] == url("exercise_detail", world.plan, exercise_id=exercise.pk)
    assert sorted(exercise.candidates.values_list("title", flat=True)) == [
        "Domestic Abuse",
        "Hate crime",
        "Road Safety",
        "Shoplifting",
    ]
    assert exercise.criteria.count() == 7
    assert set(exercise.participants.all()) == {cast.officer, cast.lead, cast.board_member}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "participants": ["lead"], "other_candidates": "A"}, "Enter a title for the exercise"),
        ({"title": "T", "participants": [], "other_candidates": "A"}, "Choose at least one participant"),
        ({"title": "T", "participants": ["lead"], "other_candidates": ""}, "Choose or type at least one candidate"),
        ({"title": "T", "participants": ["csr_officer"], "other_candidates": "A"}, "Select a valid choice"),
        (
            {"title": "T", "participants": ["lead"], "threats": ["Fraud"], "other_candidates": "fraud"},
            "already a candidate from the assessment",
        ),
    ],
)
def test_bad_exercise_input_is_shown_and_nothing_is_saved(login, cast, world, data, message):
    data = dict(data)
    data["participants"] = [getattr(cast, who).pk for who in data["participants"]]
    data["threats"] = [world.threats[name].pk for name in data.get("threats", [])]
    before = Exercise.objects.count()
    response = login(cast.officer).post(url("exercise_create", world.plan), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body
    assert Exercise.objects.count() == before


def test_exercise_page_shows_who_has_scored_how_much(login, cast, world):
    criterion = world.exercise.criteria.first()
    for candidate in world.exercise.candidates.all():
        Score.objects.create(participant=cast.lead, candidate=candidate, criterion=criterion, value=3)
    response = login(cast.board_member).get(exercise_url("exercise_detail", world))
    assert [(p.full_name, p.scored) for p in response.context["participants"]] == [
        ("Bea Board", 0),
        ("Liam Lead", 2),
        ("Olivia Officer", 0),
    ]
    body = response.content.decode()
    assert "2 of 6" in body
    assert "Score the candidates" in body  # Bea is a participant


def test_officer_closes_the_exercise_and_changes_participants(login, cast, world):
    data = {"title": "Priority setting (closed)", "status": "closed", "participants": [cast.lead.pk]}
    assert login(cast.officer).post(exercise_url("exercise_edit", world), data).status_code == 302
    world.exercise.refresh_from_db()
    assert (world.exercise.title, world.exercise.status) == ("Priority setting (closed)", "closed")
    assert list(world.exercise.participants.all()) == [cast.lead]


def test_a_bad_exercise_edit_changes_nothing(login, cast, world):
    data = {"title": "Renamed", "status": "closed", "participants": []}
    response = login(cast.officer).post(exercise_url("exercise_edit", world), data)
    assert "Choose at least one participant" in response.content.decode()
    world.exercise.refresh_from_db()
    assert (world.exercise.title, world.exercise.status) == ("Priority setting, January 2022", "open")


def criteria_data(world, **changes):
    criteria = list(world.exercise.criteria.all())
    data = {
        "criteria-TOTAL_FORMS": str(len(criteria) + 1),
        "criteria-INITIAL_FORMS": str(len(criteria)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for index, criterion in enumerate(criteria):
        data |= {
            f"criteria-{index}-id": criterion.pk,
            f"criteria-{index}-text": criterion.text,
            f"criteria-{index}-weight": criterion.weight,
        }
        if criterion.inverse:
            data[f"criteria-{index}-inverse"] = "on"
    data[f"criteria-{len(criteria)}-text"] = ""
    data[f"criteria-{len(criteria)}-weight"] = "1"  # the blank row shows the default weight
    return data | changes


def test_officer_weights_and_adds_criteria(login, cast, world):
    data = criteria_data(
        world, **{"criteria-0-weight": "3", "criteria-3-text": "Is it rising?", "criteria-3-weight": "2"}
    )
    data["criteria-2-DELETE"] = "on"
    response = login(cast.officer).post(exercise_url("exercise_criteria", world), data)
    assert response.status_code == 302
    assert list(world.exercise.criteria.values_list("text", "weight", "inverse", "order")) == [
        ("Do we add value as a partnership?", 3, False, 1),
        ("Do we together make a difference?", 1, False, 2),
        ("Is it rising?", 2, False, 3),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"criteria-0-weight": "11"}, "The weight must be between 1 and 10"),
        ({"criteria-0-weight": "0"}, "The weight must be between 1 and 10"),
        ({"criteria-0-weight": "heavy"}, "Enter the weight as a whole number from 1 to 10"),
        ({"criteria-0-text": ""}, "Enter the question, or tick to remove the criterion"),
        ({"criteria-3-text": "do we add value as a partnership?", "criteria-3-weight": "1"}, "is listed twice"),
        ({"criteria-0-DELETE": "on", "criteria-1-DELETE": "on", "criteria-2-DELETE": "on"}, "Keep at least one"),
    ],
)
def test_bad_criteria_are_shown_and_nothing_is_saved(login, cast, world, changes, message):
    before = list(Criterion.objects.values_list("pk", "text", "weight"))
    response = login(cast.officer).post(exercise_url("exercise_criteria", world), criteria_data(world, **changes))
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body
    assert list(Criterion.objects.values_list("pk", "text", "weight")) == before


def test_officer_adds_candidates_from_threats_and_typed(login, cast, world):
    data = {"threats": [world.threats["Fraud"].pk], "titles": "Hate crime"}
    response = login(cast.officer).post(exercise_url("exercise_candidates", world), data)
    assert response.status_code == 302
    assert set(world.exercise.candidates.values_list("title", flat=True)) == {
        "Domestic Abuse",
        "Shoplifting",
        "Fraud",
        "Hate crime",
    }
    page = login(cast.officer).get(exercise_url("exercise_candidates", world)).content.decode()
    assert f'value="{world.threats["Domestic Abuse"].pk}"' not in page  # already a candidate: not offered again


@pytest.mark.parametrize(
    ("data", "message"),
    [({"titles": ""}, "Choose or type at least one candidate"), ({"titles": "shoplifting"}, "is already a candidate")],
)
def test_bad_candidates_are_shown_and_nothing_is_saved(login, cast, world, data, message):
    response = login(cast.officer).post(exercise_url("exercise_candidates", world), data)
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert world.exercise.candidates.count() == 2


def test_officer_removes_a_candidate_with_its_scores(login, cast, world):
    shoplifting = world.exercise.candidates.get(title="Shoplifting")
    Score.objects.create(
        participant=cast.lead, candidate=shoplifting, criterion=world.exercise.criteria.first(), value=2
    )
    response = login(cast.officer).post(exercise_url("candidate_remove", world, candidate_id=shoplifting.pk))
    assert response.status_code == 302
    assert not Candidate.objects.filter(pk=shoplifting.pk).exists()
    assert not Score.objects.exists()


def test_a_candidate_that_became_a_priority_is_not_removed(login, cast, world):
    candidate = world.exercise.candidates.get(title="Shoplifting")
    candidate.priority = world.roads
    candidate.save()
    client = login(cast.officer)
    response = client.post(exercise_url("candidate_remove", world, candidate_id=candidate.pk), follow=True)
    assert "became a priority, so its scores are kept" in response.content.decode()
    assert Candidate.objects.filter(pk=candidate.pk).exists()


def score_data(world, value):
    return {
        f"score-{c.pk}-{k.pk}": value for c in world.exercise.candidates.all() for k in world.exercise.criteria.all()
    }


def test_a_participant_scores_and_can_change_their_scores(login, cast, world):
    client = login(cast.lead)
    response = client.post(exercise_url("exercise_score", world), score_data(world, "4"))
    assert response.status_code == 302
    assert list(Score.objects.filter(participant=cast.lead).values_list("value", flat=True).distinct()) == [4]
    page = client.get(exercise_url("exercise_score", world)).content.decode()
    assert " ".join(page.split()).count('<option value="4" selected>') == 6
    data = score_data(world, "2")
    data[next(iter(data))] = ""  # withdraw one score
    client.post(exercise_url("exercise_score", world), data)
    assert sorted(Score.objects.filter(participant=cast.lead).values_list("value", flat=True)) == [2] * 5


@pytest.mark.parametrize("value", ["9", "0", "x"])
def test_bad_scores_are_shown_and_nothing_is_saved(login, cast, world, value):
    data = score_data(world, "3")
    data[next(iter(data))] = value
    response = login(cast.lead).post(exercise_url("exercise_score", world), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Choose a score from 1 to 5" in body
    assert not Score.objects.exists()


def test_a_closed_exercise_shows_scores_without_a_form(login, cast, world):
    world.exercise.status = Exercise.Status.CLOSED
    world.exercise.save()
    client = login(cast.lead)
    body = client.get(exercise_url("exercise_score", world)).content.decode()
    assert "This exercise is closed" in body and "<select" not in body
    assert client.post(exercise_url("exercise_score", world), score_data(world, "3")).status_code == 200
    assert not Score.objects.exists()


def test_three_participants_score_in_the_browser_forms_and_the_result_matches_the_hand_computation(login, cast, world):
    """The hand computation of tests/priorities/test_scoring.py, through the pages."""
    client = login(cast.officer)
    client.post(
        url("exercise_create", world.plan),
        {
            "title": "Hand computed",
            "participants": [cast.officer.pk, cast.board_member.pk, cast.lead.pk],
            "other_candidates": "Knife crime\nDomestic abuse\nFraud\nASB\nShoplifting",
        },
    )
    exercise = Exercise.objects.get(title="Hand computed")
    keep = {
        "Do we add value as a partnership?": ("c1", 2),
        "Is this a single agency issue?": ("c2", 1),
        "If we don't tackle it, who does?": ("c3", 1),
    }
    criteria = list(exercise.criteria.all())
    data = {
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": str(len(criteria)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for index, criterion in enumerate(criteria):
        data |= {f"criteria-{index}-id": criterion.pk, f"criteria-{index}-text": criterion.text}
        data[f"criteria-{index}-weight"] = keep.get(criterion.text, (None, 1))[1]
        if criterion.inverse:
            data[f"criteria-{index}-inverse"] = "on"
        if criterion.text not in keep:
            data[f"criteria-{index}-DELETE"] = "on"
    assert client.post(url("exercise_criteria", world.plan, exercise_id=exercise.pk), data).status_code == 302
    criterion = {keep[c.text][0]: c.pk for c in exercise.criteria.all()}
    candidate = {c.title: c.pk for c in exercise.candidates.all()}
    key = {"da": "Domestic abuse", "asb": "ASB", "ka": "Knife crime", "fr": "Fraud"}
    for index, person in enumerate([cast.officer, cast.board_member, cast.lead]):
        sheet = {
            f"score-{candidate[key[c]]}-{criterion[k]}": "" if values[index] is None else str(values[index])
            for c, by_criterion in SCORES.items()
            for k, values in by_criterion.items()
        }
        response = login(person).post(url("exercise_score", world.plan, exercise_id=exercise.pk), sheet)
        assert response.status_code == 302, PARTICIPANTS[index]
    result_page = url("exercise_result", world.plan, exercise_id=exercise.pk)
    assert login(cast.board_member).get(result_page).context["result"] is None  # scoring still open
    assert [r.score for r in login(cast.officer).get(result_page).context["result"].rows] == [
        score for _, _, score in HAND_COMPUTED
    ]
    edit = {"title": exercise.title, "status": "closed", "participants": [p.pk for p in exercise.participants.all()]}
    assert login(cast.officer).post(url("exercise_edit", world.plan, exercise_id=exercise.pk), edit).status_code == 302
    response = login(cast.board_member).get(result_page)
    rows = response.context["result"].rows
    assert [(r.rank, r.title, r.score) for r in rows] == HAND_COMPUTED
    body = response.content.decode()
    assert body.index("4.25") < body.index("Knife crime") < body.index("2.50")


def test_while_scoring_is_open_only_the_officers_running_it_see_the_ranking(login, cast, world):
    candidate = world.exercise.candidates.get(title="Shoplifting")
    for criterion in world.exercise.criteria.all():
        Score.objects.create(candidate=candidate, criterion=criterion, participant=cast.officer, value=5)
    page = exercise_url("exercise_result", world)
    for person in (cast.board_member, cast.lead):
        body = login(person).get(page).content.decode()
        assert "The ranking is shown here when the exercise closes" in body
        assert "Shoplifting" not in body and "5.00" not in body
    officer_view = login(cast.officer).get(page).content.decode()
    assert "Shoplifting" in officer_view and "Participants see it when the exercise closes" in officer_view

    world.exercise.status = Exercise.Status.CLOSED
    world.exercise.save()
    board_view = login(cast.board_member).get(page).content.decode()
    assert "Shoplifting" in board_view and "when the exercise closes" not in board_view


def test_result_offers_officers_to_add_candidates_to_the_plan(login, cast, world):
    officer_view = login(cast.officer).get(exercise_url("exercise_result", world)).content.decode()
    assert "Add to the plan" in officer_view
    world.exercise.status = Exercise.Status.CLOSED
    world.exercise.save()
    board_view = login(cast.board_member).get(exercise_url("exercise_result", world)).content.decode()
    assert "Domestic Abuse" in board_view and "Add to the plan" not in board_view


def test_officer_turns_a_candidate_into_a_watching_brief(login, cast, world):
    candidate = world.exercise.candidates.get(title="Domestic Abuse")
    page = exercise_url("candidate_convert", world, candidate_id=candidate.pk)
    response = login(cast.officer).post(page, {"title": "Domestic abuse", "status": "watching"})
    priority = Priority.objects.get(title="Domestic abuse", plan=world.plan)
    assert response.status_code == 302
    assert response["Location"] == url("priority_edit", world.plan, priority_id=priority.pk)
    assert priority.status == "watching"
    assert list(priority.evidence.all()) == [world.threats["Domestic Abuse"]]
    candidate.refresh_from_db()
    assert candidate.priority == priority
    detail = login(cast.board_member).get(url("priority_detail", world.plan, priority_id=priority.pk))
    assert "Priority setting, January 2022" in detail.content.decode()
    again = login(cast.officer).get(page)
    assert again.status_code == 302  # already in the plan: go to it


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "Road safety", "status": "active"}, "already has a priority called"),
        ({"title": "Shoplifting", "status": ""}, "Choose whether it becomes a priority or a watching brief"),
        ({"title": "Shoplifting", "status": "retired"}, "Select a valid choice"),
        ({"title": "", "status": "active"}, "Enter the priority&#x27;s title"),
    ],
)
def test_bad_conversion_input_is_shown_and_nothing_is_saved(login, cast, world, data, message):
    candidate = world.exercise.candidates.get(title="Shoplifting")
    before = Priority.objects.count()
    response = login(cast.officer).post(exercise_url("candidate_convert", world, candidate_id=candidate.pk), data)
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert Priority.objects.count() == before
