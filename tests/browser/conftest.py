"""Browser tests: the app served on 127.0.0.1 by uvicorn in a thread (the `serve` fixture of the
root conftest.py), driven by Playwright in
Debian's headless Chromium (no browser download). Screenshots go to test-artifacts/.

Without Chromium the tests that use the `browser` fixture are skipped at collection (no world is
built for them) and the run ends with one line saying why and how to get them running; with
REQUIRE_BROWSER=1 (set by .ci/run once it has installed Chromium) they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
WHY = "Chromium is not installed (no `chromium` or `chromium-browser` on PATH, CHROMIUM unset)"
HOW = (
    "To run them: `apt-get install chromium fonts-wqy-microhei` (Debian/Ubuntu, as root), or set "
    "CHROMIUM=/path/to/chromium; README.md, section 'Tests'."
)
_SKIPPED = pytest.StashKey[int]()


def _required() -> bool:
    return os.environ.get("REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Chromium, skip every test that asks for `browser` (before any fixture runs)."""
    if CHROMIUM is not None or _required():
        return
    marker = pytest.mark.skip(reason=f"browser test: {WHY}")
    skipped = 0
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(marker)
            skipped += 1
    config.stash[_SKIPPED] = skipped


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:  # noqa: ANN001
    """Say once, at the end of the run, why the browser tests were skipped and how to run them."""
    skipped = config.stash.get(_SKIPPED, 0)
    if skipped:
        terminalreporter.write_sep("-", f"{skipped} browser tests skipped: {WHY}", yellow=True)
        terminalreporter.write_line(HOW)


@pytest.fixture
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        pytest.fail(f"REQUIRE_BROWSER=1 but {WHY}. {HOW}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )  # fmt: skip
        yield browser
        browser.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
