"""End to end, as the office works: a plan, the draw (commit and reveal through the services),
the assignment of the inspectors and their task, the on-site record entered in the admin by an
assigned inspector, the review by a second person, the window for the subject's statement,
the daily publication, and the result on the public credit search (the live index) and on the
organisation's record page.

Real commits (not a test transaction), so the index follows after commit as in production; the
serialized rollback restores the reference data (regions, the page tree) for the tests after."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.models import InspectionResultNoticePage
from portal.core.models import AuditEntry, Region
from portal.inspections import services
from portal.inspections.models import DrawnInspection, InspectionResult
from portal.records.models import CreditEvent
from tests.factories import OrganisationFactory, StaffMembershipFactory
from tests.inspections.factories import InspectorFactory, make_plan

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NAME = "深圳市星河国际人才科技有限公司"
PUBLIC_FINDING = "1名外国人未办理工作许可即在岗工作。"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.INSPECTION_EVIDENCE_ROOT = tmp_path / "evidence"


def _found(client, event: str = "inspection_result") -> int:
    response = client.get("/api/organisations", {"q": "星河国际人才", "event": event})
    assert response.status_code == 200
    return response.json()["_meta"]["total"]


def test_plan_draw_assignment_entry_review_publication_and_the_public_record(
    client, authorities, items, search_index, run_tasks
):
    today = timezone.localdate()
    subject = OrganisationFactory(name=NAME)
    OrganisationFactory()
    services.subject_directory_refresh(province=Region.objects.get(code="440000"), on=today)
    team = [
        InspectorFactory(
            authority=authorities["shenzhen"], items=[items["permits"], items["guangdong"]]
        )
        for _ in range(2)
    ]
    reviewer = StaffMembershipFactory(authority=authorities["guangdong"], role="reviewer").user
    plan = make_plan(authorities["guangdong"], [items["permits"], items["guangdong"]], {"B": "100"})

    # The draw, through the services: committed, then made; the tasks open with it.
    draw_row = services.draw_reveal(draw_row=services.draw_commit(plan=plan, on=today))
    inspection = DrawnInspection.objects.get(draw=draw_row, organisation=subject)
    assert set(inspection.inspectors.all()) == set(team)  # the assignment
    result = InspectionResult.objects.get(inspection=inspection)
    assert AuditEntry.objects.get(action="inspections.draw.drawn").data["tasks"] == 2

    # The inspector finds the task in the admin and enters the on-site record.
    inspector = team[0].user
    client.force_login(inspector)
    tasks = client.get("/admin/inspections/results/", **EN).content.decode()
    assert NAME in tasks.split('id="my-tasks"')[1].split("</table>")[0]
    records = {r.item.code: r.pk for r in result.item_records.select_related("item")}
    response = client.post(
        f"/admin/inspections/results/{result.pk}/record/",
        {
            "inspected_on": today.isoformat(),
            "place": "深圳市南山区科技园路1号",
            "participants": "检查人员2名；单位人事经理王某",
            "outcome": "non_compliant",
            "severity": "ordinary",
            f"item-{records['GJ-01']}-checklist": "工作许可证：查验",
            f"item-{records['GJ-01']}-compliant": "no",
            f"item-{records['GJ-01']}-findings": "外籍员工John Smith未办理工作许可。",
            f"item-{records['GJ-01']}-public_finding": PUBLIC_FINDING,
            f"item-{records['44-01']}-compliant": "yes",
            "submit": "1",
        },
        **EN,
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.status == InspectionResult.Status.SUBMITTED

    # A reviewer of the province, not on the team, approves it.
    client.force_login(reviewer)
    response = client.post(f"/admin/inspections/results/{result.pk}/action/approve/", **EN)
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.status == InspectionResult.Status.APPROVED
    assert result.window_ends_on == today + datetime.timedelta(days=7)
    client.logout()

    # Within the window nothing is public: the daily run publishes nothing.
    out = io.StringIO()
    call_command("inspection_results_publish", stdout=out)
    assert "0 results and 0 penalties published" in out.getvalue()
    run_tasks()
    assert _found(client) == 0
    record_page = client.get(f"/organisations/{subject.uscc}/", **EN).content.decode()
    assert PUBLIC_FINDING not in record_page

    # The window passes (the test cannot wait a week: the notice moves back instead).
    InspectionResult.objects.filter(pk=result.pk).update(
        notice_sent_on=today - datetime.timedelta(days=8),
        window_ends_on=today - datetime.timedelta(days=1),
    )
    out = io.StringIO()
    call_command("inspection_results_publish", stdout=out)
    assert "1 results and 0 penalties published" in out.getvalue()
    run_tasks()

    event = CreditEvent.objects.get(pk=result.credit_event_id)
    assert event.published_on == today and event.public_until is not None

    # The public credit search (API and page) finds it by its inspection result...
    assert _found(client) == 1
    page = client.get("/search/", {"q": "星河国际人才", "event": "inspection_result"}, **EN)
    assert page.status_code == 200
    assert f"/organisations/{subject.uscc}/" in page.content.decode()
    # ... and the record page shows the result, without anything staff only.
    record_page = client.get(f"/organisations/{subject.uscc}/", **EN).content.decode()
    assert f'id="event-{event.pk}"' in record_page
    assert PUBLIC_FINDING in record_page
    assert "Random draw" in record_page and "Problem found" in record_page
    for private in ("John Smith", "王某", inspector.username):
        assert private not in record_page

    # The editors have a draft result notice to check and publish.
    notice = InspectionResultNoticePage.objects.get()
    assert not notice.live
    assert notice.results.filter(organisation=subject, result="non_compliant").exists()

    # A second run publishes nothing again.
    out = io.StringIO()
    call_command("inspection_results_publish", stdout=out)
    assert "0 results and 0 penalties published" in out.getvalue()
    assert InspectionResultNoticePage.objects.count() == 1
