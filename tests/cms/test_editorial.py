"""The editorial process: permissions by authority, the two-person review, scheduled publishing,
locking, revisions and previews, and the audit trail of every publish, unpublish and review step.

Staff are made the way the portal makes them (a staff membership through
`portal.core.services.staff_membership_grant`, which puts them in the role's Wagtail group), with
no admin permission of their own: what they may do comes from the groups and the scope alone.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import TaskState, Workflow, WorkflowPage, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.models import (
    InspectionResultNoticeIndexPage,
    NewsPage,
    TypicalCaseIndexPage,
    TypicalCasePage,
)
from cms.workflows import AuthorityReviewTask
from portal.core.models import AuditEntry, Authority, Region, StaffMembership
from portal.core.services import staff_membership_grant, staff_membership_revoke
from tests.factories import AuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role


# Staff, authorities and pages -------------------------------------------------------------------


@pytest.fixture
def authorities() -> dict[str, Authority]:
    def make(code, level, parent, name):
        region = Region.objects.get(code=code) if code else None
        return AuthorityFactory(region=region, level=level, parent=parent, name=name)

    national = make(None, "national", None, "国家外国专家局")
    guangdong = make("440000", "provincial", national, "广东省人力资源和社会保障厅")
    shenzhen = make("440300", "prefectural", guangdong, "深圳市人力资源和社会保障局")
    zhejiang = make("330000", "provincial", national, "浙江省人力资源和社会保障厅")
    return {
        "national": national,
        "guangdong": guangdong,
        "shenzhen": shenzhen,
        "zhejiang": zhejiang,
    }


@pytest.fixture
def staff(authorities):
    """`staff("guangdong", "editor")`: a user with that role there (or add it to `user`)."""

    def make(authority: str, role: str, user=None):
        user = user or UserFactory(admin_access=False)
        staff_membership_grant(user=user, authority=authorities[authority], role=role)
        return user

    return make


@pytest.fixture
def login(client):
    def as_user(user):
        client.logout()
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def draft_case(case_index, organisation, authorities):
    """A case of Shenzhen saved as a draft by `author`, as the admin would."""

    def make(author=None, *, authority="shenzhen", slug="draft-case", **fields):
        page = TypicalCasePage(
            title="深圳市某公司非法聘用外国人案",
            slug=slug,
            organisation=organisation,
            region=Region.objects.get(code="440305"),
            authority=authorities[authority],
            facts="该单位聘用未取得工作许可的外国人。",
            owner=author,
            live=False,
            **fields,
        )
        case_index.add_child(instance=page)
        page.save_revision(user=author)
        return TypicalCasePage.objects.get(pk=page.pk)

    return make


def submit(page, user):
    """Submit the page's latest revision to its workflow, as the admin's button does."""
    return page.get_workflow().start(page, user)


def task_state_of(page) -> TaskState:
    return page.current_workflow_task_state


def actions(page, user) -> set[str]:
    task = page.current_workflow_task
    return {name for name, _label, _modal in task.get_actions(page, user)}


def case_form(uscc: str, *, authority: Authority | None, slug="from-admin", **changes) -> dict:
    data = {
        "title": "后台创建的典型案例",
        "slug": slug,
        "organisation": uscc,
        "region": "440305",
        "authority": authority.pk if authority else "",
        "introduction": "",
        "facts": "该单位聘用外国人未办理工作许可。",
        "findings": "",
        "legal_basis": "",
        "decision_number": "",
        "status": "decided",
        "decision": "",
        "penalty": "",
        "decided_on": "",
        "published_on": "2024-05-20",
        "comments": inline_formset([]),
    }
    data.update(changes)
    return nested_form_data(data)


def denied(response) -> bool:
    """Wagtail answers a refused page request with a redirect to the dashboard (or 403)."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def audit(action: str, page) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(action=action, object_id=str(page.pk)).order_by(
            "created_at", "id"
        )
    )


# Groups follow memberships ------------------------------------------------------------------------


def test_staff_get_the_group_of_their_role_and_lose_it_with_the_last_membership(authorities):
    user = UserFactory(admin_access=False)
    editor = staff_membership_grant(user=user, authority=authorities["shenzhen"], role=Role.EDITOR)
    staff_membership_grant(user=user, authority=authorities["zhejiang"], role=Role.EDITOR)
    reviewer = staff_membership_grant(
        user=user, authority=authorities["shenzhen"], role=Role.REVIEWER
    )
    assert set(user.groups.values_list("name", flat=True)) == {"Editors", "Reviewers"}
    assert user.has_perm("wagtailadmin.access_admin")  # through the groups

    staff_membership_revoke(membership=reviewer)
    staff_membership_revoke(membership=editor)  # still an editor in Zhejiang
    assert set(user.groups.values_list("name", flat=True)) == {"Editors"}
    assert AuditEntry.objects.filter(action="core.staffmembership.created").count() == 3
    assert AuditEntry.objects.filter(action="core.staffmembership.deleted").count() == 2


