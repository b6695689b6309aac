"""Demo data: organisations that look like real registrations, reproducible from a seed."""

import re
from itertools import islice

import pytest
from django.core.management import call_command
from stdnum.cn import uscc as stdnum_uscc

from portal.core.models import Authority, Region
from portal.core.regions import package_divisions, region_rows
from portal.records import demo, uscc
from portal.records.models import Organisation

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
