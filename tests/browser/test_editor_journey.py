"""An editor adds a cited claim; a fact-checker verifies it from the queue and resolves the DeepSeek
training-cost contradiction; a reader's lab page and the history show each step."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from kb.models import Attribute, Claim, Contradiction, ContradictionMember, Entity, Source
from tests.accounts import PASSWORD, make_user

STARS_QUOTE = "has garnered over 8,000 stars"


def _ids(engine) -> dict:
    with Session(engine) as session:
        make_user(session, "editor", "edna")
        make_user(session, "fact_checker", "fred")
        lab = session.exec(select(Entity).where(Entity.kind == "lab", Entity.slug == "deepseek")).one()
        cost = session.exec(select(Attribute).where(Attribute.name == "training_cost")).one()
        group = session.exec(select(Contradiction).where(
            Contradiction.subject_id == lab.id, Contradiction.attribute_id == cost.id,
            Contradiction.status == "open")).one()
        members = session.exec(select(Claim).join(ContradictionMember, ContradictionMember.claim_id == Claim.id)
                               .where(ContradictionMember.contradiction_id == group.id)).all()
        v3 = session.exec(select(Entity).where(Entity.kind == "model", Entity.slug == "deepseek-v3")).one()
        source = next(s for s in session.exec(select(Source)).all() if s.text and STARS_QUOTE in s.text)
        return {
            "contradiction": group.id, "source": source.id,
            "preferred": next(c.id for c in members if c.subject_id == v3.id),
            "lab_claim": next(c.id for c in members if c.subject_id == lab.id and c.model_id is None),
        }


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert page.locator(".account .user").inner_text() == username


def _log_out(page) -> None:
    page.click(".account button:has-text('Log out')")
    page.wait_for_load_state()
    assert page.locator(".account a:has-text('Log in')").count() == 1


@pytest.mark.browser
def test_editor_and_fact_checker_journey(live_server, browser_page, seeded_engine):
    from playwright.sync_api import expect
    base, page = live_server, browser_page
    ids = _ids(seeded_engine)

    # The editor adds a claim with a citation, checking the parsed figure before saving.
    _log_in(page, base, "edna")
    page.click(".account a:has-text('New claim')")
    page.fill("#subject", "DeepSeek-V2")
    page.select_option("#attribute", label="GitHub stars (count)")
    page.fill("#statement", "The DeepSeek-V2 repository has over 8,000 GitHub stars.")
    page.fill("#figure_text", "over 8,000 stars")
    page.select_option("#source", value=str(ids["source"]))
    page.fill("#quote", STARS_QUOTE)
    page.click("button[name=step][value=preview]")
    expect(page.locator("#parsed-figure")).to_have_text("at least 8,000")
    expect(page.locator(".quote-preview mark")).to_have_text(STARS_QUOTE)
    page.click("button[name=step][value=save]")
    page.wait_for_url(re.compile(r".*/claims/\d+$"))
    claim_id = int(page.url.rsplit("/", 1)[1])
    _log_out(page)

    # The fact-checker finds it in the queue and verifies it with evidence.
    _log_in(page, base, "fred")
    page.click(".account a:has-text('Fact-check queue')")
    page.click("nav.facets a:has-text('Unverified figures')")
    page.click("nav.facets a:has-text('newest first')")
    row = page.locator(f"tr.queue-item[data-kind=unverified][data-id='{claim_id}']")
    expect(row).to_be_visible()
    row.locator("td a").first.click()
    page.check("input[name=status][value=verified]")
    page.select_option("#evidence", index=1)
    page.fill("form.verdict #note", "The repository page shows the star count.")
    page.click("form.verdict button[type=submit]")
    expect(page.locator("#claim-status")).to_have_text("verified")

    # ... then resolves the DeepSeek training-cost contradiction by choosing the preferred figure.
    page.click("a:has-text('Back to the queue')")
    page.click("nav.facets a:has-text('Open contradictions')")
    page.locator(f"tr.queue-item[data-kind=contradiction][data-id='{ids['contradiction']}'] td a").first.click()
    page.check(f"#preferred-{ids['preferred']}")
    page.select_option("form.resolve #status", value="resolved")
    page.fill("form.resolve #note", "DeepSeek's own figure for V3; the lab-level $5.8M is the V2 estimate.")
    page.click("form.resolve button[type=submit]")
    expect(page.locator("#contradiction-status")).to_have_text("resolved")
    history = page.locator("section.history").inner_text()
    assert "fred" in history and "resolve" in history
    _log_out(page)

    # A reader sees the result on the lab page: the contradicted figure deprecated, the new claim verified.
    page.goto(f"{base}/labs/deepseek")
    expect(page.locator(f"#claim-{ids['lab_claim']} .rank-deprecated")).to_be_visible()
    assert page.locator(f".attention a[href='/contradictions/{ids['contradiction']}']").count() == 0
    expect(page.locator("table.models-table tr", has_text="DeepSeek-V2")
           .locator(f"a[href='/claims/{claim_id}']")).to_contain_text("8,000")
    page.goto(f"{base}/models/deepseek-v2")
    expect(page.locator(f"#claim-{claim_id}")).to_contain_text("verified")
    page.goto(f"{base}/claims/{claim_id}")
    steps = page.locator("ol.history li").all_inner_texts()
    assert any("create" in s and "edna" in s for s in steps), steps
    assert any("verified" in s and "fred" in s for s in steps), steps
    page.goto(f"{base}/changes")
    changes = page.locator("table.changes").inner_text()
    for expected in (f"claim #{claim_id}", f"contradiction #{ids['contradiction']}", f"claim #{ids['lab_claim']}",
                     "edna", "fred"):
        assert expected in changes, expected
