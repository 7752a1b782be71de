"""The verbs of action plans: adding and editing actions (with optimistic locking), funding limits,
moving and archiving, and the progress-return workflow."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from actionplans import queries, services
from actionplans.models import Action, ProgressReturn, QuarterClosure
from csp_portal.organisations.models import Agency
from csp_portal.quarters import Quarter

from .factories import ActionFactory, AllocationFactory, ReturnFactory

pytestmark = pytest.mark.django_db

Q2 = Quarter(2025, 2)


def values_of(action: Action, **changes) -> dict:
    values = {name: getattr(action, name) for name in services.ACTION_FIELDS}
    values.update(changes)
    return values


# Adding and editing


def test_officer_adds_an_action_at_the_end_with_its_agencies_in_one_history_entry(cast, lancaster):
    council = Agency.objects.create(name="Lancaster City Council", agency_type="local_authority")
    action = services.add_action(
        lancaster.dv,
        actor=cast.officer,
        values={"title": "Street Pride events", "timescale": "To March 2026"},
        others=[council],
    )
    assert action.order == lancaster.action.order + 1
    assert list(action.others_responsible.all()) == [council]
    versions = list(action.history.all())
    assert [(v.history_type, v.history_user) for v in versions] == [("+", cast.officer)]
    assert action.version == 1


def test_edit_saves_and_raises_the_version(cast, lancaster):
    action = lancaster.action
    changed = services.edit_action(
        action, actor=cast.officer, version=1, values=values_of(action, targets="Fewer repeats"), others=[]
    )
    action.refresh_from_db()
    assert changed and action.targets == "Fewer repeats" and action.version == 2
    assert action.history.first().history_user == cast.officer


def test_an_edit_that_changes_nothing_saves_nothing(cast, lancaster):
    action = lancaster.action
    assert not services.edit_action(action, actor=cast.officer, version=1, values=values_of(action), others=[])
    action.refresh_from_db()
    assert action.version == 1


def test_second_of_two_concurrent_edits_is_refused_with_what_changed(cast, lancaster):
    """Two officers open the form at version 1; the first saves; the second is told what changed."""
    action = lancaster.action
    first = values_of(action, title="DV prevention campaign in schools", targets="All secondary schools")
    services.edit_action(action, actor=cast.officer, version=1, values=first, others=[])
    second = values_of(Action.objects.get(pk=action.pk), title="DV prevention campaign 2026")
    second["targets"] = ""  # what the second officer's form still held
    with pytest.raises(services.ActionConflict) as caught:
        services.edit_action(action, actor=cast.csr_officer, version=1, values=second, others=[])
    conflict = caught.value
    assert conflict.saved_by == "Olivia Officer"
    assert [(c.label, c.yours, c.saved) for c in conflict.conflicts] == [
        ("Action", "DV prevention campaign 2026", "DV prevention campaign in schools"),
        ("Targets", "(empty)", "All secondary schools"),
    ]
    action.refresh_from_db()
    assert action.title == "DV prevention campaign in schools" and action.version == 2


def test_a_change_of_agencies_alone_is_a_conflict_too(cast, lancaster):
    action = lancaster.action
    services.edit_action(action, actor=cast.officer, version=1, values=values_of(action), others=[lancaster.police])
    with pytest.raises(services.ActionConflict) as caught:
        services.edit_action(action, actor=cast.officer, version=1, values=values_of(action), others=[])
    assert [(c.label, c.yours, c.saved) for c in caught.value.conflicts] == [
        ("Others responsible", "(empty)", "Lancashire Constabulary")
    ]


@pytest.mark.parametrize(
    "change",
    [
        lambda action, cast, lancaster: services.move_action_to_priority(
            action, actor=cast.officer, priority=lancaster.roads
        ),
        lambda action, cast, lancaster: services.archive_action(action, actor=cast.officer),
    ],
    ids=["moved to another priority", "archived"],
)
def test_an_edit_loaded_before_a_move_or_archive_is_a_conflict(cast, lancaster, change):
    """Moving clears the outcome and archiving takes the action off the plan: a form loaded before
    either must not put the old priority's outcome back or edit an archived action unnoticed."""
    action = lancaster.action
    loaded = values_of(action)
    change(action, cast, lancaster)
    with pytest.raises(services.ActionConflict):
        services.edit_action(action, actor=cast.officer, version=1, values=dict(loaded, title="Stale"), others=[])
    action.refresh_from_db()
    assert action.title == "DV prevention campaign"


def test_an_action_is_not_restored_under_an_archived_priority(cast, lancaster):
    from priorities.services import archive_priority

    archive_priority(lancaster.dv, actor=cast.officer)
    action = Action.objects.get(pk=lancaster.action.pk)
    assert action.is_archived
    with pytest.raises(ValidationError, match="is archived: restore the priority"):
        services.restore_action(action, actor=cast.officer)
    action.refresh_from_db()
    assert action.is_archived


