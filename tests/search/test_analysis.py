"""How names are found: traditional characters, full-width forms, pinyin, initials, USCC spellings
and completion, against the live node."""

import pytest

from portal.records import services
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations(index_now):
    made = {
        "beijing": OrganisationFactory(
            name="北京星辰科技有限公司", name_en="Beijing Xingchen Technology Co., Ltd."
        ),
        "huawei": OrganisationFactory(name="深圳华为技术有限公司"),
        "chongqing": OrganisationFactory(name="重庆长安国际人才服务有限公司"),
        "shanghai": OrganisationFactory(name="上海浦江外服人力资源有限公司"),
    }
    index_now(*made.values())
    return made


def _found(client, text: str) -> list[str]:
    response = client.get("/api/organisations", {"q": text, "size": 100})
    assert response.status_code == 200, response.content
    return [hit["uscc"] for hit in response.json()["results"]]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("星辰科技", "beijing"),
        ("深圳華為", "huawei"),  # traditional characters
        ("ＢＥＩＪＩＮＧ　ＸＩＮＧＣＨＥＮ", "beijing"),  # full-width Latin and space
        ("beijing keji", "beijing"),  # full pinyin with a space
        ("beijingxingchen", "beijing"),  # full pinyin run together
        ("BJKJ", "beijing"),  # initials, upper case
        ("bjxc", "beijing"),
        ("chongqing", "chongqing"),  # 重庆 read chong, not zhong
        ("cqca", "chongqing"),
        ("xingchen technology", "beijing"),  # English name
        ("shanghai pujiang", "shanghai"),
    ],
)
def test_finds(client, organisations, text, key):
    assert _found(client, text)[:1] == [organisations[key].uscc]


@pytest.mark.parametrize("text", ["shanghai keji", "bjrl", "zzzz", "beijing pujiang"])
def test_does_not_find_names_that_lack_part_of_the_query(client, organisations, text):
    assert organisations["beijing"].uscc not in _found(client, text)


def test_every_character_must_appear_in_one_name(client, organisations):
    # 北京 is in one name and 华为 in another: neither matches the whole query.
    assert _found(client, "北京华为") == []


def test_uscc_in_every_spelling(client, organisations):
    code = organisations["shanghai"].uscc
    full_width = code.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    for spelling in (code, code.lower(), f"{code[:6]}-{code[6:12]}-{code[12:]}", full_width):
        assert _found(client, spelling) == [code], spelling


@pytest.mark.parametrize(
    ("prefix", "key"),
    [("北京星", "beijing"), ("beijingx", "beijing"), ("bjxc", "beijing"), ("重庆长", "chongqing")],
)
def test_suggestions_complete_names_pinyin_and_initials(client, organisations, prefix, key):
    response = client.get("/api/suggest", {"q": prefix})
    assert response.status_code == 200
    assert organisations[key].uscc in [hit["uscc"] for hit in response.json()]


def test_suggestions_for_nothing_are_empty_and_long_input_is_refused(client, organisations):
    assert client.get("/api/suggest", {"q": ""}).json() == []
    assert client.get("/api/suggest", {"q": "x" * 500}).status_code == 400


def test_no_results_offer_near_names_and_how_to_widen(client, organisations):
    page = client.get("/search/", {"q": "星辰科学"}).content.decode()  # 学 is not in the name
    assert "0" in page
    assert organisations["beijing"].uscc in page  # offered as a similar name
    filtered = client.get("/search/", {"q": "星辰科学", "kind": "agency"}).content.decode()
    assert "?q=%E6%98%9F%E8%BE%B0%E7%A7%91%E5%AD%A6" in filtered  # search again without filters


def test_a_former_name_finds_the_organisation_and_shows_on_its_record(client, index_now):
    organisation = OrganisationFactory(name="北京京华星创科技有限公司")
    services.organisation_update(organisation=organisation, name="北京新名字信息技术有限公司")
    index_now(organisation)

    assert _found(client, "京华星创") == [organisation.uscc]
    page = client.get("/search/", {"q": "京华星创"}).content.decode()
    assert "北京京华星创科技有限公司" in page  # shown as the former name
    record = client.get(f"/organisations/{organisation.uscc}/").content.decode()
    assert "北京京华星创科技有限公司" in record
    assert organisation.former_names.get().used_until is not None
