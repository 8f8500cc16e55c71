"""The console in a real browser (the session's ``browser`` fixture, ektp_shared.testing): Debian's Chromium
driven by Playwright, signing in through the real OpenID provider's own login form; every console page checked
with axe-core and measured. With ``EKTP_SCREENSHOTS=<folder>`` each page is also photographed there
(``make screenshots`` writes docs/screenshots/console/)."""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ektp_shared.testing.browser import tours, write_index

SHOTS = Path(os.environ["EKTP_SCREENSHOTS"]) if os.environ.get("EKTP_SCREENSHOTS") else None
DESK = {"width": 1280, "height": 900}
# Nothing leaves the machine: the test provider's own pages import a web font, which would hang "load" here.
OFF_MACHINE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


@pytest.fixture(scope="session", autouse=True)
def screenshots_index() -> Iterator:
    yield
    if SHOTS is not None:
        write_index(SHOTS, "The officers' console's pages", screen=f"a {DESK['width']}×{DESK['height']} desk screen")


@pytest.fixture
def desk_of(browser) -> Iterator:
    """``desk_of(base_url)``: a new desk-sized browser and its Tour (the console has no scripts)."""
    with tours(browser, SHOTS) as make:
        def desk(base_url: str):
            tour = make(base_url, viewport=DESK)
            tour.page.context.route(OFF_MACHINE, lambda route: route.abort())
            return tour

        yield desk
