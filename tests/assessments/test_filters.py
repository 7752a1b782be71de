"""The crime-data imports list: its filters (status, who uploaded) and sort orders, values not offered
ignored and said so, another partnership's uploads never listed, and a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import filters
from assessments.models import CrimeImport
from csp_portal.organisations.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Status = CrimeImport.Status


@pytest.fixture
def analyst(cast):
    person = UserFactory(full_name="Lancaster Analyst")
    Role.objects.create(user=person, partnership=cast.lancaster, role=Role.Kind.ANALYST)
    return person


@pytest.fixture
def imports(cast, analyst):
    other = UserFactory(full_name="Barry Before")
    Role.objects.create(user=other, partnership=cast.lancaster, role=Role.Kind.ANALYST)
    made = {
        "ready": CrimeImport.objects.create(partnership=cast.lancaster, requested_by=analyst, file_names="ready.csv"),
        "failed": CrimeImport.objects.create(partnership=cast.lancaster, requested_by=other, file_names="bad.csv"),
        "command": CrimeImport.objects.create(partnership=None, file_names="command.csv"),
        "csr": CrimeImport.objects.create(
            partnership=cast.chorley_south_ribble, requested_by=cast.csr_officer, file_names="csr-secret.csv"
        ),
    }
    CrimeImport.objects.filter(pk=made["ready"].pk).update(status=Status.READY)
    CrimeImport.objects.filter(pk=made["failed"].pk).update(status=Status.FAILED)
    return made


def listed(client, **query) -> str:
    response = client.get(reverse("assessments:import_list", args=["lancaster"]), query)
    assert response.status_code == 200
    return response.content.decode()


def files(html: str) -> list[str]:
    return re.findall(r"([\w-]+\.csv)", html.split("<tbody")[1])


def test_every_import_the_partnership_follows_newest_first(cast, analyst, imports, login):
    html = listed(login(analyst))
    assert files(html) == ["command.csv", "bad.csv", "ready.csv"]
    assert "csr-secret.csv" not in html and "4 imports" not in html and "3 imports" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "failed"}, ["bad.csv"]),
        ({"status": "queued"}, ["command.csv"]),
        ({"sort": "when"}, ["ready.csv", "bad.csv", "command.csv"]),
        ({"sort": "who"}, ["bad.csv", "ready.csv", "command.csv"]),  # Barry, Lancaster Analyst, nobody
        ({"sort": "status"}, ["bad.csv", "command.csv", "ready.csv"]),  # failed, queued, ready
    ],
)
def test_each_filter_and_sort_order(cast, analyst, imports, login, query, expected):
    assert files(listed(login(analyst), **query)) == expected


def test_by_who_uploaded(cast, analyst, imports, login):
    assert files(listed(login(analyst), requested_by=analyst.pk)) == ["ready.csv"]


@pytest.mark.parametrize(
    "query", [{"status": "lost"}, {"requested_by": "csr"}, {"sort": "file"}, {"requested_by": "0"}]
)
def test_a_value_not_offered_is_ignored_and_said_so(cast, analyst, imports, login, query):
    html = listed(login(analyst), **query)
    assert files(html) == ["command.csv", "bad.csv", "ready.csv"]
    assert "Not applied, because the value asked for is not one of the choices" in html


def test_another_partnerships_uploader_is_not_a_choice(cast, analyst, imports, login):
    html = listed(login(analyst), requested_by=cast.csr_officer.pk)
    assert "Not applied" in html and "Carl Chorley" not in html


def test_the_list_is_capped_and_says_how_many(cast, analyst, imports, login, monkeypatch):
    monkeypatch.setattr(filters, "SHOWN", 2)
    html = listed(login(analyst))
    assert "The first 2 of 3 imports" in html and len(files(html)) == 2


def test_query_count_does_not_grow_with_the_data(cast, analyst, imports, login):
    client = login(analyst)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            listed(client, status="ready", sort="who")
        return len(captured)

    before = count()
    for n in range(20):
        uploader = UserFactory(full_name=f"Uploader {n}")
        job = CrimeImport.objects.create(partnership=cast.lancaster, requested_by=uploader, file_names=f"f{n}.csv")
        CrimeImport.objects.filter(pk=job.pk).update(status=Status.READY)
    assert count() == before
