"""Keyboard use in a real browser: the skip link, the search box and its suggestions, the language
switch. No mouse, no clicks: only Tab, typing, arrows and Enter."""

import re

import pytest

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def tab_to(site, predicate, *, limit: int = 25, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element matches; fail after `limit` presses."""
    seen = []
    for _ in range(limit):
        site.page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = site.focused()
        if predicate(focused):
            return focused
        seen.append(f"{focused['tag']}#{focused['id']} {focused['text'][:30]}")
    raise AssertionError(f"not reached with {limit} presses of Tab; focus went: {seen}")


@pytest.fixture
def organisations(index_now):
    made = [
        OrganisationFactory(name="深圳市南山星河软件有限公司"),
        OrganisationFactory(name="深圳市南山星光信息技术有限公司"),
        OrganisationFactory(name="深圳市南山远航科技有限公司"),
    ]
    index_now(*made)
    return made


def test_the_skip_link_comes_first_and_moves_focus_to_main(visit, subtests):
    site = visit()
    for path in ("/", "/search/"):
        with subtests.test(path=path):
            site.open(path)
            site.page.keyboard.press("Tab")
            focused = site.focused()
            assert (focused["tag"], focused["className"]) == ("a", "skip-link")
            assert (focused["href"], focused["text"]) == ("#main", "跳到主要内容")
            assert focused["visible"], "the skip link must show when focused"
            assert focused["outline"] != "none", "the focused skip link must show its focus"

            site.page.keyboard.press("Enter")
            # Chromium follows an activated link in a task of its own, so wait for the
            # fragment rather than read the address straight after the key press.
            site.page.wait_for_url(re.compile(r"#main$"))
            site.page.wait_for_function("document.activeElement.id === 'main'")
            # The next Tab goes on in the main content (the search box), not in the header.
            site.page.keyboard.press("Tab")
            assert site.focused()["id"] == "id_q"
            site.assert_self_contained()


def test_search_with_the_keyboard_alone(visit, organisations):
    site = visit("en")
    site.open("/")
    focused = tab_to(site, lambda element: element["id"] == "id_q")
    assert focused["outline"] != "none", "the search box must show its focus"
    site.page.keyboard.type("南山")
    site.page.keyboard.press("Enter")
    site.page.wait_for_url(re.compile(r"/search/\?q="))
    assert site.page.locator("ol.results > li").count() == 3

    # The results are reachable by Tab, and Enter opens one.
    focused = tab_to(
        site, lambda element: (element["href"] or "").startswith("/organisations/"), limit=40
    )
    assert focused["visible"]
    site.page.keyboard.press("Enter")
    site.page.wait_for_url(re.compile(r"/organisations/[0-9A-Z]{18}/$"))
    assert site.page.locator("h1").inner_text() == focused["text"]
    site.assert_self_contained()


def test_suggestions_do_not_get_in_the_way_of_the_keyboard(visit, organisations):
    site = visit()
    site.open("/")
    tab_to(site, lambda element: element["id"] == "id_q")
    with site.page.expect_response(re.compile(r"/api/suggest\?q=")) as suggest:
        site.page.keyboard.type("深圳市南山星")
    assert suggest.value.ok
    options = site.page.locator("#organisation-suggestions option")
    options.first.wait_for(state="attached")
    assert sorted(options.evaluate_all("list => list.map(option => option.value)")) == [
        "深圳市南山星光信息技术有限公司",
        "深圳市南山星河软件有限公司",
    ]
    # Typing went into the box and stayed there; Tab leaves for the button and comes back.
    assert site.focused()["id"] == "id_q"
    assert site.page.locator("#id_q").input_value() == "深圳市南山星"
    site.page.keyboard.press("Tab")
    assert site.focused()["tag"] == "button"
    site.page.keyboard.press("Shift+Tab")
    assert site.focused()["id"] == "id_q"
    # Enter searches for what was typed.
    site.page.keyboard.press("Enter")
    site.page.wait_for_url(re.compile(r"/search/\?q="))
    assert site.page.locator("#id_q").input_value() == "深圳市南山星"
    names = site.page.locator("ol.results > li h2").all_inner_texts()
    assert set(names[:2]) == {"深圳市南山星光信息技术有限公司", "深圳市南山星河软件有限公司"}
    site.assert_self_contained()


def test_the_language_switch_with_the_keyboard(visit):
    site = visit()
    site.open("/search/")
    assert site.page.locator("html").get_attribute("lang") == "zh-Hans"
    tab_to(site, lambda element: element["id"] == "language-select")
    site.page.keyboard.press("ArrowDown")  # 简体中文 → English
    assert site.page.locator("#language-select").input_value() == "en"
    site.page.keyboard.press("Tab")
    assert site.focused()["text"] == "切换"
    site.page.keyboard.press("Enter")
    site.page.wait_for_load_state()
    site.page.wait_for_function("document.documentElement.lang === 'en'")
    assert site.page.url.endswith("/search/")
    assert site.page.locator("h1").inner_text() == (
        "Credit records of employers and intermediary agencies"
    )
    site.assert_self_contained()
