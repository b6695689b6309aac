"""Commit and reveal of a draw through the services, the public verification page and its
files, `manage.py draw_verify`, the audit trail and what the public files do not contain."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.core.models import AuditEntry, Region
from portal.inspections import draw, services
from portal.inspections.models import Draw, DrawnInspection
from tests.factories import OrganisationFactory
from tests.inspections.factories import ConflictFactory, InspectorFactory, make_plan

ON = datetime.date(2026, 3, 1)


@pytest.fixture
def office(authorities, items):
    """40 employers in Guangdong's directory, 6 inspectors (one with a conflict), a plan."""
    organisations = [OrganisationFactory() for _ in range(40)]
    services.subject_directory_refresh(province=Region.objects.get(code="440000"), on=ON)
    inspectors = [
        InspectorFactory(
            authority=authorities["shenzhen" if n % 2 else "guangdong"],
            items=[items["permits"], items["guangdong"], items["agencies"]],
        )
        for n in range(6)
    ]
    ConflictFactory(inspector=inspectors[0], organisation=organisations[0])
    plan = make_plan(
        authorities["guangdong"],
        [items["permits"], items["guangdong"]],
        {"B": "25"},
    )
    return {"organisations": organisations, "inspectors": inspectors, "plan": plan}


def _files(client, draw_row) -> dict[str, bytes]:
    files = {}
    for name in ("commitment.json", "snapshot.json", "parameters.json", "seed.txt", "result.json"):
        response = client.get(f"/inspections/draws/{draw_row.pk}/files/{name}")
        assert response.status_code == 200, name
        files[name] = response.content
    return files


