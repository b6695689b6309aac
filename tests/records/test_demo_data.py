"""Demo data: organisations that look like real registrations, reproducible from a seed."""

import datetime
import re
from itertools import islice

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import translation
from stdnum.cn import uscc as stdnum_uscc

from portal.core.models import Authority, Region
from portal.core.regions import package_divisions, region_rows
from portal.records import credit, demo, uscc
from portal.records.models import CreditEvent, Organisation, OrganisationStatement, WorkPermit
from tests.factories import ForeignWorkerFactory

SAMPLE = 3000


@pytest.fixture(scope="module")
def regions():
    return [
        (row.code, row.name, row.level, row.parent_code) for row in region_rows(package_divisions())
    ]


@pytest.fixture(scope="module")
def places(regions):
    return demo.place_table(regions)


@pytest.fixture(scope="module")
def sample(places):
    return list(islice(demo.organisations_generate(seed=2017, places=places), SAMPLE))


def _take(places, seed, count=500):
    return [
        (row.uscc, row.name)
        for row in islice(demo.organisations_generate(seed=seed, places=places), count)
    ]


# Word lists and places ------------------------------------------------------------------------


def test_trade_names_are_two_to_four_han_characters_without_industry_words():
    names = demo.trade_names()

    assert len(names) > 100_000
    assert list(names) == sorted(set(names))
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", name) for name in names)
    for odd in ("盈和科技", "吉顺物流", "胜达集团", "阿阿", "〇野里", "阿坝旅游"):
        assert odd not in names


def test_industries_and_legal_forms_come_from_the_word_lists():
    assert len(demo.employer_industries()) >= 60
    assert [form for form, _ in demo.company_forms()] == [
        "有限公司",
        "有限责任公司",
        "股份有限公司",
    ]


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("深圳市", "深圳"),
        ("广东省", "广东"),
        ("广西壮族自治区", "广西"),
        ("新疆维吾尔自治区", "新疆"),
        ("延边朝鲜族自治州", "延边"),
        ("博尔塔拉蒙古自治州", "博尔塔拉"),
        ("白沙黎族自治县", "白沙"),
        ("兴安盟", "兴安"),
        ("大兴安岭地区", "大兴安岭"),
        ("南山区", "南山"),
        ("忠县", "忠县"),
    ],
)
def test_place_short_names(name, short):
    assert demo.place_short_name(name) == short


def test_pinyin_of_place_names():
    assert demo.pinyin_name("西安") == "Xi'an"
    assert demo.place_english_name("610000", "陕西省") == "Shaanxi"
    assert demo.place_english_name("440300", "深圳市") == "Shenzhen"


def test_places_are_county_level_regions_with_big_cities_weighted_higher(places, regions):
    codes = {place.code for place in places.places}
    levels = {code: level for code, _, level, _ in regions}

    assert all(
        levels[code] == Region.Level.COUNTY
        for code in codes - {"441900", "442000", "460400", "620200"}
    )
    assert {"441900", "110105", "440305"} <= codes  # 东莞市, 朝阳区, 南山区
    assert not any(code[:2] in ("71", "81", "82") for code in codes)


# Generated organisations ----------------------------------------------------------------------


def test_every_code_is_valid_unique_and_embeds_its_organisation_code_check(sample):
    codes = [row.uscc for row in sample]

    assert len(set(codes)) == len(codes)
    for code in codes:
        assert uscc.validate(code) == code
        assert code[16] == uscc.organisation_code_check_character(code[8:16])
        if code[0].isdigit():
            assert stdnum_uscc.is_valid(code), code
    assert {code[:2] for code in codes} >= {"91", "92", "52", "Y1"}
    assert any(code[8:10] == "MA" for code in codes)
    assert any(code[8:16].isdigit() for code in codes)


def test_codes_carry_the_region_of_the_organisation(sample):
    for row in sample:
        assert uscc.region_code(row.uscc) == row.region_code


def test_names_start_with_a_place_and_end_with_a_legal_form(sample, places):
    by_code = {place.code: place for place in places.places}

    for row in sample:
        place = by_code[row.region_code]
        assert row.name.endswith(demo.NAME_ENDINGS), row.name
        assert any(
            row.name.startswith(short) or f"（{short}）" in row.name for short in place.short_names
        ), row.name
        assert row.address.startswith(place.full_name)
    assert len({row.name for row in sample}) == len(sample)


