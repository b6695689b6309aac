"""`manage.py inspection_tasks_open`: the tasks of draws made before the inspection results
existed are opened once, for every drawn draw or one; --dry-run changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.core.models import AuditEntry
from portal.inspections import services
from portal.inspections.models import InspectionItemRecord, InspectionResult
from tests.inspections.factories import (
    DrawFactory,
    DrawnInspectionFactory,
    InspectorFactory,
    make_plan,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draws(authorities, items):
    """Two drawn draws without tasks (two inspections, then one), one drawn draw whose tasks
    are open, and one only committed."""
    plan = make_plan(authorities["guangdong"], [items["permits"], items["guangdong"]], {"B": "25"})
    inspector = InspectorFactory(
        authority=authorities["shenzhen"], items=[items["permits"], items["guangdong"]]
    )

    def drawn(count: int, **fields):
        draw_row = DrawFactory(plan=plan, **fields)
        for _ in range(count):
            DrawnInspectionFactory(
                draw=draw_row,
                items=[items["permits"], items["guangdong"]],
                inspectors=[inspector],
            )
        return draw_row

    first, second = drawn(2), drawn(1)
    with_tasks = drawn(1)
    services.inspection_tasks_open(draw_row=with_tasks)
    committed = DrawFactory(plan=plan, status="committed", result_sha256="", drawn_at=None)
    return {
        "first": first,
        "second": second,
        "with_tasks": with_tasks,
        "committed": committed,
    }


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("inspection_tasks_open", *args, stdout=out)
    return out.getvalue()


def test_dry_run_lists_the_missing_tasks_and_opens_nothing(draws):
    output = run("--dry-run")
    assert f"draw {draws['first'].pk} " in output and "would open 2 tasks" in output
    assert f"draw {draws['second'].pk} " in output
    assert f"draw {draws['with_tasks'].pk} " not in output
    assert "3 tasks would open in 2 draws." in output
    assert InspectionResult.objects.count() == 1  # the draw that had its task


def test_the_missing_tasks_are_opened_once_with_a_record_per_item(draws):
    output = run()
    assert "3 tasks opened in 2 draws." in output
    for name, tasks in (("first", 2), ("second", 1), ("with_tasks", 1)):
        results = InspectionResult.objects.filter(inspection__draw=draws[name])
        assert results.count() == tasks
        assert {result.status for result in results} == {InspectionResult.Status.ASSIGNED}
    assert InspectionItemRecord.objects.filter(result__inspection__draw=draws["first"]).count() == 4
    opened = AuditEntry.objects.filter(action="inspections.task.opened", actor__isnull=True)
    assert {(entry.object_id, entry.data["tasks"]) for entry in opened} >= {
        (str(draws["first"].pk), 2),
        (str(draws["second"].pk), 1),
    }

    assert "0 tasks opened in 0 draws." in run()
    assert InspectionResult.objects.count() == 4


def test_one_draw_by_id(draws):
    output = run("--draw", str(draws["second"].pk))
    assert "1 tasks opened in 1 draws." in output
    assert not InspectionResult.objects.filter(inspection__draw=draws["first"]).exists()
    assert "0 tasks opened in 0 draws." in run("--draw", str(draws["with_tasks"].pk))

    with pytest.raises(CommandError, match="not drawn yet"):
        run("--draw", str(draws["committed"].pk))
    with pytest.raises(CommandError, match="No draw"):
        run("--draw", "999999")
