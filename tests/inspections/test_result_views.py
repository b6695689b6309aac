"""The inspection result pages in the admin: the on-site record form only for the assigned
inspectors (403 for anyone else), evidence uploads checked by content, stored privately and
handed out only to staff who may see the result, the lists by role and scope, and review
through the page's actions. English is asked for explicitly: the admin's default is Chinese."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from portal.core.models import AuditEntry
from portal.inspections import services
from portal.inspections.evidence import evidence_storage
from portal.inspections.models import EnforcementAction, InspectionEvidence, InspectionResult
from tests.factories import StaffMembershipFactory, UserFactory
from tests.inspections.results_helpers import (
    enter,
    inspected_on,
    make_office,
    records_by_code,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.INSPECTION_EVIDENCE_ROOT = tmp_path / "evidence"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def office(authorities, items):
    return make_office(authorities, items)


def _url(result, name: str = "detail") -> str:
    suffix = {"detail": "", "edit": "record/"}[name]
    return f"/admin/inspections/results/{result.pk}/{suffix}"


def _photo() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(output, format="JPEG")
    return output.getvalue()


def _form_data(office, **overrides) -> dict:
    records = records_by_code(office.result)
    data = {
        "inspected_on": inspected_on().isoformat(),
        "place": "深圳市南山区科技园路1号",
        "participants": "检查人员2名；单位人事经理王某",
        "outcome": "non_compliant",
        "severity": "ordinary",
        f"item-{records['GJ-01'].pk}-checklist": "工作许可证：查验",
        f"item-{records['GJ-01'].pk}-compliant": "no",
        f"item-{records['GJ-01'].pk}-findings": "外籍员工John Smith未办理工作许可。",
        f"item-{records['GJ-01'].pk}-public_finding": "1名外国人未办理工作许可即在岗工作。",
        f"item-{records['44-01'].pk}-compliant": "yes",
    }
    data.update(overrides)
    return data


def test_only_the_assigned_inspectors_open_the_record_form(client, office):
    client.force_login(office.inspector)
    page = client.get(_url(office.result, "edit"), **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert "On-site record" in html and "Submit for review" in html
    assert "GJ-01" in html and "44-01" in html

    for user in (office.other_inspector, office.reviewer, office.officer, office.stranger):
        client.force_login(user)
        assert client.get(_url(office.result, "edit"), **EN).status_code == 403
        refused = client.post(_url(office.result, "edit"), _form_data(office), **EN)
        assert refused.status_code == 403
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    assert client.get(_url(office.result, "edit"), **EN).status_code == 403
    office.result.refresh_from_db()
    assert office.result.status == InspectionResult.Status.ASSIGNED
    assert office.result.place == ""
    assert not AuditEntry.objects.filter(action="inspections.result.saved").exists()


def test_the_inspector_saves_with_evidence_and_submits(client, office, private_root):
    client.force_login(office.inspector)
    records = records_by_code(office.result)
    field = f"item-{records['GJ-01'].pk}-evidence"
    data = _form_data(
        office,
        **{
            field: [
                SimpleUploadedFile("现场照片.jpg", _photo(), content_type="image/jpeg"),
                SimpleUploadedFile("询问笔录.pdf", PDF, content_type="application/pdf"),
            ]
        },
    )
    response = client.post(_url(office.result, "edit"), data, **EN)
    assert response.status_code == 302
    office.result.refresh_from_db()
    assert office.result.status == InspectionResult.Status.DRAFT
    evidence = list(InspectionEvidence.objects.order_by("pk"))
    assert [e.content_type for e in evidence] == ["image/jpeg", "application/pdf"]
    # Kept in the private root under random names, nothing under the media root, no URL.
    for item in evidence:
        assert (private_root / "evidence" / item.file.name).is_file()
        assert "现场照片" not in item.file.name
    assert not (private_root / "media").exists()
    with pytest.raises(ValueError):
        evidence_storage().url(evidence[0].file.name)
    assert AuditEntry.objects.filter(action="inspections.evidence.added").count() == 2

    # Submitting from the form.
    response = client.post(_url(office.result, "edit"), {**_form_data(office), "submit": "1"}, **EN)
    assert response.status_code == 302
    office.result.refresh_from_db()
    assert office.result.status == InspectionResult.Status.SUBMITTED
    page = client.get(_url(office.result), **EN).content.decode()
    assert "Submitted for review" in page
    assert "inspections.result.submitted" in page  # the audit trail on the page


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_saved(client, office):
    client.force_login(office.inspector)
    records = records_by_code(office.result)
    fake = SimpleUploadedFile(
        "scan.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    response = client.post(
        _url(office.result, "edit"),
        _form_data(office, **{f"item-{records['GJ-01'].pk}-evidence": [fake]}),
        **EN,
    )
    assert response.status_code == 400
    assert "is not a PDF, JPEG, PNG or DOCX file" in response.content.decode()
    assert not InspectionEvidence.objects.exists()
    office.result.refresh_from_db()
    assert office.result.place == ""


def test_an_incomplete_submission_is_saved_as_a_draft_with_the_reasons(client, office):
    client.force_login(office.inspector)
    response = client.post(
        _url(office.result, "edit"), {**_form_data(office, participants=""), "submit": "1"}, **EN
    )
    assert response.status_code == 400
    assert "Name the participants." in response.content.decode()
    office.result.refresh_from_db()
    assert office.result.status == InspectionResult.Status.DRAFT
    assert office.result.place == "深圳市南山区科技园路1号"


def test_evidence_is_reachable_only_by_staff_who_may_see_the_result(client, office):
    record = records_by_code(office.result)["GJ-01"]
    from portal.inspections.evidence import InspectedFile

    [evidence] = services.inspection_evidence_add(
        item_record=record,
        actor=office.inspector,
        files=[InspectedFile(kind="pdf", content=PDF, original_name="询问笔录.pdf")],
    )
    url = f"/admin/inspections/results/{office.result.pk}/evidence/{evidence.pk}/"

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    no_role = UserFactory()
    for user in (no_role, office.stranger):
        client.force_login(user)
        assert client.get(url).status_code == 403
    for user in (office.inspector, office.officer, office.reviewer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    downloads = AuditEntry.objects.filter(action="inspections.evidence.downloaded")
    assert downloads.count() == 3
    assert {entry.actor for entry in downloads} == {
        office.inspector,
        office.officer,
        office.reviewer,
    }


def test_the_lists_follow_the_role_and_the_scope(client, office):
    organisation = office.inspection.organisation
    client.force_login(office.inspector)
    page = client.get("/admin/inspections/results/", **EN).content.decode()
    assert "My inspection tasks" in page
    tasks = page.split('id="my-tasks"')[1].split("</table>")[0]
    assert organisation.name in tasks
    assert office.other_inspection.organisation.name not in tasks

    enter(office.result, office.inspector)
    services.inspection_result_submit(result=office.result, actor=office.inspector)
    client.force_login(office.reviewer)
    page = client.get("/admin/inspections/results/", **EN).content.decode()
    to_review = page.split('id="to-review"')[1].split("</table>")[0]
    assert organisation.name in to_review

    # Zhejiang's reviewer sees nothing of Guangdong's results, and not its page.
    client.force_login(office.stranger)
    page = client.get("/admin/inspections/results/", **EN).content.decode()
    assert organisation.name not in page
    assert client.get(_url(office.result), **EN).status_code == 403
    # Someone without any role does not reach the pages at all.
    client.force_login(UserFactory())
    assert client.get("/admin/inspections/results/", **EN).status_code == 403


def test_the_reviewer_approves_or_returns_from_the_page(client, office, authorities):
    enter(office.result, office.inspector)
    services.inspection_result_submit(result=office.result, actor=office.inspector)
    approve = f"/admin/inspections/results/{office.result.pk}/action/approve/"
    give_back = f"/admin/inspections/results/{office.result.pk}/action/return/"

    # A teammate who is also a reviewer is not offered the review and is refused.
    StaffMembershipFactory(
        user=office.teammate, authority=authorities["guangdong"], role="reviewer"
    )
    client.force_login(office.teammate)
    assert "Approve the result" not in client.get(_url(office.result), **EN).content.decode()
    assert client.post(approve, **EN).status_code == 403

    client.force_login(office.reviewer)
    page = client.get(_url(office.result), **EN).content.decode()
    assert "Approve the result" in page and "Return it to the inspectors" in page
    empty = client.post(give_back, {"return-reason": ""}, **EN)
    assert empty.status_code == 400
    response = client.post(give_back, {"return-reason": "请补充检查地点的门牌号。"}, **EN)
    assert response.status_code == 302
    office.result.refresh_from_db()
    assert office.result.status == InspectionResult.Status.RETURNED

    client.force_login(office.inspector)
    assert (
        "请补充检查地点的门牌号。" in client.get(_url(office.result, "edit"), **EN).content.decode()
    )
    services.inspection_result_submit(result=office.result, actor=office.inspector)
    client.force_login(office.reviewer)
    assert client.post(approve, **EN).status_code == 302
    office.result.refresh_from_db()
    assert office.result.status == InspectionResult.Status.APPROVED
    assert office.result.credit_event.published_on is None
    page = client.get(_url(office.result), **EN).content.decode()
    assert "Open an enforcement action (penalty)" in page
    assert "inspections.result.approved" in page


def test_an_officer_opens_a_penalty_and_records_the_answer_from_the_page(client, office):
    enter(office.result, office.inspector)
    services.inspection_result_submit(result=office.result, actor=office.inspector)
    services.inspection_result_approve(result=office.result, actor=office.reviewer)
    record = records_by_code(office.result)["GJ-01"]
    base = f"/admin/inspections/results/{office.result.pk}/action"
    today = timezone.localdate()

    # Zhejiang's reviewer is refused; the team's inspector of another inspection too.
    for user in (office.stranger, office.other_inspector):
        client.force_login(user)
        assert client.post(f"{base}/enforce/", {}, **EN).status_code == 403

    client.force_login(office.officer)
    response = client.post(
        f"{base}/enforce/",
        {
            "enforce-item_record": record.pk,
            "enforce-decision_number": "深人社罚〔2026〕17号",
            "enforce-legal_basis": "《外国人在中国就业管理规定》第二十九条",
            "enforce-facts": "该单位聘用1名未办理工作许可的外国人。",
            "enforce-penalty": "罚款人民币1万元",
            "enforce-severity": "ordinary",
            "enforce-decided_on": today.isoformat(),
        },
        **EN,
    )
    assert response.status_code == 302
    action = EnforcementAction.objects.get()
    assert action.credit_event.published_on is None
    assert action.window_ends_on == today + datetime.timedelta(days=7)

    response = client.post(
        f"{base}/statement/",
        {
            "statement-target": action.pk,
            "statement-text": "我单位对处罚事实无异议，已补办工作许可。",
            "statement-received_on": today.isoformat(),
        },
        **EN,
    )
    assert response.status_code == 302
    assert action.credit_event.statements.get().published_on is None
    response = client.post(
        f"{base}/hearing-request/",
        {"hearing-request-target": action.pk, "hearing-request-requested_on": today.isoformat()},
        **EN,
    )
    assert response.status_code == 302
    page = client.get(_url(office.result), **EN).content.decode()
    assert "深人社罚〔2026〕17号" in page
    assert "Record that the hearing was held" in page
    assert "inspections.enforcement.hearing_requested" in page
