"""Annual plans: validation (never below 5% of the directory), revisions and audit of every
change through the admin."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.core.models import AuditEntry, Region
from portal.inspections import services
from portal.inspections.models import InspectionPlan, SubjectEntry
from tests.factories import OrganisationFactory, UserFactory

ON = datetime.date(2026, 3, 1)


def _directory(counts: dict[str, int]) -> None:
    province = Region.objects.get(code="440000")
    for risk, count in counts.items():
        for _ in range(count):
            SubjectEntry.objects.create(
                organisation=OrganisationFactory(),
                province=province,
                risk_class=risk,
                entered_on=ON,
            )


def _validate(authorities, fixture_items, percentages, **overrides):
    values = {
        "authority": authorities["guangdong"],
        "year": 2026,
        "items": [fixture_items["permits"], fixture_items["agencies"]],
        "ratios": {risk: Decimal(value) for risk, value in percentages.items()},
        "inspectors_per_inspection": 2,
    }
    values.update(overrides)
    services.inspection_plan_validate(**values)


@pytest.mark.django_db
def test_a_plan_below_five_percent_is_refused(authorities, items):
    _directory({"A": 60, "B": 30, "C": 8, "D": 2})
    # 2% of 60 A + 5% of 30 B + 10% of 8 C + 50% of 2 D = 2 + 2 + 1 + 1 = 6 ≥ 5: accepted.
    _validate(authorities, items, {"A": "2", "B": "5", "C": "10", "D": "50"})
    # 1% of 60 + 1% of 30 + 5% of 8 + 50% of 2 = 1 + 1 + 1 + 1 = 4 < 5: refused.
    with pytest.raises(ValidationError) as error:
        _validate(authorities, items, {"A": "1", "B": "1", "C": "5", "D": "50"})
    assert "strata" in error.value.message_dict
    # The default language: 4 of the 100 subjects, below the minimum of 5.
    assert "检查100个对象中的4个，低于5%的最低要求（5个）" in error.value.message_dict["strata"][0]


@pytest.mark.django_db
def test_plan_rules(authorities, items):
    _directory({"B": 10})
    cases = [
        ({"authority": authorities["shenzhen"]}, "authority"),
        ({"items": [items["zhejiang"]]}, "items"),
        ({"items": []}, "items"),
        ({"inspectors_per_inspection": 1}, "inspectors_per_inspection"),
        ({"ratios": {"B": Decimal("120")}}, "strata"),
    ]
    for overrides, field in cases:
        with pytest.raises(ValidationError) as error:
            _validate(authorities, items, {"B": "5"}, **overrides)
        assert field in error.value.message_dict, overrides


def _form(authorities, items, ratios: list[tuple[str, str]], **fields):
    data = {
        "authority": authorities["guangdong"].pk,
        "year": "2026",
        "title": "广东省2026年度双随机抽查工作计划",
        "items": [items["permits"].pk, items["guangdong"].pk],
        "frequency": "annual",
        "exclusion_months": "12",
        "inspectors_per_inspection": "2",
        "strata-TOTAL_FORMS": str(len(ratios)),
        "strata-INITIAL_FORMS": "0",
        "strata-MIN_NUM_FORMS": "0",
        "strata-MAX_NUM_FORMS": "1000",
    }
    for index, (risk, ratio) in enumerate(ratios):
        data[f"strata-{index}-risk_class"] = risk
        data[f"strata-{index}-ratio"] = ratio
        data[f"strata-{index}-ORDER"] = str(index + 1)
        data[f"strata-{index}-id"] = ""
    data.update(fields)
    return data


@pytest.mark.django_db
def test_plan_edited_in_the_admin_keeps_every_change(client, authorities, items):
    _directory({"B": 40})
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)

    refused = client.post(
        "/admin/snippets/inspections/inspectionplan/add/",
        _form(authorities, items, [("B", "2")]),
    )
    assert refused.status_code == 200
    # The admin speaks the site's default language (Chinese) to a user without a preference.
    assert "低于5%的最低要求" in refused.content.decode()
    assert not InspectionPlan.objects.exists()

    response = client.post(
        "/admin/snippets/inspections/inspectionplan/add/",
        _form(authorities, items, [("B", "5"), ("C", "20")]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = InspectionPlan.objects.get()
    assert {s.risk_class: s.ratio for s in plan.strata.all()} == {
        "B": Decimal("5.00"),
        "C": Decimal("20.00"),
    }
    stratum_ids = [s.pk for s in plan.strata.order_by("sort_order")]
    data = _form(authorities, items, [("B", "10"), ("C", "20")], exclusion_months="6")
    data["strata-INITIAL_FORMS"] = "2"
    for index, pk in enumerate(stratum_ids):
        data[f"strata-{index}-id"] = str(pk)
    response = client.post(f"/admin/snippets/inspections/inspectionplan/edit/{plan.pk}/", data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.exclusion_months == 6
    assert plan.strata.get(risk_class="B").ratio == Decimal("10.00")

    revisions = list(plan.revisions.order_by("created_at", "id"))
    assert len(revisions) == 2
    first = revisions[0].as_object()
    assert first.exclusion_months == 12
    assert {s.risk_class: s.ratio for s in first.strata.all()}["B"] == Decimal("5.00")
    actions = list(
        AuditEntry.objects.filter(object_type="inspections.inspectionplan")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["inspections.inspectionplan.created", "inspections.inspectionplan.changed"]
    changed = AuditEntry.objects.get(action="inspections.inspectionplan.changed")
    assert "exclusion_months" in changed.data["fields"]
    assert changed.data["revision"] == revisions[1].pk
    history = client.get(f"/admin/snippets/inspections/inspectionplan/history/{plan.pk}/")
    assert history.status_code == 200

    # Going back to the first revision is a change like any other: audited, a new revision.
    data = _form(authorities, items, [("B", "5"), ("C", "20")])
    data["strata-INITIAL_FORMS"] = "2"
    for index, pk in enumerate(stratum_ids):
        data[f"strata-{index}-id"] = str(pk)
    reverted = client.post(
        reverse(
            "wagtailsnippets_inspections_inspectionplan:revisions_revert",
            args=[plan.pk, revisions[0].pk],
        ),
        data,
    )
    assert reverted.status_code == 302
    plan.refresh_from_db()
    assert (plan.exclusion_months, plan.strata.get(risk_class="B").ratio) == (12, Decimal("5.00"))
    assert AuditEntry.objects.filter(action="inspections.inspectionplan.changed").count() == 2
    assert plan.revisions.count() == 3
