"""Editors create pages in the Wagtail admin; a typical case names its organisation by USCC."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from cms.models import TypicalCasePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


def case_form(uscc: str) -> dict:
    return nested_form_data(
        {
            "title": "后台创建的案例",
            "slug": "from-admin",
            "organisation": uscc,
            "region": "440305",
            "authority": "",
            "introduction": "",
            "facts": "该单位聘用外国人未办理工作许可。",
            "findings": "",
            "legal_basis": "",
            "decision_number": "",
            "status": "decided",
            "decision": "",
            "penalty": "",
            "decided_on": "",
            "published_on": "2024-05-20",
            "comments": inline_formset([]),
        }
    )


def test_an_editor_creates_a_typical_case_by_uscc(editor_client, case_index, organisation):
    add_url = f"/admin/pages/add/cms/typicalcasepage/{case_index.pk}/"
    assert editor_client.get(add_url).status_code == 200
    spaced = f"{organisation.uscc[:9]}-{organisation.uscc[9:]}".lower()
    response = editor_client.post(add_url, case_form(spaced))
    assert response.status_code == 302, response.content.decode()[:3000]
    case = TypicalCasePage.objects.get(slug="from-admin")
    assert case.organisation == organisation
    assert not case.live  # saved as a draft: not public until published
    edit = editor_client.get(f"/admin/pages/{case.pk}/edit/").content.decode()
    assert f'value="{organisation.uscc}"' in edit


def test_an_unknown_uscc_is_refused(editor_client, case_index):
    add_url = f"/admin/pages/add/cms/typicalcasepage/{case_index.pk}/"
    response = editor_client.post(add_url, case_form("91440300MA5FXXXXXX"))
    assert response.status_code == 200
    assert not TypicalCasePage.objects.filter(slug="from-admin").exists()


def test_page_types_go_only_under_their_parents(home, case_index, news_index, faq):
    from cms.models import NewsPage, StandardPage, TypicalCaseIndexPage

    assert TypicalCaseIndexPage.can_create_at(home)
    assert not TypicalCasePage.can_create_at(home)
    assert TypicalCasePage.can_create_at(case_index)
    assert not TypicalCasePage.can_create_at(news_index)
    assert NewsPage.can_create_at(news_index)
    assert StandardPage.can_create_at(faq)
    assert not NewsPage.can_create_at(faq)
