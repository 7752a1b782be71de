"""The action plans tell people what asks something of them: a submitted return tells the
partnership's officers, a reviewed one tells its lead, each with a link to the page to act on."""

import pytest

from actionplans import services
from csp_portal.notifications.kinds import Kind
from csp_portal.notifications.models import Notification
from csp_portal.quarters import Quarter

from .test_services import full_return

pytestmark = pytest.mark.django_db

Q2 = Quarter(2025, 2)


def told(kind: str) -> dict:
    return {n.recipient.email: n for n in Notification.objects.filter(kind=kind).select_related("recipient")}


def test_a_submitted_return_tells_the_officers_with_a_link_to_review_it(cast, lancaster):
    services.submit_return(lancaster.action, Q2, actor=cast.lead, values=full_return())
    [notice] = told(Kind.RETURN_SUBMITTED).values()
    assert notice.recipient == cast.officer
    assert notice.subject == "Liam Lead submitted the 2025/26 Q2 return for “DV prevention campaign”"
    assert "(Amber)" in notice.body
    assert notice.path == f"/partnerships/lancaster/actions/{lancaster.action.pk}/returns/2025-26-Q2/review/"


def test_sending_back_and_accepting_tell_the_lead_with_the_comment(cast, lancaster):
    progress = services.submit_return(lancaster.action, Q2, actor=cast.lead, values=full_return())
    services.send_back_return(progress, actor=cast.officer, comment="Say which schools")
    sent_back = told(Kind.RETURN_REVIEWED)["lead@lancaster.example"]
    assert sent_back.subject == "Your 2025/26 Q2 return for “DV prevention campaign” was sent back"
    assert "The officer's comment: “Say which schools”." in sent_back.body
    assert "submit it again" in sent_back.body
    services.submit_return(lancaster.action, Q2, actor=cast.lead, values=full_return(narrative="Six schools"))
    services.accept_return(progress, actor=cast.officer)
    subjects = sorted(n.subject for n in Notification.objects.filter(kind=Kind.RETURN_REVIEWED))
    assert subjects[0].endswith("was accepted") and subjects[1].endswith("was sent back")
    assert not Notification.objects.filter(kind=Kind.RETURN_REVIEWED, recipient=cast.officer).exists()


def test_another_partnerships_officer_hears_nothing(cast, lancaster):
    services.submit_return(lancaster.action, Q2, actor=cast.lead, values=full_return())
    assert not Notification.objects.filter(recipient=cast.csr_officer).exists()
