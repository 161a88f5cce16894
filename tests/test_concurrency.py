"""Twenty people save an edit of one claim at the same moment, from the same version: one wins."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import Session, select

from kb.models import Claim, Entity, Event
from kb.services.claims import ClaimFields, edit_claim
from kb.services.versioning import StaleEdit
from tests.accounts import PASSWORD, make_user
from tests.live import live_server_factory
from tests.web_factories import one_claim

WRITERS = 20


@pytest.fixture
def live_server():
    yield from live_server_factory()


@pytest.fixture
def claim_id(engine):
    return one_claim(engine)


def _edit(engine, claim_id: int, n: int, start: threading.Barrier) -> str:
    with Session(engine) as session:
        claim = session.get(Claim, claim_id)
        fields = ClaimFields(subject_id=claim.subject_id, attribute_id=claim.attribute_id,
                             statement=f"Edit number {n}")
    # Everyone read version 1 (and gave its pooled connection back); now all save at once.
    start.wait(timeout=60)
    with Session(engine) as session:
        try:
            edit_claim(session=session, claim_id=claim_id, base_version=1, fields=fields, actor_id=None)
            session.commit()
            return "saved"
        except StaleEdit:
            session.rollback()
            return "stale"


def _assert_one_winner(engine, claim_id: int, outcomes: list) -> None:
    assert sorted(outcomes).count("saved") == 1, outcomes
    assert len(outcomes) == WRITERS
    with Session(engine) as session:
        claim = session.get(Claim, claim_id)
        edits = session.exec(select(Event).where(Event.object_type == "claim", Event.object_id == claim_id,
                                                 Event.action == "edit")).all()
    assert claim.version == 2
    assert len(edits) == 1
    assert edits[0].after["statement"] == claim.statement
    assert edits[0].before["version"] == 1 and edits[0].after["version"] == 2


def test_twenty_simultaneous_edits_one_wins(engine, claim_id):
    start = threading.Barrier(WRITERS)
    with ThreadPoolExecutor(WRITERS) as pool:
        outcomes = list(pool.map(lambda n: _edit(engine, claim_id, n, start), range(WRITERS)))
    assert outcomes.count("stale") == WRITERS - 1
    _assert_one_winner(engine, claim_id, outcomes)


def test_twenty_simultaneous_http_edits_get_one_303_and_nineteen_409s(settings, engine, claim_id, live_server):
    with Session(engine) as session:
        make_user(session, "editor")
        claim = session.get(Claim, claim_id)
        entity = session.get(Entity, claim.subject_id)
        subject = f"{entity.kind}:{entity.slug}"
    url = live_server(settings)
    with httpx.Client(base_url=url) as client:
        page = client.get("/login")
        token = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"username": "editor", "password": PASSWORD, "_csrf_token": token})
        cookies = dict(client.cookies)
    start = threading.Barrier(WRITERS)

    def post(n: int) -> int:
        with httpx.Client(base_url=url, cookies=cookies, timeout=60) as c:
            start.wait(timeout=60)
            response = c.post(f"/claims/{claim_id}", data={
                "_csrf_token": token, "base_version": "1", "step": "save", "subject": subject,
                "attribute": str(claim.attribute_id), "statement": f"Edit number {n}", "method": "reported"},
                follow_redirects=False)
            if response.status_code == 409:
                assert "changed while you were editing" in response.text
                assert f"Edit number {n}" in response.text  # the loser's input is kept
            return response.status_code

    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = list(pool.map(post, range(WRITERS)))
    assert sorted(statuses) == [303] + [409] * (WRITERS - 1), statuses
    _assert_one_winner(engine, claim_id, ["saved" if s == 303 else "stale" for s in statuses])
