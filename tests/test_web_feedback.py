"""Every successful write says so on the page it lands on; history reads as labelled changes."""

from __future__ import annotations

from litestar.testing import TestClient
from sqlmodel import Session, select

from kb.models import Contradiction
from kb.services.citations import CitationInput
from kb.services.claims import ClaimFields, create_claim
from kb.web.history import SYSTEM_ACTOR, field_changes
from tests.accounts import login
from tests.test_edit_claims import _make_claim, app, checker, edit_form, editor, html, post, world  # noqa: F401


def flashes(client, url: str) -> list[str]:
    """The confirmations the page shows (login's own one is left out: every test logs in first)."""
    shown = [n.text().replace("✓", "").strip() for n in html(client.get(url)).css("p.flash")]
    return [m for m in shown if not m.startswith("Logged in")]


def test_a_verdict_is_confirmed_once_after_the_redirect(checker, world, engine):
    claim_id = _make_claim(engine, world)
    response = post(checker, f"/claims/{claim_id}/status", {"base_version": "1", "status": "disputed"})
    assert response.status_code == 303
    shown = flashes(checker, response.headers["location"])
    assert shown == [f"Verdict recorded: claim #{claim_id} is now disputed."]
    assert flashes(checker, response.headers["location"]) == []  # read once, then gone


def test_resolving_a_contradiction_is_confirmed(checker, world, engine):
    first = _make_claim(engine, world)
    with Session(engine) as session:
        create_claim(session=session, fields=ClaimFields(world["model"], world["attribute"],
                                                         "Acme-1 cost $12 million.", "$12 million"),
                     citation=CitationInput(world["source"], "Critics said the real cost"), author_id=None)
        session.commit()
        group = session.exec(select(Contradiction).where(Contradiction.status == "open")).one()
    response = post(checker, f"/contradictions/{group.id}/resolve", {
        "base_version": str(group.version), "preferred": str(first), "status": "resolved",
        "note": "The company's audited figure."})
    assert response.status_code == 303
    assert flashes(checker, response.headers["location"]) == [f"Contradiction #{group.id} resolved."]


def test_an_edit_is_confirmed_and_its_history_shows_before_and_after(editor, world, engine):
    claim_id = _make_claim(engine, world)
    response = post(editor, f"/claims/{claim_id}", edit_form(world, 1))
    assert flashes(editor, response.headers["location"]) == [f"Claim #{claim_id} saved."]
    page = html(editor.get(f"/claims/{claim_id}"))
    change = next(li for li in page.css(".history .field-changes li")
                  if li.css_first(".field-name").text() == "Statement:")
    assert change.css_first("del").text() == "Acme-1 cost $5.5 million."
    assert change.css_first("ins").text() == "Acme-1 cost about $5.5 million."
    heads = [n.text(separator=" ", strip=True) for n in page.css(".history .event-head")]
    assert all(" · " in h for h in heads)  # date, who and what stay apart


def test_logging_in_and_out_is_confirmed(app, world):
    with TestClient(app=app) as client:
        login(client, "editor")
        assert [n.text().strip() for n in html(client.get("/")).css("p.flash")] == ["✓ Logged in as editor."]


def test_history_labels_fields_and_leaves_out_bookkeeping():
    before = {"statement": "a", "needs_verification": 1, "version": 1, "status": "needs_verification", "period": ""}
    after = {"statement": "b", "needs_verification": 1, "version": 2, "status": "verified", "period": "2024"}
    assert [(c.label, c.before, c.after) for c in field_changes(before, after)] == [
        ("Statement", "a", "b"), ("Status", "needs verification", "verified"), ("Period", "—", "2024")]
    assert field_changes(None, after) == []


def test_system_actions_have_one_name_on_every_page(seeded_settings):
    from kb.web.app import create_app
    with TestClient(app=create_app(seeded_settings)) as client:
        changes = html(client.get("/changes")).text()
        claim = html(client.get("/claims/1")).css_first(".history").text()
    assert SYSTEM_ACTOR in changes and SYSTEM_ACTOR in claim
    assert "system" not in changes.replace(SYSTEM_ACTOR, "") and " kb " not in claim.replace(SYSTEM_ACTOR, "")
