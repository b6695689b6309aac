"""A SlottedPage (portal/core/slotted.py) renders a page once per language and variant and fills
in each request's values: escaped, in every place they appear, never a placeholder left, and a
fresh render when the page or its data changes."""

import pytest
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from portal.core.models import Authority
from portal.core.slotted import SlottedPage, placeholder
from tests.factories import AuthorityFactory

TEMPLATE = engines["django"].from_string(
    "<p>{{ greeting }}, {{ name }}</p><a href='/x/{{ name }}'>{% if loud %}HELLO{% endif %}</a>"
)


class Renders:
    """The render function of the tests, counting how often the page is really rendered."""

    def __init__(self, greeting: str = "Hello") -> None:
        self.count = 0
        self.greeting = greeting

    def __call__(self, values, *, loud: bool = False) -> HttpResponse:
        self.count += 1
        return HttpResponse(
            TEMPLATE.render({**values, "greeting": self.greeting, "loud": loud}), status=201
        )


@pytest.fixture
def page():
    return SlottedPage("tests.slotted", models=(Authority,))


def _get(path: str = "/page/"):
    return RequestFactory().get(path)


def test_each_request_gets_its_own_values_from_one_render(page):
    renders = Renders()

    first = page.response(_get(), variant="v", values={"name": "Ann"}, render=renders)
    second = page.response(_get(), variant="v", values={"name": "Bo"}, render=renders)

    assert renders.count == 1
    assert first.content.decode() == "<p>Hello, Ann</p><a href='/x/Ann'></a>"
    assert second.content.decode() == "<p>Hello, Bo</p><a href='/x/Bo'></a>"
    assert first.status_code == second.status_code == 201


def test_values_are_escaped_and_no_placeholder_is_left(page):
    hostile = "<script>alert(1)</script>' onmouseover='x"

    html = page.response(
        _get(), variant="v", values={"name": hostile}, render=Renders()
    ).content.decode()

    assert "<script>" not in html and "' onmouseover" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#x27; onmouseover=&#x27;x" in html
    assert placeholder("name") not in html and "slot" not in html


def test_a_value_that_looks_like_a_placeholder_is_shown_as_it_is(page):
    def render(values):
        return HttpResponse(TEMPLATE.render(dict(values)))

    values = {"greeting": "Hi", "name": placeholder("greeting")}

    html = page.response(_get(), variant="v", values=values, render=render).content.decode()

    assert html.startswith(f"<p>Hi, {placeholder('greeting')}</p>")


def test_variants_and_languages_are_kept_apart(page):
    renders = Renders()

    def loud(values):
        return renders(values, loud=True)

    quiet_page = page.response(_get(), variant="quiet", values={"name": "A"}, render=renders)
    loud_page = page.response(_get(), variant="loud", values={"name": "A"}, render=loud)
    with translation.override("en"):
        page.response(_get(), variant="quiet", values={"name": "A"}, render=renders)

    assert "HELLO" not in quiet_page.content.decode()
    assert "HELLO" in loud_page.content.decode()
    assert renders.count == 3


def test_an_address_with_a_query_is_rendered_in_full_every_time(page):
    renders = Renders()

    for _ in range(2):
        response = page.response(
            _get("/page/?from=home"), variant="v", values={"name": "Ann"}, render=renders
        )

    assert renders.count == 2
    assert response.content.decode() == "<p>Hello, Ann</p><a href='/x/Ann'></a>"


@pytest.mark.django_db
def test_a_change_to_its_models_renders_it_afresh(page):
    page.response(_get(), variant="v", values={"name": "A"}, render=Renders("Hello"))
    kept = page.response(_get(), variant="v", values={"name": "A"}, render=Renders("Hi"))
    assert kept.content.decode().startswith("<p>Hello")

    AuthorityFactory()

    fresh = page.response(_get(), variant="v", values={"name": "A"}, render=Renders("Hi"))
    assert fresh.content.decode().startswith("<p>Hi")
