"""Foreign workers in the double-random office, privately: their entries in and exits from the
subject directory (eligibility by a valid work permit with an employer of the province), their
risk class from the personal credit file, the joint inspection that covers them with their
employer, their findings filed in the personal credit file on approval (never on the public
record), the staff scope of the worker directory in the admin, and no trace of them in anything
public: draw pages and files, statistics and their CSVs, result notices, search, the record
page, its API and its PDF."""

import datetime
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from pypdf import PdfReader

from cms.models import InspectionResultNoticePage
from portal.core.models import AuditEntry, Region
from portal.core.services import staff_membership_grant
from portal.inspections import selectors, services
from portal.inspections.models import (
    DrawnInspection,
    InspectionResult,
    WorkerInspectionRecord,
    WorkerSubjectEntry,
)
from portal.inspections.risk import WorkerRiskInputs, worker_risk_class_for
from portal.records import services as records_services
from portal.records.models import CreditEvent, WorkerCreditEntry
from search.client import get_client
from search.indexing import alias_name
from tests.clock import today
from tests.factories import OrganisationFactory, StaffMembershipFactory, UserFactory
from tests.inspections.conftest import new_item
from tests.inspections.factories import (
    DrawFactory,
    DrawnInspectionFactory,
    InspectorFactory,
    WorkerCreditEntryFactory,
    WorkPermitFactory,
    make_plan,
)
from tests.inspections.results_helpers import enter
from tests.records.test_workers_private import (
    CHINESE_NAME,
    ENTRY_TITLE,
    GIVEN_NAMES,
    PASSPORT,
    PERMIT,
    SURNAME,
    markers,
)

DAY = datetime.timedelta(days=1)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
WORKERS = "/admin/snippets/inspections/workersubjectentry/"
FINDING = "Wkrfindingmarker持证人员岗位不符"


def _province(code: str) -> Region:
    return Region.objects.get(code=code)


def _open_entries(province: str) -> dict[int, int]:
    return {e.worker_id: e.employer_id for e in selectors.worker_entries_open(province)}


def _staff(authority, role):
    user = UserFactory()
    staff_membership_grant(user=user, authority=authority, role=role)
    return user


@pytest.fixture
def worker_item(authorities):
    """A national item whose subject is the foreign worker, published."""
    item = new_item(
        authorities["national"],
        "GJ-03",
        name="外国人按许可内容在岗工作情况",
        name_en="Whether foreigners work as their permits say",
        subject_type="foreign_worker",
    )
    services.inspection_item_publish(item=item)
    return item


# The risk rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        (WorkerRiskInputs(0, 0), ("B", [])),
        (WorkerRiskInputs(0, 1), ("A", ["commendation"])),
        (WorkerRiskInputs(1, 0), ("C", ["violation"])),
        (WorkerRiskInputs(1, 4), ("C", ["violation"])),
        (WorkerRiskInputs(2, 0), ("D", ["repeated_violations"])),
    ],
)
def test_worker_risk_rule(inputs, expected):
    assert worker_risk_class_for(inputs) == expected


@pytest.mark.django_db
def test_the_risk_class_follows_the_personal_credit_file(authorities):
    clean, once, twice, long_ago, commended, noted = (WorkPermitFactory() for _ in range(6))
    WorkerCreditEntryFactory(worker=once.worker, decided_on=today() - 100 * DAY)
    for days in (100, 400):
        WorkerCreditEntryFactory(worker=twice.worker, decided_on=today() - days * DAY)
    WorkerCreditEntryFactory(worker=long_ago.worker, decided_on=today() - 4 * 365 * DAY)
    WorkerCreditEntryFactory(
        worker=commended.worker, kind="commendation", decided_on=today() - 30 * DAY
    )
    WorkerCreditEntryFactory(worker=noted.worker, kind="note", decided_on=today() - 30 * DAY)

    services.worker_directory_refresh(province=_province("440000"), on=today())

    classes = {
        e.worker_id: (e.risk_class, e.risk_reasons) for e in selectors.worker_entries_open("440000")
    }
    assert classes == {
        clean.worker_id: ("B", []),
        once.worker_id: ("C", ["violation"]),
        twice.worker_id: ("D", ["repeated_violations"]),
        long_ago.worker_id: ("B", []),  # older than 3 years
        commended.worker_id: ("A", ["commendation"]),
        noted.worker_id: ("B", []),  # a note never counts
    }
    # A new violation raises the class at the next refresh.
    WorkerCreditEntryFactory(worker=clean.worker, decided_on=today())
    counts = services.worker_directory_refresh(province=_province("440000"), on=today())
    assert counts == {"entered": 0, "exited": 0, "updated": 1, "members": 6}
    assert WorkerSubjectEntry.objects.get(worker=clean.worker).risk_class == "C"