def test_memberships_made_in_the_admin_sync_the_groups(client, authorities):
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    user = UserFactory(admin_access=False)
    url = reverse("wagtailsnippets_core_staffmembership:add")
    response = client.post(
        url, {"user": user.pk, "authority": authorities["guangdong"].pk, "role": Role.REVIEWER}
    )
    assert response.status_code == 302
    assert list(user.groups.values_list("name", flat=True)) == ["Reviewers"]

    membership = StaffMembership.objects.get(user=user)
    other = UserFactory(admin_access=False)
    client.post(
        reverse("wagtailsnippets_core_staffmembership:edit", args=[membership.pk]),
        {"user": other.pk, "authority": authorities["guangdong"].pk, "role": Role.EDITOR},
    )
    assert not user.groups.exists()
    assert list(other.groups.values_list("name", flat=True)) == ["Editors"]

    client.post(reverse("wagtailsnippets_core_staffmembership:delete", args=[membership.pk]))
    assert not StaffMembership.objects.exists()
    assert not other.groups.exists()


def test_the_migration_made_the_groups_and_the_workflow():
    assert (
        not Group.objects.get(name="Editors")
        .page_permissions.filter(permission__codename="publish_page")
        .exists()
    )
    assert set(
        Group.objects.get(name="Reviewers").page_permissions.values_list(
            "permission__codename", flat=True
        )
    ) == {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"}
    workflow = Workflow.objects.get(name="Two-person review")
    assert [task.specific_class for task in workflow.tasks] == [AuthorityReviewTask]
    indexes = [
        *TypicalCaseIndexPage.objects.all(),
        *InspectionResultNoticeIndexPage.objects.all(),
    ]
    assert {page.locale.language_code for page in indexes} == {"zh-hans", "en"}
    assert {WorkflowPage.objects.get(page=page).workflow for page in indexes} == {workflow}
    assert WorkflowPage.objects.get(page__depth=1).workflow == workflow  # every other page


# The permissions matrix ---------------------------------------------------------------------------


def test_editors_edit_the_cases_of_their_scope_only(staff, make_case, authorities):
    case = make_case(authority=authorities["shenzhen"])
    allowed = {
        "shenzhen editor": staff("shenzhen", Role.EDITOR),
        "guangdong editor": staff("guangdong", Role.EDITOR),
        "national editor": staff("national", Role.EDITOR),
    }
    refused = {
        "zhejiang editor": staff("zhejiang", Role.EDITOR),
        "guangdong officer": staff("guangdong", Role.OFFICER),
        "no membership": UserFactory(),
    }
    for name, user in allowed.items():
        assert case.permissions_for_user(user).can_edit(), name
        assert case.permissions_for_user(user).can_lock(), name
    for name, user in refused.items():
        perms = case.permissions_for_user(user)
        assert not (perms.can_edit() or perms.can_lock() or perms.can_delete()), name
        assert not (perms.can_unpublish() or perms.can_copy() or perms.can_move()), name


def test_no_one_publishes_a_case_directly(staff, make_case, authorities):
    case = make_case(authority=authorities["shenzhen"])
    superuser = UserFactory(is_superuser=True)
    for user in (
        staff("shenzhen", Role.EDITOR),
        staff("guangdong", Role.REVIEWER),
        staff("national", Role.REVIEWER),
        superuser,
    ):
        perms = case.permissions_for_user(user)
        assert not perms.can_publish()
        assert not case.get_parent().specific.permissions_for_user(user).can_publish_subpage()


def test_reviewers_of_the_scope_take_a_case_down(staff, make_case, authorities):
    case = make_case(authority=authorities["shenzhen"])
    assert case.permissions_for_user(staff("guangdong", Role.REVIEWER)).can_unpublish()
    assert not case.permissions_for_user(staff("zhejiang", Role.REVIEWER)).can_unpublish()
    assert not case.permissions_for_user(staff("shenzhen", Role.EDITOR)).can_unpublish()


def test_pages_without_an_authority_are_national(staff, make_news, make_case, case_index):
    news = make_news()
    unowned_case = make_case(slug="no-authority", authority=None)
    provincial = staff("guangdong", Role.EDITOR)
    national_editor = staff("national", Role.EDITOR)
    national_reviewer = staff("national", Role.REVIEWER)
    provincial_reviewer = staff("guangdong", Role.REVIEWER)

    for page in (news, unowned_case, case_index):
        assert not page.permissions_for_user(provincial).can_edit()
        assert page.permissions_for_user(national_editor).can_edit()
    assert not news.permissions_for_user(national_editor).can_publish()  # editors submit
    assert news.permissions_for_user(national_reviewer).can_publish()
    assert not news.permissions_for_user(provincial_reviewer).can_publish()
    assert not news.get_parent().specific.permissions_for_user(provincial).can_add_subpage()


def test_every_editor_adds_cases_under_the_national_list(staff, case_index, home):
    provincial = staff("guangdong", Role.EDITOR)
    assert case_index.permissions_for_user(provincial).can_add_subpage()
    assert not case_index.permissions_for_user(provincial).can_edit()
    assert not home.permissions_for_user(provincial).can_add_subpage()


def test_a_provincial_editor_cannot_open_another_provinces_case(staff, login, draft_case):
    case = draft_case(authority="shenzhen")
    edit = reverse("wagtailadmin_pages:edit", args=[case.pk])
    assert login(staff("guangdong", Role.EDITOR)).get(edit).status_code == 200
    assert denied(login(staff("zhejiang", Role.EDITOR)).get(edit))
    assert login(staff("national", Role.EDITOR)).get(edit).status_code == 200


def test_the_form_offers_only_the_authorities_in_scope(staff, login, case_index, organisation):
    client = login(staff("guangdong", Role.EDITOR))
    add = reverse("wagtailadmin_pages:add", args=["cms", "typicalcasepage", case_index.pk])
    form = client.get(add).context["form"]
    names = set(form.fields["authority"].queryset.values_list("name", flat=True))
    assert names == {"广东省人力资源和社会保障厅", "深圳市人力资源和社会保障局"}

    zhejiang = Authority.objects.get(name="浙江省人力资源和社会保障厅")
    for authority in (zhejiang, None):  # another province's, or none (national)
        response = client.post(add, case_form(organisation.uscc, authority=authority))
        assert response.status_code == 200
        assert "authority" in response.context["form"].errors
    assert not TypicalCasePage.objects.filter(slug="from-admin").exists()


def test_only_national_staff_add_under_the_root(staff, login):
    root = TypicalCasePage.get_first_root_node()
    add = reverse("wagtailadmin_pages:add", args=["cms", "homepage", root.pk])
    assert denied(login(staff("guangdong", Role.EDITOR)).get(add))
    assert login(staff("national", Role.EDITOR)).get(add).status_code == 200


# Editors submit, reviewers approve ----------------------------------------------------------------


def test_an_editor_cannot_publish_a_case_from_the_admin(staff, login, case_index, organisation):
    client = login(staff("shenzhen", Role.EDITOR))
    add = reverse("wagtailadmin_pages:add", args=["cms", "typicalcasepage", case_index.pk])
    shenzhen = Authority.objects.get(region="440300")
    response = client.post(
        add, case_form(organisation.uscc, authority=shenzhen, **{"action-publish": "1"})
    )
    assert response.status_code == 302
    case = TypicalCasePage.objects.get(slug="from-admin")
    assert not case.live  # saved as a draft instead

    edit = reverse("wagtailadmin_pages:edit", args=[case.pk])
    page = client.get(edit).content.decode()
    assert 'name="action-publish"' not in page
    assert "Two-person review" in page  # "Submit to Two-person review"
    client.post(edit, case_form(organisation.uscc, authority=shenzhen, **{"action-publish": "1"}))
    case.refresh_from_db()
    assert not case.live
    assert not audit("cms.page.published", case)


def test_the_review_from_submission_to_publication_in_the_admin(
    staff, login, case_index, organisation, client
):
    editor = staff("shenzhen", Role.EDITOR)
    reviewer = staff("guangdong", Role.REVIEWER)
    shenzhen = Authority.objects.get(region="440300")
    add = reverse("wagtailadmin_pages:add", args=["cms", "typicalcasepage", case_index.pk])

    response = login(editor).post(
        add, case_form(organisation.uscc, authority=shenzhen, **{"action-submit": "1"})
    )
    assert response.status_code == 302
    case = TypicalCasePage.objects.get(slug="from-admin")
    assert case.workflow_in_progress and not case.live
    # The submitter waits: the page is locked to them while it is in review.
    assert case.get_lock().for_user(editor)
    assert not case.get_lock().for_user(reviewer)

    # The reviewer finds it on the dashboard, with the actions of the review.
    assert TaskState.objects.reviewable_by(reviewer).filter(pk=task_state_of(case).pk).exists()
    reviewer_client = login(reviewer)
    dashboard = reviewer_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "后台创建的典型案例" in dashboard
    assert reverse("wagtailadmin_pages:edit", args=[case.pk]) in dashboard
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[case.pk, "approve", task_state_of(case).pk]
    )
    response = reviewer_client.post(approve, {"comment": "核实无误"})
    assert response.status_code == 302

    case.refresh_from_db()
    assert case.live
    assert client.get("/cases/from-admin/").status_code == 200
    assert WorkflowState.objects.get(base_content_type=case.get_base_content_type()).status == (
        WorkflowState.STATUS_APPROVED
    )

    (submitted,) = audit("cms.page.submitted", case)
    (published,) = audit("cms.page.published", case)
    (approved,) = audit("cms.page.approved", case)
    assert submitted.actor == editor
    assert approved.actor == reviewer and approved.data["comment"] == "核实无误"
    assert published.actor == reviewer
    assert published.object_type == "cms.typicalcasepage"
    assert published.data["page"] == case.pk
    assert published.data["revision"] == case.live_revision_id
    assert published.data["revision_author"] == editor.pk
    assert published.data["locale"] == "zh-hans"
    assert published.data["type"] == "cms.typicalcasepage"
    assert published.data["title"] == "后台创建的典型案例"
    assert published.data["user"] == reviewer.username
    assert published.data["scheduled"] is False
    assert approved.data["submitted_by"] == editor.pk


