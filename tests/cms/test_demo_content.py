"""`load_demo_content` on top of `load_demo_data`: items, news, cases and notices in both
languages, naming demo organisations; a second run adds nothing."""

import pytest
from django.core.management import call_command

from cms.models import InspectionResultNoticePage, NewsPage, TypicalCasePage
from portal.inspections.models import InspectionItem, InspectionItemChange
from portal.records.models import Organisation

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "items": InspectionItem.objects.count(),
        "changes": InspectionItemChange.objects.count(),
        "news": NewsPage.objects.count(),
        "cases": TypicalCasePage.objects.count(),
        "notices": InspectionResultNoticePage.objects.count(),
    }


def test_demo_content_builds_a_bilingual_site_once(client):
    call_command("load_demo_data", organisations=300, seed=2017, verbosity=0)
    call_command("load_demo_content", verbosity=0)
    first = _counts()

    # The national list and provincial additions, published with their history.
    assert InspectionItem.objects.filter(authority__level="national", live=True).count() == 10
    assert InspectionItem.objects.filter(authority__level="provincial").count() == 4
    assert first["changes"] == first["items"]
    assert InspectionItem.objects.get(code="GJ-07").name == "中介机构从事外国人来华工作中介服务情况"

    # Pages in Chinese, most with an English translation.
    for model, count in ((NewsPage, 5), (TypicalCasePage, 4), (InspectionResultNoticePage, 2)):
        chinese = model.objects.live().filter(locale__language_code="zh-hans")
        english = model.objects.live().filter(locale__language_code="en")
        assert chinese.count() == count
        assert 0 < english.count() < count
        assert set(english.values_list("translation_key", flat=True)) <= set(
            chinese.values_list("translation_key", flat=True)
        )

    # Cases and notices name real demo organisations, by USCC.
    case = TypicalCasePage.objects.filter(locale__language_code="zh-hans").first()
    assert Organisation.objects.filter(uscc=case.organisation.uscc).exists()
    assert case.organisation.name in case.title
    notice = InspectionResultNoticePage.objects.filter(locale__language_code="zh-hans").first()
    assert notice.results.count() >= 2
    assert {row.organisation.region_id[:2] for row in notice.results.all()} == {
        notice.region_id[:2]
    }

    # The public sees them, in both languages.
    assert client.get(case.url).status_code == 200
    record = client.get(f"/organisations/{case.organisation.uscc}/")
    assert case.title in record.text
    english_case = case.get_translations().first()
    assert english_case is not None
    assert client.get(english_case.url).status_code == 200
    items = client.get("/inspection-items/", {"province": "440000"})
    assert "粤港澳大湾区港澳企业聘用外国人情况" in items.text

    call_command("load_demo_content", verbosity=0)
    assert _counts() == first
