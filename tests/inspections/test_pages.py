"""The public list (filters, counts, noindex, JSON and CSV of the same list) and its history,
in both languages."""

import csv
import io

import pytest
from django.utils import timezone

from portal.inspections.services import inspection_item_publish, inspection_item_withdraw
from tests.inspections.conftest import new_item

pytestmark = pytest.mark.django_db

LIST = "/inspection-items/"


def test_the_list_shows_every_item_in_force_with_counts(client, items):
    page = client.get(LIST)

    assert page.status_code == 200
    text = page.text
    for item in items.values():
        assert item.name in text
    counts = page.context["counts"]
    assert (counts["total"], counts["national"], counts["provincial"]) == (4, 2, 2)
    assert 'name="robots"' not in text


def test_a_province_shows_the_national_items_and_its_own_additions(client, items):
    page = client.get(LIST, {"province": "440000"})

    assert page.status_code == 200
    assert items["permits"].name in page.text
    assert items["agencies"].name in page.text
    assert items["guangdong"].name in page.text
    assert items["zhejiang"].name not in page.text
    assert '<meta name="robots" content="noindex">' in page.text
    # The shareable address of the same list, as JSON and CSV.
    assert 'href="/inspection-items/json/?province=440000"' in page.text
    assert 'href="/inspection-items/csv/?province=440000"' in page.text


def test_subject_type_and_department_filter_the_list(client, items):
    page = client.get(LIST, {"subject_type": "agency"})
    assert items["agencies"].name in page.text
    assert items["permits"].name not in page.text

    page = client.get(LIST, {"department": "人力资源市场处"})
    assert items["agencies"].name in page.text
    assert items["guangdong"].name not in page.text


def test_bad_filter_values_are_refused_with_a_message(client, items):
    page = client.get(LIST, {"province": "990000", "subject_type": "robot"})
    assert page.status_code == 400
    assert 'role="alert"' in page.text

    data = client.get(f"{LIST}json/", {"province": "12"})
    assert data.status_code == 400
    assert "province" in data.json()["errors"]


def test_json_gives_the_same_filtered_list(client, items):
    data = client.get(f"{LIST}json/", {"province": "330000", "subject_type": "foreign_worker"})

    assert data.status_code == 200
    body = data.json()
    assert body["_meta"]["count"] == 1
    (row,) = body["results"]
    assert row["code"] == "33-01"
    assert row["list"] == "provincial"
    assert row["province"] == "330000"
    assert row["name"] == "跨境电商企业聘用外国人情况"
    assert row["in_force_from"] == "2024-01-01"


def test_csv_gives_the_same_filtered_list_readable_by_spreadsheets(client, items):
    response = client.get(f"{LIST}csv/", {"province": "440000"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert sorted(row["code"] for row in rows) == ["44-01", "GJ-01", "GJ-02"]
    assert rows[0]["withdrawn_on"] == ""


def test_withdrawn_and_draft_items_are_not_in_the_list(client, items, authorities):
    inspection_item_withdraw(item=items["zhejiang"])
    draft = new_item(authorities["national"], "GJ-99", name="尚未发布的检查事项", live=False)
    draft.save()
    draft.save_revision()

    page = client.get(LIST)

    assert items["zhejiang"].name not in page.text
    assert "尚未发布的检查事项" not in page.text


def test_english_shows_the_english_texts(client, items):
    client.cookies["django_language"] = "en"
    page = client.get(LIST)

    assert page.status_code == 200
    assert "Agencies placing foreigners in work in China" in page.text
    assert "Human Resources Market Division" in page.text
    assert "4 items in force" in page.text


def test_the_history_shows_each_published_change_with_what_changed(client, items):
    item = items["permits"]
    item.frequency = "每半年一次，抽查比例不低于10%"
    inspection_item_publish(item=item)
    inspection_item_withdraw(item=items["zhejiang"])

    page = client.get(f"{LIST}history/")

    assert page.status_code == 200
    text = page.text
    assert text.count("<li>") >= 6  # four added, one changed, one withdrawn
    assert "每年一次，抽查比例不低于5%" in text and "每半年一次，抽查比例不低于10%" in text
    assert timezone.localdate().isoformat() in text

    guangdong = client.get(f"{LIST}history/", {"province": "440000"})
    assert items["zhejiang"].name not in guangdong.text
    assert items["guangdong"].name in guangdong.text
    assert '<meta name="robots" content="noindex">' in guangdong.text


def test_the_history_in_english(client, items):
    inspection_item_withdraw(item=items["zhejiang"])
    client.cookies["django_language"] = "en"

    page = client.get(f"{LIST}history/")

    assert page.status_code == 200
    assert "withdrawn" in page.text
    assert "Hiring of foreigners by cross-border e-commerce firms" in page.text