def test_lead_person_must_hold_a_role_in_the_partnership(cast, lancaster):
    with pytest.raises(ValidationError) as caught:
        services.add_action(lancaster.dv, actor=cast.officer, values={"title": "X", "lead_user": cast.csr_officer})
    assert "lead_user" in caught.value.message_dict


def test_outcome_must_belong_to_the_priority(cast, lancaster):
    outcome = lancaster.dv.outcomes.first()
    with pytest.raises(ValidationError):
        services.add_action(lancaster.roads, actor=cast.officer, values={"title": "X", "outcome": outcome})


# Funding


def test_commitments_beyond_the_allocation_are_refused_with_what_remains(cast, lancaster):
    grant = AllocationFactory(partnership=cast.lancaster, amount=Decimal("10000"))
    services.add_action(
        lancaster.dv, actor=cast.officer, values={"title": "IDVA", "budget": Decimal("7500"), "funding": grant}
    )
    with pytest.raises(ValidationError) as caught:
        services.add_action(
            lancaster.dv, actor=cast.officer, values={"title": "Campaign", "budget": Decimal("3000"), "funding": grant}
        )
    assert caught.value.message_dict["budget"] == [
        "The OPCC grant 2025/26 has £2,500.00 left of £10,000.00: a budget of £3,000.00 is £500.00 more than "
        "remains. Lower the budget or choose another funding source."
    ]
    assert queries.allocations_of(cast.lancaster)[0].remaining == Decimal("2500")


def test_an_action_may_keep_its_own_commitment_when_edited(cast, lancaster):
    grant = AllocationFactory(partnership=cast.lancaster, amount=Decimal("1000"))
    action = services.add_action(
        lancaster.dv, actor=cast.officer, values={"title": "Posters", "budget": Decimal("1000"), "funding": grant}
    )
    services.edit_action(
        action, actor=cast.officer, version=1, values=values_of(action, targets="More calls"), others=[]
    )


def test_archiving_frees_the_budget_and_restoring_checks_it_again(cast, lancaster):
    grant = AllocationFactory(partnership=cast.lancaster, amount=Decimal("1000"))
    first = services.add_action(
        lancaster.dv, actor=cast.officer, values={"title": "A", "budget": Decimal("800"), "funding": grant}
    )
    services.archive_action(first, actor=cast.officer)
    services.add_action(
        lancaster.dv, actor=cast.officer, values={"title": "B", "budget": Decimal("900"), "funding": grant}
    )
    with pytest.raises(ValidationError, match="£100.00 left"):
        services.restore_action(first, actor=cast.officer)


def test_another_partnerships_allocation_cannot_be_used(cast, lancaster):
    theirs = AllocationFactory(partnership=cast.chorley_south_ribble)
    with pytest.raises(ValidationError):
        services.add_action(
            lancaster.dv, actor=cast.officer, values={"title": "X", "budget": Decimal("1"), "funding": theirs}
        )


def test_an_allocation_cannot_fall_below_what_is_committed(cast, lancaster):
    grant = AllocationFactory(partnership=cast.lancaster, amount=Decimal("1000"))
    services.add_action(
        lancaster.dv, actor=cast.officer, values={"title": "A", "budget": Decimal("600"), "funding": grant}
    )
    with pytest.raises(ValidationError, match="£600.00"):
        services.change_allocation(grant, actor=cast.officer, amount=Decimal("500"), notes="")
    with pytest.raises(ValidationError, match="already has"):
        services.add_allocation(cast.lancaster, actor=cast.officer, year=2025, source="opcc GRANT", amount=Decimal("1"))


# Order, moving and archiving


def test_actions_move_up_and_down_their_plan(cast, lancaster):
    second = ActionFactory(priority=lancaster.dv, title="Second", order=2)
    third = ActionFactory(priority=lancaster.dv, title="Third", order=3)
    assert services.move_action(third, actor=cast.officer, direction="up")
    assert [r.action.title for r in queries.action_plan(lancaster.dv, [])] == [
        "DV prevention campaign",
        "Third",
        "Second",
    ]
    assert not services.move_action(lancaster.action, actor=cast.officer, direction="up")
    assert second.pk


def test_moving_to_another_priority_clears_the_outcome(cast, lancaster):
    action = lancaster.action
    action.outcome = lancaster.dv.outcomes.first()
    action.save()
    services.move_action_to_priority(action, actor=cast.officer, priority=lancaster.roads)
    action.refresh_from_db()
    assert action.priority == lancaster.roads and action.outcome is None


def test_an_action_cannot_move_to_another_partnerships_priority(cast, lancaster):
    from .factories import PriorityFactory

    theirs = PriorityFactory(plan__partnership=cast.chorley_south_ribble)
    with pytest.raises(ValidationError):
        services.move_action_to_priority(lancaster.action, actor=cast.officer, priority=theirs)


