"""The portal in a real browser (the session's ``browser`` fixture, ektp_shared.testing): Debian's Chromium
driven by Playwright, the portal served over HTTP in front of a real intake; every page checked with axe-core
and measured. With
``EKTP_SCREENSHOTS=<folder>`` each page is also photographed there (``make screenshots`` writes
docs/screenshots/)."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ektp_shared.testing.browser import tours, write_index

SHOTS = Path(os.environ["EKTP_SCREENSHOTS"]) if os.environ.get("EKTP_SCREENSHOTS") else None


@pytest.fixture(scope="session", autouse=True)
def screenshots_index() -> Iterator:
    yield
    if SHOTS is not None:
        write_index(SHOTS, "The citizen portal's pages")


@pytest.fixture
def tour_of(browser) -> Iterator:
    """``tour_of(base_url, language="id", javascript=True)``: a new phone-sized browser and its Tour."""
    with tours(browser, SHOTS) as make:
        yield make
