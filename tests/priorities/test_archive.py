"""A priority is archived, never deleted: it leaves the plan, its reports and downloads, stays
readable with its history among the plan's archived priorities, and an officer can restore it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionplans import services as action_services
from actionplans.models import Action
from csp_portal.quarters import Quarter
from priorities import services
from priorities.models import Priority
from reports import snapshot
from tests.actionplans.factories import ActionFactory

from .conftest import url

pytestmark = pytest.mark.django_db


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_officer_archives_a_priority_after_confirming(login, cast, world):
    client = login(cast.officer)
    archive = url("priority_archive", world.plan, priority_id=world.abuse.pk)
    assert "Archive the priority" in page(client, archive)
    assert Priority.objects.filter(pk=world.abuse.pk).exists()  # looking does not archive

    response = client.post(archive)

    assert response.status_code == 302
    assert not Priority.objects.filter(pk=world.abuse.pk).exists()
    archived = Priority.all_objects.get(pk=world.abuse.pk)
    assert archived.archived_at is not None
    assert archived.outcomes.count() == 2  # nothing deleted with it
    assert list(world.plan.priorities.values_list("title", "order")) == [("Road safety", 1)]


def test_an_archived_priority_leaves_the_plan_and_its_download_but_stays_readable(login, cast, world):
    services.archive_priority(world.abuse, actor=cast.officer)
    client = login(cast.board_member)

    assert "Domestic violence and abuse" not in page(client, url("plan_detail", world.plan))
    assert "Domestic violence and abuse" not in page(client, url("plan_export", world.plan, file_format="csv"))
    archived_list = page(client, url("archived_priorities", world.plan))
    assert "Domestic violence and abuse" in archived_list
    assert "by Olivia Officer" in archived_list
    assert "Restore" not in archived_list  # a board member reads, and does not restore
    detail = page(client, url("priority_detail", world.plan, priority_id=world.abuse.pk))
    assert "This priority was archived on" in detail
    assert "Reduce repeat referrals to MARAC" in detail
    history = page(client, url("priority_history", world.plan, priority_id=world.abuse.pk))
    assert "Archived" in history and "Olivia Officer" in history


def test_an_archived_priority_is_left_out_of_the_quarterly_report_and_the_county_page(login, cast, world):
    world.plan.status = world.plan.Status.AGREED
    world.plan.save()
    quarter = Quarter(2025, 2)
    before = snapshot.build(cast.lancaster, quarter)
    assert "Domestic violence and abuse" in [p["title"] for p in before["priorities"]]

    services.archive_priority(world.abuse, actor=cast.officer)

    after = snapshot.build(cast.lancaster, quarter)
    assert [p["title"] for p in after["priorities"]] == ["Road safety"]
    county = page(login(cast.analyst), url("priority_detail", world.county_plan, priority_id=world.county_abuse.pk))
    assert "Domestic violence and abuse" not in county


def test_officer_restores_an_archived_priority_at_the_end_of_the_plan(login, cast, world):
    services.archive_priority(world.abuse, actor=cast.officer)
    client = login(cast.officer)
    assert "Restore" in page(client, url("archived_priorities", world.plan))

    response = client.post(url("priority_restore", world.plan, priority_id=world.abuse.pk))

    assert response.status_code == 302
    assert list(world.plan.priorities.values_list("title", "order")) == [
        ("Road safety", 1),
        ("Domestic violence and abuse", 2),
    ]
    restored = Priority.history.filter(id=world.abuse.pk).order_by("-history_id").first()
    assert restored.archived_at is None and restored.history_user == cast.officer


def test_archiving_takes_the_priority_s_actions_with_it_and_restoring_brings_back_only_those(cast, world):
    earlier = ActionFactory(priority=world.abuse, title="Archived before")
    action_services.archive_action(earlier, actor=cast.officer)
    patrols = ActionFactory(priority=world.abuse, title="Patrols")
    visits = ActionFactory(priority=world.abuse, title="Visits")

    services.archive_priority(world.abuse, actor=cast.officer)
    archived_at = Priority.all_objects.get(pk=world.abuse.pk).archived_at
    assert set(Action.objects.filter(priority=world.abuse).values_list("title", "archived_at")) == {
        ("Archived before", earlier.archived_at),
        ("Patrols", archived_at),
        ("Visits", archived_at),
    }
    assert Action.history.filter(id=patrols.pk).latest("history_id").history_user == cast.officer

    services.restore_priority(world.abuse, actor=cast.officer)

    assert list(Action.objects.active().filter(priority=world.abuse).order_by("order")) == [patrols, visits]
    assert Action.objects.get(pk=earlier.pk).archived_at == earlier.archived_at


def test_an_archived_priority_cannot_be_changed_until_restored(login, cast, world):
    services.archive_priority(world.abuse, actor=cast.officer)
    client = login(cast.officer)
    for name in ("priority_edit", "priority_outcomes", "priority_archive"):
        assert client.get(url(name, world.plan, priority_id=world.abuse.pk)).status_code == 404, name
    with pytest.raises(ValidationError, match="already archived"):
        services.archive_priority(world.abuse, actor=cast.officer)


def test_an_archived_priority_s_actions_are_read_only_on_its_action_plan(login, cast, world):
    patrols = ActionFactory(priority=world.abuse, title="Patrols", order=1)
    services.archive_priority(world.abuse, actor=cast.officer)
    plan_page = reverse("actionplans:priority_plan", args=["lancaster", world.abuse.pk])
    detail = page(login(cast.officer), url("priority_detail", world.plan, priority_id=world.abuse.pk))
    assert f'href="{plan_page}">Actions archived with this priority' in detail

    for person in (cast.officer, cast.board_member):
        body = page(login(person), plan_page)
        assert "This priority was archived on" in body and "Patrols" in body
        assert "Add an action" not in body and ">Restore" not in body and "Change</th>" not in body
    client = login(cast.officer)
    assert client.get(reverse("actionplans:action_add", args=["lancaster", world.abuse.pk])).status_code == 404
    refused = client.post(reverse("actionplans:action_restore", args=["lancaster", patrols.pk]), follow=True)
    assert refused.redirect_chain[-1][0].startswith(plan_page)
    assert "is archived: restore the priority" in refused.content.decode()
    assert Action.objects.get(pk=patrols.pk).archived_at is not None
    assert login(cast.csr_officer).get(plan_page).status_code == 404


def test_restoring_a_priority_that_is_not_archived_changes_nothing(login, cast, world):
    client = login(cast.officer)
    response = client.post(url("priority_restore", world.plan, priority_id=world.abuse.pk), follow=True)
    assert "The priority is not archived." in response.content.decode()
    assert list(world.plan.priorities.values_list("title", "order")) == [
        ("Domestic violence and abuse", 1),
        ("Road safety", 2),
    ]


def test_an_archived_priority_keeps_its_title_so_that_restoring_never_clashes(cast, world):
    services.archive_priority(world.abuse, actor=cast.officer)
    with pytest.raises(ValidationError, match="An archived priority of the plan is called"):
        services.create_priority(world.plan, actor=cast.officer, fields={"title": "Domestic violence and abuse"})
