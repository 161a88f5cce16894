"""Claim forms: preview before saving, bad input kept and explained, safe edits, verdicts and history."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient
from selectolax.lexbor import LexborHTMLParser
from sqlmodel import Session, func, select

from kb.models import Citation, Claim, Event
from kb.services.citations import CitationInput
from kb.services.claims import ClaimFields, create_claim
from kb.web.app import create_app
from tests.accounts import login, make_users
from tests.web_factories import make_attribute, make_entity, make_source

TEXT = ("Acme AI said its Acme-1 model cost $5.5 million to train. Critics said the real cost of "
        "Acme-1, counting the servers, was far higher.")


@pytest.fixture
def world(engine):
    with Session(engine) as session:
        users = make_users(session)
        attribute = make_attribute(session)
        lab = make_entity(session, "Acme AI", slug="acme-ai")
        model = make_entity(session, "Acme-1", kind="model", slug="acme-1", parent_id=lab.id)
        source = make_source(session, title="Acme's launch", text=TEXT)
        bare = make_source(session, title="A radio interview", text=None)
        session.commit()
        return {"users": {k: u.id for k, u in users.items()}, "attribute": attribute.id, "lab": lab.id,
                "model": model.id, "source": source.id, "bare": bare.id}


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def editor(app, world):
    with TestClient(app=app) as client:
        client.token = login(client, "editor")
        yield client


@pytest.fixture
def checker(app, world):
    with TestClient(app=app) as client:
        client.token = login(client, "fact-checker")
        yield client


def form(world, **overrides) -> dict:
    data = {"subject": "Acme-1", "attribute": str(world["attribute"]), "statement": "Acme-1 cost $5.5 million.",
            "figure_text": "around $5.5 million", "method": "reported", "source": str(world["source"]),
            "quote": "its Acme-1 model cost $5.5 million to train"}
    data.update(overrides)
    return data


def post(client, url, data):
    return client.post(url, data={**data, "_csrf_token": client.token}, follow_redirects=False)


def html(response) -> LexborHTMLParser:
    return LexborHTMLParser(response.text)


def field_error(response, name: str) -> str:
    node = html(response).css_first(f"#{name}-error")
    return node.text() if node else ""


def field_value(response, name: str) -> str:
    node = html(response).css_first(f"#{name}")
    if node is None:
        return ""
    return node.text() if node.tag == "textarea" else node.attributes.get("value", "")


def count_claims(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Claim)).one()


def test_the_form_offers_names_and_aliases_to_type_ahead(editor, world):
    page = html(editor.get("/claims/new?subject=model:acme-1"))
    options = {o.attributes["value"]: o.text() for o in page.css("datalist#entity-names option")}
    assert options["model:acme-1"].startswith("Acme-1 (model)")
    assert page.css_first("#subject").attributes["list"] == "entity-names"
    assert page.css_first("#subject").attributes["value"] == "model:acme-1"


def test_preview_shows_the_parsed_figure_and_saves_nothing(editor, world, engine):
    response = post(editor, "/claims", form(world))
    assert response.status_code == 200
    page = html(response)
    assert page.css_first("#parsed-figure").text() == "~$5.5M"
    start = TEXT.index("its Acme-1 model cost $5.5 million to train")
    assert f"characters {start}–{start + 43}" in page.css_first(".quote-preview figcaption").text()
    hidden = {i.attributes["name"]: i.attributes.get("value") for i in page.css(".preview input[type=hidden]")}
    assert hidden["figure_text"] == "around $5.5 million" and hidden["subject"] == "Acme-1"
    assert count_claims(engine) == 0


def test_saving_stores_the_figure_the_anchor_and_an_event(editor, world, engine):
    response = post(editor, "/claims", form(world, step="save"))
    assert response.status_code == 303
    claim_id = int(response.headers["location"].rsplit("/", 1)[1])
    with Session(engine) as session:
        claim = session.get(Claim, claim_id)
        citation = session.exec(select(Citation).where(Citation.claim_id == claim_id)).one()
        events = session.exec(select(Event).where(Event.object_type == "claim", Event.object_id == claim_id)).all()
    assert (claim.subject_id, claim.low, claim.high, claim.unit, claim.bound) == (world["model"], 5.5e6, 5.5e6, "USD", "approx")
    assert claim.precision == 50000.0 and claim.status == "unverified" and claim.version == 1
    assert claim.created_by_id == world["users"]["editor"]
    assert TEXT[citation.start:citation.end] == citation.quote
    assert (citation.prefix, citation.suffix) == (TEXT[:citation.start], TEXT[citation.end:citation.end + 32])
    assert [(e.action, e.actor_id, e.to_status) for e in events] == [("create", world["users"]["editor"], "unverified")]


@pytest.mark.parametrize("overrides, field, message", [
    ({"figure_text": "a great deal of money"}, "figure_text", "cannot read “a great deal of money” as a figure"),
    ({"subject": "Acme Two"}, "subject", "no entity called “Acme Two”"),
    ({"statement": "x" * 2001}, "statement", "keep this under 2000 characters"),
    ({"quote": "its Acme-1 model cost $6.5 million to train"}, "quote", "not found in “Acme's launch”"),
    ({"source": ""}, "source", "cite the source"),
    ({"attribute": "many"}, "attribute", "must be a whole number"),
])
def test_bad_input_comes_back_with_a_message_by_the_field(editor, world, engine, overrides, field, message):
    for step in ("preview", "save"):
        response = post(editor, "/claims", form(world, step=step, **overrides))
        assert response.status_code == 422
        assert message in field_error(response, field)
        for name in ("statement", "figure_text", "quote", "subject"):
            assert field_value(response, name) == form(world, **overrides)[name], name
    assert count_claims(engine) == 0


def test_a_quote_that_is_nearly_right_is_offered_the_closest_passage(editor, world, engine):
    typo = form(world, quote="its Acme 1 model cost 5.5 million to train")
    response = post(editor, "/claims", typo)
    assert response.status_code == 422
    button = html(response).css_first("button[name=use_suggestion]")
    assert button is not None
    suggestion = button.attributes["value"]
    assert "Acme-1 model cost $5.5 million to train" in suggestion and suggestion in TEXT
    chosen = post(editor, "/claims", dict(typo, use_suggestion=suggestion))
    assert chosen.status_code == 200 and html(chosen).css_first(".quote-preview mark").text() == suggestion


def test_a_source_without_text_keeps_the_quote_as_given(editor, world, engine):
    response = post(editor, "/claims", form(world, source=str(world["bare"]), quote="It cost five and a half million"))
    assert "kb holds no text" in response.text
    saved = post(editor, "/claims", form(world, source=str(world["bare"]), quote="It cost five and a half million",
                                         step="save"))
    assert saved.status_code == 303
    with Session(engine) as session:
        citation = session.exec(select(Citation)).one()
    assert citation.start is None and citation.quote == "It cost five and a half million"


def test_markup_in_input_is_shown_as_text(editor, world):
    response = post(editor, "/claims", form(world, statement="<script>alert(1)</script>", figure_text="<b>5</b>"))
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def _make_claim(engine, world, statement="Acme-1 cost $5.5 million.") -> int:
    with Session(engine) as session:
        claim = create_claim(session=session, fields=ClaimFields(world["model"], world["attribute"], statement,
                                                                 "$5.5 million"),
                             citation=CitationInput(world["source"], "cost $5.5 million to train"),
                             author_id=world["users"]["editor"])
        session.commit()
        return claim.id


def edit_form(world, version, **overrides) -> dict:
    data = form(world, statement="Acme-1 cost about $5.5 million.", base_version=str(version), step="save")
    for key in ("source", "quote"):
        data.pop(key)
    data.update(overrides)
    return data


def test_an_edit_saves_a_new_version_with_before_and_after(editor, world, engine):
    claim_id = _make_claim(engine, world)
    page = editor.get(f"/claims/{claim_id}/edit")
    assert field_value(page, "statement") == "Acme-1 cost $5.5 million."
    assert html(page).css_first("input[name=base_version]").attributes["value"] == "1"
    assert post(editor, f"/claims/{claim_id}", edit_form(world, 1)).status_code == 303
    with Session(engine) as session:
        claim = session.get(Claim, claim_id)
        edit = session.exec(select(Event).where(Event.action == "edit")).one()
    assert claim.version == 2 and claim.statement == "Acme-1 cost about $5.5 million."
    assert edit.before["statement"] == "Acme-1 cost $5.5 million."
    assert edit.after["statement"] == claim.statement and edit.actor_id == world["users"]["editor"]


def test_a_stale_edit_gets_409_with_what_changed_and_keeps_the_input(app, editor, world, engine):
    claim_id = _make_claim(engine, world)
    with TestClient(app=app) as other:
        other.token = login(other, "admin")
        assert post(other, f"/claims/{claim_id}", edit_form(world, 1, figure_text="$5.6 million",
                                                            statement="Admin's wording.")).status_code == 303
    response = post(editor, f"/claims/{claim_id}", edit_form(world, 1, statement="Editor's wording."))
    assert response.status_code == 409
    page = html(response)
    changes = {row.css_first("th").text(): [td.text() for td in row.css("td")]
               for row in page.css("#stale table.changes tbody tr")}
    assert changes["Statement"] == ["Acme-1 cost $5.5 million.", "Admin's wording."]
    assert changes["Figure"] == ["$5.5 million", "$5.6 million"]
    assert "admin" in page.css_first("#stale").text()
    assert field_value(response, "statement") == "Editor's wording."
    assert page.css_first("input[name=base_version]").attributes["value"] == "2"
    with Session(engine) as session:
        assert session.get(Claim, claim_id).statement == "Admin's wording."
    # Having seen the changes, the editor may save on top of them deliberately.
    assert post(editor, f"/claims/{claim_id}", edit_form(world, 2, statement="Editor's wording.")).status_code == 303


def test_an_earlier_version_is_restored_as_a_new_event(editor, world, engine):
    claim_id = _make_claim(engine, world)
    post(editor, f"/claims/{claim_id}", edit_form(world, 1, figure_text="$9 million", statement="Wrong."))
    history = html(editor.get(f"/claims/{claim_id}/edit"))
    assert [b.text() for b in history.css(".history button")] == ["Restore version 1"]
    assert post(editor, f"/claims/{claim_id}/restore", {"version": "1", "base_version": "2"}).status_code == 303
    with Session(engine) as session:
        claim = session.get(Claim, claim_id)
        actions = [e.action for e in session.exec(select(Event).where(Event.object_id == claim_id)
                                                   .order_by(Event.id)).all()]
    assert (claim.statement, claim.low, claim.version) == ("Acme-1 cost $5.5 million.", 5.5e6, 3)
    assert actions == ["create", "edit", "restore"]


def test_a_citation_is_added_with_its_offsets(editor, world, engine):
    claim_id = _make_claim(engine, world)
    missing = post(editor, f"/claims/{claim_id}/citations", {"base_version": "1", "source": str(world["source"]),
                                                            "quote": "nowhere to be found at all"})
    assert missing.status_code == 422 and "not found" in field_error(missing, "quote")
    added = post(editor, f"/claims/{claim_id}/citations", {"base_version": "1", "source": str(world["source"]),
                                                          "quote": "counting the servers"})
    assert added.status_code == 303
    with Session(engine) as session:
        quotes = [(c.quote, c.start) for c in session.exec(select(Citation).order_by(Citation.id)).all()]
        assert session.get(Claim, claim_id).version == 2
    assert quotes[-1] == ("counting the servers", TEXT.index("counting the servers"))


def test_verified_and_refuted_need_evidence(checker, world, engine):
    claim_id = _make_claim(engine, world)
    bare = post(checker, f"/claims/{claim_id}/status", {"base_version": "1", "status": "verified"})
    assert bare.status_code == 422 and "needs evidence" in field_error(bare, "evidence")
    disputed = post(checker, f"/claims/{claim_id}/status", {"base_version": "1", "status": "disputed"})
    assert disputed.status_code == 303
    with Session(engine) as session:
        citation = session.exec(select(Citation)).first()
    verified = post(checker, f"/claims/{claim_id}/status", {"base_version": "2", "status": "verified",
                                                            "evidence": str(citation.id)})
    assert verified.status_code == 303
    refuted = post(checker, f"/claims/{claim_id}/status", {
        "base_version": "3", "status": "refuted", "source": str(world["source"]),
        "quote": "the real cost of Acme-1, counting the servers, was far higher"})
    assert refuted.status_code == 303
    with Session(engine) as session:
        events = session.exec(select(Event).where(Event.action == "status").order_by(Event.id)).all()
        claim = session.get(Claim, claim_id)
    assert [(e.from_status, e.to_status) for e in events] == [
        ("unverified", "disputed"), ("disputed", "verified"), ("verified", "refuted")]
    assert f"citation {citation.id}" in events[1].note and "(new)" in events[2].note
    assert claim.status == "refuted" and all(e.actor_id == world["users"]["fact_checker"] for e in events)


def test_a_stale_verdict_is_refused_with_409(checker, editor, world, engine):
    claim_id = _make_claim(engine, world)
    post(editor, f"/claims/{claim_id}", edit_form(world, 1, statement="Changed meanwhile."))
    response = post(checker, f"/claims/{claim_id}/status", {"base_version": "1", "status": "verified",
                                                            "note": "Checked against the filing."})
    assert response.status_code == 409
    assert "Changed meanwhile." in html(response).css_first("#stale").text()
    with Session(engine) as session:
        assert session.get(Claim, claim_id).status == "unverified"


def test_deprecating_needs_a_reason(checker, world, engine):
    claim_id = _make_claim(engine, world)
    bare = post(checker, f"/claims/{claim_id}/rank", {"base_version": "1", "rank": "deprecated"})
    assert bare.status_code == 422 and "say why" in field_error(bare, "rank_reason")
    ok = post(checker, f"/claims/{claim_id}/rank", {"base_version": "1", "rank": "deprecated",
                                                    "rank_reason": "Superseded by the audited figure."})
    assert ok.status_code == 303
    with Session(engine) as session:
        claim = session.get(Claim, claim_id)
    assert (claim.rank, claim.rank_reason) == ("deprecated", "Superseded by the audited figure.")


def test_a_conflicting_claim_opens_a_contradiction(editor, world, engine):
    from kb.models import Contradiction
    _make_claim(engine, world)
    response = post(editor, "/claims", form(world, statement="Acme-1 cost $12 million.", figure_text="$12 million",
                                            quote="Critics said the real cost", step="save"))
    assert response.status_code == 303
    with Session(engine) as session:
        groups = session.exec(select(Contradiction).where(Contradiction.status == "open")).all()
    assert len(groups) == 1 and groups[0].subject_id in (world["model"], world["lab"])


def test_resolving_a_contradiction_prefers_one_figure_and_deprecates_the_other(app, checker, world, engine):
    from kb.models import Contradiction
    first = _make_claim(engine, world)
    with Session(engine) as session:
        second = create_claim(session=session, fields=ClaimFields(world["model"], world["attribute"],
                                                                  "Acme-1 cost $12 million.", "$12 million"),
                              citation=CitationInput(world["source"], "Critics said the real cost"), author_id=None)
        session.commit()
        group = session.exec(select(Contradiction).where(Contradiction.status == "open")).one()
        second, group_id, version = second.id, group.id, group.version
    url = f"/contradictions/{group_id}/resolve"
    page = html(checker.get(f"/verify/contradictions/{group_id}"))
    assert {i.attributes["value"] for i in page.css("input[name=preferred]")} == {str(first), str(second)}
    no_note = post(checker, url, {"base_version": str(version), "preferred": str(first), "status": "resolved"})
    assert no_note.status_code == 422 and "note" in field_error(no_note, "note")
    assert post(checker, url, {"base_version": str(version), "preferred": str(first), "status": "resolved",
                               "note": "The company's audited figure."}).status_code == 303
    stale = post(checker, url, {"base_version": str(version), "preferred": str(second), "status": "resolved",
                                "note": "No, the critics are right."})
    assert stale.status_code == 409
    with Session(engine) as session:
        group = session.get(Contradiction, group_id)
        ranks = {c.id: c.rank for c in session.exec(select(Claim)).all()}
        events = session.exec(select(Event).where(Event.object_type == "contradiction")).all()
    assert (group.status, group.preferred_claim_id) == ("resolved", first)
    assert ranks == {first: "preferred", second: "deprecated"}
    decisions = [(e.action, e.actor_id) for e in events if e.actor_id is not None]
    assert decisions == [("resolve", world["users"]["fact_checker"])]
