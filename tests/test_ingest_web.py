"""The ingestion pages: who may use them, the upload form, and the review queue's actions."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient
from sqlmodel import Session, select

from kb.models import Claim, Source
from kb.web.app import create_app
from tests.accounts import csrf_token, login, make_users
from tests.ingest_kb import add_small_kb

ARTICLE = ("Acme-2 cost $5.8 million to train. Beta Labs raised $40 million in 2024. "
           "<script>alert(1)</script> [VERIFY] Acme AI may have 300 engineers.")


@pytest.fixture
def app_env(settings, engine):
    with Session(engine) as session:
        ids = add_small_kb(session)
        make_users(session)
    with TestClient(app=create_app(settings)) as client:
        yield client, engine, ids


def upload(client, token, data: bytes, name="a.txt", **fields):
    return client.post("/ingest", data={"_csrf_token": token, **fields},
                       files={"file": (name, data, "text/plain")}, follow_redirects=False)


@pytest.mark.parametrize("method, path", [
    ("GET", "/ingest"), ("POST", "/ingest"), ("GET", "/ingest/1"), ("POST", "/ingest/1/review")])
def test_readers_and_visitors_are_kept_out(app_env, method, path):
    client, _, _ = app_env
    anonymous = client.request(method, path, follow_redirects=False)
    assert anonymous.status_code in (303, 403)
    token = login(client, "reader")
    as_reader = client.request(method, path, data={"_csrf_token": token}, follow_redirects=False)
    assert as_reader.status_code == 403


def test_a_post_without_a_csrf_token_is_refused(app_env):
    client, engine, _ = app_env
    login(client, "editor")
    response = client.post("/ingest", data={"text": ARTICLE}, follow_redirects=False)
    assert response.status_code == 403
    with Session(engine) as session:
        assert session.exec(select(Source)).all() == []


def test_upload_then_review_shows_each_figure_marked_in_its_sentence(app_env):
    client, engine, _ = app_env
    token = login(client, "editor")
    response = upload(client, token, ARTICLE.encode(), publisher="Example News")
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    assert "Acme-2 cost <mark>$5.8 million</mark> to train." in page.text
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert "2 proposals to review, 1 <code>[VERIFY]</code> item" in page.text
    # One row per proposal with its own accept and reject, and an edit form for each below.
    assert page.text.count('name="one" value="accept:') == 2 and page.text.count('name="one" value="reject:') == 2
    assert page.text.count('<details class="edit-proposal"') == 2


def test_paste_form_errors_are_shown_by_the_field(app_env):
    client, _, _ = app_env
    token = login(client, "editor")
    empty = client.post("/ingest", data={"_csrf_token": token, "text": "   "}, follow_redirects=False)
    assert empty.status_code == 422 and "choose a file to upload or paste" in empty.text
    both = upload(client, token, b"Some text", text="Other text")
    assert both.status_code == 422 and "not both" in both.text
    markup = upload(client, token, b"<html><nav>Menu</nav><script>x()</script></html>", name="m.html")
    assert markup.status_code == 422 and "no readable text" in markup.text


def test_an_oversized_upload_is_refused_with_the_limit(app_env):
    client, engine, _ = app_env
    token = login(client, "editor")
    response = upload(client, token, b"x" * (50 * 1024 * 1024), name="huge.txt")
    assert response.status_code == 413
    assert "larger than the 10 MB limit" in response.text
    with Session(engine) as session:
        assert session.exec(select(Source)).all() == []


def _forms(html: str) -> list[tuple[str, str]]:
    found = re.findall(r'name="claim_id" value="(\d+)"><input type="hidden" name="base_version" value="(\d+)"', html)
    return list(dict.fromkeys(found))


def test_review_actions_accept_edit_reject_and_report_stale_versions(app_env):
    client, engine, ids = app_env
    token = login(client, "editor")
    location = upload(client, token, ARTICLE.encode()).headers["location"]
    review_url = location + "/review"
    (first, v1), (second, v2) = _forms(client.get(location).text)
    accepted = client.post(review_url, data={"_csrf_token": token, "action": "accept", "claim_id": first,
                                             "base_version": v1}, follow_redirects=False)
    assert accepted.status_code == 303
    assert f"claim {first} accepted" in client.get(accepted.headers["location"]).text  # the confirmation
    stale = client.post(review_url, data={"_csrf_token": token, "action": "edit", "claim_id": second,
                                          "base_version": "9", "subject": "lab:beta-labs",
                                          "attribute": str(ids["funding_raised"]), "statement": "x",
                                          "figure_text": "$41 million"})
    assert stale.status_code == 409
    bad = client.post(review_url, data={"_csrf_token": token, "action": "edit", "claim_id": second,
                                        "base_version": v2, "subject": "lab:nobody",
                                        "attribute": str(ids["funding_raised"]), "statement": "x",
                                        "figure_text": "lots"})
    assert bad.status_code == 422 and "no entity called" in bad.text
    rejected = client.post(review_url, data={"_csrf_token": token, "action": "reject", "claim_id": second,
                                             "base_version": v2, "reason": "duplicate of the annual report"},
                           follow_redirects=False)
    assert rejected.status_code == 303
    with Session(engine) as session:
        statuses = {c.id: c.status for c in session.exec(select(Claim)).all()}
    assert statuses[int(first)] == "unverified" and statuses[int(second)] == "rejected"
    assert sorted(statuses.values()).count("needs_verification") == 1
    assert "Nothing awaits review" in client.get(location).text


def test_the_upload_form_lists_recent_ingests(app_env):
    client, _, _ = app_env
    token = login(client, "editor")
    upload(client, token, ARTICLE.encode(), title="Acme weekly")
    page = client.get("/ingest")
    assert 'Acme weekly</a> — 2 proposals to review' in page.text
    assert csrf_token(client, "/ingest")


def test_names_kb_lacks_are_offered_as_new_entities_of_their_kind(app_env):
    client, _, _ = app_env
    token = login(client, "editor")
    response = upload(client, token, b"Zeta-9 is a new model from Acme AI at $3 per million input tokens.")
    page = client.get(response.headers["location"]).text
    assert "Names kb does not know" in page
    assert "/entities/new?kind=model&amp;name=Zeta-9" in page


def test_the_review_table_accepts_or_rejects_the_selected_rows_all_or_nothing(app_env):
    client, engine, _ = app_env
    token = login(client, "editor")
    location = upload(client, token, ARTICLE.encode()).headers["location"]
    review_url = location + "/review"
    (first, v1), (second, v2) = _forms(client.get(location).text)
    no_reason = client.post(review_url, data={"_csrf_token": token, "action": "reject_selected",
                                              "selected": [f"{first}:{v1}", f"{second}:{v2}"]})
    assert no_reason.status_code == 422 and "say why" in no_reason.text
    stale = client.post(review_url, data={"_csrf_token": token, "action": "accept_selected",
                                          "selected": [f"{first}:{v1}", f"{second}:99"]})
    assert stale.status_code == 409
    with Session(engine) as session:
        assert session.get(Claim, int(first)).status == "proposed", "one stale row saves none"
    one = client.post(review_url, data={"_csrf_token": token, "one": f"reject:{first}:{v1}",
                                        "bulk_reason": "not a claim"}, follow_redirects=False)
    assert one.status_code == 303
    both = client.post(review_url, data={"_csrf_token": token, "action": "accept_selected",
                                         "selected": [f"{second}:{v2}"]}, follow_redirects=True)
    assert "accepted 1 proposal" in both.text
    with Session(engine) as session:
        assert (session.get(Claim, int(first)).status, session.get(Claim, int(second)).status) == (
            "rejected", "unverified")
