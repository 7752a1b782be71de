"""Who may do what to plans, priorities and priority-setting exercises.

Everyone with a role in the partnership reads its plan, and so do the read-only pseudo-roles (a
county role reads its districts' plans; a district role reads the county's Community Safety
Agreement) and site administrators. Only the partnership's officers (and site administrators)
change it. Scoring in an exercise is for the participants the officer named, while it is open.
"""

import rules

from csp_portal.organisations.permissions import has_any_role, is_officer, is_site_admin


@rules.predicate
def is_participant(user, exercise) -> bool:
    if not user.is_authenticated or exercise is None:
        return False
    ids = getattr(exercise, "participant_ids", None)
    if ids is None:
        ids = exercise.participant_ids = set(exercise.participants.values_list("pk", flat=True))
    return user.pk in ids


can_view = is_site_admin | has_any_role
can_change = is_site_admin | is_officer

rules.add_perm("priorities.view_plan", can_view)
rules.add_perm("priorities.change_plan", can_change)
rules.add_perm("priorities.score_exercise", is_participant)
