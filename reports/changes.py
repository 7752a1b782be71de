"""What has changed since a quarter's report was issued: the issued version's stored snapshot
compared with today's (both as ``snapshot.build`` writes them), in the terms a board cares about.

Plain data in, plain data out: no database, so that it is tested with snapshots built by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .snapshot import CHANGE_LABELS, RAG_LABELS, change_between

# The statuses of a quarter's return that the board hears of: it reached the officer, or was accepted.
REPORTED = {"submitted": "Submitted", "accepted": "Accepted"}


@dataclass
class Changes:
    """Each list holds one dict per action (or decision) concerned, in the report's order."""

    rag: list[dict] = field(default_factory=list)  # the action's RAG moved: from, to, how
    returns: list[dict] = field(default_factory=list)  # this quarter's return submitted or accepted since
    escalations: list[dict] = field(default_factory=list)  # a request to the board the report did not make
    decisions: list[dict] = field(default_factory=list)  # a board decision recorded since
    added: list[dict] = field(default_factory=list)  # actions in the plan now, not in the report
    removed: list[dict] = field(default_factory=list)  # actions in the report, no longer in the plan

    @property
    def count(self) -> int:
        return sum(len(found) for found in vars(self).values())


def _actions(report: dict) -> dict[int, dict]:
    """{action id: action row} over every priority, in the report's order."""
    return {action["id"]: action for priority in report.get("priorities", []) for action in priority["actions"]}


def _named(action: dict) -> dict:
    return {"id": action["id"], "ref": action.get("ref", ""), "title": action["title"], "lead": action.get("lead", "")}


def _rag(before: dict, after: dict) -> dict | None:
    was, now = before.get("rag", "none"), after.get("rag", "none")
    how = change_between(was, now)
    if how is None:
        return None
    return {
        **_named(after),
        "from": was,
        "from_label": RAG_LABELS.get(was, was),
        "to": now,
        "to_label": RAG_LABELS.get(now, now),
        "change": how,
        "change_label": CHANGE_LABELS.get(how, ""),
    }


def _return_status(action: dict) -> str:
    return (action.get("this_quarter") or {}).get("status", "")


def _reported(before: dict, after: dict) -> dict | None:
    was, now = _return_status(before), _return_status(after)
    if now == was or now not in REPORTED:
        return None
    return {**_named(after), "status": now, "status_label": REPORTED[now], "was": REPORTED.get(was, "not submitted")}


def _decision_key(action: str, decision: dict) -> tuple:
    return (action, decision.get("meeting", ""), decision.get("outcome", ""), decision.get("decision", ""))


def _decisions(report: dict) -> dict[tuple, dict]:
    """Every board decision the report shows, on an escalation it asks about or recorded since the
    last report, once each."""
    found = {}
    for item in report.get("decisions_required", []):
        for decision in item.get("decisions", []):
            found[_decision_key(item["action"], decision)] = {**decision, "action": item["action"]}
    for decision in report.get("decisions_recorded", []):
        found[_decision_key(decision["action"], decision)] = decision
    return found


def changes_since(issued: dict, current: dict) -> Changes | None:
    """What ``current`` (today's snapshot) shows that the ``issued`` version did not. None when the
    issued snapshot holds no plan to compare with."""
    if "priorities" not in issued:
        return None
    then, now = _actions(issued), _actions(current)
    changes = Changes(
        added=[_named(action) for key, action in now.items() if key not in then],
        removed=[_named(action) for key, action in then.items() if key not in now],
    )
    for key, action in now.items():
        if key in then:
            changes.rag += [found] if (found := _rag(then[key], action)) else []
            changes.returns += [found] if (found := _reported(then[key], action)) else []
    asked_before = {(item.get("action_id"), item.get("return_id")) for item in issued.get("decisions_required", [])}
    changes.escalations = [
        item
        for item in current.get("decisions_required", [])
        if (item.get("action_id"), item.get("return_id")) not in asked_before
    ]
    decided_before = _decisions(issued)
    changes.decisions = [decision for key, decision in _decisions(current).items() if key not in decided_before]
    return changes