def test_a_reviewer_of_another_province_cannot_approve(staff, login, draft_case):
    editor = staff("shenzhen", Role.EDITOR)
    case = draft_case(editor)
    submit(case, editor)
    outsider = staff("zhejiang", Role.REVIEWER)
    assert actions(case, outsider) == set()
    assert case.get_lock().for_user(outsider)
    assert not TaskState.objects.reviewable_by(outsider).exists()

    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[case.pk, "approve", task_state_of(case).pk]
    )
    response = login(outsider).post(approve)
    assert denied(response)
    case.refresh_from_db()
    assert not case.live
    with pytest.raises(PermissionDenied):
        case.current_workflow_task.on_action(task_state_of(case), outsider, "approve")


def test_the_submitter_cannot_approve_even_as_a_reviewer(staff, draft_case):
    both = staff("shenzhen", Role.EDITOR)
    staff("guangdong", Role.REVIEWER, user=both)
    case = draft_case(both)
    submit(case, both)

    assert actions(case, both) == set()
    assert case.get_lock().for_user(both)
    assert not TaskState.objects.reviewable_by(both).exists()
    with pytest.raises(PermissionDenied):
        case.current_workflow_task.on_action(task_state_of(case), both, "approve")
    case.refresh_from_db()
    assert not case.live

    second = staff("shenzhen", Role.REVIEWER)
    assert actions(case, second) == {"approve", "reject"}
    assert task_state_of(case).workflow_state.user_can_cancel(both)  # withdrawing is theirs
    case.current_workflow_task.on_action(task_state_of(case), second, "approve")
    case.refresh_from_db()
    assert case.live
    assert audit("cms.page.published", case)[0].actor == second  # named outside the admin too


