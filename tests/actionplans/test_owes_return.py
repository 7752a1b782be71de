"""'An action owes a return this quarter' is one rule, on the model, that the quarter page, My actions
and the board's report share: an action added to the plan after a quarter ended owes nothing for it,
even with a start date inside it."""

from datetime import UTC, date, datetime

import pytest

from actionplans import queries
from csp_portal.quarters import Quarter

from .factories import ActionFactory

pytestmark = pytest.mark.django_db

Q1, Q2 = Quarter(2025, 1), Quarter(2025, 2)  # April-June and July-September 2025


def test_an_action_added_after_a_quarter_ended_owes_nothing_for_it(cast, lancaster):
    late = ActionFactory(
        priority=lancaster.roads,
        lead_user=cast.lead,
        start_date=date(2025, 4, 1),  # written in as if it had started in Q1
        created=datetime(2025, 7, 10, 9, tzinfo=UTC),  # added to the plan in Q2
    )
    assert not late.owes_return(Q1)
    assert late.owes_return(Q2)
    assert late not in [row.action for row in queries.quarter_rows(cast.lancaster, Q1)]
    assert late in [row.action for row in queries.quarter_rows(cast.lancaster, Q2)]
    mine = {row.action: row for row in queries.my_actions(cast.lead, Q2, today=date(2025, 11, 20))}
    assert Q1 not in mine[late].overdue


@pytest.mark.parametrize(
    ("start", "due", "status", "owes"),
    [
        (None, None, "in_progress", True),
        (date(2025, 10, 1), None, "in_progress", False),  # starts after Q2
        (None, date(2025, 6, 30), "in_progress", False),  # due before Q2
        (None, None, "complete", False),
        (None, None, "cancelled", False),
    ],
)
def test_what_else_the_rule_says(lancaster, start, due, status, owes):
    action = ActionFactory(priority=lancaster.roads, start_date=start, due_date=due, status=status)
    assert action.owes_return(Q2) is owes
