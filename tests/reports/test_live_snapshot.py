"""Today's report snapshot is built once and read from the cache until the partnership's data changes:
a change of what it shows is seen at the next request, a change elsewhere leaves it cached."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import ProgressReturn
from csp_portal import freshness
from reports import live_snapshot

from .conftest import Q2, decide

pytestmark = pytest.mark.django_db

DASHBOARD = "?quarter=2025-26-Q2"


def dashboard(client, partnership="lancaster"):
    """The dashboard's body and the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:dashboard", args=[partnership]) + DASHBOARD)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_second_request_reads_the_cached_snapshot(login, cast, data):
    client = login(cast.board_member)
    first, built = dashboard(client)
    second, cached = dashboard(client)
    assert cached < built - 10, f"{built} queries building the snapshot, {cached} reading it"
    assert data.campaign.title in second
    assert first.count(data.campaign.title) == second.count(data.campaign.title)


def test_a_saved_change_shows_at_the_next_request(login, cast, data):
    client = login(cast.board_member)
    dashboard(client)
    data.campaign.title = "Campaign renamed after the snapshot was cached"
    data.campaign.save()
    body, _ = dashboard(client)
    assert "Campaign renamed after the snapshot was cached" in body


def test_a_new_accepted_return_changes_the_counts(cast, data):
    before = live_snapshot.current(cast.lancaster, Q2)
    progress = ProgressReturn.objects.get(action=data.speed, year=Q2.year, number=Q2.number)
    progress.rag = "red" if progress.rag != "red" else "green"
    progress.status = ProgressReturn.Status.ACCEPTED
    progress.save()
    after = live_snapshot.current(cast.lancaster, Q2)
    assert after["summary"] != before["summary"]
    assert after == live_snapshot.snapshot.build(cast.lancaster, Q2) | {"document": after["document"]}


def test_a_board_decision_changes_its_partnerships_snapshot(cast, data):
    token = freshness.token(cast.lancaster.pk)
    decide(data.escalation, "agreed", "Fund the second refuge worker")
    assert freshness.token(cast.lancaster.pk) != token


def test_a_change_in_another_partnership_keeps_the_cached_copy(cast, data):
    chorley = data.csr_escalation.action.partnership_id
    lancaster, before = freshness.token(cast.lancaster.pk), freshness.token(chorley)
    data.csr_escalation.narrative = "Chorley's own progress"
    data.csr_escalation.save()
    assert freshness.token(cast.lancaster.pk) == lancaster
    assert freshness.token(chorley) != before


def test_a_districts_change_reaches_its_county(cast, data):
    county = freshness.token(cast.lancashire.pk)
    data.campaign.title = "A district's action renamed"
    data.campaign.save()
    assert freshness.token(cast.lancashire.pk) != county


def test_a_sign_in_leaves_every_snapshot_cached_but_a_new_name_does_not(client, cast, data):
    token = freshness.token(cast.lancaster.pk)
    client.force_login(cast.lead)  # writes last_login only
    assert freshness.token(cast.lancaster.pk) == token
    cast.lead.full_name = "Renamed Lead"
    cast.lead.save()
    assert freshness.token(cast.lancaster.pk) != token


def test_a_lost_token_costs_a_rebuild_not_stale_data(cast, data):
    live_snapshot.current(cast.lancaster, Q2)
    cache.delete_many([freshness._PARTNERSHIP.format(cast.lancaster.pk), freshness._EVERYWHERE])  # evicted
    data.campaign.title = "Renamed while the cache was empty"
    type(data.campaign).objects.filter(pk=data.campaign.pk).update(title=data.campaign.title)  # no signal
    titles = [
        row["title"]
        for section in live_snapshot.current(cast.lancaster, Q2)["priorities"]
        for row in section["actions"]
    ]
    assert "Renamed while the cache was empty" in titles


def test_the_cached_copy_is_dated_when_it_is_read(cast, data):
    first = live_snapshot.current(cast.lancaster, Q2)
    second = live_snapshot.current(cast.lancaster, Q2)
    assert second["document"]["timestamp"] >= first["document"]["timestamp"]
    assert second["priorities"] == first["priorities"]


def test_a_leads_draft_leaves_the_snapshot_cached_until_it_is_submitted(cast, data):
    progress = ProgressReturn.objects.get(action=data.speed, year=Q2.year, number=Q2.number)
    progress.status = ProgressReturn.Status.DRAFT
    progress.save()  # an accepted return made a draft again: the report no longer shows it

    token = freshness.token(cast.lancaster.pk)
    cached = live_snapshot.current(cast.lancaster, Q2)
    progress.narrative = "A draft the report never shows"
    progress.save()
    assert freshness.token(cast.lancaster.pk) == token
    rebuilt = live_snapshot.snapshot.build(cast.lancaster, Q2)
    assert rebuilt | {"document": cached["document"]} == cached, "the cached copy is what a rebuild gives"

    progress.status = ProgressReturn.Status.SUBMITTED
    progress.save()
    assert freshness.token(cast.lancaster.pk) != token


def test_a_returned_return_saved_as_a_draft_changes_the_snapshot(cast, data):
    progress = ProgressReturn.objects.get(action=data.speed, year=Q2.year, number=Q2.number)
    progress.status = ProgressReturn.Status.RETURNED
    progress.save()
    token = freshness.token(cast.lancaster.pk)
    progress.status = ProgressReturn.Status.DRAFT
    progress.save()
    assert freshness.token(cast.lancaster.pk) != token


def test_an_edit_of_what_the_report_never_shows_leaves_the_snapshot_cached(cast, data):
    token = freshness.token(cast.lancaster.pk)
    cached = live_snapshot.current(cast.lancaster, Q2)
    for name in live_snapshot.ACTION_FIELDS_NOT_IN_REPORT - {"version"}:
        setattr(data.campaign, name, f"Changed {name} the report does not show")
    data.campaign.version += 1
    data.campaign.save()
    assert freshness.token(cast.lancaster.pk) == token
    rebuilt = live_snapshot.snapshot.build(cast.lancaster, Q2)
    assert rebuilt | {"document": cached["document"]} == cached, "the cached copy is what a rebuild gives"

    data.campaign.targets = "A target the report shows"
    data.campaign.save()
    assert freshness.token(cast.lancaster.pk) != token
