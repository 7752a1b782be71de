"""Every priorities page, by URL name, for the permission and query-count tests."""

from .conftest import url

# Pages anyone who may see the partnership reads.
READ = {
    "plan_list": lambda w: url("plan_list", slug=w.plan.partnership.slug),
    "plan_detail": lambda w: url("plan_detail", w.plan),
    "plan_history": lambda w: url("plan_history", w.plan),
    "plan_export": lambda w: url("plan_export", w.plan, file_format="csv"),
    "priority_detail": lambda w: url("priority_detail", w.plan, priority_id=w.abuse.pk),
    "priority_history": lambda w: url("priority_history", w.plan, priority_id=w.abuse.pk),
    "archived_priorities": lambda w: url("archived_priorities", w.plan),
    "exercise_detail": lambda w: url("exercise_detail", w.plan, exercise_id=w.exercise.pk),
    "exercise_result": lambda w: url("exercise_result", w.plan, exercise_id=w.exercise.pk),
}

# Pages (forms) only the partnership's officers and site administrators open.
CHANGE = {
    "plan_create": lambda w: url("plan_create", slug=w.plan.partnership.slug),
    "plan_edit": lambda w: url("plan_edit", w.plan),
    "priority_create": lambda w: url("priority_create", w.plan),
    "priority_edit": lambda w: url("priority_edit", w.plan, priority_id=w.abuse.pk),
    "priority_outcomes": lambda w: url("priority_outcomes", w.plan, priority_id=w.abuse.pk),
    "priority_archive": lambda w: url("priority_archive", w.plan, priority_id=w.abuse.pk),
    "exercise_create": lambda w: url("exercise_create", w.plan),
    "exercise_edit": lambda w: url("exercise_edit", w.plan, exercise_id=w.exercise.pk),
    "exercise_criteria": lambda w: url("exercise_criteria", w.plan, exercise_id=w.exercise.pk),
    "exercise_candidates": lambda w: url("exercise_candidates", w.plan, exercise_id=w.exercise.pk),
    "candidate_convert": lambda w: url(
        "candidate_convert", w.plan, exercise_id=w.exercise.pk, candidate_id=w.exercise.candidates.first().pk
    ),
}

# Buttons: POST only.
POST_ONLY = {
    "priority_move": (lambda w: url("priority_move", w.plan, priority_id=w.roads.pk), {"direction": "up"}),
    "priority_restore": (lambda w: url("priority_restore", w.plan, priority_id=w.abuse.pk), {}),
    "candidate_remove": (
        lambda w: url(
            "candidate_remove",
            w.plan,
            exercise_id=w.exercise.pk,
            candidate_id=w.exercise.candidates.get(title="Shoplifting").pk,
        ),
        {},
    ),
}

SCORE = {"exercise_score": lambda w: url("exercise_score", w.plan, exercise_id=w.exercise.pk)}

ALL = {**READ, **CHANGE, **{name: make for name, (make, _) in POST_ONLY.items()}, **SCORE}
