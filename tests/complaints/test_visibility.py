"""Who sees a complaint about staff: an officer never sees one about themselves (not in the
queue, not its page, not its files, and cannot act on it), and complaints about an officer or
an authority are seen only by the supervising level, with real users and memberships."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from complaints.attachments import InspectedFile
from complaints.models import Complaint
from complaints.selectors import complaints_visible_to, complaints_workload
from complaints.services import complaint_accept
from tests.complaints.filing import complaint_file
from tests.factories import StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.COMPLAINT_ATTACHMENTS_ROOT = tmp_path / "attachments"


def about_staff(category, *, kind: str, authority, officer_name: str = "", key: str = "v"):
    """A complaint about `authority` (kind "authority") or its officer `officer_name`."""
    return complaint_file(
        category,
        key,
        subject_kind=kind,
        subject_authority=authority,
        subject_name=officer_name,
        what_happened="The officer asked for money.",
        attachments=[InspectedFile(kind="pdf", content=PDF, original_name="receipt.pdf")],
    ).complaint


def member(authority, role: str, user=None):
    return StaffMembershipFactory(
        authority=authority, role=role, **({"user": user} if user else {})
    ).user


@pytest.fixture
def misconduct(db):
    from complaints.models import ComplaintCategory

    return ComplaintCategory.objects.get(code="officer-misconduct")


def test_an_officer_never_sees_a_complaint_about_themselves(client, authorities, misconduct):
    # The officer complained about also holds a role at the province that handles it.
    accused = UserFactory(username="sz-1024", first_name="伟", last_name="张")
    member(authorities["shenzhen"], "officer", accused)
    member(authorities["guangdong"], "officer", accused)
    complaint = about_staff(
        misconduct, kind="officer", authority=authorities["shenzhen"], officer_name="SZ-1024"
    )
    assert complaint.routed_authority == authorities["guangdong"]
    assert complaint.subject_officer == accused

    client.force_login(accused)
    assert complaint.tracking_number not in client.get("/admin/complaints/").content.decode()
    detail = reverse("complaints_admin:detail", args=[complaint.pk])
    download = reverse(
        "complaints_admin:attachment", args=[complaint.pk, complaint.attachments.get().pk]
    )
    assert client.get(detail).status_code == 404
    assert client.get(download).status_code == 404
    with pytest.raises(PermissionDenied):
        complaint_accept(complaint=complaint, actor=accused)
    assert Complaint.objects.get().status == "received"

    # A colleague at the province sees it and may act.
    colleague = member(authorities["guangdong"], "officer")
    client.force_login(colleague)
    assert complaint.tracking_number in client.get("/admin/complaints/").content.decode()
    assert client.get(detail).status_code == 200
    assert client.get(download).status_code == 200


def test_the_officer_is_matched_by_full_name_too(authorities, misconduct):
    accused = UserFactory(username="sz-2048", first_name="Lei", last_name="Wang")
    member(authorities["shenzhen"], "officer", accused)
    complaint = about_staff(
        misconduct, kind="officer", authority=authorities["shenzhen"], officer_name="Lei  Wang"
    )
    assert complaint.subject_officer == accused
    assert not complaints_visible_to(accused).exists()


def test_complaints_about_an_officer_are_seen_by_the_level_above_only(authorities, misconduct):
    complaint = about_staff(
        misconduct, kind="officer", authority=authorities["shenzhen"], officer_name="Unknown 7"
    )
    seeing = {
        "shenzhen officer": member(authorities["shenzhen"], "officer"),
        "shenzhen supervisor": member(authorities["shenzhen"], "supervisor"),
        "guangzhou officer": member(authorities["guangzhou"], "officer"),
        "guangdong officer": member(authorities["guangdong"], "officer"),
        "guangdong supervisor": member(authorities["guangdong"], "supervisor"),
        "national officer": member(authorities["national"], "officer"),
        "guangdong editor": member(authorities["guangdong"], "editor"),
    }
    visible = {
        name for name, user in seeing.items() if complaints_visible_to(user).filter(pk=complaint.pk)
    }
    assert visible == {"guangdong officer", "guangdong supervisor", "national officer"}


def test_complaints_about_an_authority_follow_the_same_rule(authorities, misconduct):
    about_province = about_staff(
        misconduct, kind="authority", authority=authorities["guangdong"], key="p"
    )
    about_nation = about_staff(
        misconduct, kind="authority", authority=authorities["national"], key="n"
    )
    assert about_province.routed_authority == authorities["national"]
    assert about_nation.routed_authority == authorities["national"]

    province_supervisor = member(authorities["guangdong"], "supervisor")
    national_officer = member(authorities["national"], "officer")
    national_supervisor = member(authorities["national"], "supervisor")
    assert not complaints_visible_to(province_supervisor).exists()
    assert set(complaints_visible_to(national_officer)) == {about_province}
    # The national authority has no level above: its own supervisors only.
    assert set(complaints_visible_to(national_supervisor)) == {about_province, about_nation}


def test_the_supervisor_overview_counts_only_what_the_supervisor_may_see(authorities, misconduct):
    accused = UserFactory(username="sz-77")
    member(authorities["shenzhen"], "officer", accused)
    member(authorities["guangdong"], "supervisor", accused)
    about_staff(misconduct, kind="officer", authority=authorities["shenzhen"], officer_name="sz-77")

    def open_counts(user) -> dict[str, int]:
        return {row.authority.name: row.open for row in complaints_workload(user)}

    assert open_counts(accused)["广东省人力资源和社会保障厅"] == 0
    other = member(authorities["guangdong"], "supervisor")
    assert open_counts(other)["广东省人力资源和社会保障厅"] == 1
