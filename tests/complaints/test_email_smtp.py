"""The confirmation e-mail through a real SMTP server on loopback (aiosmtpd), not only Django's
test outbox: the message as a mail server receives it, in the complainant's language."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from complaints.models import Complaint
from complaints.services import complaint_submit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.DEFAULT_FROM_EMAIL = "complaints@portal.example"
    yield inbox
    controller.stop()


def test_the_confirmation_reaches_a_real_mail_server(smtp_server, authorities, wages):
    submission = complaint_submit(
        idempotency_key="7" * 32,
        complainant_kind=Complaint.ComplainantKind.EMPLOYEE,
        anonymous=False,
        name="王小明",
        email="wang.xiaoming@example.cn",
        language="zh-hans",
        subject_kind=Complaint.SubjectKind.ORGANISATION,
        subject_name="深圳市邮件测试有限公司",
        category=wages,
        what_happened="公司拖欠三个月工资。",
    )
    assert smtp_server.messages == []  # nothing is sent inside the request

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    [message] = smtp_server.messages
    assert smtp_server.envelopes == [("complaints@portal.example", ["wang.xiaoming@example.cn"])]
    complaint = submission.complaint
    assert complaint.tracking_number in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert complaint.tracking_number in body
    assert submission.access_code in body
    assert "国家外国专家局" in body or "人力资源和社会保障" in body  # the authority, in Chinese
    assert complaint.acceptance_deadline.isoformat() in body
    # The narrative is not e-mailed back.
    assert "拖欠三个月工资" not in body
