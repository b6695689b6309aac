"""A real browser (Debian's Chromium driven by Playwright) against pytest-django's live server,
with the real database and Elasticsearch node of the rest of the suite.

Every request the page makes to a host other than the live server is blocked and recorded, and
fails the test: the site must not depend on a CDN, a web font service or an external script."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

from tests.browser.checks import (
    HtmlChecker,
    assert_accessible,
    assert_fits_a_phone,
    browser_executable,
    html_report,
)

# Accept-Language as a browser in each of the site's languages sends it.
BROWSER_LOCALES = {"zh-hans": "zh-CN", "en": "en-GB"}

# Elements whose URL the browser fetches (or connects to) by itself, as opposed to links.
_RESOURCE_URLS = """() => Array.from(document.querySelectorAll(
    'script[src], img[src], iframe[src], source[src], video[src], audio[src], embed[src],' +
    'object[data], link[href]:not([rel~="alternate"]):not([rel~="canonical"])'
)).map(element => element.src || element.href || element.data)"""


# Package scope: started once for tests/browser, stopped when its last test is done.
@pytest.fixture(scope="package")
def html_checker():
    checker = HtmlChecker()  # the JVM starts now and is awaited on first use
    yield checker
    checker.close()


@pytest.fixture(scope="package")
def browser(django_db_setup):
    # Playwright's synchronous API leaves its event loop marked as running in this thread for as
    # long as it is started (microsoft/playwright-python#2628). Django then takes the thread for
    # async code: (1) its guard refuses the suite's ordinary synchronous ORM calls (test data,
    # flushes between tests), and (2) `django.db.connections` (an asgiref Local, thread
    # critical) switches from thread-local storage to a context variable, where the test
    # database's connection is missing; a new one would lack the serialized data that
    # serialized_rollback restores. Nothing here is async code, so lift the guard, and hand
    # the existing connections over, while the browser is open (during tests/browser only).
    opened = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in opened.items():
            connections[alias] = connection
        # Root in a container: Chromium's sandbox needs user namespaces it may not have.
        chromium = playwright.chromium.launch(
            executable_path=browser_executable(),
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        yield chromium
        chromium.close()


@dataclass
class Visitor:
    """One browser context (own cookies, own language) on the live server."""

    page: object
    base_url: str
    html_checker: HtmlChecker
    external_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    html: str = ""

    def open(self, path: str, *, status: int = 200):
        response = self.page.goto(self.base_url + path)
        assert response is not None, path
        assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"
        self.html = response.text()
        return response

    def assert_self_contained(self) -> None:
        """Nothing was requested from another host, nothing in the page points at one, and no
        script failed."""
        local = urlsplit(self.base_url).netloc
        referenced = [
            url
            for url in self.page.evaluate(_RESOURCE_URLS)
            if url and urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != local
        ]
        assert not self.external_requests, f"requests to other hosts: {self.external_requests}"
        assert not referenced, f"{self.page.url} loads resources from other hosts: {referenced}"
        assert not self.page_errors, f"script errors on {self.page.url}: {self.page_errors}"

    def assert_valid_html(self, html: str | None = None) -> None:
        """The Nu HTML checker finds no error in the HTML the server sent."""
        errors = self.html_checker.errors(self.html if html is None else html)
        assert not errors, f"Nu HTML checker on {self.page.url}:\n{html_report(errors)}"

    def assert_page_passes(self) -> None:
        """The checks every page type must pass."""
        self.assert_self_contained()
        assert_accessible(self.page)
        self.assert_valid_html()
        assert_fits_a_phone(self.page)

    def focused(self) -> dict:
        """The focused element: its tag, id, class, name, text and whether it is on screen."""
        return self.page.evaluate(
            """() => {
                const element = document.activeElement;
                const box = element.getBoundingClientRect();
                return {
                    tag: element.tagName.toLowerCase(),
                    id: element.id,
                    className: element.className,
                    name: element.getAttribute("name"),
                    text: (element.innerText || element.value || "").trim(),
                    href: element.getAttribute("href"),
                    visible: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
                        && box.left < innerWidth && box.top < innerHeight,
                    outline: getComputedStyle(element).outlineStyle,
                };
            }"""
        )


@pytest.fixture
def visit(request, browser, live_server, html_checker):
    """`visit(language)` opens a new browser context in that language on the live server."""
    local = urlsplit(live_server.url).netloc
    contexts = []
    request.node.browser_visitors = visitors = []

    def open_visitor(language: str = "zh-hans") -> Visitor:
        context = browser.new_context(locale=BROWSER_LOCALES[language])
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        visitor = Visitor(page=page, base_url=live_server.url, html_checker=html_checker)

        def route(route):
            url = urlsplit(route.request.url)
            if url.scheme in ("http", "https") and url.netloc == local:
                route.continue_()
            else:
                visitor.external_requests.append(route.request.url)
                route.abort("blockedbyclient")

        context.route("**/*", route)
        page.on("pageerror", lambda error: visitor.page_errors.append(str(error)))
        visitors.append(visitor)
        return visitor

    yield open_visitor
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Whatever a browser test checks, it fails when a page it opened requested another host."""
    result = yield
    for visitor in getattr(item, "browser_visitors", ()):
        assert not visitor.external_requests, (
            f"requests to other hosts: {visitor.external_requests}"
        )
    return result