# Eligibility, entries and exits ----------------------------------------------------------------


@pytest.mark.django_db
def test_eligibility_by_permit_validity_and_province(authorities):
    valid = WorkPermitFactory()
    WorkPermitFactory(valid_to=today() - DAY)  # ended yesterday
    WorkPermitFactory(valid_from=today() + DAY)  # not yet valid
    WorkPermitFactory(status="cancelled")
    WorkPermitFactory(status="revoked")
    WorkPermitFactory(status="expired")
    last_day = WorkPermitFactory(valid_from=today() - 30 * DAY, valid_to=today())  # both days count
    guangzhou = WorkPermitFactory(employer=OrganisationFactory(region=_province("440106")))
    hangzhou = WorkPermitFactory(employer=OrganisationFactory(region=_province("330106")))
    # Two valid permits in the province: the entry names the employer of the latest.
    earlier = WorkPermitFactory(valid_from=today() - 700 * DAY)
    latest = WorkPermitFactory(worker=earlier.worker, valid_from=today() - 10 * DAY)

    counts = services.subject_directory_refresh(province=_province("440000"), on=today())

    assert counts["workers"] == {"entered": 4, "exited": 0, "updated": 0, "members": 4}
    assert _open_entries("440000") == {
        valid.worker_id: valid.employer_id,
        last_day.worker_id: last_day.employer_id,
        guangzhou.worker_id: guangzhou.employer_id,
        earlier.worker_id: latest.employer_id,
    }
    services.subject_directory_refresh(province=_province("330000"), on=today())
    assert _open_entries("330000") == {hangzhou.worker_id: hangzhou.employer_id}


@pytest.mark.django_db
def test_entries_and_exits_over_time(authorities):
    guangdong = _province("440000")
    start = today() - 300 * DAY
    permit = WorkPermitFactory(valid_from=start, valid_to=start + 99 * DAY)
    worker = permit.worker

    assert services.subject_directory_refresh(province=guangdong, on=start)["workers"] == {
        "entered": 1,
        "exited": 0,
        "updated": 0,
        "members": 1,
    }
    # A new permit with another employer in the province: the same period goes on with it.
    moved_on = start + 50 * DAY
    new_employer = OrganisationFactory()
    WorkPermitFactory(
        worker=worker, employer=new_employer, valid_from=moved_on, valid_to=start + 99 * DAY
    )
    assert services.worker_directory_refresh(province=guangdong, on=moved_on)["updated"] == 1
    entry = WorkerSubjectEntry.objects.get(worker=worker)
    assert (entry.employer, entry.entered_on, entry.exited_on) == (new_employer, start, None)

    # Every permit has ended: the worker exits, the row stays.
    ended_on = start + 100 * DAY
    assert services.worker_directory_refresh(province=guangdong, on=ended_on)["exited"] == 1
    entry.refresh_from_db()
    assert entry.exited_on == ended_on and "no longer eligible" in entry.exit_reason
    assert services.worker_directory_refresh(province=guangdong, on=ended_on + DAY) == {
        "entered": 0,
        "exited": 0,
        "updated": 0,
        "members": 0,
    }

    # A new permit later: a new period, the old one kept.
    back_on = start + 200 * DAY
    WorkPermitFactory(worker=worker, valid_from=back_on, valid_to=back_on + 365 * DAY)
    assert services.worker_directory_refresh(province=guangdong, on=back_on)["entered"] == 1
    rows = WorkerSubjectEntry.objects.filter(worker=worker).order_by("entered_on")
    assert [(r.entered_on, r.exited_on) for r in rows] == [(start, ended_on), (back_on, None)]

    # Audited with counts only: no worker named.
    audit = AuditEntry.objects.filter(action="inspections.worker_directory.refreshed")
    assert audit.count() == 5
    for entry in audit:
        assert worker.personal_code not in str(entry.data) and worker.surname not in str(entry.data)


