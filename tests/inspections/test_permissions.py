"""Who may edit, publish and add items: the scope of the authority that lists them, in the
policy and through the Wagtail admin; the same for the directories, plans and draws of the
double-random office: listings, exports, choosers, edit and create forms and the draw actions."""

import datetime

import pytest

from portal.core.models import AuditEntry, Region
from portal.core.services import staff_membership_grant
from portal.inspections import services
from portal.inspections.models import (
    Draw,
    InspectionItem,
    InspectionItemChange,
    InspectionPlan,
    Inspector,
    SubjectEntry,
)
from portal.inspections.permissions import (
    draw_policy,
    inspector_policy,
    plan_policy,
    subject_entry_policy,
)
from portal.inspections.wagtail_hooks import item_permission_policy as policy
from tests.factories import OrganisationFactory, UserFactory
from tests.inspections.factories import InspectorFactory, make_plan

pytestmark = pytest.mark.django_db


def _staff(authority, role):
    user = UserFactory()
    staff_membership_grant(user=user, authority=authority, role=role)
    return user


def test_a_provincial_editor_edits_only_that_provinces_additions(items, authorities):
    editor = _staff(authorities["guangdong"], "editor")

    assert policy.user_has_permission_for_instance(editor, "change", items["guangdong"])
    assert not policy.user_has_permission_for_instance(editor, "change", items["zhejiang"])
    assert not policy.user_has_permission_for_instance(editor, "change", items["permits"])
    assert not policy.user_has_permission_for_instance(editor, "publish", items["guangdong"])
    assert policy.user_has_permission_for_instance(editor, "view", items["zhejiang"])
    assert set(policy.instances_user_has_any_permission_for(editor, ["change"])) == {
        items["guangdong"]
    }
    assert policy.user_has_permission(editor, "add")
    assert not policy.user_has_permission(editor, "delete")


def test_national_staff_edit_every_item_and_reviewers_publish(items, authorities):
    editor = _staff(authorities["national"], "editor")
    reviewer = _staff(authorities["zhejiang"], "reviewer")

    assert all(policy.user_has_permission_for_instance(editor, "change", i) for i in items.values())
    assert policy.user_has_permission_for_instance(reviewer, "publish", items["zhejiang"])
    assert not policy.user_has_permission_for_instance(reviewer, "publish", items["guangdong"])
    assert editor in policy.users_with_any_permission_for_instance(["change"], items["zhejiang"])
    assert reviewer in policy.users_with_any_permission_for_instance(["publish"], items["zhejiang"])
    assert reviewer not in policy.users_with_any_permission_for_instance(
        ["publish"], items["guangdong"]
    )


def test_prefectural_staff_and_strangers_may_not_add_items(authorities):
    prefectural = _staff(authorities["shenzhen"], "editor")
    stranger = UserFactory()

    assert not policy.user_has_permission(prefectural, "add")
    assert not policy.user_has_permission(stranger, "view")


def test_the_admin_refuses_an_item_outside_the_scope(client, items, authorities):
    editor = _staff(authorities["guangdong"], "editor")
    client.force_login(editor)

    own = client.get(f"/admin/snippets/inspections/inspectionitem/edit/{items['guangdong'].pk}/")
    other = client.get(f"/admin/snippets/inspections/inspectionitem/edit/{items['zhejiang'].pk}/")

    assert own.status_code == 200
    assert other.status_code in (302, 403)
    # The form offers only the authorities in the editor's scope that keep a list.
    assert (
        "浙江省人力资源和社会保障厅"
        not in own.text.split('name="authority"')[1].split("</select>")[0]
    )


def _form_data(item, **changes):
    data = {
        "code": item.code,
        "authority": item.authority_id,
        "name": item.name,
        "name_en": item.name_en,
        "subject_type": item.subject_type,
        "method": item.method,
        "legal_basis": item.legal_basis,
        "legal_basis_en": item.legal_basis_en,
        "frequency": item.frequency,
        "frequency_en": item.frequency_en,
        "department": item.department,
        "department_en": item.department_en,
        "in_force_from": item.in_force_from.isoformat(),
        "withdrawn_on": "",
        "sort_order": item.sort_order,
    }
    data.update(changes)
    return data


