"""The staff pages this project adds to the Wagtail admin pass axe-core in a real browser: the
complaint queue, a complaint, the supervisor's overview, the inspection results (list, a result,
its on-site record form) and the draw actions (commit, make), each in the states a handler meets
(forms sent back with their messages, overdue flags, later steps). Each page is opened by a staff
user whose role and authority let them reach it, in English (the admin's default is Chinese).

Stricter than the public pages' check (no serious or critical WCAG 2.1 A/AA violation): here no
violation of any impact, of the WCAG 2.1 A/AA rules and of axe's best practices (heading order,
landmarks, empty headings and table headers), since these pages are few and all ours. Only our
markup is held to that: a violation in Wagtail's own chrome is excluded, for that rule and that
element only, in `WAGTAIL_EXCEPTIONS`, with the element named."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from complaints.models import Complaint, ComplaintCategory
from portal.core.models import Region
from portal.inspections import services
from tests.browser.checks import AXE_TAGS, axe_report, axe_violations
from tests.complaints.filing import complaint_file
from tests.factories import AuthorityFactory, StaffMembershipFactory
from tests.inspections.conftest import new_item
from tests.inspections.factories import DrawFactory
from tests.inspections.results_helpers import enter, make_office

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADMIN_AXE_TAGS = [*AXE_TAGS, "best-practice"]

# (axe rule, CSS selector of a Wagtail element): violations of that rule inside that element are
# Wagtail's to fix, not ours. Each entry names the element and why it is not our markup. (None is
# needed with Wagtail 8: its sidebar, header, breadcrumbs and messages pass.)
WAGTAIL_EXCEPTIONS: list[tuple[str, str]] = []

_MATCHES_ANY = """([target, selectors]) => {
    const element = document.querySelector(target);
    return !!element && selectors.some(selector => element.closest(selector));
}"""


_ANIMATIONS_DONE = """() => Promise.all(document.getAnimations()
    .filter(animation => animation.effect.getComputedTiming().endTime !== Infinity)
    .map(animation => animation.finished.catch(() => null)))"""


def _violations(page) -> list[dict]:
    """axe's violations on `page`, less the Wagtail exceptions."""
    found = []
    for violation in axe_violations(page, ADMIN_AXE_TAGS):
        excluded = [selector for rule, selector in WAGTAIL_EXCEPTIONS if rule == violation["id"]]
        nodes = [
            node
            for node in violation["nodes"]
            if not excluded
            or not page.evaluate(_MATCHES_ANY, [" ".join(map(str, node["target"])), excluded])
        ]
        if nodes:
            found.append({**violation, "nodes": nodes})
    return found


def _assert_accessible(staff, name: str) -> None:
    # Wagtail fades its messages in: axe would measure the colours half-way through.
    staff.page.evaluate(_ANIMATIONS_DONE)
    violations = _violations(staff.page)
    assert not violations, f"axe-core on {name} ({staff.page.url}):\n{axe_report(violations)}"


def _open_and_check(staff, subtests, pages: dict[str, str | tuple[str, int]]) -> None:
    """Open each page (path, or path and the HTTP status expected) and check it."""
    for name, page in pages.items():
        path, status = page if isinstance(page, tuple) else (page, 200)
        with subtests.test(page=name):
            staff.open(path, status=status)
            # Signed in and on the page asked for, not sent to the login form.
            assert staff.page.url == staff.base_url + path, staff.page.url
            _assert_accessible(staff, name)


def _send_and_check(
    staff, subtests, name: str, button: str, *, shows: str, fields: dict | None = None
) -> None:
    """Fill in `fields` (selector → text), press `button`, and check the page that comes back,
    which has an element matching `shows` (the state meant to be checked was reached)."""
    with subtests.test(page=name):
        for selector, text in (fields or {}).items():
            staff.page.fill(selector, text)
        with staff.page.expect_navigation():
            staff.page.locator(button).click()
        assert staff.page.locator(shows).count(), f"{name}: no {shows} on {staff.page.url}"
        _assert_accessible(staff, name)


def _signed_in(visit, user: User):
    """A browser in English, signed in to the admin as `user` through the login form."""
    staff = visit("en")
    staff.open("/admin/login/")
    staff.page.fill("#id_username", user.username)
    staff.page.fill("#id_password", "password")
    with staff.page.expect_navigation():
        staff.page.locator("form button[type='submit']").first.click()
    return staff