@pytest.mark.django_db
def test_the_refresh_reads_the_directory_in_a_fixed_number_of_queries(
    authorities, django_assert_max_num_queries
):
    """Bulk reads and writes: the number of queries does not grow with the workers."""
    for _ in range(30):
        WorkerCreditEntryFactory(worker=WorkPermitFactory().worker, decided_on=today() - DAY)
    with django_assert_max_num_queries(12):
        counts = services.worker_directory_refresh(province=_province("440000"), on=today())
    assert counts["entered"] == 30


# The joint inspection ----------------------------------------------------------------------


def _office(authorities, items, worker_item, *, plan_items=None):
    """A made draw of Guangdong's plan (with the worker item unless `plan_items` says
    otherwise): one inspection of an employer with two workers in the directory, one of an
    employer without; the workers' directory refreshed before the tasks open."""
    employer = OrganisationFactory(name="深圳市联合抽查对象科技有限公司")
    first = WorkPermitFactory(employer=employer)
    second = WorkPermitFactory(employer=employer)
    WorkPermitFactory(employer=employer, valid_to=today() - DAY)  # not in the directory
    elsewhere = WorkPermitFactory()  # another employer, not drawn
    services.worker_directory_refresh(province=_province("440000"), on=today())
    plan_items = plan_items or [items["permits"], items["guangdong"], worker_item]
    plan = make_plan(authorities["guangdong"], plan_items, {"B": "25"})
    draw_row = DrawFactory(plan=plan)
    team = [
        InspectorFactory(
            authority=authorities["shenzhen"], items=[items["permits"], items["guangdong"]]
        )
        for _ in range(3)
    ]
    inspection = DrawnInspectionFactory(
        draw=draw_row,
        organisation=employer,
        items=[items["permits"], items["guangdong"]],
        inspectors=team[:2],
    )
    other = DrawnInspectionFactory(draw=draw_row, items=[items["permits"]], inspectors=team[2:])
    services.inspection_tasks_open(draw_row=draw_row)
    return {
        "employer": employer,
        "workers": [first.worker, second.worker],
        "elsewhere": elsewhere.worker,
        "draw": draw_row,
        "result": InspectionResult.objects.get(inspection=inspection),
        "other_result": InspectionResult.objects.get(inspection=other),
        "inspector": team[0].user,
        "reviewer": StaffMembershipFactory(
            authority=authorities["guangdong"], role="reviewer"
        ).user,
    }


@pytest.mark.django_db
def test_the_task_lists_the_employers_workers_in_the_directory(authorities, items, worker_item):
    office = _office(authorities, items, worker_item)

    listed = {r.worker for r in office["result"].worker_records.all()}
    assert listed == set(office["workers"])
    assert not office["other_result"].worker_records.exists()
    assert not WorkerInspectionRecord.objects.filter(worker=office["elsewhere"]).exists()
    # The worker item is covered by the same visit: the employer's items are not changed.
    assert {r.item.code for r in office["result"].item_records.all()} == {"GJ-01", "44-01"}
    entry = AuditEntry.objects.get(action="inspections.task.workers_listed")
    assert entry.data == {"tasks": 1, "workers": 2}


@pytest.mark.django_db
def test_without_items_for_workers_the_task_lists_none(authorities, items, worker_item):
    office = _office(authorities, items, worker_item, plan_items=[items["permits"]])
    assert not WorkerInspectionRecord.objects.exists()
    assert not office["result"].worker_records.exists()


def _record_form(result, workers: dict) -> dict:
    data = {
        "inspected_on": (today() - 10 * DAY).isoformat(),
        "place": "深圳市南山区科技园路1号",
        "participants": "检查人员2名；单位人事经理王某",
        "outcome": "compliant",
        "severity": "",
    }
    for record in result.item_records.all():
        data[f"item-{record.pk}-compliant"] = "yes"
    for record in result.worker_records.all():
        compliant, findings = workers.get(record.worker_id, ("", ""))
        data[f"worker-{record.pk}-compliant"] = compliant
        data[f"worker-{record.pk}-findings"] = findings
    return data


