"""A foreign worker's data is never public: seed markers, then search every public output."""

import json
from datetime import date

import pytest

from portal.records import services
from portal.records.models import (
    ForeignWorker,
    Organisation,
    WorkerCreditEntry,
    WorkPermit,
)
from search.client import get_client
from search.indexing import alias_name
from tests.factories import OrganisationFactory

SURNAME = "Zqxmarkersurname"
GIVEN_NAMES = "Vwyleakgiven"
CHINESE_NAME = "鳯鼃泄露"
PASSPORT = "XQ7Z90142"
PERMIT = "WPMARK5520019"
ENTRY_TITLE = "Kqjprivatecreditentry"


@pytest.fixture
def seeded_worker():
    employer = OrganisationFactory(name="深圳市隐私测试科技有限公司")
    worker = services.foreign_worker_create(
        surname=SURNAME,
        given_names=GIVEN_NAMES,
        chinese_name=CHINESE_NAME,
        nationality="gbr",
        passport_number=PASSPORT,
        birth_date=date(1988, 7, 14),
    )
    services.work_permit_create(
        worker=worker,
        employer=employer,
        permit_number=PERMIT,
        valid_from=date(2024, 1, 1),
        valid_to=date(2025, 12, 31),
    )
    services.worker_credit_entry_create(
        worker=worker, kind="violation", title=ENTRY_TITLE, decided_on=date(2024, 6, 1)
    )
    # A public event on the employer, so its page has something to render.
    services.credit_event_create(
        organisation=employer,
        kind="penalty",
        severity="ordinary",
        reference="PRIV-1",
        title="未按规定办理外国人工作许可",
        decision_number="深人社罚〔2024〕9号",
        published_on=date.today(),
    )
    return employer, worker


def markers(worker: ForeignWorker) -> list[str]:
    return [SURNAME, GIVEN_NAMES, CHINESE_NAME, PASSPORT, PERMIT, ENTRY_TITLE, worker.personal_code]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_public_page_or_api_shows_worker_data(client, search_index, run_tasks, seeded_worker):
    employer, worker = seeded_worker
    run_tasks()
    secret = markers(worker)

    def get(url: str, language: str) -> str:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        return response.content.decode()

    pages = [
        "/",
        "/search/",
        f"/organisations/{employer.uscc}/",
        f"/api/organisations/{employer.uscc}",
        "/api/organisations?q=深圳市隐私测试",
    ]
    for language in ("zh-hans", "en"):
        for url in pages:
            body = get(url, language)
            for marker in secret:
                assert marker not in body, (marker, url)
        # A search echoes its query back: the searched marker may appear at most as often as an
        # unknown word of the same shape does, and no other marker may appear at all.
        for marker in secret:
            control = "Nothingmatches" + "x" * max(len(marker) - 14, 0)
            for template in ("/search/?q={}", "/api/organisations?q={}"):
                body = get(template.format(marker), language)
                control_body = get(template.format(control), language)
                assert body.count(marker) <= control_body.count(control), (marker, template)
                for other in secret:
                    if other != marker:
                        assert other not in body, (other, template, marker)
            assert get(f"/api/organisations?q={marker}", language).count('"uscc"') == 0
    # The employer itself is findable: the pages were real, not empty errors.
    found = client.get("/api/organisations?q=深圳市隐私测试").json()
    assert [row["uscc"] for row in found["results"]] == [employer.uscc]


def test_public_models_have_no_path_to_worker_data():
    private = {ForeignWorker, WorkPermit, WorkerCreditEntry}
    for field in Organisation._meta.get_fields():
        assert getattr(field, "related_model", None) not in private, field.name


@pytest.mark.django_db
def test_personal_code_is_lifelong_and_checked(seeded_worker):
    employer, worker = seeded_worker
    code = worker.personal_code
    assert len(code) == 16 and services.personal_code_is_valid(code)
    assert not services.personal_code_is_valid(code[:-1] + ("0" if code[-1] != "0" else "1"))
    services.work_permit_create(
        worker=worker,
        employer=OrganisationFactory(),
        permit_number="WP-SECOND",
        valid_from=date(2026, 1, 1),
        valid_to=date(2027, 12, 31),
    )
    worker.refresh_from_db()
    assert worker.personal_code == code  # stable across permits
    assert worker.permits.count() == 2
    assert worker.nationality == "GBR"
    other = services.foreign_worker_create(
        surname="Other", nationality="USA", passport_number="123", birth_date=date(1990, 1, 1)
    )
    assert other.personal_code != code
    assert {entry.action for entry in _audit()} >= {
        "records.foreign_worker.created",
        "records.work_permit.created",
        "records.worker_credit_entry.created",
    }
    for entry in _audit():  # the audit trail carries the code, never personal data
        assert PASSPORT not in str(entry.data) and SURNAME not in str(entry.data)


def _audit():
    from portal.core.models import AuditEntry

    return AuditEntry.objects.all()


@pytest.mark.django_db
def test_the_public_index_holds_no_worker_data(search_index, index_now, seeded_worker):
    employer, worker = seeded_worker
    employer.refresh_from_db()
    index_now(employer)
    client = get_client()
    documents = client.search(index=alias_name(), query={"match_all": {}}, size=100)["hits"]
    dumped = json.dumps([hit["_source"] for hit in documents["hits"]], ensure_ascii=False)
    assert employer.uscc in dumped  # the employer itself is there
    for marker in markers(worker):
        assert marker not in dumped
        found = client.search(
            index=alias_name(), query={"query_string": {"query": f'"{marker}"'}}, size=1
        )
        assert found["hits"]["total"]["value"] == 0, marker


@pytest.mark.django_db
def test_the_public_dumps_and_the_data_page_hold_no_worker_data(
    client, settings, tmp_path, seeded_worker
):
    import gzip

    from search.dumps import FILE_NAMES, dumps_publish

    settings.PUBLIC_DUMPS_DIR = tmp_path / "dumps"
    employer, worker = seeded_worker
    manifest = dumps_publish()
    run = settings.PUBLIC_DUMPS_DIR / manifest["run"]
    contents = {}
    for name in FILE_NAMES:
        raw = (run / name).read_bytes()
        contents[name] = (raw if name.endswith(".json") else gzip.decompress(raw)).decode()
    assert employer.uscc in contents["organisations.jsonl.gz"]  # the dumps are not empty
    assert "深人社罚〔2024〕9号" in contents["events.csv.gz"]
    pages = {
        language: client.get("/data/", HTTP_ACCEPT_LANGUAGE=language)
        for language in ("zh-hans", "en")
    }
    for language, page in pages.items():
        assert page.status_code == 200, language
        contents[f"/data/ ({language})"] = page.content.decode()
        assert manifest["files"][0]["sha256"] in contents[f"/data/ ({language})"]
    for name, text in contents.items():
        for marker in markers(worker):
            assert marker not in text, (marker, name)