def test_an_editor_saves_a_draft_and_a_reviewer_publishes_it_into_the_history(
    client, items, authorities
):
    item = items["guangdong"]
    url = f"/admin/snippets/inspections/inspectionitem/edit/{item.pk}/"
    editor = _staff(authorities["guangdong"], "editor")
    client.force_login(editor)

    saved = client.post(url, _form_data(item, frequency="每季度一次"))
    assert saved.status_code == 302
    assert InspectionItem.objects.get(pk=item.pk).frequency == "每年一次，抽查比例不低于5%"
    assert AuditEntry.objects.filter(action="inspections.item.changed", actor=editor).exists()
    # An editor's request to publish is not honoured.
    client.post(url, _form_data(item, frequency="每季度一次", **{"action-publish": "1"}))
    assert InspectionItem.objects.get(pk=item.pk).frequency == "每年一次，抽查比例不低于5%"

    reviewer = _staff(authorities["guangdong"], "reviewer")
    client.force_login(reviewer)
    published = client.post(
        url, _form_data(item, frequency="每季度一次", **{"action-publish": "1"})
    )

    assert published.status_code == 302
    assert InspectionItem.objects.get(pk=item.pk).frequency == "每季度一次"
    change = InspectionItemChange.objects.get(item=item, kind="changed")
    assert change.actor == reviewer
    assert change.fields[0]["field"] == "frequency"
    assert AuditEntry.objects.filter(action="inspections.item.published", actor=reviewer).exists()


def test_an_editor_cannot_list_an_item_under_a_prefecture(client, authorities):
    editor = _staff(authorities["national"], "editor")
    client.force_login(editor)

    response = client.post(
        "/admin/snippets/inspections/inspectionitem/add/",
        {
            "code": "4403-01",
            "authority": authorities["shenzhen"].pk,
            "name": "深圳自设事项",
            "subject_type": "employer",
            "method": "on_site",
            "legal_basis": "某规定",
            "department": "某处",
            "in_force_from": "2025-01-01",
            "sort_order": 0,
        },
    )

    assert response.status_code == 200  # the form again, with the error
    assert not InspectionItem.objects.filter(code="4403-01").exists()


def test_a_reviewer_adds_and_publishes_an_item_then_unpublishes_it(client, authorities):
    reviewer = _staff(authorities["zhejiang"], "reviewer")
    client.force_login(reviewer)

    listing = client.get("/admin/snippets/inspections/inspectionitem/")
    assert listing.status_code == 200

    created = client.post(
        "/admin/snippets/inspections/inspectionitem/add/",
        {
            "code": "33-09",
            "authority": authorities["zhejiang"].pk,
            "name": "数字经济企业聘用外国人情况",
            "name_en": "Hiring of foreigners by digital economy firms",
            "subject_type": "employer",
            "method": "online",
            "legal_basis": "《中华人民共和国出境入境管理法》第四十一条",
            "department": "外国人来华工作管理处",
            "in_force_from": "2025-01-01",
            "sort_order": 3,
            "action-publish": "1",
        },
    )

    assert created.status_code == 302
    item = InspectionItem.objects.get(code="33-09")
    assert item.live
    assert InspectionItemChange.objects.get(item=item).kind == "added"
    assert AuditEntry.objects.filter(action="inspections.item.created", actor=reviewer).exists()

    unpublished = client.post(f"/admin/snippets/inspections/inspectionitem/unpublish/{item.pk}/")

    assert unpublished.status_code == 302
    item.refresh_from_db()
    assert not item.live
    assert InspectionItemChange.objects.filter(item=item, kind="withdrawn").exists()
    assert AuditEntry.objects.filter(action="inspections.item.unpublished", actor=reviewer).exists()


# ---------------------------------------------------------------------------------------------
# The double-random office: directories, plans and draws follow the same scope.
# ---------------------------------------------------------------------------------------------

INSPECTORS = "/admin/snippets/inspections/inspector/"
PLANS = "/admin/snippets/inspections/inspectionplan/"
SUBJECTS = "/admin/snippets/inspections/subjectentry/"
DRAWS = "/admin/snippets/inspections/draw/"
ON = datetime.date(2026, 3, 1)