@pytest.mark.django_db
def test_worker_findings_go_to_the_personal_credit_file_on_approval_and_not_before(
    client, authorities, items, worker_item
):
    office = _office(authorities, items, worker_item)
    result, (failing, complying) = office["result"], office["workers"]
    url = f"/admin/inspections/results/{result.pk}/record/"
    client.force_login(office["inspector"])

    form = client.get(url, **EN)
    assert form.status_code == 200
    page = form.content.decode()
    assert failing.personal_code in page and complying.personal_code in page
    assert failing.passport_number not in page

    # Every worker must be answered before the result goes for review.
    incomplete = _record_form(result, {failing.pk: ("no", FINDING)})
    assert client.post(url, {**incomplete, "save": "1"}, **EN).status_code == 302
    refused = client.post(url, {**incomplete, "submit": "1"}, **EN)
    assert refused.status_code == 400
    assert "Answer for every foreign worker whether they comply." in refused.content.decode()
    undescribed = _record_form(result, {failing.pk: ("no", ""), complying.pk: ("yes", "")})
    refused = client.post(url, {**undescribed, "submit": "1"}, **EN)
    assert refused.status_code == 400
    complete = _record_form(result, {failing.pk: ("no", FINDING), complying.pk: ("yes", "")})
    assert client.post(url, {**complete, "submit": "1"}, **EN).status_code == 302
    result.refresh_from_db()
    assert result.status == InspectionResult.Status.SUBMITTED
    saved = AuditEntry.objects.filter(action="inspections.result.workers_saved")
    assert saved.exists() and all(FINDING not in str(entry.data) for entry in saved)

    # Submitted, not approved: nothing in any credit file.
    assert not WorkerCreditEntry.objects.exists()

    client.force_login(office["reviewer"])
    detail = client.get(f"/admin/inspections/results/{result.pk}/", **EN).content.decode()
    assert 'id="worker-records"' in detail and FINDING in detail
    response = client.post(f"/admin/inspections/results/{result.pk}/action/approve/", **EN)
    assert response.status_code == 302

    entry = WorkerCreditEntry.objects.get()
    assert entry.worker == failing
    assert (entry.kind, entry.facts) == ("violation", FINDING)
    assert entry.decided_on == today() - 10 * DAY and entry.authority == result.authority
    assert office["employer"].name in entry.title
    assert WorkerInspectionRecord.objects.get(worker=failing).credit_entry == entry
    # Never a public credit event: the employer's result says nothing of the worker.
    result.refresh_from_db()
    assert result.credit_event.outcome == "compliant"
    assert not CreditEvent.objects.filter(facts__contains="Wkrfindingmarker").exists()
    filed = AuditEntry.objects.get(action="inspections.result.worker_findings_filed")
    assert filed.data == {"worker_records": [WorkerInspectionRecord.objects.get(worker=failing).pk]}
    detail = client.get(f"/admin/inspections/results/{result.pk}/", **EN).content.decode()
    assert "violation filed" in detail

    # The directory takes the inspection and the violation in at its next refresh.
    services.worker_directory_refresh(province=_province("440000"), on=today())
    entries = {e.worker_id: e for e in selectors.worker_entries_open("440000")}
    assert entries[failing.pk].risk_class == "C"
    assert entries[failing.pk].last_inspected_on == today() - 10 * DAY
    assert entries[complying.pk].risk_class == "B"
    assert entries[complying.pk].last_inspected_on == today() - 10 * DAY


@pytest.mark.django_db
def test_a_subject_not_found_files_nothing_for_its_workers(authorities, items, worker_item):
    office = _office(authorities, items, worker_item)
    result = office["result"]
    services.inspection_result_save(
        result=result,
        actor=office["inspector"],
        inspected_on=today() - 10 * DAY,
        place="深圳市南山区科技园路1号",
        participants="检查人员2名",
        outcome="not_located",
        severity="ordinary",
    )
    services.inspection_result_submit(result=result, actor=office["inspector"])
    services.inspection_result_approve(result=result, actor=office["reviewer"])
    assert not WorkerCreditEntry.objects.exists()


@pytest.mark.django_db
def test_only_the_team_and_case_roles_see_the_workers_of_an_inspection(
    client, authorities, items, worker_item
):
    office = _office(authorities, items, worker_item)
    result = office["result"]
    code = office["workers"][0].personal_code
    url = f"/admin/inspections/results/{result.pk}/"
    for user in (
        office["inspector"],
        office["reviewer"],
        _staff(authorities["shenzhen"], "officer"),
    ):
        client.force_login(user)
        assert code in client.get(url, **EN).content.decode()
    # An editor of the authority sees the result, not the workers.
    client.force_login(_staff(authorities["guangdong"], "editor"))
    page = client.get(url, **EN)
    assert page.status_code == 200
    assert code not in page.content.decode() and 'id="worker-records"' not in page.content.decode()
    # Nobody else enters their findings.
    with pytest.raises(PermissionDenied):
        services.inspection_worker_findings_save(
            result=result,
            actor=office["reviewer"],
            worker_records={result.worker_records.first().pk: {"compliant": True}},
        )


