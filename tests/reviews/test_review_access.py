"""Who opens a review's case file: its own people (officer, chair, panel members) and site
administrators. A role on one review opens nothing of another, a partnership role alone (even an
officer's) opens none, and the case file's pages run a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.reviews.models import QualityAssuranceRound, Review, ReviewDocument, ReviewRole
from csp_portal.organisations.models import Role
from tests.factories import UserFactory

from .conftest import give_role, make_review, qa_round

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


def case_file_pages(review: Review) -> list[tuple[str, str]]:
    """(method, url) of every page of the review's case file."""
    slug, pk = review.partnership.slug, review.pk
    sent = qa_round(review, date(2025, 6, 1))
    role = ReviewRole.objects.filter(review=review).first()
    document = ReviewDocument(review=review, title="Terms")
    document.file.save(f"access-{pk}.pdf", ContentFile(PDF), save=False)
    document.save()
    return [
        ("GET", reverse("reviews:review_detail", args=[slug, pk])),
        ("GET", reverse("reviews:review_edit", args=[slug, pk])),
        ("POST", reverse("reviews:review_edit", args=[slug, pk])),
        ("GET", reverse("reviews:qa_round_add", args=[slug, pk])),
        ("POST", reverse("reviews:qa_round_add", args=[slug, pk])),
        ("GET", reverse("reviews:qa_round_edit", args=[slug, pk, sent.pk])),
        ("POST", reverse("reviews:qa_round_edit", args=[slug, pk, sent.pk])),
        ("GET", reverse("reviews:review_roles", args=[slug, pk])),
        ("POST", reverse("reviews:review_roles", args=[slug, pk])),
        ("POST", reverse("reviews:review_role_change", args=[slug, pk, role.pk])),
        ("POST", reverse("reviews:review_role_remove", args=[slug, pk, role.pk])),
        ("GET", reverse("reviews:review_document_add", args=[slug, pk])),
        ("POST", reverse("reviews:review_document_add", args=[slug, pk])),
        ("GET", reverse("reviews:review_document_download", args=[slug, pk, document.pk])),
    ]


def answers(client, pages) -> set[int]:
    return {(client.get(url) if method == "GET" else client.post(url)).status_code for method, url in pages}


@pytest.fixture
def review_b(cast):
    other_officer = UserFactory(email="second-officer@lancaster.example", full_name="Sam Second")
    Role.objects.create(user=other_officer, partnership=cast.lancaster, role=Role.Kind.OFFICER)
    return make_review(cast.lancaster, other_officer, reference="DHR 2025/02", notified_on=date(2025, 2, 1))


def test_the_chair_of_one_review_finds_nothing_of_another_in_the_same_partnership(login, cast, dhr, chair, review_b):
    pages = case_file_pages(review_b)
    assert answers(login(chair), pages) == {404}
    listing = login(chair).get(reverse("reviews:review_list", args=["lancaster"]))
    assert listing.status_code == 404  # the chair has no partnership role: the register is the partnership's


def test_a_partnership_officer_without_a_role_on_the_review_finds_no_case_file(login, cast, review_b):
    pages = case_file_pages(review_b)
    assert answers(login(cast.officer), pages) == {404}
    listing = login(cast.officer).get(reverse("reviews:review_list", args=["lancaster"])).content.decode()
    assert "DHR 2025/02" not in listing and "You have a role on none" in listing


def test_a_board_member_and_another_partnerships_officer_find_no_case_file(login, cast, dhr):
    pages = case_file_pages(dhr)
    assert answers(login(cast.board_member), pages) == {404}
    assert answers(login(cast.csr_officer), pages) == {404}
    assert answers(login(cast.lead), pages) == {404}


def test_a_panel_member_reads_the_case_file_and_may_change_nothing(login, cast, dhr, panel_member):
    pages = case_file_pages(dhr)
    client = login(panel_member)
    reads = [(m, u) for m, u in pages if u.endswith(f"/{dhr.pk}/") or "/documents/" in u and not u.endswith("add/")]
    assert answers(client, reads) == {200}
    assert answers(client, [page for page in pages if page not in reads]) == {403}


def test_the_chair_changes_the_review_like_its_officer(login, cast, dhr, chair):
    response = login(chair).get(reverse("reviews:review_edit", args=["lancaster", dhr.pk]))
    assert response.status_code == 200


def test_a_site_administrator_opens_every_page_of_every_case_file(login, cast, dhr):
    pages = case_file_pages(dhr)
    statuses = answers(login(cast.admin), [page for page in pages if page[0] == "GET"])
    assert statuses == {200}
    listing = login(cast.admin).get(reverse("reviews:review_list", args=["lancaster"])).content.decode()
    assert "DHR 2025/01" in listing


# -- Query counts ---------------------------------------------------------------------------------------


def _grow(cast, times: int, prefix: str) -> Review:
    """``times`` reviews with the officer's role, and one with ``times`` rounds, people and documents."""
    first = None
    for n in range(times):
        review = make_review(cast.lancaster, cast.officer, reference=f"{prefix} {n}", notified_on=date(2025, 1, 6))
        first = first or review
    first.decision, first.decided_on, first.final_report_on = Review.Decision.HOLD, date(2025, 2, 1), date(2025, 5, 1)
    first.save()
    for n in range(times):
        qa_round(first, date(2025, 6, 1 + n), QualityAssuranceRound.Outcome.RESUBMIT, date(2025, 7, 1 + n))
        person = UserFactory(email=f"panel{n}-{first.pk}@example.org")
        give_role(first, person, ReviewRole.Kind.PANEL)
        document = ReviewDocument(review=first, title=f"Document {n}", uploaded_by=person)
        document.file.name = f"reviews/counted-{n}.pdf"  # never opened by the page
        document.save()
    return first


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["list", "detail"])
def test_the_register_and_a_case_file_run_a_fixed_number_of_queries(login, cast, page):
    client = login(cast.officer)
    small = _grow(cast, 1, "small")
    url = small.get_absolute_url() if page == "detail" else reverse("reviews:review_list", args=["lancaster"])
    few = _queries(client, url)
    large = _grow(cast, 10, "large")
    if page == "detail":
        url = large.get_absolute_url()
    assert _queries(client, url) == few