@pytest.fixture
def office(authorities, items):
    """Guangdong: 8 employers in Shenzhen and 4 in Guangzhou in the directory, three inspectors
    (two of the province, one of Shenzhen) and a plan. Zhejiang: 2 employers, an inspector, a
    plan. Nothing drawn yet."""
    guangzhou = Region.objects.get(code="440106")
    shenzhen_orgs = [OrganisationFactory() for _ in range(8)]
    guangzhou_orgs = [OrganisationFactory(region=guangzhou) for _ in range(4)]
    zhejiang_orgs = [
        OrganisationFactory(region=Region.objects.get(code="330106")) for _ in range(2)
    ]
    for province in ("440000", "330000"):
        services.subject_directory_refresh(province=Region.objects.get(code=province), on=ON)
    qualified = [items["permits"], items["guangdong"], items["agencies"]]
    inspectors = {
        "guangdong": InspectorFactory(authority=authorities["guangdong"], items=qualified),
        "guangdong_2": InspectorFactory(authority=authorities["guangdong"], items=qualified),
        "shenzhen": InspectorFactory(authority=authorities["shenzhen"], items=qualified),
        "zhejiang": InspectorFactory(authority=authorities["zhejiang"], items=[items["permits"]]),
    }
    plans = {
        "guangdong": make_plan(
            authorities["guangdong"], [items["permits"], items["guangdong"]], {"B": "25"}
        ),
        "zhejiang": make_plan(authorities["zhejiang"], [items["permits"]], {"B": "50"}),
    }
    return {
        "inspectors": inspectors,
        "plans": plans,
        "organisations": {
            "shenzhen": shenzhen_orgs,
            "guangzhou": guangzhou_orgs,
            "zhejiang": zhejiang_orgs,
        },
    }


def _page(response) -> str:
    assert response.status_code == 200
    return response.text


def test_the_office_policies_follow_the_scope(office, authorities):
    guangdong_editor = _staff(authorities["guangdong"], "editor")
    shenzhen_editor = _staff(authorities["shenzhen"], "editor")
    national_reviewer = _staff(authorities["national"], "reviewer")
    root = UserFactory(is_superuser=True)
    inspectors, plans = office["inspectors"], office["plans"]

    assert set(
        inspector_policy.instances_user_has_any_permission_for(guangdong_editor, ["view"])
    ) == {
        inspectors["guangdong"],
        inspectors["guangdong_2"],
        inspectors["shenzhen"],
    }
    assert set(
        inspector_policy.instances_user_has_any_permission_for(shenzhen_editor, ["change"])
    ) == {inspectors["shenzhen"]}
    assert set(plan_policy.instances_user_has_any_permission_for(guangdong_editor, ["view"])) == {
        plans["guangdong"]
    }
    assert not plan_policy.instances_user_has_any_permission_for(shenzhen_editor, ["view"])
    assert set(
        plan_policy.instances_user_has_any_permission_for(national_reviewer, ["draw"])
    ) == set(plans.values())
    assert len(inspector_policy.instances_user_has_any_permission_for(root, ["view"])) == 4

    # The subject directory: the province for its staff, the prefecture's organisations for a
    # prefecture's, every province nationally.
    def subjects(user):
        rows = subject_entry_policy.instances_user_has_any_permission_for(user, ["view"])
        return {row.organisation_id for row in rows}

    organisations = office["organisations"]
    guangdong_ids = {o.pk for o in organisations["shenzhen"] + organisations["guangzhou"]}
    assert subjects(guangdong_editor) == guangdong_ids
    assert subjects(shenzhen_editor) == {o.pk for o in organisations["shenzhen"]}
    assert subjects(national_reviewer) == guangdong_ids | {o.pk for o in organisations["zhejiang"]}
    assert not subject_entry_policy.user_has_permission(root, "change")

    # Editing roles change, reviewers draw; nobody changes a draw or a directory entry.
    assert plan_policy.user_has_permission_for_instance(
        guangdong_editor, "change", plans["guangdong"]
    )
    assert not plan_policy.user_has_permission_for_instance(
        guangdong_editor, "change", plans["zhejiang"]
    )
    assert not plan_policy.user_has_permission_for_instance(
        guangdong_editor, "draw", plans["guangdong"]
    )
    assert plan_policy.user_has_permission_for_instance(
        national_reviewer, "draw", plans["zhejiang"]
    )
    assert not plan_policy.user_has_permission(shenzhen_editor, "add")  # plans are provincial
    assert inspector_policy.user_has_permission(shenzhen_editor, "add")
    assert not inspector_policy.user_has_permission(guangdong_editor, "delete")
    assert inspector_policy.user_has_permission(root, "delete")
    assert not draw_policy.user_has_permission(root, "change")