# The worker directory in the admin: read only, by staff scope ---------------------------------


@pytest.fixture
def directory(authorities):
    """Workers of a Shenzhen, a Guangzhou and a Hangzhou employer, in their directories."""
    permits = {
        "shenzhen": WorkPermitFactory(),
        "guangzhou": WorkPermitFactory(employer=OrganisationFactory(region=_province("440106"))),
        "zhejiang": WorkPermitFactory(employer=OrganisationFactory(region=_province("330106"))),
    }
    for province in ("440000", "330000"):
        services.subject_directory_refresh(province=_province(province), on=today())
    return {
        name: (permit.worker, WorkerSubjectEntry.objects.get(worker=permit.worker))
        for name, permit in permits.items()
    }


@pytest.mark.django_db
def test_the_worker_directory_keeps_to_the_staff_scope(client, authorities, directory):
    codes = {name: worker.personal_code for name, (worker, _entry) in directory.items()}

    client.force_login(_staff(authorities["guangdong"], "officer"))
    listing = client.get(WORKERS, **EN)
    assert listing.status_code == 200
    page = listing.content.decode()
    assert codes["shenzhen"] in page and codes["guangzhou"] in page
    assert codes["zhejiang"] not in page
    for worker, _entry in directory.values():  # the code, never the name or the passport
        assert worker.passport_number not in page and worker.surname not in page
    _worker, entry = directory["shenzhen"]
    inspect = client.get(f"{WORKERS}inspect/{entry.pk}/", **EN)
    assert inspect.status_code == 200
    assert codes["shenzhen"] in inspect.content.decode()
    assert _worker.passport_number not in inspect.content.decode()
    assert client.get(f"{WORKERS}?q={codes['guangzhou']}", **EN).status_code == 200

    client.force_login(_staff(authorities["shenzhen"], "inspector"))
    page = client.get(WORKERS, **EN).content.decode()
    assert codes["shenzhen"] in page and codes["guangzhou"] not in page

    # Out of scope: another province's staff, or an editor of the province, find nothing.
    outside = directory["zhejiang"][1]
    client.force_login(_staff(authorities["guangdong"], "reviewer"))
    assert client.get(f"{WORKERS}inspect/{outside.pk}/", **EN).status_code == 404
    assert client.get(f"{WORKERS}history/{outside.pk}/", **EN).status_code == 404
    client.force_login(_staff(authorities["guangdong"], "editor"))
    assert client.get(f"{WORKERS}inspect/{entry.pk}/", **EN).status_code == 404
    refused = client.get(WORKERS, **EN)
    assert refused.status_code in (302, 403)
    assert codes["shenzhen"] not in refused.content.decode()


@pytest.mark.django_db
def test_the_worker_directory_is_read_only_and_exports_nothing(client, authorities, directory):
    _worker, entry = directory["shenzhen"]
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    for url in (f"{WORKERS}edit/{entry.pk}/", f"{WORKERS}add/", f"{WORKERS}delete/{entry.pk}/"):
        response = client.post(url, {"risk_class": "A"}, **EN)
        assert response.status_code in (302, 403, 404), url
    entry.refresh_from_db()
    assert entry.risk_class == "B"
    assert WorkerSubjectEntry.objects.filter(pk=entry.pk).exists()
    # No export columns: an export address gives no worker data.
    for export_format in ("csv", "xlsx"):
        export = client.get(f"{WORKERS}?export={export_format}", **EN)
        body = b"".join(export.streaming_content) if export.streaming else export.content
        for worker, _entry in directory.values():
            for value in (worker.personal_code, worker.passport_number, worker.surname):
                assert value.encode() not in body, (export_format, value)


# Privacy: a worker in the directory, in a drawn inspection, with a finding: nothing public -----


