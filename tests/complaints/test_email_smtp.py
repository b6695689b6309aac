"""The confirmation e-mail through a real SMTP server on loopback (aiosmtpd), not only Django's
test outbox: the message as a mail server receives it, in the complainant's language."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from complaints.models import Complaint
from tests.complaints.filing import complaint_file

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
    submission = complaint_file(
        wages,
        "7",
        complainant_kind=Complaint.ComplainantKind.EMPLOYEE,
        name="王小明",
        email="wang.xiaoming@example.cn",
        language="zh-hans",
        subject_name="深圳市邮件测试有限公司",
        subject_region=None,
        what_happened="公司拖欠三个月工资。",
    )
    assert smtp_server.messages == []  # nothing is sent inside the request

    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)

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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _officer(authority):
    from tests.factories import StaffMembershipFactory

    return StaffMembershipFactory(authority=authority, role="officer").user


def run_worker() -> None:
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)


def test_every_change_of_status_is_emailed_through_a_real_mail_server(
    smtp_server, authorities, wages
):
    from complaints.services import complaint_accept, complaint_conclude, complaint_rate

    # About an organisation in no region given: the national authority handles it.
    submission = complaint_file(
        wages, "8", subject_region=None, what_happened="NARRATIVE wages unpaid."
    )
    run_worker()
    officer = _officer(authorities["national"])
    complaint = submission.complaint
    complaint_accept(complaint=complaint, actor=officer, public_text="We are on it.")
    complaint_conclude(complaint=complaint, actor=officer, outcome="OUTCOME wages paid.")
    complaint_rate(complaint=complaint, rating=5)  # not a change of status: no e-mail
    run_worker()

    subjects = [message["Subject"] for message in smtp_server.messages]
    assert len(subjects) == 3  # the confirmation, accepted, concluded
    assert all(complaint.tracking_number in subject for subject in subjects)
    assert any(subject.endswith(": accepted") for subject in subjects)
    [concluded_mail] = [m for m in smtp_server.messages if m["Subject"].endswith(": concluded")]
    concluded = concluded_mail.get_body(preferencelist=("plain",)).get_content()
    assert "OUTCOME wages paid." in concluded
    assert "NARRATIVE" not in concluded
    assert submission.access_code not in concluded  # never again after the confirmation


def test_a_mail_server_that_is_down_delays_the_status_email_and_loses_nothing(
    authorities, wages, settings
):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from complaints.services import complaint_accept

    down_port = _free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", down_port, 2
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    submission = complaint_file(wages, "9", subject_region=None, language="zh-hans")
    complaint_accept(complaint=submission.complaint, actor=_officer(authorities["national"]))
    run_worker()

    # Both changes are committed; both e-mails failed and wait for a retry.
    assert Complaint.objects.get().status == "accepted"
    mail_tasks = DBTaskResult.objects.filter(task_path__startswith="complaints.tasks.")
    retries = mail_tasks.filter(status="READY")
    assert sorted(task.task_path.rsplit(".", 1)[1] for task in retries) == [
        "send_confirmation",
        "send_status_change",
    ]
    assert mail_tasks.filter(status="FAILED").count() == 2

    # The server comes up, and the retries' time arrives.
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=down_port)
    controller.start()
    try:
        retries.update(run_after=timezone.now())
        run_worker()
    finally:
        controller.stop()
    assert len(inbox.messages) == 2
    assert mail_tasks.filter(status="SUCCESSFUL").count() == 2
    bodies = [m.get_body(preferencelist=("plain",)).get_content() for m in inbox.messages]
    assert sum(submission.access_code in body for body in bodies) == 1  # the confirmation
    number = submission.complaint.tracking_number
    assert all(number in message["Subject"] for message in inbox.messages)


def test_filing_works_while_elasticsearch_is_down(client, authorities, wages, settings):
    from complaints.models import ComplaintCategory
    from tests.factories import OrganisationFactory

    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_free_port()}"
    settings.ALTCHA_COST = 20
    settings.COMPLAINT_CAPTCHA = "none"
    employer = OrganisationFactory(name="深圳市断网投诉测试有限公司")
    category = ComplaintCategory.objects.get(code="unpaid-wages")
    response = client.post(
        "/complaints/new/",
        {
            "form_token": "e" * 32,
            "complainant_kind": "employee",
            "name": "李四",
            "email": "li@example.org",
            "subject_kind": "organisation",
            "organisation": employer.name,
            "category": str(category.pk),
            "what_happened": "拖欠工资。",
        },
    )
    assert response.status_code == 200
    assert 'id="tracking-number"' in response.content.decode()
    assert Complaint.objects.get().subject_organisation == employer
    assert client.get("/complaints/new/").status_code == 200
