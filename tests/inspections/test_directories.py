"""The subject directory (eligibility, risk class, entries and exits) and the inspector
directory (validation, exits, availability, export), with the audit trail."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from portal.core.models import AuditEntry, Region
from portal.inspections import selectors, services
from portal.inspections.models import SubjectEntry
from portal.inspections.risk import RiskInputs, risk_class_for
from portal.records.services import credit_event_create
from tests.factories import OrganisationFactory, RegionFactory, UserFactory
from tests.inspections.factories import AvailabilityFactory, ConflictFactory, InspectorFactory

ON = datetime.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        (RiskInputs("D", 0, 0), ("D", ["rating_d"])),
        (RiskInputs("A", 2, 0), ("D", ["repeated_findings"])),
        (RiskInputs("C", 0, 0), ("C", ["rating_c"])),
        (RiskInputs("B", 1, 0), ("C", ["finding"])),
        (RiskInputs("B", 0, 3), ("C", ["complaints"])),
        (RiskInputs("A", 0, 0), ("A", ["rating_a"])),
        (RiskInputs("A", 0, 1), ("B", [])),
        (RiskInputs("B", 0, 2), ("B", [])),
    ],
)
def test_risk_rule(inputs, expected):
    assert risk_class_for(inputs) == expected


def _finding(organisation, decided_on, outcome="non_compliant", reference="INS-1"):
    return credit_event_create(
        organisation=organisation,
        kind="inspection_result",
        reference=reference,
        title="双随机抽查",
        origin="draw",
        outcome=outcome,
        severity="ordinary" if outcome != "compliant" else "",
        decided_on=decided_on,
        published_on=decided_on,
    )


@pytest.mark.django_db
def test_subject_directory_entries_exits_and_risk(authorities):
    guangdong = Region.objects.get(code="440000")
    plain = OrganisationFactory()
    found_twice = OrganisationFactory()
    _finding(found_twice, datetime.date(2025, 5, 1), reference="INS-1")
    _finding(found_twice, datetime.date(2025, 9, 1), reference="INS-2")
    revoked = OrganisationFactory(registration_status="revoked")
    elsewhere = OrganisationFactory(region=RegionFactory(code="330106", name="西湖区"))

    counts = services.subject_directory_refresh(province=guangdong, on=ON)

    assert counts == {
        "entered": 2,
        "exited": 0,
        "updated": 0,
        "members": 2,
        "workers": {"entered": 0, "exited": 0, "updated": 0, "members": 0},
    }
    entries = {e.organisation_id: e for e in selectors.subject_entries_open("440000")}
    assert set(entries) == {plain.pk, found_twice.pk}
    assert revoked.pk not in entries and elsewhere.pk not in entries
    assert entries[plain.pk].risk_class == "B"
    assert entries[found_twice.pk].risk_class == "D"
    assert entries[found_twice.pk].last_inspected_on == datetime.date(2025, 9, 1)
    assert selectors.subject_directory_counts("440000") == {"A": 0, "B": 1, "C": 0, "D": 1}

    # The organisation stops operating: its entry is closed, not deleted; it comes back: a new row.
    plain.registration_status = "deregistered"
    plain.save()
    later = datetime.date(2026, 4, 1)
    assert services.subject_directory_refresh(province=guangdong, on=later)["exited"] == 1
    closed = SubjectEntry.objects.get(organisation=plain)
    assert closed.exited_on == later and "no longer eligible" in closed.exit_reason
    plain.registration_status = "active"
    plain.save()
    services.subject_directory_refresh(province=guangdong, on=datetime.date(2026, 5, 1))
    rows = SubjectEntry.objects.filter(organisation=plain).order_by("entered_on")
    assert [(r.entered_on, r.exited_on) for r in rows] == [
        (ON, later),
        (datetime.date(2026, 5, 1), None),
    ]
    audit = AuditEntry.objects.filter(action="inspections.subject_directory.refreshed")
    assert audit.count() == 3
    assert audit.first().data["entered"] == 1


@pytest.mark.django_db
def test_inspector_exit_keeps_the_row_and_a_return_is_a_new_entry(authorities, items):
    inspector = InspectorFactory(authority=authorities["shenzhen"], items=[items["permits"]])
    with pytest.raises(ValidationError):
        services.inspector_exit(inspector=inspector, on=ON, reason="  ")
    services.inspector_exit(inspector=inspector, on=ON, reason="调离执法岗位")
    inspector.refresh_from_db()
    assert inspector.exited_on == ON
    assert AuditEntry.objects.get(action="inspections.inspector.exited").data["reason"] == (
        "调离执法岗位"
    )
    with pytest.raises(ValidationError):
        services.inspector_exit(inspector=inspector, on=ON, reason="again")
    again = InspectorFactory(
        authority=authorities["shenzhen"],
        user=inspector.user,
        certificate_number=inspector.certificate_number,
        entered_on=datetime.date(2026, 6, 1),
    )
    assert again.pk != inspector.pk


@pytest.mark.django_db
def test_only_staff_can_be_inspectors(authorities):
    from portal.inspections.models import Inspector

    outsider = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.inspector_validate(
            Inspector(user=outsider, certificate_number="1", authority=authorities["shenzhen"])
        )
    assert "user" in error.value.message_dict


@pytest.mark.django_db
def test_available_inspectors_by_region_directory_and_period(authorities, items):
    shenzhen = InspectorFactory(authority=authorities["shenzhen"])
    provincial = InspectorFactory(authority=authorities["guangdong"])
    InspectorFactory(authority=authorities["zhejiang"])
    gone = InspectorFactory(authority=authorities["shenzhen"])
    services.inspector_exit(inspector=gone, on=datetime.date(2026, 1, 1), reason="退休")
    away = InspectorFactory(authority=authorities["shenzhen"])
    AvailabilityFactory(
        inspector=away, starts_on=datetime.date(2026, 6, 1), ends_on=datetime.date(2026, 12, 31)
    )
    AvailabilityFactory(inspector=provincial, starts_on=datetime.date(2026, 1, 1))

    available = set(selectors.inspectors_available("440000", on=ON))
    assert available == {shenzhen, provincial}
    assert away in set(selectors.inspectors_available("440000", on=datetime.date(2026, 7, 1)))


@pytest.mark.django_db
def test_inspector_directory_export_for_filing(client, authorities, items):
    organisation = OrganisationFactory()
    inspector = InspectorFactory(
        authority=authorities["shenzhen"], items=[items["permits"], items["agencies"]]
    )
    inspector.user.first_name, inspector.user.last_name = "伟", "李"
    inspector.user.save()
    ConflictFactory(inspector=inspector, organisation=organisation, reason="配偶在该单位任职")
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.get("/admin/snippets/inspections/inspector/?export=csv")

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    # The header row is in the admin's language, the default (Chinese) here.
    assert rows[0][0] == "执法证号"
    assert rows[1][0] == inspector.certificate_number
    assert "GJ-01 GJ-02" in rows[1]
    assert "440000" in rows[1]
    # Declared conflicts are private: not in the filing.
    assert organisation.uscc not in body and "配偶" not in body


@pytest.mark.django_db
def test_directory_admin_pages(client, authorities, items):
    services.subject_directory_refresh(province=Region.objects.get(code="440000"), on=ON)
    OrganisationFactory()
    inspector = InspectorFactory(authority=authorities["shenzhen"])
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    for url in (
        "/admin/snippets/inspections/inspector/",
        f"/admin/snippets/inspections/inspector/edit/{inspector.pk}/",
        "/admin/snippets/inspections/subjectentry/",
        "/admin/snippets/inspections/inspectionplan/",
        "/admin/snippets/inspections/draw/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_a_finding_no_longer_public_does_not_raise_the_risk_class(authorities):
    """The risk class is published with each draw: what left the record must not show in it."""
    old = OrganisationFactory()
    _finding(old, datetime.date(2024, 1, 10), reference="INS-OLD-1")
    _finding(old, datetime.date(2024, 2, 10), reference="INS-OLD-2")
    services.subject_directory_refresh(province=Region.objects.get(code="440000"), on=ON)
    entry = SubjectEntry.objects.get(organisation=old)
    assert (entry.risk_class, entry.risk_reasons) == ("B", [])
    assert entry.last_inspected_on == datetime.date(2024, 2, 10)


@pytest.mark.django_db
def test_the_subject_directory_and_draws_are_read_only_in_the_admin(client, authorities):
    services.subject_directory_refresh(province=Region.objects.get(code="440000"), on=ON)
    OrganisationFactory()
    services.subject_directory_refresh(province=Region.objects.get(code="440000"), on=ON)
    entry = SubjectEntry.objects.get()
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert (
        client.get(f"/admin/snippets/inspections/subjectentry/inspect/{entry.pk}/").status_code
        == 200
    )
    for url in (
        f"/admin/snippets/inspections/subjectentry/edit/{entry.pk}/",
        "/admin/snippets/inspections/subjectentry/add/",
        f"/admin/snippets/inspections/subjectentry/delete/{entry.pk}/",
        "/admin/snippets/inspections/draw/add/",
    ):
        response = client.post(url, {"risk_class": "A"})
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] == "/admin/", url
    entry.refresh_from_db()
    assert entry.risk_class == "B"
