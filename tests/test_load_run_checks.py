"""The load run's verdicts: the lost-update check read from the change history, and the page
percentiles with report downloads kept apart."""

import json

import pytest

from actionplans import services
from actionplans.models import Action
from benchmarks.load import lost_updates, samples
from csp_portal.quarters import Quarter
from tests.actionplans.factories import ActionFactory, ReturnFactory

pytestmark = pytest.mark.django_db


def _officer_saves(action: Action, token: str, version: int) -> None:
    """What an accepted edit form does: the action's resources carry the edit's token."""
    values = {name: getattr(action, name) for name in services.ACTION_FIELDS}
    values["resources"] = f"Staff time [edit {token}]"
    services.edit_action(action, actor=None, version=version, values=values, others=[])


def _saved(action: Action, token: str, version: int, outcome: str = "saved") -> dict:
    return {"kind": "action", "action": action.pk, "token": token, "version": version, "outcome": outcome}


def test_saves_made_one_after_another_are_all_in_the_history_and_none_is_lost():
    action = ActionFactory()
    _officer_saves(action, "aaa", 1)
    _officer_saves(action, "bbb", 2)
    verdict = lost_updates.check(
        [_saved(action, "aaa", 1), _saved(action, "bbb", 2), _saved(action, "ccc", 2, "conflict")]
    )
    assert verdict.ok
    assert verdict.outcomes == {("action", "saved"): 2, ("action", "conflict"): 1}


def test_two_accepted_saves_from_the_same_version_are_a_lost_update():
    action = ActionFactory()
    _officer_saves(action, "aaa", 1)
    # A site without the version check would have accepted the second form, loaded at version 1 too.
    Action.objects.filter(pk=action.pk).update(version=1)
    _officer_saves(action, "bbb", 1)
    verdict = lost_updates.check([_saved(action, "aaa", 1), _saved(action, "bbb", 1)])
    assert not verdict.ok
    assert verdict.missing == []
    assert verdict.lost == [(("action", action.pk, "version", 1), ["aaa", "bbb"])]


def test_an_accepted_save_missing_from_the_history_is_reported():
    action = ActionFactory()
    _officer_saves(action, "aaa", 1)
    ghost = _saved(action, "zzz", 2)
    verdict = lost_updates.check([_saved(action, "aaa", 1), ghost])
    assert not verdict.ok
    assert verdict.missing == [ghost]


def test_two_saves_of_a_return_from_the_same_text_are_a_lost_update_when_the_form_has_no_version():
    progress = ReturnFactory(narrative="On track. [edit aaa]")
    progress.narrative = "On track. [edit bbb]"
    progress.save()
    quarter = Quarter(progress.year, progress.number).slug
    edits = [
        {"kind": "return", "action": progress.action_id, "quarter": quarter, "token": token, "version": None}
        | {"previous": None, "outcome": "saved"}
        for token in ("aaa", "bbb")
    ]
    verdict = lost_updates.check(edits)
    assert verdict.missing == []
    assert verdict.lost == [(("return", progress.action_id, quarter, "after", None), ["aaa", "bbb"])]


def test_page_percentiles_leave_out_report_downloads_and_count_failures(tmp_path):
    rows = [[100.0 + n, "dashboard", "GET", 10.0 * (n + 1), 500, ""] for n in range(20)]
    rows.append([130.0, f"{samples.DOWNLOAD} issued report (PDF)", "GET", 5000.0, 400_000, ""])
    rows.append([131.0, "save action", "POST", 40.0, 0, "saving action 7 answered 500"])
    path = tmp_path / "samples.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    summary = samples.read(path)
    assert (summary.requests, summary.failures) == (22, 1)
    assert summary.downloads == [5000.0]
    assert samples.percentile(summary.pages, 0.95) == 190.0  # nearest rank: the 20th of 21 page times
    assert summary.slowest(1)[0][0] == f"GET {samples.DOWNLOAD} issued report (PDF)"


def _summary(tmp_path, dashboard_times: list[float]) -> samples.Summary:
    rows = [[100.0 + n, samples.YARDSTICK, "GET", 20.0, 100, ""] for n in range(20)]
    rows += [[100.0 + n, "action", "GET", 50.0, 100, ""] for n in range(20)]
    rows += [[100.0 + n, "dashboard", "GET", ms, 100, ""] for n, ms in enumerate(dashboard_times)]
    path = tmp_path / "samples.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return samples.read(path)


def test_the_run_reports_each_page_against_the_yardstick_and_holds_the_dashboard_to_its_own_target(tmp_path):
    from benchmarks.load import run

    lines = []
    assert run._report(_summary(tmp_path, [60.0] * 20), lost_updates.check([]), lines.append) is True
    assert any("median    20 ms" in line and "Yardstick" not in line for line in lines)
    assert any(line.startswith("   GET action ") and line.endswith("2.5 x") for line in lines), lines
    assert any(line.startswith("   GET dashboard ") and line.endswith("3.0 x") for line in lines), lines

    # Three slow dashboards in twenty: the pages' p95 over all sixty requests stays at 60 ms, the
    # dashboard's own p95 does not.
    slow = [60.0] * 17 + [150.0] * 3
    lines.clear()
    assert run._report(_summary(tmp_path, slow), lost_updates.check([]), lines.append) is False
    assert "pages p95 at most 100 ms: met" in lines[-1]
    assert "dashboard p95 at most 100 ms: NOT met" in lines[-1]
