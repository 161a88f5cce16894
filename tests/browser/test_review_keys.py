"""An editor reviews an ingested article from the keyboard: the table's keys select, accept and
reject rows, and a new attribute is marked where its figure is."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from kb.models import Claim
from tests.accounts import make_user
from tests.browser.test_editor_journey import _log_in

ARTICLE = ("DeepSeek said its DeepSeek-V3 model has 671 billion parameters. DeepSeek-V3 charges $0.27 per "
           "million input tokens, and its API traffic grew by 40% in the first quarter of 2025.")


@pytest.mark.browser
def test_keys_accept_and_reject_rows_of_the_review_table(live_server, browser_page, seeded_engine):
    from playwright.sync_api import expect
    base, page = live_server, browser_page
    with Session(seeded_engine) as session:
        make_user(session, "editor", "edna")
    _log_in(page, base, "edna")
    page.goto(f"{base}/ingest")
    page.fill("textarea[name=text]", ARTICLE)
    page.fill("input[name=title]", "DeepSeek-V3 by the numbers")
    page.click("form button[type=submit]:has-text('Ingest')")
    expect(page.locator("table.review")).to_be_visible()
    rows = page.locator("tr.proposal-row")
    count = rows.count()
    assert count >= 2
    expect(page.locator("tr.proposal-row .badge-new")).to_have_count(1)  # "API traffic growth"

    first_id = int(rows.nth(0).get_attribute("id").split("-")[1])
    page.wait_for_load_state("load")  # the keys' script is in
    page.keyboard.press("j")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("a")  # accept the first row
    expect(page.locator("tr.proposal-row")).to_have_count(count - 1)
    expect(page.locator(".flash").first).to_contain_text("accepted 1 proposal")

    page.fill("#bulk-reason", "a growth figure this article does not source")
    page.eval_on_selector("#bulk-reason", "field => field.blur()")
    page.keyboard.press("j")
    second = page.locator("tr.proposal-row").nth(0)
    expect(second).to_be_focused()
    second_id = int(second.get_attribute("id").split("-")[1])
    page.keyboard.press("r")  # reject it, with the reason typed above the table
    expect(page.locator("tr.proposal-row")).to_have_count(count - 2)
    with Session(seeded_engine) as session:
        assert session.get(Claim, first_id).status == "unverified"
        assert session.get(Claim, second_id).status == "rejected"