def test_the_submitter_withdraws_a_submission(staff, login, draft_case):
    editor = staff("shenzhen", Role.EDITOR)
    case = draft_case(editor)
    submit(case, editor)
    case.current_workflow_state.cancel(user=editor)
    case.refresh_from_db()
    assert not case.workflow_in_progress and not case.live
    (cancelled,) = audit("cms.page.review_cancelled", case)
    assert cancelled.actor == editor


def test_a_reviewer_who_changes_the_case_leaves_the_approval_to_another(staff, draft_case):
    editor = staff("shenzhen", Role.EDITOR)
    case = draft_case(editor)
    submit(case, editor)
    reviewer = staff("guangdong", Role.REVIEWER)
    assert not case.get_lock().for_user(reviewer)  # reviewers may correct it in review
    case.facts = "经复核，该单位聘用外国人3名。"
    case.save_revision(user=reviewer)

    assert actions(case, reviewer) == {"reject"}
    with pytest.raises(PermissionDenied):
        case.current_workflow_task.on_action(task_state_of(case), reviewer, "approve")
    other = staff("national", Role.REVIEWER)
    case.current_workflow_task.on_action(task_state_of(case), other, "approve")
    case.refresh_from_db()
    assert case.live and case.facts == "经复核，该单位聘用外国人3名。"