def test_admin_listings_and_exports_keep_to_the_scope(client, office, authorities):
    inspectors = office["inspectors"]
    client.force_login(_staff(authorities["guangdong"], "editor"))

    listing = _page(client.get(INSPECTORS))
    assert inspectors["shenzhen"].certificate_number in listing
    assert inspectors["zhejiang"].certificate_number not in listing
    export = client.get(INSPECTORS + "?export=csv")
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert inspectors["guangdong"].certificate_number in body
    assert inspectors["zhejiang"].certificate_number not in body

    plans = _page(client.get(PLANS))
    assert office["plans"]["guangdong"].title in plans
    assert office["plans"]["zhejiang"].title not in plans

    subjects = _page(client.get(SUBJECTS))
    assert office["organisations"]["guangzhou"][0].name in subjects
    assert office["organisations"]["zhejiang"][0].name not in subjects

    chooser = _page(client.get("/admin/snippets/choose/inspections/inspector/"))
    assert inspectors["shenzhen"].certificate_number in chooser
    assert inspectors["zhejiang"].certificate_number not in chooser


def test_a_forged_address_outside_the_scope_finds_nothing_and_changes_nothing(
    client, office, authorities
):
    zhejiang_inspector = office["inspectors"]["zhejiang"]
    zhejiang_plan = office["plans"]["zhejiang"]
    entry = SubjectEntry.objects.get(organisation=office["organisations"]["zhejiang"][0])
    client.force_login(_staff(authorities["guangdong"], "reviewer"))

    for url in (
        f"{INSPECTORS}edit/{zhejiang_inspector.pk}/",
        f"{INSPECTORS}inspect/{zhejiang_inspector.pk}/",
        f"{INSPECTORS}history/{zhejiang_inspector.pk}/",
        f"{INSPECTORS}delete/{zhejiang_inspector.pk}/",
        f"{PLANS}edit/{zhejiang_plan.pk}/",
        f"{PLANS}inspect/{zhejiang_plan.pk}/",
        f"{PLANS}usage/{zhejiang_plan.pk}/",
        f"{SUBJECTS}inspect/{entry.pk}/",
        f"/admin/snippets/choose/inspections/inspector/chosen/{zhejiang_inspector.pk}/",
    ):
        assert client.get(url).status_code == 404, url

    response = client.post(
        f"{INSPECTORS}edit/{zhejiang_inspector.pk}/",
        {"certificate_number": "FORGED", "authority": authorities["guangdong"].pk},
    )
    assert response.status_code == 404
    zhejiang_inspector.refresh_from_db()
    assert zhejiang_inspector.certificate_number != "FORGED"
    assert client.post(f"{PLANS}edit/{zhejiang_plan.pk}/", {"title": "X"}).status_code == 404
    zhejiang_plan.refresh_from_db()
    assert zhejiang_plan.title != "X"
    committed = client.post(
        f"/admin/inspections/plans/{zhejiang_plan.pk}/commit-draw/", {"on": "2026-03-01"}
    )
    assert committed.status_code == 404
    assert not Draw.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="inspections.inspector").exists()


