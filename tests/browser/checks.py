"""What every page must pass in a real browser: no request leaves the site, axe-core finds no
serious or critical WCAG 2.1 A/AA violation, the Nu HTML checker finds no error, and a public
page fits a small phone's screen.

The checkers come from node_modules (package.json, installed by `make test`: scripts/bootstrap.sh
runs `npm ci` when scripts/test.sh sets TEST_TOOLS=1)."""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
SETUP_HINT = "run `make test` (or scripts/test.sh), which installs the browser and the checkers"

# The WCAG 2.1 A and AA rules of axe-core; the issue asks for no serious or critical violation.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_FAILING_IMPACTS = {"serious", "critical"}


def browser_executable() -> str:
    """BROWSER_EXECUTABLE, else Debian's `chromium` on the PATH (Playwright's own browser
    download is not used: its CDN is not reachable from everywhere the suite runs)."""
    path = os.environ.get("BROWSER_EXECUTABLE") or shutil.which("chromium")
    assert path and Path(path).exists(), f"no Chromium: set BROWSER_EXECUTABLE or {SETUP_HINT}"
    return path


# axe-core -------------------------------------------------------------------------------------


def axe_violations(page, tags: list[str] = AXE_TAGS) -> list[dict]:
    """Run axe-core in the page and return its violations (all impacts) of the rules with these
    tags (by default WCAG 2.1 A/AA)."""
    assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: {SETUP_HINT}"
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        tags,
    )
    return results["violations"]


def axe_report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        impact, rule = violation["impact"], violation["id"]
        lines.append(f"[{impact}] {rule}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            for summary in (node.get("failureSummary") or "").splitlines():
                lines.append(f"       {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    failing = [v for v in axe_violations(page) if v["impact"] in AXE_FAILING_IMPACTS]
    assert not failing, f"axe-core on {page.url}:\n{axe_report(failing)}"


# The Nu HTML checker --------------------------------------------------------------------------


# A small phone, in CSS pixels (WCAG 2.1's reflow criterion, 1.4.10, asks for 320).
PHONE_WIDTH = 360

# What does not fit a screen `document.documentElement.clientWidth` wide: the outermost elements
# that reach past its right edge outside any scrolling box (a wide table may scroll in its own
# box), and links of the site's menu broken over lines.
_PHONE_PROBLEMS = """() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    const inScrollingBox = (element) => {
        for (let parent = element.parentElement; parent; parent = parent.parentElement) {
            if (["auto", "scroll", "hidden"].includes(getComputedStyle(parent).overflowX)) {
                return true;
            }
        }
        return false;
    };
    if (document.documentElement.scrollWidth > width) {
        const wide = [...document.body.querySelectorAll("*")].filter(
            (element) => element.getBoundingClientRect().right > width + 0.5
                && !inScrollingBox(element)
        );
        for (const element of wide.filter((element) => !wide.includes(element.parentElement))) {
            const name = element.tagName.toLowerCase()
                + (element.className ? "." + element.className : "");
            const right = Math.round(element.getBoundingClientRect().right);
            problems.push(`${name} reaches ${right}px of ${width}`);
        }
        if (!problems.length) {
            problems.push(`the page is ${document.documentElement.scrollWidth}px wide`);
        }
    }
    for (const link of document.querySelectorAll(".site-header nav a")) {
        const lines = link.getClientRects().length;
        if (lines > 1) {
            problems.push(`menu link "${link.textContent.trim()}" on ${lines} lines`);
        }
    }
    return problems;
}"""


def assert_fits_a_phone(page) -> None:
    """A public page (one with the site's header; the admin is Wagtail's) shown PHONE_WIDTH
    pixels wide scrolls only up and down, and its menu links stay whole."""
    if page.locator(".site-header").count() == 0:
        return
    size = page.viewport_size
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    try:
        problems = page.evaluate(_PHONE_PROBLEMS)
    finally:
        page.set_viewport_size(size)
    assert not problems, f"{page.url} at {PHONE_WIDTH}px wide: {problems}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HtmlChecker:
    """The Nu HTML checker (vnu.jar) as a local HTTP service: one JVM for the whole session,
    started in the background as soon as the session needs it and awaited on first use."""

    def __init__(self) -> None:
        assert VNU_JAR.exists(), f"{VNU_JAR} is missing: {SETUP_HINT}"
        java = shutil.which("java", path=f"{os.environ.get('JAVA_HOME', '')}/bin") or shutil.which(
            "java"
        )
        assert java, "Java is needed for the Nu HTML checker"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/?out=json"
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                java,
                "-Xss8m",
                "-Xmx512m",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(VNU_JAR),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.ready = False

    def _wait(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    "the Nu HTML checker stopped: " + self.process.stderr.read().decode()[-2000:]
                )
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5):  # noqa: S310
                    self.ready = True
                    return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise AssertionError(f"the Nu HTML checker did not start within {timeout} s")

    def messages(self, html: str) -> list[dict]:
        if not self.ready:
            self._wait()
        request = urllib.request.Request(  # noqa: S310 - our own local service
            self.url,
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return json.load(response)["messages"]

    def errors(self, html: str) -> list[dict]:
        return [m for m in self.messages(html) if m["type"] in ("error", "non-document-error")]

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stderr.close()


def html_report(errors: list[dict]) -> str:
    return "\n".join(
        f"    line {m.get('lastLine', '?')}, column {m.get('firstColumn', '?')}: {m['message']}"
        f"\n        {m.get('extract', '').strip()}"
        for m in errors
    )
