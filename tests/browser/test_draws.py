"""The public pages of the double-random draws (list, a committed draw, a made draw) in a real
browser, in both languages: nothing from other hosts, axe-core, the Nu HTML checker."""

import datetime

import pytest

from portal.core.models import Region
from portal.inspections import services
from portal.inspections.models import InspectionItem
from portal.inspections.services import inspection_item_publish
from tests.factories import AuthorityFactory, OrganisationFactory
from tests.inspections.factories import InspectorFactory, make_plan

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ON = datetime.date(2026, 3, 1)


@pytest.fixture
def draws():
    national = AuthorityFactory(region=None, level="national", name="国家外国专家局")
    guangdong = AuthorityFactory(
        region=Region.objects.get(code="440000"), level="provincial", parent=national
    )
    item = InspectionItem(
        code="GJ-01",
        name="外国人工作许可持证情况",
        name_en="Whether foreigners hold valid work permits",
        authority=national,
        subject_type="employer",
        method="on_site",
        legal_basis="《中华人民共和国出境入境管理法》第四十一条",
        department="外国人来华工作管理处",
        in_force_from=datetime.date(2024, 1, 1),
    )
    inspection_item_publish(item=item)
    for _ in range(30):
        OrganisationFactory()
    services.subject_directory_refresh(province=Region.objects.get(code="440000"), on=ON)
    for _ in range(4):
        InspectorFactory(authority=guangdong, items=[item])
    plan = make_plan(guangdong, [item], {"B": "20"})
    made = services.draw_reveal(draw_row=services.draw_commit(plan=plan, on=ON))
    committed = services.draw_commit(plan=plan, on=ON)
    return {"made": made, "committed": committed}


def test_the_draw_pages_in_both_languages(visit, subtests, draws):
    made, committed = draws["made"].pk, draws["committed"].pk
    headings = {
        "zh-hans": {
            "/inspections/draws/": "双随机抽取",
            f"/inspections/draws/{made}/": f"第{made}号抽取",
            f"/inspections/draws/{committed}/": f"第{committed}号抽取",
        },
        "en": {
            "/inspections/draws/": "Double-random draws",
            f"/inspections/draws/{made}/": f"Draw #{made}",
            f"/inspections/draws/{committed}/": f"Draw #{committed}",
        },
    }
    for language, pages in headings.items():
        site = visit(language)
        for path, heading in pages.items():
            with subtests.test(language=language, path=path):
                site.open(path)
                assert site.page.locator("h1").inner_text().strip() == heading
                site.assert_page_passes()
