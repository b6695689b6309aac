"""Services of the credit records: validation, audit entries, the stored clock and the rating."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models.signals import post_save

from portal.core.models import AuditEntry, Authority, Region
from portal.records import selectors, services
from portal.records.models import CreditEvent, Organisation
from tests.clock import today
from tests.factories import CreditEventFactory, OrganisationFactory, RegionFactory

pytestmark = pytest.mark.django_db


def actions(obj) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).values_list("action", flat=True)[::-1]
    )


@pytest.fixture
def authority():
    return Authority.objects.create(
        name="深圳市人力资源和社会保障局",
        level=Authority.Level.PREFECTURAL,
        region=Region.objects.get(code="440300"),
    )


def penalty(organisation, *, published_on=None, severity="ordinary", **fields):
    return services.credit_event_create(
        organisation=organisation,
        kind="penalty",
        severity=severity,
        reference=fields.pop("reference", "PEN-1"),
        title="未按规定办理外国人工作许可",
        decision_number="深人社罚〔2024〕1号",
        published_on=published_on or today(),
        **fields,
    )


def test_organisation_create_validates_and_audits(django_user_model):
    officer = django_user_model.objects.create_user("officer")
    region = RegionFactory()
    code = OrganisationFactory.build().uscc
    organisation = services.organisation_create(
        actor=officer, uscc=code, kind="employer", name="深圳市测试科技有限公司", region=region
    )
    assert organisation.credit_rating == "B"
    entry = AuditEntry.objects.get(action="records.organisation.created")
    assert entry.actor == officer and entry.object_id == str(organisation.pk)
    with pytest.raises(ValidationError):
        services.organisation_create(
            uscc=code[:-1] + ("0" if code[-1] != "0" else "1"),
            kind="employer",
            name="x",
            region=region,
        )


def test_organisation_update_audits_changes_and_skips_no_change():
    organisation = OrganisationFactory()
    changes = services.organisation_update(organisation=organisation, name="新名称有限公司")
    assert changes == {"name": [changes["name"][0], "新名称有限公司"]}
    assert services.organisation_update(organisation=organisation, name="新名称有限公司") == {}
    assert actions(organisation) == ["records.organisation.updated"]
    with pytest.raises(TypeError):
        services.organisation_update(organisation=organisation, uscc="x")


def test_credit_event_create_stores_the_clock_audits_and_rates(authority):
    organisation = OrganisationFactory()
    event = penalty(organisation, published_on=date(2024, 3, 1), authority=authority)
    assert event.repair_possible_from == date(2024, 6, 1)
    assert event.public_until == date(2025, 2, 28)
    assert actions(event) == ["records.credit_event.created"]
    organisation.refresh_from_db()
    # Published in 2024: long out of its window today, so it does not count any more.
    assert organisation.credit_rating == "B"
    recent = penalty(organisation, reference="PEN-2", severity="serious")
    organisation.refresh_from_db()
    assert organisation.credit_rating == "D"
    assert organisation.rating_updated_at is not None
    assert "records.organisation.rating_changed" in actions(organisation)
    assert recent.is_public(today())


def test_event_changes_save_the_organisation_so_the_index_follows():
    """The contract with search/sync.py: a changed event saves its Organisation."""
    organisation = OrganisationFactory()
    saved = []

    def receiver(sender, instance, **kwargs):
        saved.append(instance.pk)

    post_save.connect(receiver, sender=Organisation, dispatch_uid="test-contract")
    try:
        event = penalty(organisation)
        services.credit_event_update(event=event, facts="新的事实")
        statement = services.statement_receive(event=event, text="我们已整改", received_on=today())
        services.statement_publish(statement=statement)
    finally:
        post_save.disconnect(dispatch_uid="test-contract", sender=Organisation)
    assert saved == [organisation.pk] * 3


def test_credit_event_validation_per_kind():
    organisation = OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        services.credit_event_create(
            organisation=organisation,
            kind="penalty",
            reference="X",
            title="t",
            published_on=today(),
        )
    assert {"severity", "decision_number"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        services.credit_event_create(
            organisation=organisation,
            kind="inspection_result",
            reference="Y",
            title="t",
            published_on=today(),
        )
    assert {"outcome", "origin"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        services.credit_event_create(
            organisation=organisation,
            kind="commendation",
            severity="serious",
            reference="Z",
            title="t",
            published_on=today(),
        )
    assert "severity" in error.value.message_dict
    assert not CreditEvent.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="records.credit_event").exists()


def test_reference_is_unique_per_organisation():
    organisation = OrganisationFactory()
    penalty(organisation)
    with pytest.raises(ValidationError):
        penalty(organisation)
    penalty(OrganisationFactory())  # the same reference elsewhere is fine


def test_credit_event_update_recomputes_the_clock_and_the_rating():
    organisation = OrganisationFactory()
    event = penalty(organisation)
    changes = services.credit_event_update(event=event, severity="serious")
    assert changes == {"severity": ["ordinary", "serious"]}
    event.refresh_from_db()
    assert event.repair_possible_from == services.credit.add_months(today(), 6)
    organisation.refresh_from_db()
    assert organisation.credit_rating == "D"
    assert services.credit_event_update(event=event, severity="serious") == {}
    assert actions(event) == ["records.credit_event.created", "records.credit_event.updated"]


def test_credit_repair_is_refused_before_the_minimum_period():
    organisation = OrganisationFactory()
    event = penalty(organisation, published_on=today() - timedelta(days=30))
    with pytest.raises(services.CreditRepairRefused, match="possible from"):
        services.credit_event_repair(event=event, reason="已整改")
    event.refresh_from_db()
    assert event.repaired_on is None
    assert "records.credit_event.repaired" not in actions(event)


def test_credit_repair_ends_public_display_and_restores_the_rating():
    organisation = OrganisationFactory()
    published = services.credit.add_months(today(), -4)
    event = penalty(organisation, published_on=published)
    organisation.refresh_from_db()
    assert organisation.credit_rating == "C"
    services.credit_event_repair(event=event, reason="已整改并完成信用修复培训")
    event.refresh_from_db()
    organisation.refresh_from_db()
    assert event.repaired_on == today()
    assert not event.is_public(today())
    assert organisation.credit_rating == "B"
    assert actions(event)[-1] == "records.credit_event.repaired"
    assert list(selectors.public_events(organisation)) == []
    assert list(selectors.credit_event_history(organisation)) == [event]
    with pytest.raises(services.CreditRepairRefused, match="already"):
        services.credit_event_repair(event=event, reason="again")


def test_positive_events_cannot_be_repaired():
    event = services.credit_event_create(
        organisation=OrganisationFactory(),
        kind="commendation",
        reference="C-1",
        title="守法诚信示范单位",
        published_on=services.credit.add_months(today(), -12),
    )
    with pytest.raises(services.CreditRepairRefused, match="negative"):
        services.credit_event_repair(event=event, reason="x")


def test_list_entry_remove_audits_and_changes_the_rating():
    organisation = OrganisationFactory()
    entry = services.credit_event_create(
        organisation=organisation,
        kind="list_entry",
        list_kind="restriction",
        reference="L-1",
        title="列入严重失信主体名单",
        published_on=today() - timedelta(days=10),
        starts_on=today() - timedelta(days=10),
    )
    assert entry.severity == "serious"
    organisation.refresh_from_db()
    assert organisation.credit_rating == "D"
    services.list_entry_remove(event=entry, removed_on=today(), reason="整改完成，提前移出")
    organisation.refresh_from_db()
    assert organisation.credit_rating == "B"
    assert actions(entry)[-1] == "records.credit_event.list_removed"
    assert list(selectors.public_events(organisation)) == [entry]  # shown with its removal
    with pytest.raises(ValidationError):
        services.list_entry_remove(event=entry, removed_on=today(), reason="again")


def test_statements_are_public_once_published():
    organisation = OrganisationFactory()
    event = penalty(organisation)
    statement = services.statement_receive(event=event, text="我们已整改", received_on=today())
    assert list(selectors.statements_public()) == []
    services.statement_publish(statement=statement)
    assert list(selectors.statements_public()) == [statement]
    [shown] = selectors.public_events(organisation)
    assert shown.public_statements == [statement]
    assert actions(statement) == ["records.statement.received", "records.statement.published"]


def test_public_events_follow_the_clock():
    organisation = OrganisationFactory()
    event = CreditEventFactory(organisation=organisation, published_on=date(2024, 3, 1))
    CreditEventFactory(organisation=OrganisationFactory(), published_on=date(2024, 3, 1))
    assert list(selectors.public_events(organisation, on=date(2024, 2, 29))) == []
    assert list(selectors.public_events(organisation, on=date(2024, 3, 1))) == [event]
    assert list(selectors.public_events(organisation, on=date(2025, 2, 28))) == [event]
    assert list(selectors.public_events(organisation, on=date(2025, 3, 1))) == []


def test_refresh_credit_ratings_recomputes_when_time_passes(capsys):
    stale = OrganisationFactory()
    CreditEventFactory(organisation=stale, published_on=date(2024, 3, 1))
    Organisation.objects.filter(pk=stale.pk).update(credit_rating="C")
    fresh = OrganisationFactory()
    CreditEventFactory(organisation=fresh, published_on=today())
    Organisation.objects.filter(pk=fresh.pk).update(credit_rating="C")
    untouched = OrganisationFactory()
    call_command("refresh_credit_ratings")
    assert capsys.readouterr().out.strip() == (
        f"checked {Organisation.objects.count()}, rating changed 1, public events changed 1"
    )
    stale.refresh_from_db()
    fresh.refresh_from_db()
    untouched.refresh_from_db()
    assert stale.credit_rating == "B"
    assert untouched.rating_updated_at is None  # not written
    assert fresh.credit_rating == "C"


def test_refresh_on_a_given_date():
    organisation = OrganisationFactory()
    CreditEventFactory(organisation=organisation, published_on=date(2024, 3, 1))
    counts = services.ratings_refresh_all(on=date(2024, 3, 1))
    organisation.refresh_from_db()
    assert counts.changed == 1 and organisation.credit_rating == "C"
    counts = services.ratings_refresh_all(on=date(2025, 3, 1))
    organisation.refresh_from_db()
    assert counts.changed == 1 and organisation.credit_rating == "B"
