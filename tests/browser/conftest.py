"""Every page a browser test visits is checked twice over, without the test asking.

axe-core runs on each page when it arrives (before the test's first action on it, before it
navigates away, and at the end of the test) and any violation, whatever its impact, fails the
test. The page's HTML as the server sent it is kept, and at the end of the session the Nu HTML
checker (vnu.jar, installed by `make vnu`) reads all of them in one run: any error fails it.
"""

import hashlib
import json
import subprocess  # noqa: S404
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

VNU_JAR = Path(__file__).resolve().parents[2] / "var/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
PENDING = "data-axe-pending"
# Marks each new document; the check removes the mark, so a page is checked once per load.
MARK_NEW_DOCUMENT = (
    "document.addEventListener('DOMContentLoaded', () =>"
    f" document.documentElement.setAttribute('{PENDING}', ''))"
)
TAKE_MARK = (
    f"() => {{ const html = document.documentElement; const had = html.hasAttribute('{PENDING}');"
    f" html.removeAttribute('{PENDING}'); return had; }}"
)
AXE = Axe()
CHECKER_REPORT: list[str] = []


def axe_violations(page) -> list[str]:
    violations = AXE.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    ]


class PageChecker:
    """Runs axe on each page of one browser tab once and keeps its HTML for the checker."""

    def __init__(self, page, html_dir: Path) -> None:
        self.page = page
        self.html_dir = html_dir
        self.document = None
        self.problems: list[str] = []
        page.add_init_script(MARK_NEW_DOCUMENT)
        page.on("response", self._remember_document)
        page.add_locator_handler(
            page.locator(f"html[{PENDING}]"), lambda _: self.check_arrival(), no_wait_after=True
        )
        for name in ("goto", "reload", "go_back", "go_forward"):
            setattr(page, name, self._checking_first(getattr(page, name)))

    def _checking_first(self, navigate):
        def wrapped(*args, **kwargs):
            self.check_arrival()
            return navigate(*args, **kwargs)

        return wrapped

    def _remember_document(self, response) -> None:
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self.document = response

    def check_arrival(self) -> bool:
        """Check the page as it arrived, unless it was checked already. True if it ran."""
        if not self.page.url.startswith("http") or not self._settled(self.page.evaluate, TAKE_MARK):
            return False
        self.save_html()
        self.check_now()
        return True

    def check_now(self) -> None:
        if problems := self._settled(axe_violations, self.page):
            self.problems.append(f"{self.page.url}: {problems}")

    def _settled(self, function, argument):
        """Run it; if the page was just leaving (a click's navigation), run it on the next."""
        try:
            return function(argument)
        except PlaywrightError:
            self.page.wait_for_load_state()
            return function(argument)

    def save_html(self) -> None:
        response = self.document
        if (
            response is None
            or response.status != 200
            or not response.headers.get("content-type", "").startswith("text/html")
        ):
            return
        body = response.body()
        name = hashlib.sha256(body).hexdigest()[:16]
        (self.html_dir / f"{name}.html").write_bytes(body)
        (self.html_dir / f"{name}.url").write_text(response.url)

    def raise_problems(self) -> None:
        problems, self.problems = self.problems, []
        assert not problems, "axe found accessibility problems:\n" + "\n".join(problems)


@pytest.fixture(scope="session")
def visited_pages(tmp_path_factory):
    """The HTML of every page the session's browser tests saw; checked by vnu at the end."""
    html_dir = tmp_path_factory.mktemp("visited-pages")
    yield html_dir
    errors = nu_html_errors(html_dir)
    pages = len(list(html_dir.glob("*.html")))
    CHECKER_REPORT.append(f"Nu HTML checker: {pages} pages, {len(errors)} errors")
    assert not errors, f"The Nu HTML checker found {len(errors)} errors:\n" + "\n".join(errors)


def nu_html_errors(html_dir: Path) -> list[str]:
    """Run vnu once over every saved page; its errors as 'path: line: message' lines."""
    pages = sorted(html_dir.glob("*.html"))
    if not pages:
        return []
    assert VNU_JAR.exists(), f"{VNU_JAR} is missing: run `make vnu` (Java and npm needed)"
    result = subprocess.run(  # noqa: S603
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(m['url'].removeprefix('file:')).with_suffix('.url').read_text()}"
        f" line {m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] == "error"
    ]


@pytest.fixture
def page(page, request, visited_pages):
    checker = PageChecker(page, visited_pages)
    request.node.page_checker = checker
    yield page


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    # The last page of the test is checked too, and the test fails on what axe found.
    checker = getattr(item, "page_checker", None)
    if checker is not None:
        checker.check_arrival()
        checker.raise_problems()
    return result


def pytest_terminal_summary(terminalreporter):
    for line in CHECKER_REPORT:
        terminalreporter.write_line(line)


@pytest.fixture
def assert_accessible(request):
    """Run axe-core on the page as it is now (after a change on the page, say); any violation
    fails. Each newly loaded page is checked without asking."""

    def check(page) -> None:
        checker = getattr(request.node, "page_checker", None)
        if checker is not None and checker.page is page:
            if not checker.check_arrival():
                checker.check_now()
            checker.raise_problems()
        else:
            problems = axe_violations(page)
            assert not problems, f"{page.url}: {problems}"

    return check


@pytest.fixture
def failed_requests(page):
    """Requests the page made that did not succeed (a third-party asset would show here)."""
    failures = []
    page.on("requestfailed", lambda request: failures.append(request.url))
    return failures