# Progress returns


def full_return(**changes) -> dict:
    values = {
        "rag": "amber",
        "narrative": "Two campaigns run.",
        "percent_complete": 40,
        "risks": "Funding",
        "support_needed": "",
    }
    values.update(changes)
    return values


def test_lead_saves_a_draft_then_submits(cast, lancaster):
    progress = services.save_return(lancaster.action, Q2, actor=cast.lead, values={"narrative": "Half written"})
    assert progress.status == ProgressReturn.Status.DRAFT
    progress = services.submit_return(lancaster.action, Q2, actor=cast.lead, values=full_return())
    assert progress.status == ProgressReturn.Status.SUBMITTED
    assert progress.submitted_by == cast.lead and progress.submitted_at is not None


def test_a_submitted_return_needs_a_rag_status_progress_and_risks_when_red_or_amber(cast, lancaster):
    with pytest.raises(ValidationError) as caught:
        services.submit_return(
            lancaster.action, Q2, actor=cast.lead, values=full_return(rag="red", narrative=" ", risks="")
        )
    assert set(caught.value.message_dict) == {"narrative", "risks"}
    assert not ProgressReturn.objects.exists()  # nothing is saved from a refused submission


def test_officer_accepts_or_returns_a_submitted_return(cast, lancaster):
    progress = services.submit_return(lancaster.action, Q2, actor=cast.lead, values=full_return())
    with pytest.raises(ValidationError):
        services.send_back_return(progress, actor=cast.officer, comment="  ")
    services.send_back_return(progress, actor=cast.officer, comment="Say which schools")
    progress.refresh_from_db()
    assert progress.status == ProgressReturn.Status.RETURNED and progress.officer_comment == "Say which schools"
    services.submit_return(lancaster.action, Q2, actor=cast.lead, values=full_return(narrative="Six schools"))
    accepted = services.accept_return(progress, actor=cast.officer)
    assert accepted.status == ProgressReturn.Status.ACCEPTED and accepted.reviewed_by == cast.officer
    with pytest.raises(ValidationError, match="accepted"):
        services.save_return(lancaster.action, Q2, actor=cast.lead, values=full_return())


def test_only_a_submitted_return_can_be_reviewed(cast, lancaster):
    draft = services.save_return(lancaster.action, Q2, actor=cast.lead, values=full_return())
    with pytest.raises(ValidationError, match="submitted"):
        services.accept_return(draft, actor=cast.officer)


def test_a_closed_quarter_is_read_only(cast, lancaster):
    submitted = services.submit_return(lancaster.action, Q2, actor=cast.lead, values=full_return())
    services.close_quarter(cast.lancaster, Q2, actor=cast.officer)
    with pytest.raises(ValidationError, match="closed"):
        services.save_return(lancaster.action, Q2, actor=cast.lead, values=full_return())
    with pytest.raises(ValidationError, match="closed"):
        services.accept_return(submitted, actor=cast.officer)
    with pytest.raises(ValidationError, match="already closed"):
        services.close_quarter(cast.lancaster, Q2, actor=cast.officer)
    services.reopen_quarter(cast.lancaster, Q2, actor=cast.officer)
    assert not QuarterClosure.objects.exists()


def test_a_future_quarter_cannot_be_closed(cast):
    with pytest.raises(ValidationError, match="not started"):
        services.close_quarter(cast.lancaster, Quarter(2026, 1), actor=cast.officer)


def test_history_shows_who_changed_the_action_and_its_returns(cast, lancaster):
    action = lancaster.action
    services.edit_action(
        action, actor=cast.officer, version=1, values=values_of(action, title="New title"), others=[lancaster.police]
    )
    services.submit_return(action, Q2, actor=cast.lead, values=full_return())
    changes = queries.action_changes(action, cast.lead)
    summary = [
        (
            c.who,
            c.subject,
            [(f.label, f.before, f.after) for f in c.fields if f.label in {"Action", "Others responsible", "Status"}],
        )
        for c in changes
    ]
    assert (
        "Olivia Officer",
        "the action",
        [
            ("Action", "DV prevention campaign", "New title"),
            ("Others responsible", "(empty)", "Lancashire Constabulary"),
        ],
    ) in summary
    assert any(
        who == "Liam Lead" and subject == "2025/26 Q2 progress return" and ("Status", "Draft", "Submitted") in fields
        for who, subject, fields in summary
    )


def test_escalations_are_the_submitted_returns_that_ask_the_board_for_support(cast, lancaster):
    ReturnFactory(action=lancaster.action, year=2025, number=2, status="submitted", support_needed="Funding for IDVA")
    other = ActionFactory(priority=lancaster.roads)
    ReturnFactory(action=other, year=2025, number=2, status="draft", support_needed="Not yet submitted")
    assert [r.support_needed for r in queries.escalations(cast.lancaster, Q2)] == ["Funding for IDVA"]
