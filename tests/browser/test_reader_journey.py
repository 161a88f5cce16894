"""A reader's journey in Debian's Chromium: home -> search -> lab -> conflicting figure -> contradiction -> source."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from sqlmodel import Session

from kb.db import make_engine
from tests.web_factories import make_claim, make_entity, make_source

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
EVIL = '"><img src=x onerror="window.__pwned=1">'


def _require_browser():
    """In CI a missing browser is a failure; on a developer's machine the test is skipped with the reason."""
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("playwright is not installed (pip install -e '.[test]')")
        pytest.skip("playwright is not installed")
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install -y chromium")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(seeded_settings):
    _require_browser()
    engine = make_engine(seeded_settings)
    with Session(engine) as session:
        lab = make_entity(session, name=EVIL, kind="lab", slug="injected")
        source = make_source(session, title=EVIL, text=f"It said <script>window.__pwned=2</script> $1M.")
        make_claim(session, lab, source=source, quote="<script>window.__pwned=2</script> $1M",
                   statement=f"{EVIL} <script>window.__pwned=3</script>")
        session.commit()
    engine.dispose()
    port = _free_port()
    env = {**os.environ, "KB_DATABASE_URL": seeded_settings.database_url, "KB_ENV": "test",
           "KB_SECRET_KEY": seeded_settings.secret_key, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "kb.web.app:create_app", "--factory", "--host",
                             "127.0.0.1", "--port", str(port), "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("the server did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.browser
def test_reader_journey(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: outside.append(r.url)
                if urlparse(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith("data:") else None)
        page.goto(server + "/")
        page.screenshot(path=str(ARTIFACTS / "1-home.png"), full_page=True)
        page.get_by_role("searchbox", name="Search", exact=True).fill("DeepSeek")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search?q=DeepSeek")
        assert page.locator("main mark").first.inner_text().lower().startswith("deepseek")
        page.screenshot(path=str(ARTIFACTS / "2-search.png"), full_page=True)

        page.locator("#r-entities ~ ul a.entity", has_text="DeepSeek").first.click()
        page.wait_for_url("**/labs/deepseek")
        models = page.locator("table.models-table")
        assert "$5.5M" in models.inner_text() and "$5.8M" in models.inner_text()
        page.screenshot(path=str(ARTIFACTS / "3-lab.png"), full_page=True)

        models.locator("tr", has_text="DeepSeek-V3").locator("td a", has_text="$5.5M").click()
        page.wait_for_url("**/claims/*")
        assert "5.5" in page.locator("h1 + p.statement").inner_text()
        page.screenshot(path=str(ARTIFACTS / "4-claim.png"), full_page=True)

        page.locator("p.conflict-banner a").first.click()
        page.wait_for_url("**/contradictions/*")
        assert page.locator("svg.chart").count() == 1
        assert page.locator(".side-by-side article").count() >= 2
        page.screenshot(path=str(ARTIFACTS / "5-contradiction.png"), full_page=True)

        # The article's quote (Epoch's figure cites a dataset row, which has no running text).
        links = page.locator(".side-by-side blockquote footer a")
        article = next(i for i in range(links.count()) if "Epoch" not in links.nth(i).inner_text())
        links.nth(article).click()
        page.wait_for_url("**/sources/*")
        marks = page.locator(".source-text mark")
        assert marks.count() >= 1
        target = page.url.split("#")[1] if "#" in page.url else None
        assert target and page.locator(f"#{target}").count() == 1, "the link lands on the quote"
        page.screenshot(path=str(ARTIFACTS / "6-source.png"), full_page=True)

        # Stored markup is shown as text and never runs.
        for path in ("/labs/injected", "/search?q=pwned", "/claims?subject=lab:injected", "/sources"):
            page.goto(server + path)
            assert page.evaluate("window.__pwned === undefined"), path
            assert page.locator("main img").count() == 0, path
        page.goto(server + "/labs/injected")
        assert page.locator("h1").inner_text().startswith(EVIL), "the name is shown as the text it is"
        page.screenshot(path=str(ARTIFACTS / "7-injected-markup.png"), full_page=True)

        # A phone-width view is still usable: the search box and the content fit.
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(server + "/labs/deepseek")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
        page.screenshot(path=str(ARTIFACTS / "8-phone.png"), full_page=True)
        browser.close()
    assert outside == [], f"requests left the site: {outside}"