def test_in_scope_editors_edit_and_create_but_only_in_their_scope(client, office, authorities):
    own = office["inspectors"]["shenzhen"]
    editor = _staff(authorities["guangdong"], "editor")
    client.force_login(editor)
    assert client.get(f"{INSPECTORS}edit/{own.pk}/").status_code == 200
    assert client.get(f"{PLANS}edit/{office['plans']['guangdong'].pk}/").status_code == 200

    newcomer = UserFactory()
    staff_membership_grant(user=newcomer, authority=authorities["shenzhen"], role="inspector")
    outsider = UserFactory()
    staff_membership_grant(user=outsider, authority=authorities["zhejiang"], role="inspector")
    form = {
        "user": newcomer.pk,
        "certificate_number": "44030099000001",
        "authority": authorities["zhejiang"].pk,
        "entered_on": "2026-01-01",
        "availability-TOTAL_FORMS": "0",
        "availability-INITIAL_FORMS": "0",
        "availability-MIN_NUM_FORMS": "0",
        "availability-MAX_NUM_FORMS": "1000",
        "conflicts-TOTAL_FORMS": "0",
        "conflicts-INITIAL_FORMS": "0",
        "conflicts-MIN_NUM_FORMS": "0",
        "conflicts-MAX_NUM_FORMS": "1000",
    }
    # Another province's authority, or its staff, is not a choice: the form comes back.
    refused = client.post(f"{INSPECTORS}add/", form)
    assert refused.status_code == 200
    refused = client.post(
        f"{INSPECTORS}add/", {**form, "authority": authorities["shenzhen"].pk, "user": outsider.pk}
    )
    assert refused.status_code == 200
    assert not Inspector.objects.filter(certificate_number="44030099000001").exists()

    created = client.post(f"{INSPECTORS}add/", {**form, "authority": authorities["shenzhen"].pk})
    assert created.status_code == 302
    inspector = Inspector.objects.get(certificate_number="44030099000001")
    assert inspector.authority == authorities["shenzhen"]
    assert AuditEntry.objects.get(action="inspections.inspector.created").actor == editor

    # A plan for another province is refused too.
    plan_form = {
        "authority": authorities["zhejiang"].pk,
        "year": "2027",
        "title": "浙江省2027年度双随机抽查工作计划",
        "frequency": "annual",
        "exclusion_months": "12",
        "inspectors_per_inspection": "2",
        "strata-TOTAL_FORMS": "1",
        "strata-INITIAL_FORMS": "0",
        "strata-MIN_NUM_FORMS": "0",
        "strata-MAX_NUM_FORMS": "1000",
        "strata-0-risk_class": "B",
        "strata-0-ratio": "50",
        "strata-0-ORDER": "1",
        "strata-0-id": "",
    }
    assert client.post(f"{PLANS}add/", plan_form).status_code == 200
    assert not InspectionPlan.objects.filter(year=2027).exists()


def test_a_role_without_the_right_sees_but_does_not_change(client, office, authorities):
    inspector_role = _staff(authorities["shenzhen"], "inspector")
    client.force_login(inspector_role)
    own = office["inspectors"]["shenzhen"]

    assert client.get(f"{INSPECTORS}inspect/{own.pk}/").status_code == 200
    refused = client.post(f"{INSPECTORS}edit/{own.pk}/", {"certificate_number": "CHANGED"})
    assert refused.status_code in (302, 403)
    own.refresh_from_db()
    assert own.certificate_number != "CHANGED"
    # Prefectural staff see no provincial plan at all.
    assert client.get(f"{PLANS}edit/{office['plans']['guangdong'].pk}/").status_code == 404


def test_reviewers_commit_and_make_the_draws_of_their_scope_only(client, office, authorities):
    plan = office["plans"]["guangdong"]
    commit_url = f"/admin/inspections/plans/{plan.pk}/commit-draw/"

    # An editor of the province sees the plan but may not draw it.
    client.force_login(_staff(authorities["guangdong"], "editor"))
    assert f"/admin/inspections/plans/{plan.pk}/commit-draw/" not in client.get(PLANS).text
    refused = client.post(commit_url, {"on": "2026-03-01"})
    assert refused.status_code in (302, 403)
    assert not Draw.objects.exists()

    reviewer = _staff(authorities["guangdong"], "reviewer")
    client.force_login(reviewer)
    listing = client.get(PLANS).text
    assert commit_url in listing
    assert f"/admin/inspections/plans/{office['plans']['zhejiang'].pk}/commit-draw/" not in listing
    assert client.post(commit_url, {"on": "2026-03-01"}).status_code == 302
    draw_row = Draw.objects.get()
    assert AuditEntry.objects.get(action="inspections.draw.committed").actor == reviewer
    reveal_url = f"/admin/inspections/draws/{draw_row.pk}/reveal/"
    assert reveal_url in client.get(DRAWS).text

    # Another province's reviewer neither sees the draw nor makes it.
    client.force_login(_staff(authorities["zhejiang"], "reviewer"))
    assert str(draw_row) not in client.get(DRAWS).text
    assert client.post(reveal_url).status_code == 404
    draw_row.refresh_from_db()
    assert draw_row.status == Draw.Status.COMMITTED

    client.force_login(reviewer)
    assert client.post(reveal_url).status_code == 302
    draw_row.refresh_from_db()
    assert draw_row.status == Draw.Status.DRAWN
    assert AuditEntry.objects.get(action="inspections.draw.drawn").actor == reviewer
