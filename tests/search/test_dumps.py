"""Nightly full dumps: contents, public data only, manifest, rotation, the /data/ page and files."""

import csv
import datetime
import gzip
import hashlib
import io
import json
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.core.models import Authority, Region
from portal.records import services
from portal.records.models import CreditEvent, Organisation
from portal.records.selectors import credit_events_public
from search.api import LICENCE
from search.dumps import DATASETS, FILE_NAMES, DumpsError, dumps_latest, dumps_publish
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

EXPIRED = "Expiredeventmarker"
REPAIRED = "Repairedeventmarker"
UNPUBLISHED = "Unpublishedstatementmarker"
ON_EXPIRED = "Statementonexpiredmarker"


@pytest.fixture
def dumps_dir(settings, tmp_path) -> Path:
    settings.PUBLIC_DUMPS_DIR = tmp_path / "dumps"
    return settings.PUBLIC_DUMPS_DIR


@pytest.fixture
def record():
    """Two organisations; the first with a former name, public events, a published and an
    unpublished statement, and events that are not public any more."""
    today = timezone.localdate()
    authority = Authority.objects.create(
        name="深圳市人力资源和社会保障局",
        name_en="Shenzhen Human Resources and Social Security Bureau",
        level=Authority.Level.PREFECTURAL,
        region=Region.objects.get(code="440300"),
    )
    first = OrganisationFactory(name="深圳市嘉禾信息技术有限公司", name_en="Jiahe, Ltd.")
    services.former_name_add(
        organisation=first,
        name="深圳市嘉禾电子有限公司",
        used_from=datetime.date(2012, 5, 1),
        used_until=datetime.date(2018, 6, 30),
    )
    second = OrganisationFactory(kind=Organisation.Kind.AGENCY, foreign_staff_count=3)
    penalty = services.credit_event_create(
        organisation=first,
        kind="penalty",
        severity="ordinary",
        reference="P-1",
        title="未按规定办理外国人工作许可",
        facts="聘用外国人未办理工作许可，\n涉及二人。",
        decision_number="深人社罚〔2024〕12号",
        authority=authority,
        decided_on=today - datetime.timedelta(days=12),
        published_on=today - datetime.timedelta(days=10),
    )
    listing = services.credit_event_create(
        organisation=first,
        kind="list_entry",
        list_kind="warning",
        reference="L-1",
        title="列入警示名单",
        published_on=today - datetime.timedelta(days=5),
        starts_on=today - datetime.timedelta(days=5),
        scheduled_end_on=today + datetime.timedelta(days=300),
    )
    expired = services.credit_event_create(
        organisation=first,
        kind="penalty",
        severity="ordinary",
        reference="P-OLD",
        title=EXPIRED,
        decision_number="深人社罚〔2019〕1号",
        published_on=datetime.date(2019, 3, 1),
    )
    repaired = services.credit_event_create(
        organisation=second,
        kind="penalty",
        severity="ordinary",
        reference="P-REP",
        title=REPAIRED,
        decision_number="深人社罚〔2024〕2号",
        published_on=today - datetime.timedelta(days=200),
    )
    services.credit_event_repair(event=repaired, reason="已整改")
    published = services.statement_receive(
        event=penalty,
        text="我单位已补办全部工作许可。",
        received_on=today - datetime.timedelta(days=3),
    )
    services.statement_publish(statement=published, on=today - datetime.timedelta(days=2))
    services.statement_receive(event=penalty, text=UNPUBLISHED, received_on=today)
    on_expired = services.statement_receive(
        event=expired, text=ON_EXPIRED, received_on=datetime.date(2019, 3, 5)
    )
    services.statement_publish(statement=on_expired, on=datetime.date(2019, 3, 6))
    first.refresh_from_db()
    second.refresh_from_db()
    return {
        "first": first,
        "second": second,
        "penalty": penalty,
        "listing": listing,
        "statement": published,
    }


def read_file(directory: Path, name: str) -> bytes:
    return gzip.decompress((directory / name).read_bytes())


def csv_rows(directory: Path, name: str) -> tuple[list[str], list[dict[str, str]]]:
    text = read_file(directory, name).decode("utf-8")
    assert text.startswith("\ufeff")  # a byte-order mark, as the search export, for Excel
    reader = csv.DictReader(io.StringIO(text[1:], newline=""))
    return reader.fieldnames, list(reader)


def jsonl_rows(directory: Path, name: str) -> list[dict]:
    return [json.loads(line) for line in read_file(directory, name).decode("utf-8").splitlines()]


