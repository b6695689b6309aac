"""The public authority index with its region browser, and each authority's page, in both
languages."""

import pytest
from django.conf import settings

from portal.core.models import (
    Authority,
    AuthorityDepartment,
    AuthorityExclusion,
    AuthorityPhone,
    AuthorityPower,
    AuthorityRule,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def shenzhen(authorities) -> Authority:
    authority = authorities["shenzhen"]
    authority.name_en = "Shenzhen Municipal Human Resources and Social Security Bureau"
    authority.organisation = "设外国人来华工作管理科、执法监督科。"
    authority.languages = ["zh-hans", "en", "ja"]
    authority.save()
    AuthorityPower.objects.create(
        authority=authority,
        kind="licensing",
        item="外国人来华工作许可",
        item_en="Work permits for foreigners in China",
        legal_basis="《中华人民共和国出境入境管理法》第四十一条",
        legal_basis_en="Exit and Entry Administration Law, article 41",
    )
    AuthorityPhone.objects.create(
        authority=authority, label="外国人工作许可咨询", label_en="", number="0755-88121234"
    )
    AuthorityExclusion.objects.create(
        authority=authority,
        matter="劳动报酬、社会保险等劳动争议",
        matter_en="Labour disputes over pay or social insurance",
        refer_to="当地劳动人事争议仲裁委员会",
        refer_to_en="the local labour dispute arbitration committee",
    )
    AuthorityDepartment.objects.create(
        authority=authority, name="执法监督科", duties="受理投诉举报。", phone="0755-1"
    )
    AuthorityRule.objects.create(
        authority=authority, title="外国人在中国就业管理规定", number="劳部发〔1996〕29号"
    )
    return authority


def test_the_index_browses_national_provinces_and_prefectures(client, authorities):
    response = client.get("/authorities/")

    assert response.status_code == 200
    text = response.text
    assert "国家外国专家局" in text
    assert "广东省人力资源和社会保障厅" in text and "浙江省人力资源和社会保障厅" in text
    assert "深圳市人力资源和社会保障局" in text and "杭州市人力资源和社会保障局" in text
    assert 'href="/authorities/440300/"' in text
    assert 'href="/authorities/national/"' in text
    assert "0755-12333" in text


def test_the_index_filters_by_province(client, authorities):
    response = client.get("/authorities/", {"province": "440000"})

    assert response.status_code == 200
    assert "深圳市人力资源和社会保障局" in response.text
    assert "广州市人力资源和社会保障局" in response.text
    assert "杭州市人力资源和社会保障局" not in response.text
    assert 'name="robots" content="noindex"' in response.text


@pytest.mark.parametrize(
    "value", ["guangdong", "4400", "440300", "990000", "'; drop table", "４４００００", "x" * 5000]
)
def test_a_bad_province_is_a_400_with_a_message(client, authorities, value):
    response = client.get("/authorities/", {"province": value})

    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert "国家外国专家局" in response.text  # the browser is still there


def test_the_index_in_english_shows_english_names(english, authorities):
    authorities[
        "guangdong"
    ].name_en = "Human Resources and Social Security Department of Guangdong Province"
    authorities["guangdong"].save()

    response = english.get("/authorities/")

    assert response.status_code == 200
    assert "Authorities" in response.text
    assert "Human Resources and Social Security Department of Guangdong Province" in response.text


def test_an_authority_page_shows_everything_the_policy_asks_for(client, shenzhen):
    response = client.get("/authorities/440300/")

    assert response.status_code == 200
    text = response.text
    for expected in (
        "深圳市人力资源和社会保障局",
        "广东省人力资源和社会保障厅",  # the parent
        "0755-12333",
        "外国人工作许可咨询",
        "0755-88121234",
        "深圳市福田区福中三路市民中心",
        "周一至周五 9:00—12:00，14:00—17:30",
        "日本語",
        "外国人来华工作许可",
        "《中华人民共和国出境入境管理法》第四十一条",
        "设外国人来华工作管理科、执法监督科。",
        "执法监督科",
        "劳部发〔1996〕29号",
        "劳动报酬、社会保险等劳动争议",
        "当地劳动人事争议仲裁委员会",
        "440300",  # jurisdiction
    ):
        assert expected in text, expected
    assert 'lang="zh-Hans"' not in text.split("<main", 1)[1]  # no fallback marks in Chinese


def test_an_authority_page_in_english_falls_back_to_chinese_with_a_note(english, shenzhen):
    response = english.get("/authorities/440300/")

    assert response.status_code == 200
    text = response.text
    assert "Shenzhen Municipal Human Resources and Social Security Bureau" in text
    assert "Work permits for foreigners in China" in text
    assert "Exit and Entry Administration Law, article 41" in text
    assert "Monday to Friday, 9:00–12:00 and 14:00–17:30" in text
    assert "the local labour dispute arbitration committee" in text
    assert "Powers and responsibilities" in text
    # The phone label and the department have no English: shown in Chinese, marked, with a note.
    assert '<span lang="zh-Hans">外国人工作许可咨询</span>' in text
    assert '<span lang="zh-Hans">执法监督科</span>' in text
    assert "has not been translated into English yet" in text


def test_the_national_page_lists_the_provinces(client, authorities):
    response = client.get("/authorities/national/")

    assert response.status_code == 200
    assert "国家外国专家局" in response.text
    assert 'href="/authorities/440000/"' in response.text
    assert 'href="/authorities/330000/"' in response.text


def test_a_county_leads_to_the_authority_responsible_for_it(client, authorities):
    response = client.get("/authorities/440305/")  # 南山区

    assert response.status_code == 302
    assert response.url == "/authorities/440300/"


@pytest.mark.parametrize(
    "path", ["/authorities/999999/", "/authorities/abc/", "/authorities/44030/"]
)
def test_an_unknown_authority_is_a_404(client, authorities, path):
    assert client.get(path).status_code == 404


def test_an_authority_that_is_not_live_is_not_public(client, authorities):
    authorities["hangzhou"].live = False
    authorities["hangzhou"].save()

    page = client.get("/authorities/330100/")

    assert page.status_code == 302  # to the live authority responsible for the place
    assert page.url == "/authorities/330000/"
    assert "杭州市人力资源和社会保障局" not in client.get("/authorities/").text


def test_the_footer_include_names_the_national_complaint_phone(client, authorities):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from portal.core.context_processors import responsible_authority

    request = RequestFactory().get("/")
    html = render_to_string(
        "authorities/_footer_contact.html", responsible_authority(request), request=request
    )

    assert "国家外国专家局" in html
    assert "010-12333" in html
