"""The officer accepts several submitted returns at once, and chases chosen leads with a message of
their own after seeing each e-mail; a lead withdraws a submitted return until it is reviewed."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans import services
from actionplans.models import ProgressReturn, ReminderSent
from csp_portal.notifications.models import Notification
from csp_portal.quarters import Quarter
from tests.factories import UserFactory
from tests.mail import emails_sent

from .factories import ActionFactory, ReturnFactory

pytestmark = pytest.mark.django_db

Q2 = Quarter(2025, 2)


def quarter_url(name: str, slug: str = "lancaster") -> str:
    return reverse(f"actionplans:{name}", args=[slug, Q2])


def submitted_returns(lancaster, cast, count: int) -> list[ProgressReturn]:
    returns = []
    for n in range(count):
        action = ActionFactory(priority=lancaster.roads, lead_user=cast.lead, title=f"Speed watch {n}")
        returns.append(ReturnFactory(action=action, year=2025, number=2, status="submitted", submitted_by=cast.lead))
    return returns


# -- Bulk accept ---------------------------------------------------------------------------------------


def test_officer_accepts_ticked_returns_at_once_and_each_lead_is_told(login, cast, lancaster):
    first, second, untouched = submitted_returns(lancaster, cast, 3)
    client = login(cast.officer)
    page = client.get(quarter_url("quarter_status")).content.decode()
    assert f'id="accept-{first.pk}"' in page and f'value="{first.pk}"' in page
    assert "Accept the ticked returns" in page
    with emails_sent():
        response = client.post(quarter_url("quarter_accept"), {"returns": [first.pk, second.pk]}, follow=True)
    assert "2 2025/26 Q2 returns accepted for the board&#x27;s report." in response.content.decode()
    for progress in (first, second):
        progress.refresh_from_db()
        assert (progress.status, progress.reviewed_by) == ("accepted", cast.officer)
        assert progress.history.latest().history_user == cast.officer
    untouched.refresh_from_db()
    assert untouched.status == "submitted"
    told = Notification.objects.filter(recipient=cast.lead, kind="return_reviewed")
    assert sorted(n.subject for n in told) == [
        "Your 2025/26 Q2 return for “Speed watch 0” was accepted",
        "Your 2025/26 Q2 return for “Speed watch 1” was accepted",
    ]
    assert len(mail.outbox) == 2


def test_bulk_accept_is_all_or_nothing_and_names_what_was_not_submitted(login, cast, lancaster):
    first, second = submitted_returns(lancaster, cast, 2)
    second.status = "draft"
    second.save()
    accepted = ReturnFactory(action=lancaster.action, year=2025, number=2, status="accepted")
    response = login(cast.officer).post(
        quarter_url("quarter_accept"), {"returns": [first.pk, second.pk, accepted.pk]}, follow=True
    )
    body = response.content.decode()
    assert "Only submitted returns can be accepted, so none was" in body
    assert "“Speed watch 1” (draft)" in body and "“DV prevention campaign” (accepted)" in body
    first.refresh_from_db()
    assert first.status == "submitted"
    assert not Notification.objects.filter(kind="return_reviewed").exists()


def test_bulk_accept_refuses_another_partnerships_return_and_an_empty_choice(login, cast, lancaster):
    mine = submitted_returns(lancaster, cast, 1)[0]
    with pytest.raises(Exception, match="1 return not of 2025/26 Q2 here"):
        services.accept_returns(cast.chorley_south_ribble, Q2, [mine.pk], actor=cast.csr_officer)
    response = login(cast.officer).post(quarter_url("quarter_accept"), {}, follow=True)
    assert "Choose the returns to accept" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == "submitted"


def test_another_partnerships_officer_gets_not_found_and_a_lead_forbidden(login, cast, lancaster):
    mine = submitted_returns(lancaster, cast, 1)[0]
    assert login(cast.csr_officer).post(quarter_url("quarter_accept"), {"returns": [mine.pk]}).status_code == 404
    assert login(cast.csr_officer).get(quarter_url("quarter_chase")).status_code == 404
    assert login(cast.lead).post(quarter_url("quarter_accept"), {"returns": [mine.pk]}).status_code == 403
    assert login(cast.lead).get(quarter_url("quarter_chase")).status_code == 403
    assert login(cast.board_member).post(quarter_url("quarter_chase"), {"leads": [cast.lead.pk]}).status_code == 403
    mine.refresh_from_db()
    assert mine.status == "submitted" and not ReminderSent.objects.exists()


# -- Chasing chosen leads ------------------------------------------------------------------------------


def test_the_chase_form_ticks_everyone_who_owes_or_the_one_person_from_their_row(login, cast, lancaster):
    ActionFactory(priority=lancaster.roads, lead_user=cast.board_member, title="Speed watch")
    client = login(cast.officer)
    status = client.get(quarter_url("quarter_status")).content.decode()
    assert f"{quarter_url('quarter_chase')}?lead={cast.board_member.pk}" in status
    everyone = client.get(quarter_url("quarter_chase")).content.decode()
    assert everyone.count('checked="checked"') == 2
    assert "Bea Board: 1 return owed" in everyone and "Liam Lead: 1 return owed" in everyone
    one = client.get(quarter_url("quarter_chase") + f"?lead={cast.board_member.pk}").content.decode()
    assert one.count('checked="checked"') == 1
    ticked = one.split('checked="checked"')[0].rsplit("<input", 1)[1]
    assert f'value="{cast.board_member.pk}"' in ticked


def test_preview_shows_each_email_exactly_and_sends_nothing(login, cast, lancaster):
    ActionFactory(priority=lancaster.roads, lead_user=cast.board_member, title="Speed watch")
    client = login(cast.officer)
    note = "Please send it by Friday <b>at the latest</b>.\nThank you & regards."
    with emails_sent():
        response = client.post(
            quarter_url("quarter_chase"), {"leads": [cast.lead.pk], "message": note, "intent": "preview"}
        )
    body = response.content.decode()
    assert response.status_code == 200
    assert not mail.outbox and not ReminderSent.objects.exists() and not Notification.objects.exists()
    assert "What 1 lead will receive" in body and "To Liam Lead (lead@lancaster.example)" in body
    assert "Subject:</strong> 2025/26 Q2 progress return for Lancaster District CSP" in body
    assert "Dear Liam," in body and "- DV prevention campaign" in body
    assert "Olivia Officer of Lancaster District CSP added this message:" in body
    assert "Friday &lt;b&gt;at the latest&lt;/b&gt;." in body and "<b>at the latest" not in body
    assert "Speed watch" not in body.split('id="preview"')[1]  # Bea was not chosen
    assert 'value="send"' in body and f'name="leads" value="{cast.lead.pk}"' in body


def test_send_emails_the_chosen_leads_with_the_message_in_text_and_escaped_html(login, cast, lancaster):
    ActionFactory(priority=lancaster.roads, lead_user=cast.board_member, title="Speed watch")
    note = "Please send it by Friday <b>at the latest</b>.\nThank you & regards."
    with emails_sent():
        response = login(cast.officer).post(
            quarter_url("quarter_chase"), {"leads": [cast.lead.pk], "message": note, "intent": "send"}, follow=True
        )
    assert "1 lead chased by e-mail for 2025/26 Q2." in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["lead@lancaster.example"]
    assert "Olivia Officer of Lancaster District CSP added this message:" in message.body
    assert "“Please send it by Friday <b>at the latest</b>.\nThank you & regards.”" in message.body
    html = message.alternatives[0][0]
    assert "Friday &lt;b&gt;at the latest&lt;/b&gt;.<br>Thank you &amp; regards." in html
    assert "<b>at the latest" not in html
    chase = ReminderSent.objects.get()
    assert (chase.lead, chase.kind, chase.sent_by, chase.actions) == (cast.lead, "chase", cast.officer, 1)


def test_a_message_too_long_or_no_lead_chosen_is_refused_and_nothing_is_sent(login, cast, lancaster):
    client = login(cast.officer)
    with emails_sent():
        long = client.post(
            quarter_url("quarter_chase"), {"leads": [cast.lead.pk], "message": "x" * 1001, "intent": "send"}
        ).content.decode()
        none = client.post(quarter_url("quarter_chase"), {"message": "Hello", "intent": "send"}).content.decode()
        stranger = client.post(
            quarter_url("quarter_chase"), {"leads": [cast.board_member.pk], "intent": "send"}
        ).content.decode()
    assert "Your message must be 1,000 characters or fewer" in long
    assert "Choose at least one lead to chase" in none
    assert "A lead you chose no longer owes a return" in stranger
    assert not mail.outbox and not ReminderSent.objects.exists()


def test_a_closed_quarter_is_not_chased(login, cast, lancaster):
    services.close_quarter(cast.lancaster, Q2, actor=cast.officer)
    client = login(cast.officer)
    assert "is closed: nobody is chased" in client.get(quarter_url("quarter_chase")).content.decode()
    body = client.post(quarter_url("quarter_chase"), {"leads": [cast.lead.pk], "intent": "send"}).content.decode()
    assert "2025/26 Q2 is closed." in body
    assert not ReminderSent.objects.exists()


def chase_page_queries(client, path: str, data: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, data) if data else client.get(path)
        assert response.status_code == 200
    return len(queries)


def test_the_chase_form_and_preview_run_a_fixed_number_of_queries(login, cast, lancaster):
    client = login(cast.officer)

    def add_leads(count: int) -> list[int]:
        ids = []
        for n in range(count):
            lead = UserFactory(full_name=f"Lead {n}")
            cast.lancaster.roles.create(user=lead, role="lead")
            ActionFactory(priority=lancaster.roads, lead_user=lead, lead_agency=lancaster.police)
            ids.append(lead.pk)
        return ids

    ids = add_leads(3)
    path = quarter_url("quarter_chase")
    few = chase_page_queries(client, path), chase_page_queries(client, path, {"leads": ids, "intent": "preview"})
    ids += add_leads(30)
    many = chase_page_queries(client, path), chase_page_queries(client, path, {"leads": ids, "intent": "preview"})
    assert many == few


# -- Withdrawing a submitted return ---------------------------------------------------------------------


def return_url(name: str, lancaster) -> str:
    return reverse(f"actionplans:{name}", args=["lancaster", lancaster.action.pk, Q2])


def test_the_lead_withdraws_a_submitted_return_until_it_is_reviewed(login, cast, lancaster):
    progress = services.submit_return(
        lancaster.action, Q2, actor=cast.lead, values={"rag": "green", "narrative": "Going well"}
    )
    submitted_notice = Notification.objects.get(recipient=cast.officer, kind="return_submitted")
    client = login(cast.lead)
    assert "Withdraw the return" in client.get(return_url("return_edit", lancaster)).content.decode()
    response = client.post(return_url("return_withdraw", lancaster), follow=True)
    body = response.content.decode()
    assert "has been withdrawn: it is a draft again" in body and 'value="submit"' in body
    progress.refresh_from_db()
    assert (progress.status, progress.submitted_at) == ("draft", None)
    assert progress.history.latest().history_user == cast.lead
    assert Notification.objects.filter(pk=submitted_notice.pk).exists()  # the officer's notice stays
    officer = login(cast.officer)
    status = officer.get(quarter_url("quarter_status")).content.decode()
    assert return_url("return_review", lancaster) not in status and 'name="returns"' not in status
    review = officer.get(return_url("return_review", lancaster)).content.decode()
    assert "There is nothing to review" in review and "Accept the return" not in review


@pytest.mark.parametrize("decision", ["accepted", "returned"])
def test_a_reviewed_return_cannot_be_withdrawn(login, cast, lancaster, decision):
    progress = ReturnFactory(action=lancaster.action, year=2025, number=2, status=decision)
    client = login(cast.lead)
    assert "Withdraw the return" not in client.get(return_url("return_edit", lancaster)).content.decode()
    response = client.post(return_url("return_withdraw", lancaster), follow=True)
    label = "accepted" if decision == "accepted" else "returned for changes"
    assert f"has already been {label} by the partnership officer, so it cannot be withdrawn" in (
        response.content.decode()
    )
    progress.refresh_from_db()
    assert progress.status == decision


def test_only_the_lead_withdraws(login, cast, lancaster):
    progress = ReturnFactory(action=lancaster.action, year=2025, number=2, status="submitted")
    assert login(cast.officer).post(return_url("return_withdraw", lancaster)).status_code == 403
    assert login(cast.csr_officer).post(return_url("return_withdraw", lancaster)).status_code == 404
    progress.refresh_from_db()
    assert progress.status == "submitted"
