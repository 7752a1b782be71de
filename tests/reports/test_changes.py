"""What has changed since a quarter's report was issued, from snapshots built by hand: the RAG moves,
returns submitted or accepted since, new requests to the board, decisions recorded, and actions added
to or gone from the plan."""

import copy

from reports.changes import changes_since


def action(pk, title, rag="green", status=None, ref=None):
    return {
        "id": pk,
        "ref": ref or f"1.{pk}",
        "title": title,
        "lead": "Lee Lead",
        "rag": rag,
        "this_quarter": {"status": status} if status else None,
    }


def escalation(action_id, return_id, title, decisions=()):
    return {
        "action_id": action_id,
        "return_id": return_id,
        "action": title,
        "action_ref": f"1.{action_id}",
        "lead": "Lee Lead",
        "support_needed": f"Help with {title}",
        "decisions": list(decisions),
    }


def decision(meeting="20 October 2025", outcome="agreed", text="Agreed."):
    return {"meeting": meeting, "outcome": outcome, "outcome_label": outcome.capitalize(), "decision": text}


def report(*actions, required=(), recorded=()):
    return {
        "priorities": [{"number": 1, "title": "Domestic abuse", "actions": list(actions)}],
        "decisions_required": list(required),
        "decisions_recorded": list(recorded),
    }


ISSUED = report(
    action(1, "Campaign", "amber", "accepted"),
    action(2, "MARAC", "none", "submitted"),
    action(3, "Patrols", "green"),
    required=[escalation(1, 11, "Campaign")],
)


def test_nothing_changed_is_an_empty_list_of_changes():
    changes = changes_since(ISSUED, copy.deepcopy(ISSUED))
    assert changes is not None and changes.count == 0


def test_a_rag_that_moved_is_named_with_from_and_to():
    current = copy.deepcopy(ISSUED)
    current["priorities"][0]["actions"][0]["rag"] = "red"
    current["priorities"][0]["actions"][1]["rag"] = "green"
    changes = changes_since(ISSUED, current)
    assert [(c["title"], c["from_label"], c["to_label"], c["change"]) for c in changes.rag] == [
        ("Campaign", "Amber", "Red", "worsened"),
        ("MARAC", "No accepted return", "Green", "reported"),
    ]
    assert changes.rag[0]["lead"] == "Lee Lead" and changes.rag[0]["ref"] == "1.1"


def test_returns_submitted_or_accepted_since_are_listed_and_drafts_are_not():
    current = copy.deepcopy(ISSUED)
    actions = current["priorities"][0]["actions"]
    actions[1]["this_quarter"] = {"status": "accepted"}
    actions[2]["this_quarter"] = {"status": "submitted"}
    changes = changes_since(ISSUED, current)
    assert [(c["title"], c["status_label"], c["was"]) for c in changes.returns] == [
        ("MARAC", "Accepted", "Submitted"),
        ("Patrols", "Submitted", "not submitted"),
    ]
    actions[2]["this_quarter"] = {"status": "draft"}
    actions[1]["this_quarter"] = {"status": "returned"}
    assert changes_since(ISSUED, current).returns == []


def test_a_new_request_to_the_board_is_listed_and_one_already_asked_is_not():
    current = copy.deepcopy(ISSUED)
    current["decisions_required"].append(escalation(2, 22, "MARAC"))
    changes = changes_since(ISSUED, current)
    assert [item["action"] for item in changes.escalations] == ["MARAC"]


def test_a_newer_request_for_an_action_already_asked_about_is_new():
    current = copy.deepcopy(ISSUED)
    current["decisions_required"][0]["return_id"] = 12  # the action's newer return asks again
    assert [item["return_id"] for item in changes_since(ISSUED, current).escalations] == [12]


def test_a_decision_recorded_since_is_listed_once():
    current = copy.deepcopy(ISSUED)
    made = decision()
    current["decisions_required"][0]["decisions"].append(made)
    current["decisions_recorded"].append({**made, "action": "Campaign"})  # the same decision, in both places
    changes = changes_since(ISSUED, current)
    assert [(d["action"], d["outcome_label"], d["meeting"]) for d in changes.decisions] == [
        ("Campaign", "Agreed", "20 October 2025")
    ]


def test_a_decision_already_in_the_issued_report_is_not_new():
    issued = copy.deepcopy(ISSUED)
    issued["decisions_required"][0]["decisions"].append(decision(outcome="deferred", text="Later."))
    current = copy.deepcopy(issued)
    current["decisions_required"][0]["decisions"].append(decision(meeting="1 December 2025"))
    assert [d["meeting"] for d in changes_since(issued, current).decisions] == ["1 December 2025"]


def test_actions_added_and_removed():
    current = copy.deepcopy(ISSUED)
    actions = current["priorities"][0]["actions"]
    actions.pop(2)
    actions.append(action(4, "Safe spaces", "none"))
    changes = changes_since(ISSUED, current)
    assert [a["title"] for a in changes.added] == ["Safe spaces"]
    assert [a["title"] for a in changes.removed] == ["Patrols"]
    assert changes.rag == []  # a new action has no RAG to have moved from
    assert changes.count == 2


def test_actions_are_matched_by_id_across_priorities():
    """An action moved to another priority is the same action, with a new reference."""
    current = copy.deepcopy(ISSUED)
    moved = current["priorities"][0]["actions"].pop(2)
    current["priorities"].append({"number": 2, "title": "Roads", "actions": [{**moved, "ref": "2.1"}]})
    assert changes_since(ISSUED, current).count == 0


def test_an_issued_snapshot_without_a_plan_is_not_compared():
    assert changes_since({"document": {"status": "issued"}}, ISSUED) is None