def test_company_names_read_place_trade_industry_form(sample):
    companies = [row for row in sample if row.uscc.startswith("91") and "（" not in row.name]
    pattern = re.compile(r"^[\u4e00-\u9fff]+(有限公司|有限责任公司|股份有限公司)$")

    assert len(companies) > SAMPLE * 0.8
    assert all(pattern.match(row.name) for row in companies)
    assert not any(row.name.endswith("科技") for row in companies)


def test_some_names_have_an_english_form(sample):
    english = [row.name_en for row in sample if row.name_en]

    assert SAMPLE * 0.2 < len(english) < SAMPLE * 0.6
    assert all(re.fullmatch(r"[A-Za-zü' (),.-]+", name) for name in english), english[:5]
    assert any(name.endswith(" Co., Ltd.") for name in english)


def test_agencies_have_a_licence_and_agency_industry(sample):
    agencies = [row for row in sample if row.kind == Organisation.Kind.AGENCY]
    employers = [row for row in sample if row.kind == Organisation.Kind.EMPLOYER]
    agency_words = tuple(industry.word for industry in demo.AGENCY_INDUSTRIES)

    assert 0.05 * SAMPLE < len(agencies) < 0.11 * SAMPLE
    assert all("人服证字" in row.agency_licence_number for row in agencies)
    assert all(any(word in row.name for word in agency_words) for row in agencies)
    assert not any(row.agency_licence_number for row in employers)


