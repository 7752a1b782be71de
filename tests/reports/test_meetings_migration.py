"""Decisions recorded before meetings were records had a typed date: the migration makes one meeting
per partnership and date (at 10:00 local time, reviewing the decision's return quarter) and points
each decision at it."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.actionplans.factories import ActionFactory, PlanFactory, PriorityFactory, ReturnFactory
from tests.factories import PartnershipFactory

BEFORE = [("reports", "0004_meetings")]
AFTER = [("reports", "0006_decision_at_a_meeting")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    """The tests after this one, in the same process, expect every migration applied: later ones than
    AFTER too."""
    yield
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_each_partnerships_meeting_dates_become_meetings():
    lancaster, other = PartnershipFactory(slug="lancaster"), PartnershipFactory(slug="elsewhere")
    returns = []
    for partnership, number in ((lancaster, 2), (lancaster, 3), (other, 2)):
        action = ActionFactory(priority=PriorityFactory(plan=PlanFactory(partnership=partnership)))
        returns.append(ReturnFactory(action=action, year=2025, number=number, support_needed="Help."))
    old = migrate(BEFORE)
    try:
        Decision = old.get_model("reports", "Decision")
        for progress, day in zip(returns + [returns[0]], [date(2025, 10, 20)] * 3 + [date(2026, 1, 19)], strict=True):
            Decision.objects.create(
                progress_return_id=progress.pk,
                meeting_date=day,
                outcome="agreed",
                decision="Agreed.",
                recorded_at=timezone.now(),
            )
    finally:
        new = migrate(AFTER)
    Meeting, Decision = new.get_model("reports", "Meeting"), new.get_model("reports", "Decision")
    meetings = {(m.partnership_id, timezone.localtime(m.starts)): m for m in Meeting.objects.all()}
    at_ten = timezone.make_aware(datetime.combine(date(2025, 10, 20), time(10)))
    assert set(meetings) == {
        (lancaster.pk, at_ten),
        (other.pk, at_ten),
        (lancaster.pk, timezone.make_aware(datetime.combine(date(2026, 1, 19), time(10)))),
    }
    assert (meetings[lancaster.pk, at_ten].year, meetings[lancaster.pk, at_ten].number) == (2025, 2)
    shared = Decision.objects.filter(meeting=meetings[lancaster.pk, at_ten])
    assert sorted(shared.values_list("progress_return_id", flat=True)) == [returns[0].pk, returns[1].pk]
    assert Decision.objects.filter(meeting__partnership_id=other.pk).get().progress_return_id == returns[2].pk
