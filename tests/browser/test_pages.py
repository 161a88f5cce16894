"""Every page kind in Debian's Chromium, anonymous and logged in, at phone and desktop widths: no
sideways scrolling, no chart text outside its drawing, nothing loaded from elsewhere, no serious
or critical accessibility violation found by axe-core (vendored, injected from tests/browser/vendor).
A screenshot of each page is kept under test-artifacts/pages/ for CI to publish."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from sqlmodel import Session, select

from kb.db import make_engine
from kb.ingest import SourceMeta, ingest_bytes
from kb.models import Claim, Contradiction, Entity, Source
from tests.accounts import PASSWORD, make_users
from tests.browser.conftest import CHROMIUM_ARGS, require_chromium
from tests.live import serving

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "pages"
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = (390, 1280)

# Elements whose text leaves its <svg>'s drawing area (the viewBox as rendered).
SVG_OVERFLOW = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg')) {
    const box = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        out.push(t.textContent.trim());
    }
  }
  return out;
}"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


def _paths(engine) -> dict[str, list[str]]:
    """The pages to visit, by who visits them, with ids looked up in the seeded knowledge base."""
    with Session(engine) as session:
        make_users(session)

        def slug(kind: str) -> str:
            rows = session.exec(select(Entity.slug, Entity.id).where(Entity.kind == kind)).all()
            counts = {s: len(session.exec(select(Claim.id).where(Claim.subject_id == i)).all()) for s, i in rows[:40]}
            return max(counts, key=counts.get)

        article = session.exec(select(Source.id).where(Source.key == "002")).one()
        row = session.exec(select(Source.id).where(Source.kind == "dataset_row")).first()
        contradiction = session.exec(select(Contradiction.id).where(Contradiction.status == "open")).first()
        claim = session.exec(select(Claim.id).where(Claim.key.is_not(None)).order_by(Claim.id)).first()
        lab = session.exec(select(Entity.id).where(Entity.kind == "lab", Entity.slug == "deepseek")).one()
        # An ingested article with proposals waiting, so the review table is visited full.
        fixture = Path(__file__).parent.parent / "fixtures" / "articles" / "deepseek_second_look.md"
        ingested = ingest_bytes(session=session, data=fixture.read_bytes(), name=fixture.name,
                                meta=SourceMeta(), actor_id=None).source_id
        session.commit()
    reader = [
        "/", "/labs", "/labs/deepseek", "/models", "/models/deepseek-v3", "/techniques",
        f"/techniques/{slug('technique')}", "/chips", f"/chips/{slug('chip')}", "/products",
        f"/products/{slug('product')}", "/topics", f"/topics/{slug('topic')}", "/claims",
        "/claims?lab=deepseek&status=unverified", f"/claims/{claim}", "/sources", f"/sources/{article}",
        f"/sources/{row}", "/contradictions", f"/contradictions/{contradiction}", "/charts",
        "/charts?attribute=training_cost", "/changes", "/search?q=deepseek", "/search?q=deepsek", "/rates",
        "/login", "/no-such-page",
    ]
    editor = [
        "/verify", f"/verify/claims/{claim}", f"/verify/contradictions/{contradiction}", "/claims/new",
        f"/claims/{claim}/edit", "/entities/new", f"/entities/{lab}/edit", "/sources/new",
        f"/sources/{article}/edit", "/ingest", f"/ingest/{article}", f"/ingest/{ingested}", "/users",
        "/labs/deepseek",
    ]
    return {"anonymous": reader, "admin": editor}


@pytest.fixture(scope="module")
def site(db_factory):
    """A live kb on one seeded database for the whole module, and the pages to visit."""
    require_chromium()
    settings = db_factory.new(seeded=True)
    engine = make_engine(settings)
    paths = _paths(engine)
    engine.dispose()
    with serving(settings) as url:
        yield url, paths
    db_factory.drop(settings)


@pytest.fixture(scope="module")
def chromium():
    executable = require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _name(path: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in path.strip("/")).strip("-") or "home"


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_every_page_fits_stays_on_the_site_and_passes_axe(site, chromium, who, width):
    base, paths = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    # CSP is bypassed only so that the test can inject axe-core; the pages' own scripts are files.
    context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith("data:") else None)
    if who != "anonymous":
        page.goto(f"{base}/login")
        page.fill("#username", "admin")
        page.fill("#password", PASSWORD)
        page.click("form.login button[type=submit]")
        page.wait_for_url(f"{base}/")
    problems: list[str] = []
    try:
        for path in paths[who]:
            page.goto(base + path)
            page.wait_for_load_state("load")
            page.screenshot(path=str(SHOTS / f"{who}-{width}-{_name(path)}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{path}: {overflow}px wider than the {width}px window")
            clipped = page.evaluate(SVG_OVERFLOW)
            if clipped:
                problems.append(f"{path}: chart text outside its drawing: {clipped[:5]}")
            narrow = page.evaluate("Math.min(...[...document.querySelectorAll('.list-main')]"
                                   ".map(e => e.getBoundingClientRect().width), 10000)")
            if width >= 1280 and narrow < 800:
                problems.append(f"{path}: the list is squeezed into {narrow:.0f}px")
            if path == "/" and width < 600:
                header = page.evaluate("document.querySelector('header.site').getBoundingClientRect().height")
                if header > 110:
                    problems.append(f"/: the header takes {header:.0f}px of a phone's screen")
            page.add_script_tag(content=AXE)
            problems += [f"{path}: axe {v}" for v in page.evaluate(AXE_RUN)]
    finally:
        context.close()
    # The whole list, for CI's artifacts: an assertion message is cut short.
    (SHOTS / f"problems-{who}-{width}.txt").write_text("\n".join(problems + outside) + "\n", encoding="utf-8")
    assert not outside, f"requests left the site: {outside[:5]}"
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_errors_look_like_errors_and_buttons_say_what_they_do(site, chromium):
    base, _ = site
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{base}/login")
        page.fill("#username", "admin")
        page.fill("#password", PASSWORD)
        page.click("form.login button[type=submit]")
        page.wait_for_url(f"{base}/")
        flash = page.locator("p.flash")
        assert flash.inner_text().strip() == "✓ Logged in as admin."
        assert flash.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(26, 127, 55)"
        page.goto(f"{base}/claims/new")
        page.fill("#statement", "A claim without a subject.")
        page.click("button[name=step][value=preview]")
        invalid = page.locator("[aria-invalid=true]").first
        assert invalid.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(164, 38, 44)"
        error = page.locator(".field-error").first
        assert error.evaluate("e => getComputedStyle(e).color") == "rgb(164, 38, 44)"
        page.goto(f"{base}/entities/1/edit")
        merge = page.locator("button.danger").first
        save = page.locator("form button[type=submit]:not(.danger):not(.secondary)").first
        assert merge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(164, 38, 44)"
        assert save.evaluate("e => getComputedStyle(e).backgroundColor") != merge.evaluate(
            "e => getComputedStyle(e).backgroundColor")
    finally:
        context.close()
