"""A notification goes all the way: the request's transaction commits, the e-mail is handed to a real
Celery worker through Redis, and the worker sends it over SMTP to a real server (aiosmtpd)."""

import pytest
from django.db import transaction

from csp_portal.notifications import services
from csp_portal.notifications.kinds import Kind
from csp_portal.notifications.models import Notification
from tests.conftest import build_cast
from tests.smtp import SMTPServer, text_and_html
from tests.worker import WorkerProcess

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_notification_reaches_a_real_smtp_server_through_a_real_worker(tmp_path, monkeypatch, settings):
    settings.SITE_URL = "https://csp.example.org"
    with SMTPServer() as smtp:
        monkeypatch.setenv("EMAIL_URL", smtp.url)
        monkeypatch.setenv("SITE_URL", "https://csp.example.org")
        worker = WorkerProcess("notifications@test", tmp_path / "worker.log").start()
        try:
            cast = build_cast()
            message = services.Message("Your 2025/26 Q3 return was accepted", "Accepted.", "/my-actions/2025-26-Q3/")
            with transaction.atomic():
                [told] = services.tell(Kind.RETURN_REVIEWED, message, partnership=cast.lancaster, people=[cast.lead])
            [received] = smtp.inbox.wait_for(1)
        finally:
            worker.stop()
    text, html = text_and_html(received)
    assert received["To"] == "lead@lancaster.example"
    assert received["Subject"] == "Your 2025/26 Q3 return was accepted"
    assert "https://csp.example.org/my-actions/2025-26-Q3/" in text and "https://csp.example.org/my-actions/" in html
    told.refresh_from_db()
    assert told.status == Notification.Email.SENT