def test_other_fields_look_like_licence_data(sample):
    statuses = [row.registration_status for row in sample]
    staff = sorted(row.foreign_staff_count for row in sample)

    assert statuses.count(Organisation.RegistrationStatus.ACTIVE) > 0.85 * SAMPLE
    assert set(statuses) == set(Organisation.RegistrationStatus.values)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", row.legal_representative) for row in sample)
    assert all(row.industry in demo.SECTIONS.values() for row in sample)
    assert staff[len(staff) // 2] <= 2 < staff[-1]  # skewed: small median, long tail
    assert staff[0] == 0


def test_the_same_seed_gives_the_same_data(places):
    assert _take(places, seed=7) == _take(places, seed=7)


def test_a_different_seed_gives_different_data(places):
    first, second = _take(places, seed=7), _take(places, seed=8)

    assert sum(a != b for a, b in zip(first, second, strict=True)) > 0.95 * len(first)


def test_a_larger_size_starts_with_the_smaller_one(places):
    assert _take(places, seed=7, count=800)[:300] == _take(places, seed=7, count=300)


def test_organisation_codes_are_a_bijection_of_the_counter():
    keys = (1, 2, 3, 4)
    digits = {demo.organisation_code_body(n, prefix="", keys=keys) for n in range(20000)}
    letters = {demo.organisation_code_body(n, prefix="MA", keys=keys) for n in range(20000)}

    assert len(digits) == len(letters) == 20000
    assert all(len(code) == 8 and code.isdigit() for code in digits)
    assert all(code.startswith("MA") and set(code) <= set(uscc.ALPHABET) for code in letters)


# Authorities ----------------------------------------------------------------------------------


def test_authority_rows_name_and_phone(regions):
    rows = {row.region_code: row for row in demo.authority_rows(seed=1, regions=regions)}

    assert rows[None].name == "国家外国专家局"
    assert rows["440000"].name == "广东省人力资源和社会保障厅"
    assert rows["440000"].name_en == (
        "Human Resources and Social Security Department of Guangdong Province"
    )
    assert rows["110000"].name == "北京市人力资源和社会保障局"
    assert rows["450000"].name == "广西壮族自治区人力资源和社会保障厅"
    assert rows["440300"].name == "深圳市人力资源和社会保障局"
    assert rows["440300"].name_en == "Shenzhen Municipal Human Resources and Social Security Bureau"
    assert rows["440300"].complaint_phone == "0755-12333"
    assert rows["440000"].complaint_phone == "020-12333"
    assert rows["110000"].complaint_phone == "010-12333"
    assert rows["440300"].address.startswith("广东省深圳市")
    assert demo.authority_rows(seed=1, regions=regions) == demo.authority_rows(
        seed=1, regions=regions
    )


# Loading into the database --------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_data_load_inserts_organisations_and_authorities():
    summary = demo.demo_data_load(organisations=600, seed=11, batch_size=250)

    assert summary.organisations_created == Organisation.objects.count() == 600
    assert summary.agencies_created == Organisation.objects.filter(kind="agency").count()
    assert summary.authorities_created == Authority.objects.count()
    for code in Organisation.objects.values_list("uscc", flat=True):
        assert uscc.is_valid(code)


@pytest.mark.django_db
def test_one_authority_per_province_and_prefecture_with_correct_parents():
    demo.demo_data_load(organisations=0, seed=11)

    national = Authority.objects.get(level=Authority.Level.NATIONAL)
    provincial = Authority.objects.filter(level=Authority.Level.PROVINCIAL)
    prefectural = Authority.objects.filter(level=Authority.Level.PREFECTURAL)
    assert national.region is None and national.parent is None
    assert provincial.count() == 31  # mainland provinces, regions and municipalities
    assert prefectural.count() == Region.objects.filter(level=Region.Level.PREFECTURE).count()
    assert all(authority.parent_id == national.pk for authority in provincial)
    for authority in prefectural.select_related("parent", "region"):
        assert authority.parent.region_id == authority.region.parent_id
        assert authority.parent.level == Authority.Level.PROVINCIAL


@pytest.mark.django_db
def test_authorities_are_created_once():
    demo.demo_data_load(organisations=0, seed=11)
    count = Authority.objects.count()

    again = demo.demo_data_load(organisations=0, seed=12)

    assert again.authorities_created == 0
    assert Authority.objects.count() == count


@pytest.mark.django_db
def test_loading_again_with_the_same_seed_adds_new_organisations():
    demo.demo_data_load(organisations=300, seed=5, batch_size=100)
    first = set(Organisation.objects.values_list("uscc", flat=True))

    summary = demo.demo_data_load(organisations=300, seed=5, batch_size=100)

    assert summary.organisations_created == 300
    assert summary.skipped_existing == 300
    assert Organisation.objects.count() == 600
    assert first < set(Organisation.objects.values_list("uscc", flat=True))


@pytest.mark.django_db
def test_the_database_gets_exactly_the_generated_rows(places):
    demo.demo_data_load(organisations=200, seed=3)

    stored = list(Organisation.objects.order_by("id").values_list("uscc", "name", "region_id"))
    generated = [
        (row.uscc, row.name, row.region_code)
        for row in islice(demo.organisations_generate(seed=3, places=places), 200)
    ]
    assert stored == generated


# The command ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_loads_and_prints_a_summary_and_the_index_hint(capsys):
    call_command("load_demo_data", organisations=120, seed=9, verbosity=0)

    out = capsys.readouterr().out
    assert Organisation.objects.count() == 120
    assert "120 organisations" in out
    assert "search_index rebuild" in out


@pytest.mark.django_db
def test_the_command_with_if_empty_does_nothing_when_organisations_exist(capsys):
    call_command("load_demo_data", organisations=50, seed=9, verbosity=0)
    names = list(Organisation.objects.values_list("name", flat=True))

    call_command("load_demo_data", organisations=50, seed=10, if_empty=True, verbosity=0)

    assert list(Organisation.objects.values_list("name", flat=True)) == names
    assert "no demo data loaded" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_command_with_clear_replaces_the_organisations():
    call_command("load_demo_data", organisations=50, seed=9, verbosity=0)

    call_command("load_demo_data", organisations=30, seed=9, clear=True, verbosity=0)

    assert Organisation.objects.count() == 30


@pytest.mark.django_db
def test_the_command_with_clear_deletes_nothing_while_other_records_name_an_organisation():
    call_command("load_demo_data", organisations=20, seed=9, verbosity=0)
    employer = Organisation.objects.order_by("pk").first()
    WorkPermit.objects.create(
        worker=ForeignWorkerFactory(),
        employer=employer,
        permit_number="P-CLEAR-1",
        valid_from=datetime.date(2026, 1, 1),
        valid_to=datetime.date(2027, 1, 1),
    )
    events = CreditEvent.objects.count()

    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("load_demo_data", organisations=30, seed=9, clear=True, verbosity=0)

    assert "Nothing was deleted: these organisations are still named by 1 work permit." in str(
        refused.value
    )
    assert Organisation.objects.count() == 20
    assert CreditEvent.objects.count() == events


# Credit events --------------------------------------------------------------------------------

EVENT_TODAY = datetime.date(2026, 6, 15)
EVENT_FIELDS = (
    "organisation__uscc",
    "reference",
    "kind",
    "severity",
    "title",
    "facts",
    "legal_basis",
    "decision_number",
    "penalty",
    "authority_id",
    "decided_on",
    "origin",
    "outcome",
    "list_kind",
    "starts_on",
    "scheduled_end_on",
    "removed_on",
    "published_on",
    "repair_possible_from",
    "public_until",
    "repaired_on",
)


@pytest.fixture
def loaded_with_events(db):
    return demo.demo_data_load(organisations=2000, seed=2017, batch_size=700, today=EVENT_TODAY)


def test_some_organisations_get_events_of_every_kind(loaded_with_events):
    counts = loaded_with_events.events
    kinds = dict(
        CreditEvent.objects.values_list("kind").annotate(count=Count("id")).order_by("kind")
    )

    assert kinds == {
        "commendation": counts.commendations,
        "inspection_result": counts.inspection_results,
        "list_entry": counts.list_entries,
        "penalty": counts.penalties,
    }
    assert 200 < counts.inspection_results < 400  # about 15 %
    assert 40 < counts.penalties < 130  # about 4 %
    assert counts.commendations > 0 and counts.list_entries > 0
    assert counts.statements == OrganisationStatement.objects.count() > 0
    assert set(CreditEvent.objects.values_list("outcome", flat=True)) >= {
        "compliant",
        "non_compliant",
    }
    assert set(CreditEvent.objects.filter(kind="penalty").values_list("severity", flat=True)) == {
        "ordinary",
        "serious",
    }
    assert set(
        CreditEvent.objects.filter(kind="list_entry").values_list("list_kind", flat=True)
    ) == {"warning"}


def test_events_look_like_real_decisions(loaded_with_events):
    penalties = CreditEvent.objects.filter(kind="penalty")

    for event in penalties:
        assert re.fullmatch(r"[\u4e00-\u9fff]人社罚〔20\d\d〕\d+号", event.decision_number)
        assert str(event.decided_on.year) in event.decision_number
        assert event.legal_basis.startswith("《") and event.facts and event.penalty
    assert penalties.values("decision_number").distinct().count() == penalties.count()
    assert CreditEvent.objects.filter(authority__isnull=True).count() == 0
    shenzhen = CreditEvent.objects.filter(
        kind="penalty", organisation__region__parent_id="440300"
    ).first()
    if shenzhen is not None:
        assert shenzhen.decision_number.startswith("深人社罚")
        assert shenzhen.authority.region_id == "440300"


def test_events_reach_back_three_years_some_public_some_not(loaded_with_events):
    events = list(CreditEvent.objects.all())
    public = [event for event in events if credit.is_public(event, EVENT_TODAY)]

    assert min(event.published_on for event in events) < EVENT_TODAY - datetime.timedelta(
        days=3 * 365
    )
    assert max(event.published_on for event in events) <= EVENT_TODAY
    assert 0 < len(public) < len(events)
    negative = [event for event in events if event.is_negative]
    assert any(credit.is_public(event, EVENT_TODAY) for event in negative)
    assert any(not credit.is_public(event, EVENT_TODAY) for event in negative)


def test_a_sample_of_events_passes_full_clean(loaded_with_events):
    events = list(CreditEvent.objects.order_by("?")[:50])
    events += list(CreditEvent.objects.filter(kind__in=["penalty", "list_entry", "commendation"]))

    for event in events:
        event.full_clean()
    for statement in OrganisationStatement.objects.all()[:50]:
        statement.full_clean()
        assert statement.event.kind == "penalty"
        assert statement.received_on >= statement.event.decided_on


def test_stored_clock_fields_are_what_the_clock_gives(loaded_with_events):
    for event in CreditEvent.objects.all():
        clock = credit.clock_for(
            kind=event.kind,
            severity=event.severity,
            outcome=event.outcome,
            published_on=event.published_on,
            in_force_until=credit.list_entry_in_force_until(
                scheduled_end_on=event.scheduled_end_on, removed_on=event.removed_on
            ),
        )
        assert (event.repair_possible_from, event.public_until) == (
            clock.repair_possible_from,
            clock.public_until,
        ), event.reference


def test_references_are_unique_per_organisation(loaded_with_events):
    references = list(CreditEvent.objects.values_list("organisation_id", "reference"))

    assert len(set(references)) == len(references)
    assert all(reference.startswith("DEMO-2017-") for _, reference in references)


def test_stored_ratings_are_what_the_rating_gives_today(loaded_with_events):
    with_events = set(CreditEvent.objects.values_list("organisation_id", flat=True))
    sample = list(Organisation.objects.filter(pk__in=with_events)) + list(
        Organisation.objects.exclude(pk__in=with_events)[:100]
    )

    for organisation in sample:
        expected = credit.rating_for(organisation.credit_events.all(), EVENT_TODAY)
        assert organisation.credit_rating == expected, organisation.uscc
        assert organisation.rating_updated_at is not None
    ratings = set(Organisation.objects.values_list("credit_rating", flat=True))
    assert ratings >= {"A", "B", "C", "D"}


def _events_snapshot():
    return list(CreditEvent.objects.order_by("reference").values_list(*EVENT_FIELDS)), list(
        OrganisationStatement.objects.order_by("event__reference").values_list(
            "event__reference", "text", "received_on", "published_on"
        )
    )


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_events():
    demo.demo_data_load(organisations=800, seed=21, batch_size=300, today=EVENT_TODAY)
    first = _events_snapshot()
    ratings = list(Organisation.objects.order_by("uscc").values_list("uscc", "credit_rating"))
    demo.demo_data_clear()

    demo.demo_data_load(organisations=800, seed=21, batch_size=500, today=EVENT_TODAY)

    assert first[0] and _events_snapshot() == first
    assert list(Organisation.objects.order_by("uscc").values_list("uscc", "credit_rating")) == (
        ratings
    )


@pytest.mark.django_db
def test_events_do_not_change_the_organisations(places):
    demo.demo_data_load(organisations=300, seed=3, today=EVENT_TODAY)

    stored = list(Organisation.objects.order_by("id").values_list("uscc", "name"))
    generated = [
        (row.uscc, row.name)
        for row in islice(demo.organisations_generate(seed=3, places=places), 300)
    ]
    assert stored == generated


@pytest.mark.django_db
def test_loading_again_adds_events_only_for_new_organisations():
    demo.demo_data_load(organisations=400, seed=5, batch_size=150, today=EVENT_TODAY)
    count = CreditEvent.objects.count()

    summary = demo.demo_data_load(organisations=400, seed=5, batch_size=150, today=EVENT_TODAY)

    assert CreditEvent.objects.count() == count + summary.events.events
    references = list(CreditEvent.objects.values_list("organisation_id", "reference"))
    assert len(set(references)) == len(references)


@pytest.mark.django_db
def test_without_events_every_organisation_is_rated_b():
    summary = demo.demo_data_load(organisations=300, seed=5, events=False)

    assert summary.events.events == 0
    assert not CreditEvent.objects.exists()
    assert set(Organisation.objects.values_list("credit_rating", flat=True)) == {"B"}


@pytest.mark.django_db
def test_the_command_counts_events_and_can_leave_them_out(capsys):
    call_command("load_demo_data", organisations=400, seed=9, verbosity=0)
    out = capsys.readouterr().out
    assert re.search(r"\d+ credit events \(\d+ inspection results, \d+ penalties", out)
    assert CreditEvent.objects.exists()

    call_command("load_demo_data", organisations=50, seed=9, clear=True, events=False, verbosity=0)

    assert "0 credit events" in capsys.readouterr().out
    assert Organisation.objects.count() == 50
    assert not CreditEvent.objects.exists()
