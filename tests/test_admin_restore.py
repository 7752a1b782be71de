"""Site administrators restore archived plans, priorities and actions from the admin lists, and
the history names them; no admin page deletes a plan, priority, action, return, exercise or
funding allocation."""

import pytest
from django.urls import reverse

from actionplans import services as action_services
from actionplans.models import Action, FundingAllocation, ProgressReturn
from priorities import services as priority_services
from priorities.models import Exercise, Plan, Priority
from tests.actionplans.factories import ActionFactory, AllocationFactory, ReturnFactory
from tests.priorities.factories import ExerciseFactory, PlanFactory, PriorityFactory

pytestmark = pytest.mark.django_db

KEPT = [Plan, Priority, Exercise, Action, ProgressReturn, FundingAllocation]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def restore_in_admin(client, model, *objects):
    return client.post(
        admin_url(model, "changelist"),
        {"action": "restore", "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


@pytest.fixture
def records(cast):
    plan = PlanFactory(partnership=cast.lancaster, title="Lancaster District Plan 2022-2025")
    priority = PriorityFactory(plan=plan, title="Domestic abuse", order=1)
    action = ActionFactory(priority=priority, title="Awareness campaign")
    return {
        Plan: plan,
        Priority: priority,
        Exercise: ExerciseFactory(plan=plan),
        Action: action,
        ProgressReturn: ReturnFactory(action=action),
        FundingAllocation: AllocationFactory(partnership=cast.lancaster),
    }


def latest_version(model, obj):
    return model.history.filter(id=obj.pk).latest("history_id")


def test_admin_restores_an_archived_action_and_the_history_names_them(login, cast, records):
    action = records[Action]
    action_services.archive_action(action, actor=cast.officer)
    client = login(cast.admin)

    response = restore_in_admin(client, Action, action)

    assert "Restored “Awareness campaign”." in response.content.decode()
    action.refresh_from_db()
    assert action.archived_at is None
    assert latest_version(Action, action).history_user == cast.admin
    history = client.get(admin_url(Action, "history", action.pk)).content.decode()
    assert f">{cast.admin.full_name}</a>" in history


def test_admin_restores_an_archived_priority_and_the_history_names_them(login, cast, records):
    priority = records[Priority]
    priority_services.archive_priority(priority, actor=cast.officer)
    client = login(cast.admin)
    archived_list = client.get(admin_url(Priority, "changelist"), {"archived": "yes"})
    assert list(archived_list.context["cl"].result_list) == [priority]

    response = restore_in_admin(client, Priority, priority)

    assert "Restored “Domestic abuse”." in response.content.decode()
    assert Priority.objects.filter(pk=priority.pk).exists()
    assert Action.objects.get(pk=records[Action].pk).archived_at is None  # archived with it, restored with it
    version = latest_version(Priority, priority)
    assert version.archived_at is None and version.history_user == cast.admin
    history = client.get(admin_url(Priority, "history", priority.pk)).content.decode()
    assert f">{cast.admin.full_name}</a>" in history


def test_admin_restores_an_archived_plan_to_draft_and_the_history_names_them(login, cast, records):
    plan = records[Plan]
    priority_services.update_plan(plan, actor=cast.officer, status=Plan.Status.ARCHIVED)
    client = login(cast.admin)

    response = restore_in_admin(client, Plan, plan)

    assert "Restored “Lancaster District Plan 2022-2025”." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert [(v.status, v.history_user) for v in Plan.history.filter(id=plan.pk).order_by("-history_id")[:2]] == [
        (Plan.Status.DRAFT, cast.admin),
        (Plan.Status.ARCHIVED, cast.officer),
    ]
    history = client.get(admin_url(Plan, "history", plan.pk)).content.decode()
    assert f">{cast.admin.full_name}</a>" in history


def test_restoring_what_is_not_archived_changes_nothing_and_says_so(login, cast, records):
    plan = records[Plan]
    versions = Plan.history.filter(id=plan.pk).count()
    response = restore_in_admin(login(cast.admin), Plan, plan)
    assert "Not restored: “Lancaster District Plan 2022-2025” is not archived." in response.content.decode()
    assert Plan.history.filter(id=plan.pk).count() == versions


@pytest.mark.parametrize("model", KEPT, ids=lambda m: m.__name__)
def test_no_admin_page_deletes_a_record(login, cast, records, model):
    obj = records[model]
    client = login(cast.admin)
    assert client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    changelist = client.get(admin_url(model, "changelist"))
    assert "delete_selected" not in changelist.content.decode()
    client.post(admin_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk]})
    assert model._base_manager.filter(pk=obj.pk).exists()


def test_admin_cannot_add_a_priority_with_the_title_of_an_archived_one(login, cast, records):
    priority = records[Priority]
    priority_services.archive_priority(priority, actor=cast.officer)
    response = login(cast.admin).post(
        admin_url(Priority, "add"),
        {
            "plan": priority.plan_id,
            "title": "domestic abuse",
            "status": "active",
            "order": 2,
            **{
                f"{prefix}-{key}": value
                for prefix in ("outcomes", "current_work", "commitments")
                for key, value in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
            },
        },
    )
    assert response.status_code == 200
    assert "An archived priority of this plan has this title" in response.content.decode()
    assert Priority.all_objects.filter(plan=priority.plan).count() == 1
