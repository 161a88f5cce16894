"""Browser fixtures: a live kb server on the seeded test database, and a page in Debian's Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.live import serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_chromium() -> str:
    """Chromium's path; in CI a missing browser fails the test, elsewhere it is skipped with the reason."""
    in_ci = os.environ.get("CI") == "true"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if in_ci:
            pytest.fail("playwright is not installed (pip install -e '.[test]')")
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not path:
        if in_ci:
            pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install -y chromium")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    return path


@pytest.fixture
def live_server(seeded_settings):
    """The base URL of kb served by uvicorn in a background thread, on a fresh seeded database."""
    with serving(seeded_settings) as url:
        yield url


@pytest.fixture
def browser_page():
    """A fresh page in headless Chromium (never a downloaded browser)."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