def as_csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def test_dumps_round_trip_to_the_database(dumps_dir, record):
    manifest = dumps_publish()
    run = dumps_dir / manifest["run"]
    first, second, penalty = record["first"], record["second"], record["penalty"]

    # Organisations, in pk order, with the fields of the API and the search export.
    header, rows = csv_rows(run, "organisations.csv.gz")
    objects = jsonl_rows(run, "organisations.jsonl.gz")
    assert header == [column.name for column in DATASETS[0].columns]
    assert [row["uscc"] for row in rows] == [first.uscc, second.uscc]
    assert [item["uscc"] for item in objects] == [first.uscc, second.uscc]
    assert objects[0] == {
        "uscc": first.uscc,
        "kind": "employer",
        "name": "深圳市嘉禾信息技术有限公司",
        "name_en": "Jiahe, Ltd.",
        "former_names": ["深圳市嘉禾电子有限公司"],
        "region_code": "440305",
        "region": "广东省深圳市南山区",
        "industry": first.industry,
        "registration_status": "active",
        "foreign_staff_count": 0,
        "credit_rating": first.credit_rating,
        "public_inspection_result_count": 0,
        "public_penalty_count": 1,
        "public_commendation_count": 0,
        "public_list_entry_count": 1,
        "latest_event_on": record["listing"].published_on.isoformat(),
        "latest_penalty_on": penalty.decided_on.isoformat(),
    }
    assert first.credit_rating == "C"
    assert objects[1]["kind"] == "agency" and objects[1]["foreign_staff_count"] == 3
    assert objects[1]["former_names"] == [] and objects[1]["latest_event_on"] is None
    assert objects[1]["public_penalty_count"] == 0  # its penalty was repaired
    # The CSV holds exactly what the JSON Lines hold, as text.
    for row, item in zip(rows, objects, strict=True):
        assert row == {name: as_csv_text(value) for name, value in item.items()}
    assert "legal_representative" not in header and "address" not in header

    # Events: exactly those public today.
    header, rows = csv_rows(run, "events.csv.gz")
    events = jsonl_rows(run, "events.jsonl.gz")
    public_ids = list(credit_events_public().order_by("pk").values_list("pk", flat=True))
    assert [item["event_id"] for item in events] == public_ids
    assert public_ids == [penalty.pk, record["listing"].pk]
    assert events[0] == {
        "event_id": penalty.pk,
        "uscc": first.uscc,
        "organisation_name": first.name,
        "kind": "penalty",
        "severity": "ordinary",
        "title": "未按规定办理外国人工作许可",
        "decision_number": "深人社罚〔2024〕12号",
        "authority": "深圳市人力资源和社会保障局",
        "authority_en": "Shenzhen Human Resources and Social Security Bureau",
        "decided_on": penalty.decided_on.isoformat(),
        "published_on": penalty.published_on.isoformat(),
        "repair_possible_from": penalty.repair_possible_from.isoformat(),
        "public_until": penalty.public_until.isoformat(),
        "origin": "",
        "outcome": "",
        "list_kind": "",
        "list_in_force": None,
        "starts_on": None,
        "scheduled_end_on": None,
        "removed_on": None,
        "removal_reason": "",
        "legal_basis": "",
        "facts": "聘用外国人未办理工作许可，\n涉及二人。",
        "penalty": "",
    }
    assert events[1]["list_kind"] == "warning" and events[1]["list_in_force"] is True
    for row, item in zip(rows, events, strict=True):
        assert row == {name: as_csv_text(value) for name, value in item.items()}
    assert rows[0]["facts"] == "聘用外国人未办理工作许可，\n涉及二人。"  # quoted line break

    # Statements: only the published one, on a public event.
    statements = jsonl_rows(run, "statements.jsonl.gz")
    statement = record["statement"]
    assert statements == [
        {
            "statement_id": statement.pk,
            "event_id": penalty.pk,
            "uscc": first.uscc,
            "text": "我单位已补办全部工作许可。",
            "received_on": statement.received_on.isoformat(),
            "published_on": statement.published_on.isoformat(),
        }
    ]
    assert csv_rows(run, "statements.csv.gz")[1] == [
        {key: as_csv_text(value) for key, value in statements[0].items()}
    ]


def test_no_dump_holds_events_or_statements_that_are_not_public(dumps_dir, record):
    manifest = dumps_publish()
    run = dumps_dir / manifest["run"]
    for name in FILE_NAMES:
        content = (run / name).read_bytes()
        text = (content if name.endswith(".json") else gzip.decompress(content)).decode("utf-8")
        for marker in (EXPIRED, REPAIRED, UNPUBLISHED, ON_EXPIRED, "P-OLD", "P-1"):
            assert marker not in text, (marker, name)  # references are internal too
    assert CreditEvent.objects.filter(title=EXPIRED).exists()  # it exists, it is just not public


