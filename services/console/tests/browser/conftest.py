"""The console in a real browser: Debian's Chromium driven by Playwright for Python, signing in through the real
OpenID provider's own login form. Every console page a test reaches is checked with axe-core (WCAG 2.1 AA);
with ``EKTP_SCREENSHOTS=<folder>`` each is also photographed there (``make screenshots``)."""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ektp_shared.testing import debian, infra

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DESK = {"width": 1280, "height": 900}
OFF_MACHINE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


@pytest.fixture(scope="session")
def browser() -> Iterator:
    problem = debian.ensure_commands({"chromium": "chromium"})
    if problem:
        infra.unavailable(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Desk:
    """One officer's browser; ``check`` runs axe-core on the console page shown (and photographs it)."""

    page: object
    shots: Path | None
    checked: list[str] = field(default_factory=list)

    def check(self, name: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.page.wait_for_load_state("load")
        violations = [f"{v['id']}: {v['nodes'][0]['target']}" for v in Axe().run(self.page).response["violations"]]
        self.checked.append(name)
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(self.shots / f"console-{len(self.checked):02d}-{name}.png"), full_page=True)
        assert not violations, f"axe-core on {name}: {violations}"


@pytest.fixture
def desk_of(browser) -> Iterator:
    shots = Path(os.environ["EKTP_SCREENSHOTS"]) if os.environ.get("EKTP_SCREENSHOTS") else None
    contexts = []

    def make(base_url: str) -> Desk:
        # The console has no scripts (links and forms only); JavaScript stays on for axe-core itself.
        context = browser.new_context(base_url=base_url, viewport=DESK, locale="id-ID")
        # Nothing leaves the machine: the test provider's pages import a web font, which would hang "load" here.
        context.route(OFF_MACHINE, lambda route: route.abort())
        contexts.append(context)
        return Desk(context.new_page(), shots)

    yield make
    for context in contexts:
        context.close()
