"""The editorial process in a real browser, end to end: an editor of an authority logs in to the
Wagtail admin, creates a typical case (the organisation entered by its USCC) and submits it; a
reviewer of the same authority logs in and approves it; the public then finds it in the list of
cases, in the RSS feed and on the organisation's record page (reached from the credit search).

The admin pages are Wagtail's and are not held to the site's checks; every public page is."""

import re

import pytest
from django.urls import reverse

from cms.models import TypicalCaseIndexPage, TypicalCasePage
from portal.core.models import AuditEntry, Region
from portal.core.services import staff_membership_grant
from tests.factories import AuthorityFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "深圳市某软件公司非法聘用外国人案"
SLUG = "software-illegal-hiring"


@pytest.fixture
def newsroom(index_now):
    """The authorities, their staff (no admin rights but through their memberships), and an
    employer in the search index."""
    national = AuthorityFactory(region=None, level="national", name="国家外国专家局")
    guangdong = AuthorityFactory(
        region=Region.objects.get(code="440000"),
        level="provincial",
        parent=national,
        name="广东省人力资源和社会保障厅",
    )
    shenzhen = AuthorityFactory(parent=guangdong, name="深圳市人力资源和社会保障局")
    editor = UserFactory(username="sz-editor", admin_access=False)
    staff_membership_grant(user=editor, authority=shenzhen, role="editor")
    reviewer = UserFactory(username="gd-reviewer", admin_access=False)
    staff_membership_grant(user=reviewer, authority=guangdong, role="reviewer")
    organisation = OrganisationFactory(name="深圳市南山云帆软件有限公司")
    index_now(organisation)
    return {
        "shenzhen": shenzhen,
        "editor": editor,
        "reviewer": reviewer,
        "organisation": organisation,
        "cases": TypicalCaseIndexPage.objects.get(locale__language_code="zh-hans"),
    }


def log_in(site, username: str) -> None:
    # Wagtail's editor is a heavy page (its scripts, every region in a select): more time than
    # the public pages get, for a loaded machine.
    site.page.set_default_timeout(60_000)
    site.open(reverse("wagtailadmin_login"))
    site.page.fill("input[name=username]", username)
    site.page.fill("input[name=password]", "password")
    site.page.click("button[type=submit]")
    site.page.wait_for_url(re.compile(r"/admin/$"))


def settle(site) -> None:
    """Let the editor's autosave (a draft saved a moment after each change) finish."""
    site.page.wait_for_timeout(1_500)
    site.page.locator("#w-autosave-indicator:not([data-w-autosave-state-value=saving])").wait_for(
        state="attached"
    )


def open_more_actions(site) -> None:
    """The footer's action menu: the first action is a button, the others are in a drop-up."""
    site.page.locator("footer [data-w-dropdown-target=toggle]").first.click()


def test_an_editor_submits_a_case_a_reviewer_approves_it_and_the_public_sees_it(visit, newsroom):
    organisation = newsroom["organisation"]

    # The editor of Shenzhen writes the case and submits it ----------------------------------
    editor = visit("en")
    log_in(editor, "sz-editor")
    editor.open(
        reverse("wagtailadmin_pages:add", args=["cms", "typicalcasepage", newsroom["cases"].pk])
    )
    form = editor.page
    form.get_by_role("tab", name="Promote").click()
    form.fill("#id_slug", SLUG)
    form.get_by_role("tab", name="Content").click()
    form.fill("#id_title", TITLE)
    # The USCC as it may be typed, in lower case (the field takes its 18 characters).
    form.fill("#id_organisation", organisation.uscc.lower())
    form.select_option("#id_region", "440305")
    form.select_option("#id_authority", str(newsroom["shenzhen"].pk))
    form.fill("#id_introduction", "该公司聘用未取得工作许可的外国人从事软件开发。")
    form.fill("#id_facts", "经查，该公司聘用2名未取得外国人工作许可的外国人。")
    form.fill("#id_findings", "违反《外国人在中国就业管理规定》第八条。")
    form.fill("#id_legal_basis", "《中华人民共和国出境入境管理法》第八十条")
    form.fill("#id_decision_number", "深人社罚〔2024〕21号")
    form.fill("#id_decision", "责令改正，并处罚款。")
    form.fill("#id_penalty", "罚款人民币20000元")
    form.fill("#id_decided_on", "2024-05-06")
    form.fill("#id_published_on", "2024-05-20")
    settle(editor)
    open_more_actions(editor)
    # Editors cannot publish a case: the menu offers the review, not "Publish".
    assert form.locator("button[name=action-publish]").count() == 0
    form.click("button[name=action-submit]")
    form.wait_for_url(re.compile(r"/admin/pages/\d+/$"))

    case = TypicalCasePage.objects.get(slug=SLUG)
    assert case.organisation == organisation
    assert case.workflow_in_progress and not case.live
    editor.open(f"/cases/{SLUG}/", status=404)  # not public yet

    # A reviewer of Guangdong (the province above Shenzhen) approves it ------------------------
    reviewer = visit("en")
    log_in(reviewer, "gd-reviewer")
    dashboard = reviewer.page.locator("#awaiting-review-content, #awaiting-review")
    assert TITLE in dashboard.first.inner_text()
    reviewer.open(reverse("wagtailadmin_pages:edit", args=[case.pk]))
    open_more_actions(reviewer)
    # "Approve and publish" (the other approve button opens a modal for a comment).
    approve = (
        "footer button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    )
    reviewer.page.click(approve)
    reviewer.page.wait_for_url(re.compile(r"/admin/pages/\d+/$"))

    case.refresh_from_db()
    assert case.live
    published = AuditEntry.objects.get(action="cms.page.published", object_id=str(case.pk))
    assert published.actor == newsroom["reviewer"]
    assert AuditEntry.objects.get(action="cms.page.submitted").actor == newsroom["editor"]
    assert AuditEntry.objects.get(action="cms.page.approved").actor == newsroom["reviewer"]

    # The public sees it -------------------------------------------------------------------------
    public = visit("zh-hans")
    public.open("/cases/")
    public.page.get_by_role("link", name=TITLE).click()
    public.page.wait_for_url(f"**/cases/{SLUG}/")
    assert public.page.locator("h1").inner_text() == TITLE
    assert "深人社罚〔2024〕21号" in public.page.locator("main").inner_text()
    public.open(f"/cases/{SLUG}/")
    public.assert_page_passes()

    public.open("/cases/")
    assert public.page.get_by_role("link", name=TITLE).count() == 1
    public.assert_page_passes()

    feed = public.page.request.get(public.base_url + "/cases/rss/")
    assert feed.ok
    assert TITLE in feed.text() and f"/cases/{SLUG}/" in feed.text()

    # On the organisation's record, found by its name in the credit search.
    public.open("/search/?q=云帆软件")
    public.page.locator(f"a[href='/organisations/{organisation.uscc}/']").first.click()
    public.page.wait_for_url(f"**/organisations/{organisation.uscc}/")
    public.open(f"/organisations/{organisation.uscc}/")  # (the response, for the HTML checker)
    cases = public.page.locator("section.typical-cases")
    assert cases.get_by_role("link", name=TITLE).get_attribute("href") == f"/cases/{SLUG}/"
    public.assert_page_passes()