def test_the_manifest_describes_every_file_exactly(dumps_dir, record):
    now = datetime.datetime(2026, 1, 28, 18, 0, tzinfo=datetime.UTC)
    manifest = dumps_publish(now=now)
    run = dumps_dir / "20260128T180000Z"
    assert manifest["run"] == "20260128T180000Z"
    assert json.loads((run / "manifest.json").read_text("utf-8")) == manifest
    assert manifest["generated_at"] == "2026-01-28T18:00:00+00:00"
    assert manifest["public_on"] == "2026-01-29"  # the day in China at that moment
    assert manifest["licence"] == LICENCE
    assert {item["name"] for item in manifest["files"]} == FILE_NAMES - {"manifest.json"}
    assert sorted(path.name for path in run.iterdir()) == sorted(FILE_NAMES)
    for item in manifest["files"]:
        content = (run / item["name"]).read_bytes()
        assert item["bytes"] == len(content)
        assert item["sha256"] == hashlib.sha256(content).hexdigest()
    for dataset in DATASETS:
        rows = manifest["datasets"][dataset.name]["rows"]
        assert len(csv_rows(run, f"{dataset.name}.csv.gz")[1]) == rows
        assert len(jsonl_rows(run, f"{dataset.name}.jsonl.gz")) == rows
        assert [column["name"] for column in manifest["datasets"][dataset.name]["columns"]] == [
            column.name for column in dataset.columns
        ]
    assert manifest["datasets"]["organisations"]["rows"] == 2


def test_rotation_keeps_the_newest_runs(dumps_dir, settings):
    settings.PUBLIC_DUMPS_KEEP = 3
    OrganisationFactory()
    start = datetime.datetime(2026, 1, 1, 18, 0, tzinfo=datetime.UTC)
    stale = dumps_dir / ".staging-dead"
    fresh = dumps_dir / ".staging-running"
    for day in range(5):
        if day == 1:
            stale.mkdir()
            os.utime(stale, (time.time() - 2 * 86400,) * 2)
            fresh.mkdir()
        dumps_publish(now=start + datetime.timedelta(days=day))
    runs = sorted(path.name for path in dumps_dir.iterdir() if not path.name.startswith("."))
    assert runs == ["20260103T180000Z", "20260104T180000Z", "20260105T180000Z"]
    assert not stale.exists()  # a run that died long ago
    assert fresh.exists()  # maybe a run in progress
    assert dumps_latest()["run"] == "20260105T180000Z"
    dumps_publish(now=start + datetime.timedelta(days=5), keep=1)
    assert dumps_latest()["run"] == "20260106T180000Z"
    assert len([path for path in dumps_dir.iterdir() if not path.name.startswith(".")]) == 1


def test_a_second_run_in_the_same_second_is_refused_and_leaves_nothing(dumps_dir):
    now = datetime.datetime(2026, 1, 1, 18, 0, tzinfo=datetime.UTC)
    dumps_publish(now=now)
    with pytest.raises(DumpsError, match="already exists"):
        dumps_publish(now=now)
    assert [path.name for path in dumps_dir.iterdir()] == ["20260101T180000Z"]


def test_the_command_publishes_with_a_progress_bar(dumps_dir, record, capsys):
    call_command("publish_dumps", "--keep", "2")
    captured = capsys.readouterr()
    assert "Published run" in captured.out and "organisations 2" in captured.out
    assert "Public dumps" in captured.err and "row" in captured.err
    assert dumps_latest()["datasets"]["events"]["rows"] == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_task_publishes_through_the_queue(dumps_dir):
    from search.tasks import publish_dumps

    publish_dumps.enqueue()
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    latest = dumps_latest()
    assert latest is not None and latest["datasets"]["organisations"]["rows"] == 0


# The /data/ page -----------------------------------------------------------------------------


