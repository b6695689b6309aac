"""import_records: CSV and JSON Lines, idempotent, all or nothing per row, rejects reported."""

import csv
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.core.models import AuditEntry, Authority, Region
from portal.records import uscc
from portal.records.models import CreditEvent, Organisation

pytestmark = pytest.mark.django_db

CODE_A = uscc.build(authority="9", category="1", region="440305", organisation_code8="MA5F0001")
CODE_B = uscc.build(authority="9", category="1", region="440305", organisation_code8="MA5F0002")
# Chongwen district (崇文区, 110103) was merged into Dongcheng in 2010: a retired region code.
CODE_OLD = uscc.build(authority="9", category="1", region="110103", organisation_code8="10110001")
BAD_CHECK = CODE_A[:-1] + ("0" if CODE_A[-1] != "0" else "1")

COLUMNS = [
    "record_type",
    "uscc",
    "kind",
    "name",
    "name_en",
    "region_code",
    "address",
    "industry",
    "legal_representative",
    "registration_status",
    "agency_licence_number",
    "foreign_staff_count",
    "reference",
    "severity",
    "title",
    "facts",
    "legal_basis",
    "decision_number",
    "penalty",
    "authority",
    "decided_on",
    "published_on",
    "origin",
    "outcome",
    "list_kind",
    "starts_on",
    "scheduled_end_on",
    "removed_on",
    "removal_reason",
]


def organisation_row(code=CODE_A, **fields):
    return {
        "record_type": "organisation",
        "uscc": code,
        "kind": "employer",
        "name": "深圳市嘉禾信息技术有限公司",
        "name_en": "Shenzhen Jiahe Information Technology Co., Ltd.",
        "address": "深圳市南山区科技园路1号",
        "industry": "信息传输、软件和信息技术服务业",
        "legal_representative": "王芳",
        "registration_status": "active",
        "foreign_staff_count": "12",
        **fields,
    }


def penalty_row(code=CODE_A, reference="SZ-2024-001", **fields):
    return {
        "record_type": "event",
        "uscc": code,
        "reference": reference,
        "kind": "penalty",
        "severity": "ordinary",
        "title": "未按规定办理外国人工作许可",
        "facts": "聘用外国人未办理工作许可，\n涉及二人。",  # a line break inside a quoted field
        "legal_basis": "《外国人在中国就业管理规定》第二十八条",
        "decision_number": "深人社罚〔2024〕12号",
        "penalty": "罚款人民币五千元",
        "authority": "深圳市人力资源和社会保障局",
        "decided_on": "2024-02-20",
        "published_on": "2024-03-01",
        **fields,
    }


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    return path


@pytest.fixture(autouse=True)
def reference_data():
    Authority.objects.create(
        name="深圳市人力资源和社会保障局",
        level=Authority.Level.PREFECTURAL,
        region=Region.objects.get(code="440300"),
    )
    Region.objects.update_or_create(
        code="110103",
        defaults={"name": "崇文区", "level": Region.Level.COUNTY, "is_active": False},
    )


