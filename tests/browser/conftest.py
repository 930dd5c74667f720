import pytest
from axe_playwright_python.sync_playwright import Axe

SERIOUS = {"serious", "critical"}


@pytest.fixture
def assert_accessible():
    """Run axe-core on the page as it is now; fail on serious or critical violations."""
    axe = Axe()

    def check(page) -> None:
        violations = axe.run(page).response["violations"]
        serious = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in violations
            if v["impact"] in SERIOUS
        ]
        assert not serious, f"{page.url}: {serious}"

    return check


@pytest.fixture
def failed_requests(page):
    """Requests the page made that did not succeed (a third-party asset would show here)."""
    failures = []
    page.on("requestfailed", lambda request: failures.append(request.url))
    return failures
