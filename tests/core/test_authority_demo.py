"""Demo authorities come with a full public profile, the same for the same seed."""

import time

import pytest

from portal.core.models import Authority, AuthorityPower
from portal.records import demo

pytestmark = pytest.mark.django_db


def test_demo_authorities_have_a_full_profile_and_load_fast(client):
    started = time.monotonic()
    demo.demo_data_load(organisations=0, seed=2017)
    seconds = time.monotonic() - started

    shenzhen = Authority.objects.get(region_id="440300")
    assert shenzhen.complaint_phone == "0755-12333"
    assert shenzhen.opening_hours.startswith("周一至周五")
    assert shenzhen.opening_hours_en.startswith("Monday to Friday")
    assert shenzhen.languages[:2] == ["zh-hans", "en"]
    assert shenzhen.powers.count() == 5
    assert shenzhen.powers.filter(kind="licensing", legal_basis__contains="第四十一条").exists()
    assert shenzhen.departments.count() == 3
    assert shenzhen.rules.filter(number="劳部发〔1996〕29号").exists()
    assert shenzhen.phones.first().number.startswith("0755-")
    assert shenzhen.exclusions.count() == 5
    assert Authority.objects.get(region_id="440000").powers.count() == 7
    assert AuthorityPower.objects.count() == 5 * Authority.objects.count() + 1 + 2 * 31
    assert seconds < 60  # a sanity bound, not a benchmark: it takes about a second
    page = client.get("/authorities/440300/")
    assert page.status_code == 200
    assert "《中华人民共和国行政许可法》第六十九条、第七十九条" in page.text


def test_demo_profiles_are_reproducible_from_the_seed():
    regions = demo.active_region_rows()

    first = demo.authority_rows(seed=7, regions=regions)
    second = demo.authority_rows(seed=7, regions=regions)

    assert first == second
    assert first[0].profile.fields["languages"][:2] == ["zh-hans", "en"]