def run(path, *args):
    """(exit status, stdout, stderr) of the command."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_records", str(path), "--no-progress", *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_csv_import_creates_then_changes_nothing_the_second_time(tmp_path):
    path = write_csv(
        tmp_path / "records.csv",
        [
            organisation_row(),
            penalty_row(),
            penalty_row(
                reference="SZ-2024-002",
                kind="list_entry",
                severity="",
                decision_number="",
                penalty="",
                list_kind="warning",
                starts_on="2024-03-01",
                scheduled_end_on="2025-02-28",
            ),
        ],
    )
    status, out, _ = run(path)
    assert status == 0
    assert out.strip() == "created 3, updated 0, unchanged 0, rejected 0"
    organisation = Organisation.objects.get(uscc=CODE_A)
    assert organisation.foreign_staff_count == 12
    event = CreditEvent.objects.get(reference="SZ-2024-001")
    assert event.public_until == date(2025, 2, 28)
    assert event.authority.name == "深圳市人力资源和社会保障局"
    assert CreditEvent.objects.get(reference="SZ-2024-002").severity == "ordinary"
    audit_count = AuditEntry.objects.count()
    updated_at = organisation.updated_at

    status, out, _ = run(path)
    assert status == 0
    assert out.strip() == "created 0, updated 0, unchanged 3, rejected 0"
    assert AuditEntry.objects.count() == audit_count
    organisation.refresh_from_db()
    assert organisation.updated_at == updated_at
    created = AuditEntry.objects.get(action="records.organisation.created")
    assert created.data["source"] == "import:records.csv"


def test_changed_rows_update(tmp_path):
    write_csv(tmp_path / "first.csv", [organisation_row(), penalty_row()])
    assert run(tmp_path / "first.csv")[0] == 0
    path = write_csv(
        tmp_path / "second.csv",
        [organisation_row(name="深圳市嘉禾科技有限公司"), penalty_row(severity="serious")],
    )
    status, out, _ = run(path)
    assert status == 0 and out.strip() == "created 0, updated 2, unchanged 0, rejected 0"
    assert Organisation.objects.get(uscc=CODE_A).name == "深圳市嘉禾科技有限公司"
    event = CreditEvent.objects.get(reference="SZ-2024-001")
    assert event.severity == "serious" and event.public_until == date(2027, 2, 28)
    assert AuditEntry.objects.filter(action="records.credit_event.updated").count() == 1


def test_jsonl_import(tmp_path):
    path = write_jsonl(
        tmp_path / "records.jsonl",
        [
            organisation_row(foreign_staff_count=3),
            {
                "record_type": "event",
                "uscc": CODE_A,
                "reference": "INS-1",
                "kind": "inspection_result",
                "origin": "draw",
                "outcome": "compliant",
                "title": "2024年双随机抽查：未发现问题",
                "published_on": "2024-05-10",
            },
        ],
    )
    status, out, _ = run(path)
    assert status == 0 and out.strip() == "created 2, updated 0, unchanged 0, rejected 0"
    assert CreditEvent.objects.get(reference="INS-1").outcome == "compliant"
    assert run(path)[1].strip() == "created 0, updated 0, unchanged 2, rejected 0"


def test_rejected_rows_are_reported_with_line_and_reason(tmp_path):
    rows = [
        organisation_row(),  # line 2
        penalty_row(),  # lines 3-4 (a line break in facts)
        organisation_row(code=BAD_CHECK),  # line 5
        organisation_row(code=CODE_B, region_code="999999"),  # line 6
        organisation_row(code=CODE_B, name=""),  # line 7
        penalty_row(reference="R-5", published_on="2024-02-30"),  # lines 8-9
        penalty_row(reference="R-6", kind="fine"),  # lines 10-11
        organisation_row(code=CODE_B, record_type="person"),  # line 12
        penalty_row(code=CODE_B, reference="R-8"),  # lines 13-14: no such organisation
        penalty_row(reference="R-9", decision_number=""),  # lines 15-16: fails validation
        organisation_row(code=CODE_OLD, region_code=""),  # line 17: retired region, accepted
    ]
    path = write_csv(tmp_path / "records.csv", rows)
    report = tmp_path / "rejects.csv"
    status, out, err = run(path, "--report", str(report))
    assert status == 1
    assert out.strip() == "created 3, updated 0, unchanged 0, rejected 8"
    with report.open(encoding="utf-8") as stream:
        rejects = {int(row["line"]): row["reason"] for row in csv.DictReader(stream)}
    assert sorted(rejects) == [5, 6, 7, 8, 10, 12, 13, 15]
    assert "check character" in rejects[5]
    assert "unknown region code: '999999'" in rejects[6]
    assert rejects[7] == "missing field: name"
    assert "bad date in published_on" in rejects[8]
    assert "unknown kind: 'fine'" in rejects[10]
    assert "unknown record_type" in rejects[12]
    assert "no organisation" in rejects[13]
    assert "decision_number" in rejects[15]
    assert "line 5: " in err
    assert Organisation.objects.get(uscc=CODE_OLD).region_id == "110103"
    assert not Organisation.objects.filter(uscc=CODE_B).exists()
    assert set(CreditEvent.objects.values_list("reference", flat=True)) == {"SZ-2024-001"}


def test_a_broken_row_leaves_nothing_half_written(tmp_path, monkeypatch):
    """A failure after the event is written (here: in the rating refresh) undoes the whole row."""
    from portal.records import services

    write_csv(tmp_path / "org.csv", [organisation_row()])
    assert run(tmp_path / "org.csv")[0] == 0
    audit_count = AuditEntry.objects.count()

    def broken(**kwargs):
        from django.core.exceptions import ValidationError

        raise ValidationError("rating store unavailable")

    monkeypatch.setattr(services, "organisation_rating_refresh", broken)
    status, out, _ = run(write_csv(tmp_path / "event.csv", [penalty_row()]))
    assert status == 1
    assert "rejected 1" in out
    assert not CreditEvent.objects.exists()
    assert AuditEntry.objects.count() == audit_count


def test_unparseable_jsonl_lines_are_rejected_and_the_rest_imported(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text(
        json.dumps(organisation_row(), ensure_ascii=False) + "\n{not json\n[1, 2]\n\n", "utf-8"
    )
    report = tmp_path / "rejects.csv"
    status, out, _ = run(path, "--report", str(report))
    assert status == 1
    assert out.strip() == "created 1, updated 0, unchanged 0, rejected 2"
    lines = report.read_text("utf-8").splitlines()
    assert lines[0] == "line,record_type,uscc,reference,reason"
    assert lines[1].startswith("2,") and "invalid JSON" in lines[1]
    assert lines[2].startswith("3,") and "JSON object" in lines[2]


def test_missing_file_and_unknown_suffix(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_records", str(tmp_path / "nope.csv"))
    (tmp_path / "data.txt").write_text("x")
    with pytest.raises(CommandError, match="format"):
        call_command("import_records", str(tmp_path / "data.txt"))


def test_progress_bar_goes_to_stderr(tmp_path, capsys):
    path = write_csv(tmp_path / "records.csv", [organisation_row()])
    call_command("import_records", str(path))
    captured = capsys.readouterr()
    assert "records.csv" in captured.err and "row" in captured.err
    assert "created 1" in captured.out


@pytest.mark.parametrize(("fence", "suffix"), [("csv", ".csv"), ("json", ".jsonl")])
def test_the_documented_examples_import(tmp_path, fence, suffix):
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "import-format.md").read_text("utf-8")
    example = text.split(f"```{fence}\n", 1)[1].split("```", 1)[0]
    path = tmp_path / f"example{suffix}"
    path.write_text(example, "utf-8")
    status, out, err = run(path)
    assert status == 0, err
    assert "rejected 0" in out


# Former names --------------------------------------------------------------------------------


def former_names_of(code=CODE_A):
    from portal.records.models import FormerName

    return [
        (former.name, former.used_from, former.used_until)
        for former in FormerName.objects.filter(organisation__uscc=code).order_by("used_until")
    ]


def write_csv_with_former_names(path, rows):
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=[*COLUMNS, "former_names"])
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def test_csv_former_names_are_added_once(tmp_path):
    path = write_csv_with_former_names(
        tmp_path / "records.csv",
        [
            organisation_row(
                former_names="深圳市嘉禾电子有限公司@2012-05-01..2018-06-30；"
                " 深圳市嘉禾贸易有限公司 ＠ ..2012-04-30 ;"
            ),
            penalty_row(),  # an event row: its empty former_names is nothing
        ],
    )
    status, out, err = run(path)
    assert status == 0, err
    assert out.strip() == "created 2, updated 0, unchanged 0, rejected 0"
    assert former_names_of() == [
        ("深圳市嘉禾贸易有限公司", None, date(2012, 4, 30)),
        ("深圳市嘉禾电子有限公司", date(2012, 5, 1), date(2018, 6, 30)),
    ]
    added = AuditEntry.objects.filter(action="records.organisation.former_name_added")
    assert added.count() == 2
    audit_count = AuditEntry.objects.count()

    status, out, _ = run(path)
    assert out.strip() == "created 0, updated 0, unchanged 2, rejected 0"
    assert len(former_names_of()) == 2
    assert AuditEntry.objects.count() == audit_count


def test_jsonl_former_names_as_objects_or_text(tmp_path):
    path = write_jsonl(
        tmp_path / "records.jsonl",
        [
            organisation_row(
                former_names=[
                    {
                        "name": "深圳市嘉禾电子有限公司",
                        "used_from": "2012-05-01",
                        "used_until": "2018-06-30",
                    },
                    {"name": "深圳市嘉禾贸易有限公司", "used_until": "2012-04-30"},
                ]
            ),
            organisation_row(code=CODE_B, former_names="深圳市乙公司@..2020-01-01"),
        ],
    )
    status, out, err = run(path)
    assert status == 0, err
    assert len(former_names_of()) == 2
    assert former_names_of(CODE_B) == [("深圳市乙公司", None, date(2020, 1, 1))]
    assert run(path)[1].strip() == "created 0, updated 0, unchanged 2, rejected 0"


def test_a_new_former_name_updates_an_unchanged_organisation(tmp_path):
    write_jsonl(tmp_path / "first.jsonl", [organisation_row()])
    assert run(tmp_path / "first.jsonl")[0] == 0
    path = write_jsonl(
        tmp_path / "second.jsonl",
        [
            organisation_row(
                former_names=[{"name": "深圳市旧名有限公司", "used_until": "2019-12-31"}]
            )
        ],
    )
    assert run(path)[1].strip() == "created 0, updated 1, unchanged 0, rejected 0"
    # A name used a second time, with another end date, is another former name.
    again = write_jsonl(
        tmp_path / "third.jsonl",
        [
            organisation_row(
                former_names="深圳市旧名有限公司@..2019-12-31; "
                "深圳市旧名有限公司@2021-01-01..2022-06-30"
            )
        ],
    )
    assert run(again)[1].strip() == "created 0, updated 1, unchanged 0, rejected 0"
    assert [name for name, _, _ in former_names_of()] == ["深圳市旧名有限公司"] * 2
    # An empty list removes nothing: an import only adds former names.
    write_jsonl(tmp_path / "fourth.jsonl", [organisation_row(former_names=[])])
    assert run(tmp_path / "fourth.jsonl")[1].strip().startswith("created 0, updated 0, unchanged 1")
    assert len(former_names_of()) == 2


def test_bad_former_names_reject_the_whole_row_with_line_and_reason(tmp_path):
    write_jsonl(
        tmp_path / "first.jsonl",
        [
            organisation_row(
                former_names=[
                    {
                        "name": "深圳市旧名有限公司",
                        "used_from": "2010-01-01",
                        "used_until": "2019-12-31",
                    }
                ]
            )
        ],
    )
    assert run(tmp_path / "first.jsonl")[0] == 0
    future = (date.today() + timedelta(days=400)).isoformat()
    renamed = {"name": "深圳市改名后有限公司"}  # each row would also rename: nothing may stick
    rows = [
        organisation_row(**renamed, former_names="深圳市甲有限公司"),  # line 2: no dates
        organisation_row(**renamed, former_names="深圳市甲有限公司@2019-01-01"),  # 3: no ..
        organisation_row(**renamed, former_names="深圳市甲有限公司@2019-01-01.."),  # 4: no end
        organisation_row(**renamed, former_names="深圳市甲有限公司@..2019-02-30"),  # 5: bad date
        organisation_row(**renamed, former_names="深圳市甲有限公司@2020-01-01..2019-01-01"),  # 6
        organisation_row(**renamed, former_names=f"深圳市甲有限公司@..{future}"),  # 7: future
        organisation_row(**renamed, former_names="甲@..2019-01-01; 甲@2018-01-01..2019-01-01"),  # 8
        organisation_row(**renamed, former_names="深圳市改名后有限公司@..2019-01-01"),  # 9: current
        organisation_row(**renamed, former_names="深圳市旧名有限公司@2011-01-01..2019-12-31"),  # 10
        organisation_row(**renamed, former_names="@..2019-01-01"),  # 11: no name
    ]
    path = write_csv_with_former_names(tmp_path / "bad.csv", rows)
    report = tmp_path / "rejects.csv"
    status, out, _ = run(path, "--report", str(report))
    assert status == 1
    assert out.strip() == "created 0, updated 0, unchanged 0, rejected 10"
    with report.open(encoding="utf-8") as stream:
        rejects = {int(row["line"]): row["reason"] for row in csv.DictReader(stream)}
    assert sorted(rejects) == list(range(2, 12))
    assert "NAME@FROM..UNTIL" in rejects[2] and "NAME@FROM..UNTIL" in rejects[3]
    assert "end date is required" in rejects[4]
    assert "bad end date '2019-02-30'" in rejects[5]
    assert "starts after it ends" in rejects[6]
    assert "ends in the future" in rejects[7]
    assert "twice" in rejects[8]
    assert "current name" in rejects[9]
    assert "recorded with 2010-01-01, not 2011-01-01" in rejects[10]
    assert "name is empty" in rejects[11]
    organisation = Organisation.objects.get(uscc=CODE_A)
    assert organisation.name == "深圳市嘉禾信息技术有限公司"  # the renames were undone
    assert former_names_of() == [("深圳市旧名有限公司", date(2010, 1, 1), date(2019, 12, 31))]


def test_jsonl_former_names_of_the_wrong_shape_are_rejected(tmp_path):
    path = write_jsonl(
        tmp_path / "records.jsonl",
        [
            organisation_row(former_names={"name": "甲", "used_until": "2019-01-01"}),
            organisation_row(former_names=["甲@..2019-01-01"]),
            organisation_row(former_names=[{"name": "甲", "until": "2019-01-01"}]),
        ],
    )
    report = tmp_path / "rejects.csv"
    status, out, _ = run(path, "--report", str(report))
    assert out.strip() == "created 0, updated 0, unchanged 0, rejected 3"
    with report.open(encoding="utf-8") as stream:
        reasons = [row["reason"] for row in csv.DictReader(stream)]
    assert "must be text" in reasons[0]
    assert "expected an object" in reasons[1]
    assert "unknown key(s) until" in reasons[2]
    assert not Organisation.objects.exists()