@pytest.mark.django_db
def test_commit_then_reveal_then_anyone_verifies(client, office, tmp_path):
    draw_row = services.draw_commit(plan=office["plan"], on=ON)

    # Committed: the commitment and the frozen inputs are public, the seed is not.
    assert draw_row.status == Draw.Status.COMMITTED
    page = client.get(f"/inspections/draws/{draw_row.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert draw_row.commitment_sha256 in html and draw_row.seed_sha256 in html
    assert draw_row.seed_hex not in html
    assert client.get(f"/inspections/draws/{draw_row.pk}/files/seed.txt").status_code == 404
    assert client.get(f"/inspections/draws/{draw_row.pk}/files/result.json").status_code == 404
    commitment = json.loads(
        client.get(f"/inspections/draws/{draw_row.pk}/files/commitment.json").content
    )
    assert commitment["seed_sha256"] == draw_row.seed_sha256
    assert commitment["parameters"]["strata"] == {"B": 2500}

    draw_row = services.draw_reveal(draw_row=draw_row)

    assert draw_row.status == Draw.Status.DRAWN
    inspections = list(DrawnInspection.objects.filter(draw=draw_row).prefetch_related("inspectors"))
    assert len(inspections) == 10  # 25% of 40
    conflicted = office["organisations"][0]
    for inspection in inspections:
        team = list(inspection.inspectors.all())
        assert len(team) == 2
        if inspection.organisation_id == conflicted.pk:
            assert office["inspectors"][0] not in team
    assert {i.code for i in inspections[0].items.all()} == {"GJ-01", "44-01"}

    files = _files(client, draw_row)
    assert files["seed.txt"].decode().strip() == draw_row.seed_hex
    verification = draw.verify(
        commitment_bytes=files["commitment.json"],
        snapshot_bytes=files["snapshot.json"],
        parameters_bytes=files["parameters.json"],
        seed_hex=files["seed.txt"].decode(),
        result_bytes_published=files["result.json"],
    )
    assert verification.ok

    # The command re-runs it from the downloaded files, and catches a changed result.
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    out = io.StringIO()
    call_command("draw_verify", str(tmp_path), stdout=out)
    # manage.py speaks the default language (Chinese).
    assert "抽取验证通过：结果一致。" in out.getvalue()
    result = json.loads(files["result.json"])
    result["inspections"][0][0], result["inspections"][1][0] = (
        result["inspections"][1][0],
        result["inspections"][0][0],
    )
    (tmp_path / "result.json").write_bytes(draw.canonical_json(result))
    with pytest.raises(CommandError):
        call_command("draw_verify", str(tmp_path), stdout=io.StringIO())

    # The page shows the seed and the result now.
    html = client.get(f"/inspections/draws/{draw_row.pk}/").content.decode()
    assert draw_row.seed_hex in html
    assert inspections[0].organisation.uscc in html

    actions = list(
        AuditEntry.objects.filter(object_type="inspections.draw").values_list("action", flat=True)
    )
    assert sorted(actions) == ["inspections.draw.committed", "inspections.draw.drawn"]
    with pytest.raises(ValidationError):
        services.draw_reveal(draw_row=draw_row)


@pytest.mark.django_db
def test_published_files_name_no_person(client, office):
    draw_row = services.draw_reveal(draw_row=services.draw_commit(plan=office["plan"], on=ON))
    published = b"".join(_files(client, draw_row).values()).decode()
    published += client.get(f"/inspections/draws/{draw_row.pk}/").content.decode()
    for inspector in office["inspectors"]:
        assert inspector.certificate_number not in published
        assert inspector.user.username not in published
    assert "配偶" not in published  # the reason of a declared conflict
    codes = json.loads(_files(client, draw_row)["snapshot.json"])["inspectors"]
    assert len(codes) == 6 and all(code.startswith("I") and len(code) == 11 for code, *_ in codes)


@pytest.mark.django_db
def test_the_last_inspectors_are_recused_next_time(office):
    office["plan"].strata.update(ratio=100)  # every subject, both times
    first = services.draw_reveal(draw_row=services.draw_commit(plan=office["plan"], on=ON))
    teams = {
        inspection.organisation_id: set(inspection.inspectors.all())
        for inspection in DrawnInspection.objects.filter(draw=first)
    }
    second = services.draw_reveal(draw_row=services.draw_commit(plan=office["plan"], on=ON))
    repeated = 0
    for inspection in DrawnInspection.objects.filter(draw=second):
        if inspection.organisation_id in teams:
            repeated += 1
            assert not set(inspection.inspectors.all()) & teams[inspection.organisation_id]
    snapshot = json.loads(bytes(second.files.get(name="snapshot.json").content))
    assert sum(1 for row in snapshot["subjects"] if row[4]) == len(teams) == 40
    assert repeated == 40
    assert (
        json.loads(bytes(second.files.get(name="result.json").content))["recusals"][
            "last_inspection"
        ]
        > 0
    )


@pytest.mark.django_db
def test_a_draw_without_enough_inspectors_changes_nothing(authorities, items):
    OrganisationFactory()
    services.subject_directory_refresh(province=Region.objects.get(code="440000"), on=ON)
    InspectorFactory(authority=authorities["guangdong"], items=[items["permits"]])
    plan = make_plan(authorities["guangdong"], [items["permits"]], {"B": "5"})
    draw_row = services.draw_commit(plan=plan, on=ON)
    with pytest.raises(ValidationError) as error:
        services.draw_reveal(draw_row=draw_row)
    assert "too few eligible inspectors" in str(error.value)
    draw_row.refresh_from_db()
    assert draw_row.status == Draw.Status.COMMITTED
    assert not draw_row.files.filter(name="result.json").exists()


@pytest.mark.django_db
def test_bad_addresses_and_files_get_4xx(client, office):
    draw_row = services.draw_commit(plan=office["plan"], on=ON)
    assert client.get("/inspections/draws/999999/").status_code == 404
    assert client.get(f"/inspections/draws/{draw_row.pk}/files/../secret").status_code == 404
    assert client.get(f"/inspections/draws/{draw_row.pk}/files/other.json").status_code == 404
    assert client.get("/inspections/draws/abc/").status_code == 404
    listing = client.get("/inspections/draws/")
    assert listing.status_code == 200 and office["plan"].title in listing.content.decode()
    assert client.get("/inspections/draws/?page=zzz").status_code == 200


def test_draw_verify_refuses_missing_files(tmp_path):
    (tmp_path / "commitment.json").write_text("{}")
    with pytest.raises(CommandError, match="缺少文件：snapshot.json, parameters.json, seed.txt"):
        call_command("draw_verify", str(tmp_path), stdout=io.StringIO())


@pytest.mark.django_db
def test_admin_commits_and_makes_a_draw(client, office):
    from tests.factories import UserFactory

    plan = office["plan"]
    outsider = UserFactory(username="officer-without-permission")
    client.force_login(outsider)
    # A plan outside the user's scope (here: no role at all) is not found.
    refused = client.post(f"/admin/inspections/plans/{plan.pk}/commit-draw/", {"on": "2026-03-01"})
    assert refused.status_code == 404
    assert not Draw.objects.exists()

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    listing = client.get("/admin/snippets/inspections/inspectionplan/").content.decode()
    assert f"/admin/inspections/plans/{plan.pk}/commit-draw/" in listing
    assert client.get(f"/admin/inspections/plans/{plan.pk}/commit-draw/").status_code == 200
    bad = client.post(f"/admin/inspections/plans/{plan.pk}/commit-draw/", {"on": "not a date"})
    assert bad.status_code == 400 and not Draw.objects.exists()

    response = client.post(f"/admin/inspections/plans/{plan.pk}/commit-draw/", {"on": "2026-03-01"})
    assert response.status_code == 302
    draw_row = Draw.objects.get()
    assert draw_row.on == ON and draw_row.status == Draw.Status.COMMITTED
    assert AuditEntry.objects.get(action="inspections.draw.committed").actor == admin
    assert client.get(response["Location"]).status_code == 200

    response = client.post(f"/admin/inspections/draws/{draw_row.pk}/reveal/")
    assert response.status_code == 302
    draw_row.refresh_from_db()
    assert draw_row.status == Draw.Status.DRAWN
    assert AuditEntry.objects.get(action="inspections.draw.drawn").actor == admin
    again = client.post(f"/admin/inspections/draws/{draw_row.pk}/reveal/")
    assert again.status_code == 400
    assert "本次抽取已完成。" in again.content.decode()
    assert client.post("/admin/inspections/draws/999999/reveal/").status_code == 404
