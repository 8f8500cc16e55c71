"""The sites in a real browser, for tests: Debian's Chromium driven by Playwright for Python (Playwright's own
browser download cannot work here). A ``Tour`` checks every page a test reaches with axe-core (WCAG 2.1 AA)
and measures it: bytes transferred on a first load (no cache), not counting the citizen's own pictures, and
whether a phone screen must scroll sideways. With a screenshots folder, each page is photographed once there and
listed, with its size, in that folder's README."""
from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import debian, infra

CHROMIUM = "/usr/bin/chromium"
# Flags that keep Chromium from reaching out to the network (toolbox §8).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
CITIZENS_OWN_PICTURES = re.compile(r"/dokumen/[a-z_]+/berkas|/kasus/[^/]+/dokumen/|/gambar/|/depan\.png$|^blob:")
PAGE_BUDGET_BYTES = 100 * 1024
PHONE = {"width": 360, "height": 640}
SHOT_NUMBERS = itertools.count(1)
PHOTOGRAPHED: set[tuple[str, str]] = set()


@contextmanager
def chromium() -> Iterator:
    """Debian's Chromium, installed if missing (or the test is skipped/failed by ``infra.unavailable``)."""
    problem = debian.ensure_commands({"chromium": "chromium"})
    if problem:
        infra.unavailable(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Visit:
    name: str
    path: str
    transferred: int
    violations: list[str]
    overflow: int
    shot: str | None = None


@dataclass
class Tour:
    """The pages one browser went through, each checked as it was reached."""

    page: object
    language: str
    shots: Path | None = None
    # axe-core waits on timers that never fire where scripts are off, so a no-JS page is checked as a copy,
    # its scripts removed, in this page of a scripting context of the same size and origin.
    twin: object | None = None
    visits: list[Visit] = field(default_factory=list)
    _sizes: list[tuple[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("requestfinished", self._finished)
        cdp = self.page.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # every page measured as a first load

    def _finished(self, request) -> None:
        try:
            sizes = request.sizes()
        except Exception:  # the page moved on before the sizes were read
            return
        self._sizes.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

    def go(self, path_or_url: str) -> None:
        """Open a page as a first load, with the transfer counted from here."""
        self._sizes.clear()
        self.page.goto(path_or_url)

    def mark(self) -> None:
        """The next page's bytes count from here (call before the click that leads to it)."""
        self._sizes.clear()

    def check(self, name: str) -> Visit:
        """The page now shown: axe-core, bytes, and whether it needs sideways scrolling."""
        from axe_playwright_python.sync_playwright import Axe

        self.page.wait_for_load_state("load")
        result = Axe().run(self._as_rendered())
        violations = [f"{v['id']}: {v['nodes'][0]['target']}" for v in result.response["violations"]]
        transferred = sum(size for url, size in self._sizes if not CITIZENS_OWN_PICTURES.search(url.split("?")[0]))
        overflow = self.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        visit = Visit(name, self.page.url.split("?")[0], transferred, violations, overflow)
        self.visits.append(visit)
        if self.shots is not None and (self.language, name) not in PHOTOGRAPHED:
            PHOTOGRAPHED.add((self.language, name))
            self.shots.mkdir(parents=True, exist_ok=True)
            visit.shot = f"{next(SHOT_NUMBERS):03d}-{self.language}-{name}.png"
            self.page.screenshot(path=str(self.shots / visit.shot), full_page=True)
        assert not violations, f"axe-core on {name}: {violations}"
        assert transferred <= PAGE_BUDGET_BYTES, f"{name} transferred {transferred} bytes"
        assert overflow <= 0, f"{name} needs sideways scrolling ({overflow} px)"
        return visit

    def _as_rendered(self):
        if self.twin is None:
            return self.page
        if self.twin.url == "about:blank":
            self.twin.goto("/healthz")  # same origin, so the copy's styles and images load as the page's did
        html = re.sub(r"<script\b.*?</script>", "", self.page.content(), flags=re.S)
        self.twin.set_content(html)
        return self.twin

    def report(self) -> None:
        """Append the photographed visits to the folder's pages.jsonl."""
        if self.shots is not None:
            with (self.shots / "pages.jsonl").open("a") as out:
                for visit in self.visits:
                    if visit.shot:
                        out.write(json.dumps({"language": self.language, **visit.__dict__}) + "\n")


@contextmanager
def tours(browser, shots: Path | None) -> Iterator:
    """``make(base_url, language="id", javascript=True, viewport=PHONE) -> Tour``: new browser contexts, each
    with its Tour, closed (and reported) afterwards."""
    made = []

    def make(base_url: str, language: str = "id", javascript: bool = True, viewport: dict | None = None) -> Tour:
        context = browser.new_context(base_url=base_url, viewport=viewport or PHONE, java_script_enabled=javascript,
                                      locale="id-ID" if language == "id" else "en-GB", accept_downloads=True)
        twin = None
        if not javascript:
            twin_context = browser.new_context(base_url=base_url, viewport=viewport or PHONE)
            made.append((twin_context, None))
            twin = twin_context.new_page()
        tour = Tour(context.new_page(), language if javascript else f"{language}-nojs", shots, twin=twin)
        made.append((context, tour))
        return tour

    try:
        yield make
    finally:
        for context, tour in made:
            if tour is not None:
                tour.report()
            context.close()


def write_index(folder: Path, title: str, screen: str = "a 360×640 phone screen") -> None:
    """The folder's README: each photographed page with its bytes on a first load."""
    if not (folder / "pages.jsonl").exists():
        return
    visits = [json.loads(line) for line in (folder / "pages.jsonl").read_text().splitlines()]
    lines = [f"# {title}", "",
             f"Taken by `make screenshots` (the browser tests, Debian Chromium, {screen}). Transfer: "
             "bytes on a first load with the cache off, HTML + CSS + JS + images, not counting the citizen's own "
             f"pictures; budget {PAGE_BUDGET_BYTES // 1024} KB. Every page passed axe-core (WCAG 2.1 AA).", "",
             "| Page | Language | Transfer | Screenshot |", "|---|---|---|---|"]
    for visit in sorted(visits, key=lambda v: v["shot"]):
        lines.append(f"| {visit['name']} | {visit['language']} | {visit['transferred'] / 1024:.1f} KB "
                     f"| [{visit['shot']}]({visit['shot']}) |")
    (folder / "README.md").write_text("\n".join(lines) + "\n")