def _seed_marked_worker(employer):
    """The worker of the records' leak test (same markers), with a permit valid today."""
    worker = records_services.foreign_worker_create(
        surname=SURNAME,
        given_names=GIVEN_NAMES,
        chinese_name=CHINESE_NAME,
        nationality="gbr",
        passport_number=PASSPORT,
        birth_date=datetime.date(1988, 7, 14),
    )
    records_services.work_permit_create(
        worker=worker,
        employer=employer,
        permit_number=PERMIT,
        valid_from=today() - 365 * DAY,
        valid_to=today() + 365 * DAY,
    )
    records_services.worker_credit_entry_create(
        worker=worker, kind="violation", title=ENTRY_TITLE, decided_on=today() - 30 * DAY
    )
    return worker


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.django_db
def test_a_worker_inspected_with_a_finding_appears_in_nothing_public(
    client,
    authorities,
    items,
    worker_item,
    search_index,
    index_now,
    django_capture_on_commit_callbacks,
):
    employer = OrganisationFactory(name="深圳市隐私联合抽查科技有限公司")
    worker = _seed_marked_worker(employer)
    services.subject_directory_refresh(province=_province("440000"), on=today())
    assert WorkerSubjectEntry.objects.get(worker=worker).risk_class == "C"
    team = [InspectorFactory(authority=authorities["shenzhen"], items=[items["permits"]])]
    team.append(InspectorFactory(authority=authorities["shenzhen"], items=[items["permits"]]))
    plan = make_plan(authorities["guangdong"], [items["permits"], worker_item], {"B": "100"})

    # The real draw, through the services: the employer is drawn, its worker listed.
    draw_row = services.draw_reveal(draw_row=services.draw_commit(plan=plan, on=today()))
    inspection = DrawnInspection.objects.get(draw=draw_row, organisation=employer)
    result = InspectionResult.objects.get(inspection=inspection)
    worker_record = result.worker_records.get()
    assert worker_record.worker == worker
    inspector = inspection.inspectors.first().user
    enter(result, inspector)  # GJ-01 fails, with a public finding about the employer
    services.inspection_worker_findings_save(
        result=result,
        actor=inspector,
        worker_records={worker_record.pk: {"compliant": False, "findings": FINDING}},
    )
    InspectionResult.objects.filter(pk=result.pk).update(inspected_on=today())
    services.inspection_result_submit(result=result, actor=inspector)
    reviewer = StaffMembershipFactory(authority=authorities["guangdong"], role="reviewer").user
    services.inspection_result_approve(result=result, actor=reviewer)
    assert WorkerCreditEntry.objects.filter(worker=worker, facts=FINDING).exists()
    InspectionResult.objects.filter(pk=result.pk).update(
        notice_sent_on=today() - 8 * DAY, window_ends_on=today() - DAY
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.inspection_results_publish(on=today()).results == [result.pk]
    notice = InspectionResultNoticePage.objects.get()
    notice.get_latest_revision().publish()
    notice.refresh_from_db()
    employer.refresh_from_db()
    index_now(employer)

    secret = [*markers(worker), FINDING, "Wkrfindingmarker"]
    statistics = f"/inspections/statistics/{plan.year}/"
    index_page = notice.get_parent().url
    urls = [
        "/inspections/draws/",
        f"/inspections/draws/{draw_row.pk}/",
        *(f"/inspections/draws/{draw_row.pk}/files/{f.name}" for f in draw_row.files.all()),
        "/inspections/statistics/",
        statistics,
        *(f"{statistics}{table}.csv" for table in ("strata", "regions", "recusals")),
        notice.url,
        index_page,
        f"{index_page}json/",
        f"{index_page}rss/",
        "/search/?q=隐私联合抽查",
        "/api/organisations?q=隐私联合抽查",
        f"/organisations/{employer.uscc}/",
        f"/api/organisations/{employer.uscc}",
    ]
    for language in ("en", "zh-hans"):
        for url in urls:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, url
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8")
            for marker in secret:
                assert marker not in text, (marker, url, language)
        pdf = client.get(f"/organisations/{employer.uscc}/report.pdf?lang={language}")
        assert pdf.status_code == 200
        text = _pdf_text(pdf.content)
        for marker in secret:
            assert marker not in text and marker not in "".join(text.split()), marker
    # The pages were real: the employer, its drawn inspection and its published finding show.
    assert employer.uscc in client.get(f"/inspections/draws/{draw_row.pk}/files/result.json").text
    assert "1名外国人未办理工作许可即在岗工作。" in client.get(notice.url).content.decode()
    found = client.get("/api/organisations?q=隐私联合抽查").json()
    assert [row["uscc"] for row in found["results"]] == [employer.uscc]

    # Nor in the public index.
    documents = get_client().search(index=alias_name(), query={"match_all": {}}, size=100)
    dumped = json.dumps([hit["_source"] for hit in documents["hits"]["hits"]], ensure_ascii=False)
    assert employer.uscc in dumped
    for marker in secret:
        assert marker not in dumped, marker
