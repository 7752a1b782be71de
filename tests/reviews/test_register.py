"""The review register and case files through their pages: every state change a review goes through,
and every contradiction refused with its message, all at once and with nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actionplans.reviews.models import QualityAssuranceRound, Review, ReviewDocument, ReviewRole, ReviewTimescales
from tests.factories import UserFactory

from .conftest import give_role, make_review, qa_round

pytestmark = pytest.mark.django_db

RESUBMIT = QualityAssuranceRound.Outcome.RESUBMIT
APPROVED = QualityAssuranceRound.Outcome.APPROVED


def dated(name: str, value: date | None) -> dict:
    if value is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


HOMICIDE_DATES = (
    "notified_on",
    "decided_on",
    "home_office_notified_on",
    "chair_appointed_on",
    "draft_report_on",
    "final_report_on",
    "published_on",
    "removed_on",
    "closed_on",
)
ASB_DATES = (
    "applied_on",
    "threshold_decided_on",
    "meeting_on",
    "outcome_sent_on",
    "appeal_received_on",
    "appeal_decided_on",
    "closed_on",
)


def edit_data(review: Review, **changes) -> dict:
    """The edit form as loaded, with ``changes`` made."""
    homicide = review.is_homicide_review
    names = ("reference", "summary") + (
        ("decision", "decision_reasons", "chair", "panel")
        if homicide
        else ("threshold", "threshold_reasons", "outcome", "appeal_outcome")
    )
    values = {name: getattr(review, name) for name in names + (HOMICIDE_DATES if homicide else ASB_DATES)}
    values.update(changes)
    data = {}
    for name, value in values.items():
        if name.endswith("_on"):
            data.update(dated(name, value))
        else:
            data[name] = value or ""
    return data


def edit(client, review: Review, **changes):
    url = reverse("reviews:review_edit", args=[review.partnership.slug, review.pk])
    return client.post(url, edit_data(review, **changes))


def errors_of(response) -> list[str]:
    return [str(link.message) for link in response.context["errors"]]


# -- Starting a review --------------------------------------------------------------------------------


def test_an_officer_starts_a_review_and_becomes_its_review_officer(login, cast):
    client = login(cast.officer)
    url = reverse("reviews:review_add", args=["lancaster"])
    assert "Start a review" in client.get(reverse("reviews:review_list", args=["lancaster"])).content.decode()
    response = client.post(
        url,
        {
            "kind": "dhr",
            "reference": "DHR 2026/01",
            "summary": "A death in 2025.",
            **dated("first_date", date(2026, 1, 5)),
        },
    )
    review = Review.objects.get(reference="DHR 2026/01")
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    assert (review.kind, review.notified_on, review.partnership) == ("dhr", date(2026, 1, 5), cast.lancaster)
    assert ReviewRole.objects.get(review=review).user == cast.officer
    assert review.history.get().history_user == cast.officer
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Awaiting decision" in page and "Decide whether to hold a review" in page

    client.post(url, {"kind": "asb", "reference": "ASB 2026/01", **dated("first_date", date(2026, 2, 2))})
    assert Review.objects.get(reference="ASB 2026/01").applied_on == date(2026, 2, 2)


def test_starting_a_review_shows_every_problem_at_once_and_writes_nothing(login, cast, dhr):
    client = login(cast.officer)
    response = client.post(
        reverse("reviews:review_add", args=["lancaster"]), {"reference": "", **dated("first_date", None)}
    )
    assert errors_of(response) == [
        "Choose the kind of review",
        "Enter the case reference",
        "Enter the first date of the review",
    ]
    future = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("reviews:review_add", args=["lancaster"]),
        {"kind": "dhr", "reference": "dhr 2025/01", **dated("first_date", future)},
    )
    assert errors_of(response) == [
        "The partnership already has a review with the case reference 'dhr 2025/01'",
        "The first date cannot be in the future",
    ]
    assert Review.objects.count() == 1


def test_the_same_reference_is_fine_in_another_partnership(login, cast, dhr):
    client = login(cast.csr_officer)
    client.post(
        reverse("reviews:review_add", args=[cast.chorley_south_ribble.slug]),
        {"kind": "dhr", "reference": "DHR 2025/01", **dated("first_date", date(2025, 1, 1))},
    )
    assert Review.objects.filter(reference="DHR 2025/01").count() == 2


# -- A homicide review from notification to removal -----------------------------------------------------


def test_a_dhr_goes_from_notification_to_removal_through_its_pages(login, cast, dhr):
    client = login(cast.officer)
    steps = [
        {
            "decision": "hold",
            "decided_on": date(2025, 2, 3),
            "decision_reasons": "The criteria are met.",
            "home_office_notified_on": date(2025, 2, 10),
        },
        {"chair": "Independent chair", "chair_appointed_on": date(2025, 3, 3), "panel": "Police\nHealth"},
        {"draft_report_on": date(2025, 7, 1), "final_report_on": date(2025, 8, 1)},
    ]
    for changes in steps:
        assert edit(client, dhr, **changes).status_code == 302
        dhr.refresh_from_db()
    assert (dhr.decision, dhr.chair, dhr.final_report_on) == ("hold", "Independent chair", date(2025, 8, 1))
    assert "Review under way" in client.get(dhr.get_absolute_url()).content.decode()

    add = reverse("reviews:qa_round_add", args=["lancaster", dhr.pk])
    assert client.post(add, dated("submitted_on", date(2025, 8, 4)) | dated("outcome_on", None)).status_code == 302
    first = dhr.qa_rounds.get()
    assert "With the Home Office" in client.get(dhr.get_absolute_url()).content.decode()
    change = reverse("reviews:qa_round_edit", args=["lancaster", dhr.pk, first.pk])
    answer = {"outcome": "resubmit", "feedback": "More on the agencies' contact."}
    assert (
        client.post(
            change, dated("submitted_on", date(2025, 8, 4)) | dated("outcome_on", date(2025, 10, 1)) | answer
        ).status_code
        == 302
    )
    assert "Resubmission asked" in client.get(dhr.get_absolute_url()).content.decode()
    client.post(
        add, dated("submitted_on", date(2025, 11, 3)) | dated("outcome_on", date(2025, 12, 1)) | {"outcome": "approved"}
    )
    assert [r.outcome for r in dhr.qa_rounds.order_by("submitted_on")] == [RESUBMIT, APPROVED]
    assert "Approved" in client.get(dhr.get_absolute_url()).content.decode()

    assert edit(client, dhr, published_on=date(2025, 12, 15)).status_code == 302
    dhr.refresh_from_db()
    page = client.get(dhr.get_absolute_url()).content.decode()
    assert "Published" in page and "Not to be removed before 15 Dec 2026" in page
    assert edit(client, dhr, removed_on=date(2025, 12, 16)).status_code == 302
    dhr.refresh_from_db()
    page = client.get(dhr.get_absolute_url()).content.decode()
    assert "Removed from the website" in page and "Removed too early" in page
    assert {h.history_user for h in dhr.history.all()} == {None, cast.officer}  # the fixture's row has no actor


def test_a_decision_not_to_hold_a_review_is_recorded(login, cast, dhr):
    client = login(cast.officer)
    response = edit(
        client, dhr, decision="not_hold", decided_on=date(2025, 1, 20), decision_reasons="Not a domestic death."
    )
    assert response.status_code == 302
    page = client.get(dhr.get_absolute_url()).content.decode()
    assert "Not held" in page and "Send the final report" not in page


def test_every_contradiction_of_a_homicide_review_is_refused_at_once_with_nothing_written(login, cast, dhr):
    client = login(cast.officer)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = edit(
        client,
        dhr,
        decision="hold",
        decided_on=date(2025, 1, 1),  # before the notification
        home_office_notified_on=date(2024, 12, 1),  # before the decision
        draft_report_on=date(2025, 6, 1),
        final_report_on=date(2025, 5, 1),  # before the draft
        published_on=date(2025, 7, 1),  # no approved round
        removed_on=date(2025, 6, 1),  # before publication
        closed_on=tomorrow,
    )
    assert response.status_code == 200
    assert errors_of(response) == [
        "The decision cannot be before the partnership was notified of the death",
        "Enter the reasons for the decision",
        "The Home Office cannot be told before the decision was made",
        "The final report cannot be agreed before the draft report was ready",
        "The report can be published only after the Home Office panel approved it",
        "The report cannot be removed before it was published",
        "The date 'closed' cannot be in the future",
    ]
    dhr.refresh_from_db()
    assert dhr.decision == "" and dhr.history.count() == 1


def test_a_homicide_reviews_dates_need_what_they_follow(login, cast):
    review = make_review(cast.lancaster, cast.officer)
    client = login(cast.officer)
    response = edit(
        client,
        review,
        decided_on=date(2025, 2, 1),
        chair_appointed_on=date(2025, 2, 2),
        final_report_on=date(2025, 3, 1),
    )
    assert errors_of(response) == [
        "Choose the decision",
        "Enter the date the partnership was notified of the death, which the decision follows",
        "The date 'chair appointed' needs a decision to hold a review",
        "The date 'final report agreed by the partnership' needs a decision to hold a review",
    ]
    response = edit(client, review, decision="hold", decision_reasons="Met.")
    assert errors_of(response) == ["Enter the date the decision was made"]


def test_publication_never_comes_before_the_panels_approval(login, cast, dhr):
    dhr.decision, dhr.decided_on, dhr.decision_reasons = "hold", date(2025, 2, 1), "Met."
    dhr.draft_report_on, dhr.final_report_on = date(2025, 6, 1), date(2025, 7, 1)
    dhr.save()
    qa_round(dhr, date(2025, 7, 2), APPROVED, date(2025, 9, 1))
    response = edit(login(cast.officer), dhr, published_on=date(2025, 8, 31))
    assert errors_of(response) == ["The report cannot be published before the panel approved it (01 September 2025)"]


# -- Quality-assurance rounds ----------------------------------------------------------------------------


@pytest.fixture
def reported(dhr) -> Review:
    dhr.decision, dhr.decided_on, dhr.decision_reasons = "hold", date(2025, 2, 1), "Met."
    dhr.draft_report_on, dhr.final_report_on = date(2025, 6, 1), date(2025, 7, 1)
    dhr.save()
    return dhr


def post_round(client, review, sent, outcome="", outcome_on=None, round_id=None):
    if round_id is None:
        url = reverse("reviews:qa_round_add", args=["lancaster", review.pk])
    else:
        url = reverse("reviews:qa_round_edit", args=["lancaster", review.pk, round_id])
    return client.post(url, dated("submitted_on", sent) | dated("outcome_on", outcome_on) | {"outcome": outcome})


def test_a_round_is_never_sent_before_the_final_report(login, cast, dhr):
    client = login(cast.officer)
    response = post_round(client, dhr, date(2025, 7, 1))
    assert errors_of(response) == ["Record the date the final report was agreed before sending it to the Home Office"]
    dhr.decision, dhr.decided_on, dhr.decision_reasons, dhr.draft_report_on = (
        "hold",
        date(2025, 2, 1),
        "M",
        date(2025, 6, 1),
    )
    dhr.final_report_on = date(2025, 7, 1)
    dhr.save()
    response = post_round(client, dhr, date(2025, 6, 30), "approved")
    assert errors_of(response) == [
        "The report cannot be sent before the final report was agreed",
        "Enter the date the outcome was received",
    ]
    response = post_round(client, dhr, date(2025, 7, 2), "", date(2025, 7, 1))
    assert errors_of(response) == [
        "Choose the panel's outcome",
        "The outcome cannot be received before the report was sent",
    ]
    assert not dhr.qa_rounds.exists()


def test_a_new_round_follows_only_a_resubmit(login, cast, reported):
    client = login(cast.officer)
    waiting = qa_round(reported, date(2025, 7, 2))
    assert errors_of(post_round(client, reported, date(2025, 8, 1))) == [
        "The last round is still awaiting the panel's outcome: record it first"
    ]
    waiting.outcome, waiting.outcome_on = RESUBMIT, date(2025, 9, 1)
    waiting.save()
    assert errors_of(post_round(client, reported, date(2025, 8, 30))) == [
        "A resubmission cannot be sent before the panel asked for it"
    ]
    assert post_round(client, reported, date(2025, 10, 1), "approved", date(2025, 11, 1)).status_code == 302
    assert errors_of(post_round(client, reported, date(2025, 12, 1))) == [
        "The panel approved the report: no further round is sent"
    ]
    case_file = client.get(reverse("reviews:review_detail", args=[reported.partnership.slug, reported.pk]))
    assert "The panel approved the report: no further round is sent." in case_file.content.decode()
    assert (
        reverse("reviews:qa_round_add", args=[reported.partnership.slug, reported.pk]) not in case_file.content.decode()
    )
    # The first round's resubmit is what the second answers: it stays Resubmit.
    response = post_round(client, reported, date(2025, 7, 2), "approved", date(2025, 9, 1), round_id=waiting.pk)
    assert errors_of(response) == ["Another round followed this one: its outcome stays Resubmit"]
    assert reported.qa_rounds.count() == 2


def test_an_asb_case_review_has_no_quality_assurance_rounds(login, cast, asb):
    client = login(cast.officer)
    assert client.get(reverse("reviews:qa_round_add", args=["lancaster", asb.pk])).status_code == 404


# -- An ASB Case Review ----------------------------------------------------------------------------------


def test_an_asb_case_review_goes_from_application_to_appeal_through_its_pages(login, cast, asb):
    client = login(cast.officer)
    steps = [
        {
            "threshold": "met",
            "threshold_decided_on": date(2025, 3, 10),
            "threshold_reasons": "Three reports in six months.",
        },
        {"meeting_on": date(2025, 4, 1)},
        {"outcome": "An action plan with the housing provider.", "outcome_sent_on": date(2025, 4, 3)},
        {"appeal_received_on": date(2025, 4, 10)},
        {"appeal_outcome": "not_upheld", "appeal_decided_on": date(2025, 5, 1), "closed_on": date(2025, 5, 2)},
    ]
    stages = ["Awaiting review meeting", "Outcome to be sent", "Outcome sent", "Appeal", "Closed"]
    for changes, stage in zip(steps, stages, strict=True):
        response = edit(client, asb, **changes)
        assert response.status_code == 302, errors_of(response)
        asb.refresh_from_db()
        assert stage in client.get(asb.get_absolute_url()).content.decode()
    assert asb.history.count() == 6


def test_every_contradiction_of_an_asb_case_review_is_refused_at_once(login, cast, asb):
    client = login(cast.officer)
    response = edit(
        client,
        asb,
        threshold="not_met",
        threshold_decided_on=date(2025, 3, 1),  # before the application
        meeting_on=date(2025, 3, 20),  # threshold not met
        outcome_sent_on=date(2025, 3, 19),  # before the meeting, and no outcome
        appeal_received_on=date(2025, 2, 28),  # before the threshold decision it appeals
        appeal_decided_on=date(2025, 2, 27),  # before the appeal
        closed_on=date(2025, 3, 16),
    )
    assert errors_of(response) == [
        "The threshold cannot be decided before the application was received",
        "Enter the reasons for the threshold decision",
        "A review meeting is held only when the threshold is met",
        "Enter the outcome sent to the applicant",
        "The outcome cannot be sent before the review meeting",
        "An appeal cannot be received before the threshold was decided",
        "Choose the appeal's outcome",
        "The appeal cannot be decided before it was received",
        "The review cannot be closed before 'review meeting held' (20 March 2025)",
    ]
    asb.refresh_from_db()
    assert asb.threshold == "" and asb.history.count() == 1


def test_after_a_review_meeting_an_appeal_follows_the_outcome_sent(login, cast, asb):
    asb.threshold, asb.threshold_decided_on, asb.threshold_reasons = "met", date(2025, 3, 10), "Met."
    asb.meeting_on, asb.outcome, asb.outcome_sent_on = date(2025, 4, 1), "A plan.", date(2025, 4, 3)
    asb.save()
    response = edit(login(cast.officer), asb, appeal_received_on=date(2025, 4, 2))
    assert errors_of(response) == ["An appeal cannot be received before the outcome was sent"]


# -- People -------------------------------------------------------------------------------------------


def test_review_roles_are_added_changed_and_removed_but_never_the_last_officer(login, cast, dhr):
    client = login(cast.officer)
    url = reverse("reviews:review_roles", args=["lancaster", dhr.pk])
    chair = UserFactory(email="chair@example.org", full_name="Chris Chair")
    assert client.post(url, {"email": "Chair@Example.org ", "role": "chair"}).status_code == 302
    role = ReviewRole.objects.get(user=chair)
    assert role.role == "chair" and role.history.get().history_user == cast.officer
    assert client.get(dhr.get_absolute_url(), follow=True).status_code == 200

    refused = client.post(url, {"email": "nobody-here@example.org", "role": "panel"})
    assert errors_of(refused) == [
        "No one signs in with this e-mail address: ask a partnership officer to invite them first"
    ]
    assert errors_of(client.post(url, {"email": "chair@example.org", "role": "panel"})) == [
        "Chris Chair already has a role on this review: change it in the list"
    ]

    change = reverse("reviews:review_role_change", args=["lancaster", dhr.pk, role.pk])
    assert client.post(change, {f"role-{role.pk}-role": "panel"}).status_code == 302
    assert ReviewRole.objects.get(pk=role.pk).role == "panel"

    officer_role = ReviewRole.objects.get(user=cast.officer)
    demote = reverse("reviews:review_role_change", args=["lancaster", dhr.pk, officer_role.pk])
    response = client.post(demote, {f"role-{officer_role.pk}-role": "panel"})
    assert response.context["refusal"] == ["The review must keep a review officer: give someone else the role first"]
    remove = reverse("reviews:review_role_remove", args=["lancaster", dhr.pk, officer_role.pk])
    assert client.post(remove).context["refusal"] == [
        "The review must keep a review officer: give someone else the role first"
    ]
    assert ReviewRole.objects.get(pk=officer_role.pk).role == "officer"

    assert client.post(reverse("reviews:review_role_remove", args=["lancaster", dhr.pk, role.pk])).status_code == 302
    assert not ReviewRole.objects.filter(pk=role.pk).exists()
    assert ReviewRole.history.filter(id=role.pk, history_type="-").get().history_user == cast.officer


def test_a_person_removed_from_a_review_no_longer_opens_it(login, cast, dhr, chair):
    client = login(chair)
    assert client.get(dhr.get_absolute_url()).status_code == 200
    role = ReviewRole.objects.get(user=chair)
    officer = login(cast.officer)  # the same client, signed in as the officer
    officer.post(reverse("reviews:review_role_remove", args=["lancaster", dhr.pk, role.pk]))
    assert login(chair).get(dhr.get_absolute_url()).status_code == 404


# -- Documents --------------------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n% terms of reference\n%%EOF\n"


def test_a_document_is_uploaded_and_downloaded_by_the_reviews_people(login, cast, dhr, panel_member):
    client = login(cast.officer)
    url = reverse("reviews:review_document_add", args=["lancaster", dhr.pk])
    upload = SimpleUploadedFile("terms of reference.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {"title": "Terms of reference", "file": upload}).status_code == 302
    document = ReviewDocument.objects.get()
    assert document.uploaded_by == cast.officer and document.history.get().history_user == cast.officer
    download = reverse("reviews:review_document_download", args=["lancaster", dhr.pk, document.pk])
    response = login(panel_member).get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    document.file.delete(save=False)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.exe", b"MZ", "The selected file must be a PDF, Word or OpenDocument text file"),
        ("report.pdf", b"not a pdf", "The selected file must be a PDF file: its content is not"),
        ("report.docx", b"PK not really", "The selected file must be a DOCX file: its content is not"),
        ("report.pdf", b"", "The selected file is empty"),
    ],
)
def test_a_document_that_is_not_what_it_claims_is_refused(login, cast, dhr, name, content, message):
    client = login(cast.officer)
    url = reverse("reviews:review_document_add", args=["lancaster", dhr.pk])
    response = client.post(url, {"title": "", "file": SimpleUploadedFile(name, content)})
    assert errors_of(response) == ["Enter the document's title", message]
    assert not ReviewDocument.objects.exists()


# -- Timescales -------------------------------------------------------------------------------------------


def test_an_officer_sets_local_timescales_that_the_clocks_then_count(login, cast, dhr):
    client = login(cast.officer)
    url = reverse("reviews:review_timescales", args=["lancaster"])
    page = client.get(url).content.decode()
    assert "statutory guidance" in page and "bank holidays" in page
    defaults = {f.name: f.default for f in ReviewTimescales._meta.fields if f.name.startswith(("dhr_", "asb_"))}
    assert client.post(url, defaults | {"dhr_decision_days": "14"}).status_code == 302
    row = ReviewTimescales.objects.get(partnership=cast.lancaster)
    assert row.dhr_decision_days == 14 and row.history.get().history_user == cast.officer
    page = client.get(dhr.get_absolute_url()).content.decode()
    assert "Due by 20 Jan 2025" in page and "partnership's own timescales" in page
    response = client.post(url, defaults | {"dhr_decision_days": "0", "asb_meeting_days": ""})
    assert response.status_code == 200 and len(errors_of(response)) == 2
    assert ReviewTimescales.objects.get().dhr_decision_days == 14


def test_a_panel_member_sees_the_case_file_without_change_links(login, cast, dhr, panel_member):
    give_role(dhr, cast.lead, ReviewRole.Kind.PANEL)
    page = login(cast.lead).get(dhr.get_absolute_url()).content.decode()
    assert "DHR 2025/01" in page and "Change dates and decisions" not in page
    listing = login(cast.lead).get(reverse("reviews:review_list", args=["lancaster"])).content.decode()
    assert "DHR 2025/01" in listing and "Start a review" not in listing


def test_the_register_lists_ones_reviews_with_their_stage_and_what_is_overdue(login, cast, dhr, asb):
    make_review(cast.lancaster, None, reference="DHR 2025/09", notified_on=timezone.localdate())
    page = login(cast.officer).get(reverse("reviews:review_list", args=["lancaster"])).content.decode()
    assert "2 reviews" in page and "DHR 2025/09" not in page  # no role on it
    assert "Decide whether to hold a review, by 5 February 2025" in page
    assert "Decide whether the threshold is met, by 17 March 2025" in page  # ten working days
    assert page.count('<strong class="govuk-tag govuk-tag--red">Overdue</strong>') == 2
    assert "Awaiting decision" in page and "Awaiting threshold decision" in page
    admin_page = login(cast.admin).get(reverse("reviews:review_list", args=["lancaster"])).content.decode()
    assert "3 reviews" in admin_page and "Decide whether to hold a review, by " in admin_page
    board_page = login(cast.board_member).get(reverse("reviews:review_list", args=["lancaster"])).content.decode()
    assert "You have a role on none" in board_page
    assert "Start a review" not in board_page