def test_changes_requested_then_resubmitted(staff, login, draft_case, organisation):
    editor = staff("shenzhen", Role.EDITOR)
    reviewer = staff("shenzhen", Role.REVIEWER)
    case = draft_case(editor)
    submit(case, editor)
    reject = reverse(
        "wagtailadmin_pages:workflow_action", args=[case.pk, "reject", task_state_of(case).pk]
    )
    login(reviewer).post(reject, {"comment": "请补充处罚依据"})
    case.refresh_from_db()
    assert not case.live
    (rejected,) = audit("cms.page.rejected", case)
    assert rejected.actor == reviewer and rejected.data["comment"] == "请补充处罚依据"

    # Back with the editor, who may edit it again and resubmit.
    assert case.permissions_for_user(editor).can_edit()
    assert case.get_lock() is None or not case.get_lock().for_user(editor)
    shenzhen = Authority.objects.get(region="440300")
    edit = reverse("wagtailadmin_pages:edit", args=[case.pk])
    response = login(editor).post(
        edit,
        case_form(
            organisation.uscc,
            authority=shenzhen,
            slug="draft-case",
            legal_basis="《外国人在中国就业管理规定》第二十八条",
            **{"action-submit": "1"},
        ),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.workflow_in_progress
    assert len(audit("cms.page.submitted", case)) == 2
    case.current_workflow_task.on_action(task_state_of(case), reviewer, "approve")
    case.refresh_from_db()
    assert case.live and case.legal_basis.startswith("《外国人在中国就业管理规定》")


def test_a_provincial_reviewer_does_not_review_national_news(staff, news_index):
    editor = staff("national", Role.EDITOR)
    news = NewsPage(title="新政策", slug="new-policy", introduction="摘要", live=False)
    news_index.add_child(instance=news)
    news.save_revision(user=editor)
    submit(news, editor)
    assert actions(news, staff("guangdong", Role.REVIEWER)) == set()
    assert actions(news, staff("national", Role.REVIEWER)) == {"approve", "reject"}


def test_deleting_a_live_case_is_audited(staff, login, make_case, authorities):
    case = make_case(authority=authorities["shenzhen"])
    reviewer = staff("shenzhen", Role.REVIEWER)
    delete = reverse("wagtailadmin_pages:delete", args=[case.pk])
    assert denied(login(staff("shenzhen", Role.EDITOR)).post(delete))  # live: not for editors
    assert login(reviewer).post(delete).status_code == 302
    assert not TypicalCasePage.objects.filter(pk=case.pk).exists()
    (entry,) = audit("cms.page.deleted", case)
    assert entry.actor == reviewer and entry.object_type == "cms.typicalcasepage"
    assert entry.data["was_live"] is True and entry.data["title"] == case.title


# Unpublishing, scheduled publishing and expiry ----------------------------------------------------


def test_a_reviewer_unpublishes_a_case_and_it_is_audited(staff, login, make_case, authorities):
    case = make_case(authority=authorities["shenzhen"])
    reviewer = staff("guangdong", Role.REVIEWER)
    unpublish = reverse("wagtailadmin_pages:unpublish", args=[case.pk])
    assert denied(login(staff("shenzhen", Role.EDITOR)).post(unpublish))
    response = login(reviewer).post(unpublish)
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.live
    (entry,) = audit("cms.page.unpublished", case)
    assert entry.actor == reviewer
    assert entry.data["expired"] is False and entry.data["page"] == case.pk


def test_an_approved_case_goes_live_at_its_time_and_comes_down_at_its_expiry(staff, draft_case):
    editor = staff("shenzhen", Role.EDITOR)
    reviewer = staff("shenzhen", Role.REVIEWER)
    go_live = timezone.now() + datetime.timedelta(hours=2)
    case = draft_case(editor, go_live_at=go_live)
    submit(case, editor)
    case.current_workflow_task.on_action(task_state_of(case), reviewer, "approve")
    case.refresh_from_db()
    assert not case.live and case.scheduled_revision is not None
    assert not audit("cms.page.published", case)
    assert audit("cms.page.approved", case)
    (scheduled,) = audit("cms.page.scheduled", case)
    assert scheduled.actor == reviewer
    scheduled_at = datetime.datetime.fromisoformat(scheduled.data["go_live_at"])
    assert abs(scheduled_at - go_live) < datetime.timedelta(milliseconds=1)

    call_command("publish_scheduled")
    case.refresh_from_db()
    assert not case.live  # not yet

    # Two hours later (the revision says when it goes live, as Wagtail stores it):
    revision = case.scheduled_revision
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    call_command("publish_scheduled")
    case.refresh_from_db()
    assert case.live
    (published,) = audit("cms.page.published", case)
    assert published.actor is None and published.data["scheduled"] is True

    TypicalCasePage.objects.filter(pk=case.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    call_command("publish_scheduled")
    case.refresh_from_db()
    assert not case.live and case.expired
    (unpublished,) = audit("cms.page.unpublished", case)
    assert unpublished.actor is None and unpublished.data["expired"] is True


def test_a_reviewer_publishes_national_news_directly_and_it_is_audited(staff, login, news_index):
    reviewer = staff("national", Role.REVIEWER)
    news = NewsPage(title="新政策", slug="new-policy", introduction="摘要", live=False)
    news_index.add_child(instance=news)
    news.save_revision(user=reviewer)
    edit = reverse("wagtailadmin_pages:edit", args=[news.pk])
    data = nested_form_data(
        {
            "title": "新政策",
            "slug": "new-policy",
            "published_on": "2024-06-01",
            "category": "news",
            "introduction": "摘要",
            "body": streamfield([]),
            "comments": inline_formset([]),
            "action-publish": "1",
        }
    )
    response = login(reviewer).post(edit, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    news.refresh_from_db()
    assert news.live
    (entry,) = audit("cms.page.published", news)
    assert entry.actor == reviewer and entry.data["type"] == "cms.newspage"

    # A new version of the live page, to go live tomorrow: no signal from Wagtail, still audited.
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    data["introduction"] = "明日生效的摘要"
    data["go_live_at"] = tomorrow.strftime("%Y-%m-%d %H:%M")
    assert login(reviewer).post(edit, data).status_code == 302
    news.refresh_from_db()
    assert news.live and news.introduction == "摘要"
    (scheduled,) = audit("cms.page.scheduled", news)
    assert scheduled.actor == reviewer
    assert len(audit("cms.page.published", news)) == 1


# Locking, revisions, comparison and previews ------------------------------------------------------


def test_an_editor_locks_a_case_against_other_editors(staff, login, draft_case):
    first = staff("shenzhen", Role.EDITOR)
    second = staff("guangdong", Role.EDITOR)
    case = draft_case(first)
    response = login(first).post(reverse("wagtailadmin_pages:lock", args=[case.pk]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.locked and case.locked_by == first
    assert case.get_lock().for_user(second)
    assert not case.get_lock().for_user(first)
    # Unlocking someone else's lock is for reviewers.
    assert not case.permissions_for_user(second).can_unlock()
    assert case.permissions_for_user(staff("guangdong", Role.REVIEWER)).can_unlock()


def test_revisions_comparison_and_previews_in_review(staff, login, draft_case):
    editor = staff("shenzhen", Role.EDITOR)
    case = draft_case(editor)
    first = case.get_latest_revision()
    case.facts = "第二稿。"
    second = case.save_revision(user=editor)
    submit(case, editor)
    client = login(staff("guangdong", Role.REVIEWER))

    history = client.get(reverse("wagtailadmin_pages:history", args=[case.pk]))
    assert history.status_code == 200
    compare = client.get(
        reverse("wagtailadmin_pages:revisions_compare", args=[case.pk, first.pk, second.pk])
    )
    assert compare.status_code == 200
    assert "第二稿" in compare.content.decode()
    preview = client.get(
        reverse(
            "wagtailadmin_pages:workflow_preview",
            args=[case.pk, case.current_workflow_task.pk],
        )
    )
    assert preview.status_code == 200
    assert "第二稿" in preview.content.decode()
    revision_view = client.get(
        reverse("wagtailadmin_pages:revisions_view", args=[case.pk, first.pk])
    )
    assert revision_view.status_code == 200

    # Someone outside the scope sees none of it.
    outsider = login(staff("zhejiang", Role.REVIEWER))
    assert denied(outsider.get(reverse("wagtailadmin_pages:history", args=[case.pk])))
