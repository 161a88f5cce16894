"""The fact-check queue: what it lists, how it filters and sorts, and assigning items."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from litestar.testing import TestClient
from selectolax.lexbor import LexborHTMLParser
from sqlmodel import Session, select

from kb.models import Citation, Claim, Contradiction, Event
from kb.services.queue import QueueFilter, assign, queue_counts, queue_items
from kb.web.app import create_app
from tests.accounts import login, make_users
from tests.web_factories import make_claim, make_contradiction, make_entity, make_source

DAY = timedelta(days=1)


@pytest.fixture
def queue(session):
    """One item of each kind, of different ages, plus claims that need no attention."""
    users = make_users(session)
    now = datetime.now(timezone.utc)
    lab = make_entity(session, "Acme AI", slug="acme-ai")
    source = make_source(session, text="Acme AI spent $5 million.")
    verify = make_claim(session, lab, value=6e6, status="needs_verification", statement="[VERIFY] Acme AI spent $6M.",
                        created_at=now - 3 * DAY)
    flagged = make_claim(session, lab, value=7e6, status="needs_verification", created_at=now - 1 * DAY)
    proposed = make_claim(session, lab, value=8e6, status="proposed", created_at=now - 10 * DAY)
    drifted = make_claim(session, lab, value=5e6, source=source, quote="Acme AI spent $5 million.",
                         created_at=now - 2 * DAY)
    session.exec(select(Citation).where(Citation.claim_id == drifted.id)).one().anchored = False
    make_claim(session, lab, value=5e6, status="verified")
    plain = make_claim(session, lab, value=4e6, created_at=now - 4 * DAY)
    make_claim(session, lab, value=None, statement="Acme AI is a lab.")  # no figure: nothing to check
    a, b = make_claim(session, lab, value=1e6), make_claim(session, lab, value=2e6)
    conflict = make_contradiction(session, [a, b], severity=3.0)
    conflict.created_at = now - 5 * DAY
    resolved = make_contradiction(session, [a, b], status="resolved")
    session.commit()
    return {"users": users, "plain": plain.id, "verify": verify.id, "flagged": flagged.id, "proposed": proposed.id,
            "drift": drifted.id, "contradiction": conflict.id, "resolved": resolved.id}


def keys(items):
    return [(i.kind, i.object_id) for i in items]


def test_the_queue_holds_each_kind_of_item(session, queue):
    items = queue_items(session=session, flt=QueueFilter(), user_id=None)
    assert keys(items) == [("contradiction", queue["contradiction"]), ("verify", queue["verify"]),
                           ("drift", queue["drift"]), ("verify", queue["flagged"]), ("proposed", queue["proposed"]),
                           ("unverified", queue["plain"])]
    assert items[1].detail == "[VERIFY]"
    assert items[0].level == "high" and items[-1].level == "low"
    assert queue_counts(session=session) == {"verify": 2, "proposed": 1, "drift": 1, "contradiction": 1,
                                             "unverified": 1}


def test_the_queue_filters_and_sorts(session, queue):
    by_age = queue_items(session=session, flt=QueueFilter(sort="age"), user_id=None)
    assert keys(by_age) == [("proposed", queue["proposed"]), ("contradiction", queue["contradiction"]),
                            ("unverified", queue["plain"]), ("verify", queue["verify"]),
                            ("drift", queue["drift"]), ("verify", queue["flagged"])]
    newest = queue_items(session=session, flt=QueueFilter(sort="newest"), user_id=None)
    assert keys(newest) == list(reversed(keys(by_age)))
    only = queue_items(session=session, flt=QueueFilter(kinds=("verify", "proposed")), user_id=None)
    assert {i.kind for i in only} == {"verify", "proposed"}
    low = queue_items(session=session, flt=QueueFilter(level="low"), user_id=None)
    assert keys(low) == [("proposed", queue["proposed"]), ("unverified", queue["plain"])]


def test_assigning_records_events_and_filters_by_assignee(session, queue):
    me, other = queue["users"]["fact_checker"].id, queue["users"]["editor"].id
    assign(session=session, object_type="claim", object_id=queue["verify"], user_id=me, actor_id=me)
    assign(session=session, object_type="contradiction", object_id=queue["contradiction"], user_id=other,
           actor_id=other)
    session.commit()
    mine = queue_items(session=session, flt=QueueFilter(assigned="me"), user_id=me)
    assert keys(mine) == [("verify", queue["verify"])]
    free = queue_items(session=session, flt=QueueFilter(assigned="unassigned"), user_id=me)
    assert queue["verify"] not in [i.object_id for i in free] and len(free) == 4
    assert mine[0].assigned_to == "fact-checker"
    assign(session=session, object_type="claim", object_id=queue["verify"], user_id=None, actor_id=me)
    session.commit()
    events = session.exec(select(Event.action, Event.before, Event.after).where(Event.object_type == "claim")
                          .order_by(Event.id)).all()
    assert events == [("assign", {"assigned_to_id": None}, {"assigned_to_id": me}),
                      ("unassign", {"assigned_to_id": me}, {"assigned_to_id": None})]
    assert session.get(Claim, queue["verify"]).version == 1  # workflow, not content


def test_the_queue_page_lists_filters_and_assigns(settings, session, queue):
    with TestClient(app=create_app(settings)) as client:
        token = login(client, "fact-checker")
        page = LexborHTMLParser(client.get("/verify").text)
        rows = page.css("tr.queue-item")
        assert [(r.attributes["data-kind"], int(r.attributes["data-id"])) for r in rows][0] == \
            ("contradiction", queue["contradiction"])
        links = [a.attributes["href"] for a in page.css("nav.facets a")]
        assert "/verify?kind=drift" in links and "/verify?sort=age" in links and "/verify?assigned=me" in links
        drift = LexborHTMLParser(client.get("/verify?kind=drift").text)
        assert [int(r.attributes["data-id"]) for r in drift.css("tr.queue-item")] == [queue["drift"]]
        response = client.post(f"/verify/claims/{queue['verify']}/assign",
                               data={"_csrf_token": token, "next": "/verify?assigned=me"}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/verify?assigned=me"
        mine = LexborHTMLParser(client.get("/verify?assigned=me").text)
        assert [int(r.attributes["data-id"]) for r in mine.css("tr.queue-item")] == [queue["verify"]]
        assert mine.css_first("tr.queue-item form").attributes["action"].endswith("/unassign")
        review = client.get(f"/verify/contradictions/{queue['contradiction']}")
        assert review.status_code == 200 and "Record decision" in review.text
        assert client.get("/verify/claims/999999").status_code == 404
    session.expire_all()
    assert session.get(Contradiction, queue["resolved"]).status == "resolved"


def test_reader_pages_link_to_the_forms_by_role(settings, session, queue):
    app = create_app(settings)
    claim, contradiction = f"/claims/{queue['plain']}", f"/contradictions/{queue['contradiction']}"
    with TestClient(app=app) as anonymous:
        assert "/edit" not in LexborHTMLParser(anonymous.get(claim).text).css_first("main").html
        assert anonymous.get(contradiction).status_code == 200
        assert "contradiction-actions" not in anonymous.get(contradiction).text
    with TestClient(app=app) as checker:
        login(checker, "fact-checker")
        links = [a.attributes["href"] for a in LexborHTMLParser(checker.get(claim).text).css("#claim-actions a")]
        assert links == [f"{claim}/edit", f"/verify/claims/{queue['plain']}"]
        resolve = LexborHTMLParser(checker.get(contradiction).text).css_first("#contradiction-actions a")
        assert resolve.attributes["href"] == f"/verify{contradiction}" and resolve.text() == "Resolve this contradiction"