@pytest.fixture
def office():
    """Guangdong's made draw with its result tasks (`make_office`: an inspector's open task and
    a non-compliant result submitted for review), a committed draw of the same plan, two
    complaints about a Shenzhen employer (one overdue), and a supervisor of Guangdong."""

    def authority(code, level, parent, name):
        region = Region.objects.get(code=code) if code else None
        return AuthorityFactory(region=region, level=level, parent=parent, name=name)

    national = authority(None, "national", None, "国家外国专家局")
    guangdong = authority("440000", "provincial", national, "广东省人力资源和社会保障厅")
    authorities = {
        "national": national,
        "guangdong": guangdong,
        "shenzhen": authority("440300", "prefectural", guangdong, "深圳市人力资源和社会保障局"),
        "zhejiang": authority("330000", "provincial", national, "浙江省人力资源和社会保障厅"),
    }
    items = {
        "permits": new_item(national, "GJ-01"),
        "guangdong": new_item(
            guangdong,
            "44-01",
            name="港澳台地区企业聘用外国人情况",
            name_en="Hiring of foreigners by enterprises from Hong Kong, Macao and Taiwan",
        ),
    }
    for item in items.values():
        services.inspection_item_publish(item=item)
    office = make_office(authorities, items)
    enter(office.other_result, office.other_inspector)
    services.inspection_result_submit(result=office.other_result, actor=office.other_inspector)
    office.committed_draw = DrawFactory(plan=office.draw.plan, status="committed")

    wages = ComplaintCategory.objects.get(code="unpaid-wages")
    office.complaint = complaint_file(wages, "a11y-1").complaint
    office.overdue_complaint = complaint_file(wages, "a11y-2").complaint
    Complaint.objects.filter(pk=office.overdue_complaint.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=20),
        acceptance_deadline=timezone.localdate() - datetime.timedelta(days=3),
    )
    office.supervisor = StaffMembershipFactory(authority=guangdong, role="supervisor").user
    return office


def test_the_complaint_pages_for_officers_and_supervisors(visit, subtests, office):
    detail = f"/admin/complaints/{office.complaint.pk}/"
    officer = _signed_in(visit, office.officer)
    _open_and_check(
        officer,
        subtests,
        {
            "queue": "/admin/complaints/",
            "queue, filtered": "/admin/complaints/?status=received&overdue=on",
            "queue, wrong filter": ("/admin/complaints/?status=nonsense", 400),
            "overdue complaint": f"/admin/complaints/{office.overdue_complaint.pk}/",
            "complaint": detail,
        },
    )
    _send_and_check(
        officer,
        subtests,
        "not accepted without a reason",
        "#action-not-accept button",
        shows="#action-not-accept .error-message",
    )
    _send_and_check(
        officer,
        subtests,
        "a note added",
        "#action-note button",
        shows=".complaint-notes li:has-text('Called.')",
        fields={"#id_note-text": "Called."},
    )
    _send_and_check(
        officer,
        subtests,
        "accepted",
        "#action-accept button",
        shows="#complaint-status:has-text('Accepted')",
    )

    supervisor = _signed_in(visit, office.supervisor)
    _open_and_check(
        supervisor,
        subtests,
        {
            "supervisor's queue": "/admin/complaints/",
            "overview": "/admin/complaints/overview/",
            "supervisor's complaint": detail,
        },
    )


def test_the_inspection_result_pages_for_inspectors_and_reviewers(visit, subtests, office):
    results = "/admin/inspections/results/"
    inspector = _signed_in(visit, office.inspector)
    _open_and_check(
        inspector,
        subtests,
        {
            "list": results,
            "list, filtered": f"{results}?status=assigned",
            "result": f"{results}{office.result.pk}/",
            "on-site record": f"{results}{office.result.pk}/record/",
        },
    )
    _send_and_check(
        inspector, subtests, "record sent empty", "button[name='submit']", shows=".error-message"
    )

    reviewer = _signed_in(visit, office.reviewer)
    _open_and_check(
        reviewer,
        subtests,
        {"reviewer's list": results, "submitted result": f"{results}{office.other_result.pk}/"},
    )
    _send_and_check(
        reviewer,
        subtests,
        "returned without a reason",
        "#action-return button",
        shows="#action-return .error-message",
    )
    _send_and_check(
        reviewer,
        subtests,
        "approved",
        "#action-approve button",
        shows="#result-status:has-text('Approved')",
    )


def test_the_draw_action_pages_for_reviewers(visit, subtests, office):
    reviewer = _signed_in(visit, office.reviewer)
    commit = f"/admin/inspections/plans/{office.draw.plan.pk}/commit-draw/"
    _open_and_check(reviewer, subtests, {"commit a draw": commit})
    # The server's messages, as a browser that does not check `required` itself would get them.
    reviewer.page.evaluate(
        "() => { document.querySelector('.nice-padding form').noValidate = true; }"
    )
    _send_and_check(
        reviewer,
        subtests,
        "commit without a date",
        ".nice-padding form button[type='submit']",
        shows=".nice-padding .errorlist",
        fields={"#id_on": ""},
    )
    reveal = f"/admin/inspections/draws/{office.committed_draw.pk}/reveal/"
    _open_and_check(reviewer, subtests, {"make a draw": reveal})
