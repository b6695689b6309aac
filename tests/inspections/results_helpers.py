"""The setting of the inspection result tests: a made draw with its tasks and the staff around
them, and a complete on-site record as the inspectors enter it (through the services)."""

import datetime
from types import SimpleNamespace

from portal.inspections import services
from portal.inspections.models import InspectionResult
from tests.clock import today
from tests.factories import StaffMembershipFactory
from tests.inspections.factories import (
    DrawFactory,
    DrawnInspectionFactory,
    InspectorFactory,
    make_plan,
)


def inspected_on() -> datetime.date:
    """When the on-site inspection of the tests took place: forty days ago."""
    return today() - datetime.timedelta(days=40)


def approved_on() -> datetime.date:
    """When its result was approved: thirty days ago."""
    return today() - datetime.timedelta(days=30)


def make_office(authorities, items) -> SimpleNamespace:
    """A made draw of Guangdong's plan with two inspections of Shenzhen employers: the first
    by inspectors A and B (items GJ-01 and 44-01), the second by inspector C; a reviewer of
    Guangdong, an officer of Shenzhen, and a reviewer of Zhejiang (out of scope)."""
    plan = make_plan(authorities["guangdong"], [items["permits"], items["guangdong"]], {"B": "25"})
    draw_row = DrawFactory(plan=plan)
    inspectors = [
        InspectorFactory(
            authority=authorities["shenzhen"], items=[items["permits"], items["guangdong"]]
        )
        for _ in range(3)
    ]
    first = DrawnInspectionFactory(
        draw=draw_row,
        items=[items["permits"], items["guangdong"]],
        inspectors=inspectors[:2],
        organisation__name="深圳市南山抽查对象科技有限公司",
    )
    second = DrawnInspectionFactory(
        draw=draw_row, items=[items["permits"]], inspectors=inspectors[2:]
    )
    opened = services.inspection_tasks_open(draw_row=draw_row)
    return SimpleNamespace(
        draw=draw_row,
        opened=opened,
        inspection=first,
        other_inspection=second,
        result=InspectionResult.objects.get(inspection=first),
        other_result=InspectionResult.objects.get(inspection=second),
        inspector=inspectors[0].user,
        teammate=inspectors[1].user,
        other_inspector=inspectors[2].user,
        reviewer=StaffMembershipFactory(authority=authorities["guangdong"], role="reviewer").user,
        officer=StaffMembershipFactory(authority=authorities["shenzhen"], role="officer").user,
        stranger=StaffMembershipFactory(authority=authorities["zhejiang"], role="reviewer").user,
        items=items,
    )


def records_by_code(result) -> dict:
    return {record.item.code: record for record in result.item_records.select_related("item")}


def enter(result, user, *, outcome: str = "non_compliant", severity: str = "ordinary"):
    """Fill in a complete on-site record: GJ-01 fails (unless compliant), 44-01 complies."""
    records = records_by_code(result)
    fails = outcome == "non_compliant"
    values = {
        records["GJ-01"].pk: {
            "checklist": "工作许可证：查验\n劳动合同：查验",
            "compliant": not fails,
            "findings": "外籍员工John Smith未办理工作许可。" if fails else "",
            "public_finding": "1名外国人未办理工作许可即在岗工作。" if fails else "",
        }
    }
    if "44-01" in records:
        values[records["44-01"].pk] = {"checklist": "用工台账：查验", "compliant": True}
    return services.inspection_result_save(
        result=result,
        actor=user,
        inspected_on=inspected_on(),
        place="深圳市南山区科技园路1号",
        participants="检查人员2名；单位人事经理王某",
        outcome=outcome,
        severity=severity if outcome != "compliant" else "",
        item_records=values,
    )


def approved(office, **kwargs):
    enter(office.result, office.inspector, **kwargs)
    services.inspection_result_submit(result=office.result, actor=office.inspector)
    return services.inspection_result_approve(
        result=office.result, actor=office.reviewer, on=approved_on()
    )


def open_penalty(office, user, **overrides):
    """Open a penalty on the failing GJ-01 of the office's approved result, two days after the
    approval (as `user`, who may be refused)."""
    values = {
        "decision_number": "深人社罚〔2026〕17号",
        "legal_basis": "《外国人在中国就业管理规定》第二十九条",
        "facts": "该单位聘用1名未办理工作许可的外国人。",
        "penalty": "罚款人民币1万元",
        "severity": "ordinary",
        "decided_on": approved_on() + datetime.timedelta(days=2),
        "on": approved_on() + datetime.timedelta(days=2),
    }
    values.update(overrides)
    record = records_by_code(office.result)["GJ-01"]
    return services.enforcement_action_open(
        result=office.result, item_record=record, actor=user, **values
    )