def test_the_page_says_clearly_when_nothing_is_published_yet(client, dumps_dir):
    page = client.get("/data/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "尚未发布" in text and "数据字典" in text
    english = client.get("/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No dump has been published yet" in english
    assert client.get("/data/dumps/latest/organisations.csv.gz").status_code == 404
    assert client.get("/data/dumps/latest/manifest.json").status_code == 404


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "zh-hans",
            ["开放数据", "数据字典", "统一社会信用代码（18位）。", "用人单位", "下载最新数据"],
        ),
        (
            "en",
            [
                "Open data",
                "Data dictionary",
                "Unified social credit code (18 characters).",
                "Download the latest dump",
            ],
        ),
    ],
)
def test_the_page_lists_the_latest_dump_and_every_column(
    client, dumps_dir, record, language, texts
):
    manifest = dumps_publish()
    page = client.get("/data/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    html = page.content.decode()
    for text in texts:
        assert text in html, text
    for item in manifest["files"]:
        assert f'href="/data/dumps/latest/{item["name"]}"' in html
        assert item["sha256"] in html
    assert 'href="/data/dumps/latest/manifest.json"' in html
    assert LICENCE in html and 'href="/api/docs"' in html and "/api/organisations.csv" in html
    # The dictionary is rendered from the same definitions that wrote the files.
    for dataset in DATASETS:
        for column in dataset.columns:
            assert f'id="{dataset.name}-{column.name}"' in html
            assert f"<code>{column.name}</code>" in html
    assert ">2<" in html  # the organisations' row count


def test_every_dictionary_text_is_translated():
    from django.utils import translation

    def chinese(text) -> bool:
        with translation.override("zh-hans"):
            return any("\u4e00" <= character <= "\u9fff" for character in str(text))

    for dataset in DATASETS:
        assert chinese(dataset.title) and chinese(dataset.description), dataset.name
        for column in dataset.columns:
            assert chinese(column.meaning) and chinese(column.type_label), column.name
            assert all(chinese(label) for _, label in column.values), column.name


# The files -----------------------------------------------------------------------------------


def test_files_are_streamed_with_their_type_name_and_hash(client, dumps_dir, record):
    manifest = dumps_publish()
    run = manifest["run"]
    sha = {item["name"]: item["sha256"] for item in manifest["files"]}

    response = client.get("/data/dumps/latest/organisations.csv.gz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in response  # the file is the gzip; browsers must keep it
    assert response["Content-Disposition"] == (f'attachment; filename="organisations-{run}.csv.gz"')
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == sha["organisations.csv.gz"]
    assert response["X-Content-SHA256"] == sha["organisations.csv.gz"]
    assert response["X-Dump-Run"] == run
    assert "max-age=300" in response["Cache-Control"]

    response = client.get(f"/data/dumps/{run}/events.jsonl.gz")
    assert response.status_code == 200 and "immutable" in response["Cache-Control"]
    assert (
        hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == sha["events.jsonl.gz"]
    )

    response = client.get("/data/dumps/latest/manifest.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(b"".join(response.streaming_content)) == manifest


@pytest.mark.parametrize(
    "url",
    [
        "/data/dumps/latest/secret.txt",
        "/data/dumps/latest/organisations.csv",
        "/data/dumps/20990101T000000Z/organisations.csv.gz",
        "/data/dumps/latest-1/organisations.csv.gz",
        "/data/dumps/../settings.py",
        "/data/dumps/latest/..%2F..%2Fsecret.csv.gz",
        "/data/dumps/..%2F..%2F/secret.csv.gz",
        "/data/dumps/%2E%2E/secret.csv.gz",
        "/data/dumps/..%2Foutside/manifest.json",
        "/data/dumps/latest/%2E%2E%2Fsecret.csv.gz",
        "/data/dumps/latest/.%2Fmanifest.json",
        "/data/dumps/latest/notes.txt",
        "/data/dumps/latest/events.csv.gz%00.txt",
    ],
)
def test_unknown_names_and_path_traversal_are_404(client, dumps_dir, url):
    dumps_publish()
    run = dumps_latest()["run"]
    outside = dumps_dir.parent
    (outside / "secret.csv.gz").write_bytes(b"secret")
    (outside / "outside").mkdir()
    (outside / "outside" / "manifest.json").write_text(json.dumps({"run": "outside"}))
    (dumps_dir / run / "notes.txt").write_text("not published")
    assert client.get(url).status_code == 404, url


def test_a_link_out_of_the_dumps_directory_is_not_followed(client, dumps_dir):
    dumps_publish()
    run = dumps_dir / dumps_latest()["run"]
    secret = dumps_dir.parent / "secret.csv.gz"
    secret.write_bytes(b"secret")
    (run / "events.csv.gz").unlink()
    (run / "events.csv.gz").symlink_to(secret)
    assert client.get("/data/dumps/latest/events.csv.gz").status_code == 404
    assert client.get("/data/dumps/latest/organisations.csv.gz").status_code == 200
