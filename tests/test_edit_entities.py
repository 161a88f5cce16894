"""Entities and sources from the UI: names and aliases, merging duplicates, lineage, drifted quotes."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient
from selectolax.lexbor import LexborHTMLParser
from sqlmodel import Session, select

from kb.models import Alias, Citation, Claim, Contradiction, Entity, Event, Relation, Source
from kb.services.citations import CitationInput, closest_passage, find_quote
from kb.services.claims import ClaimFields, create_claim
from kb.services.entities import merge_entities, resolve_entity
from kb.services.errors import InvalidInput
from kb.services.queue import QueueFilter, queue_items
from kb.services.sources import SourceFields, create_source, edit_source, parse_published
from kb.services.versioning import StaleEdit
from kb.web.app import create_app
from tests.accounts import login, make_user
from tests.web_factories import make_attribute, make_entity, make_source


@pytest.fixture
def editor(settings, session):
    make_user(session, "editor")
    with TestClient(app=create_app(settings)) as client:
        client.token = login(client, "editor")
        yield client


def post(client, url, data):
    return client.post(url, data={**data, "_csrf_token": client.token}, follow_redirects=False)


def error_of(response, name):
    node = LexborHTMLParser(response.text).css_first(f"#{name}-error")
    return node.text() if node else ""


def test_an_entity_is_created_with_its_aliases(editor, session):
    response = post(editor, "/entities", {"kind": "lab", "name": "Zhipu AI", "aliases": "Z.ai, Zhipu\n智谱"})
    assert response.status_code == 303 and response.headers["location"] == "/labs/zhipu-ai"
    entity = session.exec(select(Entity).where(Entity.slug == "zhipu-ai")).one()
    names = set(session.exec(select(Alias.name).where(Alias.entity_id == entity.id)).all())
    assert names == {"Zhipu AI", "Z.ai", "Zhipu", "智谱"}
    assert resolve_entity(session, "z ai").id == entity.id
    assert resolve_entity(session, "lab:zhipu-ai").id == entity.id
    taken = post(editor, "/entities", {"kind": "lab", "name": "Zhipu AI"})
    assert taken.status_code == 422 and "already Zhipu AI" in error_of(taken, "slug")
    assert LexborHTMLParser(taken.text).css_first("#name").attributes["value"] == "Zhipu AI"


def test_names_that_fit_several_entities_or_none_are_explained(session):
    make_entity(session, "Kimi", kind="product", slug="kimi")
    model = make_entity(session, "Kimi K2", kind="model", slug="kimi-k2")
    session.add(Alias(entity_id=model.id, name="Kimi", normalized="kimi"))
    session.add(Alias(entity_id=1, name="Kimi", normalized="kimi"))
    session.flush()
    with pytest.raises(InvalidInput, match="names several entities"):
        resolve_entity(session, "Kimi")
    assert resolve_entity(session, "Kimi (model)").id == model.id
    with pytest.raises(InvalidInput, match="did you mean Kimi"):
        resolve_entity(session, "Kimmi")


def test_an_edit_keeps_the_old_name_and_refuses_a_stale_version(editor, session):
    lab = make_entity(session, "Moonshot", slug="moonshot")
    session.commit()
    data = {"kind": "lab", "name": "Moonshot AI", "slug": "moonshot", "base_version": "1"}
    assert post(editor, f"/entities/{lab.id}", data).status_code == 303
    stale = post(editor, f"/entities/{lab.id}", dict(data, name="Moonshot Labs"))
    assert stale.status_code == 409 and "Moonshot AI" in stale.text
    session.expire_all()
    assert session.get(Entity, lab.id).name == "Moonshot AI"
    post(editor, f"/entities/{lab.id}/aliases", {"alias": "月之暗面"})
    assert resolve_entity(session, "月之暗面").id == lab.id
    again = post(editor, f"/entities/{lab.id}/aliases", {"alias": "moonshot-ai"})
    assert again.status_code == 422 and "already a name" in error_of(again, "alias")


def test_merging_moves_claims_and_relations_and_keeps_both_names(session):
    attribute = make_attribute(session)
    keep = make_entity(session, "Ant Group", slug="ant-group")
    gone = make_entity(session, "Ant Financial", slug="ant-financial")
    chip = make_entity(session, "Ascend 910", kind="chip", slug="ascend-910")
    other = make_entity(session, "Alibaba", slug="alibaba")
    source = make_source(session, text="Ant Financial trained on Ascend chips for $2 million.")
    claim = create_claim(session=session, fields=ClaimFields(gone.id, attribute.id, "It cost $2 million.", "$2 million"),
                         citation=CitationInput(source.id, "for $2 million"), author_id=None)
    session.add(Relation(subject_id=gone.id, type="trained_on_chip", object_id=chip.id))
    session.add(Relation(subject_id=gone.id, type="subsidiary_of", object_id=other.id))
    session.add(Relation(subject_id=keep.id, type="subsidiary_of", object_id=other.id))
    session.commit()
    merge_entities(session=session, keep_id=keep.id, merge_id=gone.id, keep_version=1, merge_version=1, actor_id=None)
    session.commit()
    session.expire_all()
    assert session.get(Claim, claim.id).subject_id == keep.id
    assert session.get(Entity, gone.id).merged_into_id == keep.id
    assert resolve_entity(session, "Ant Financial").id == keep.id
    assert {a for a in session.exec(select(Alias.name).where(Alias.entity_id == keep.id)).all()} >= {"Ant Financial"}
    kept = session.exec(select(Relation.type, Relation.object_id).where(Relation.subject_id == keep.id)).all()
    assert sorted(kept) == sorted([("trained_on_chip", chip.id), ("subsidiary_of", other.id)])
    assert len(session.exec(select(Relation)).all()) == 3  # the duplicate stays on the merged entity
    events = session.exec(select(Event.action).where(Event.object_type == "entity")).all()
    assert sorted(events) == ["merge", "merged_into"]
    with pytest.raises(InvalidInput, match="already merged"):
        merge_entities(session=session, keep_id=keep.id, merge_id=gone.id, keep_version=2, merge_version=2,
                       actor_id=None)


def test_merge_from_the_form(editor, session):
    keep = make_entity(session, "DeepSeek", slug="deepseek")
    make_entity(session, "深度求索", slug="shendu-qiusuo")
    session.commit()
    response = post(editor, f"/entities/{keep.id}/merge", {"merge": "深度求索", "base_version": "1"})
    assert response.status_code == 303 and response.headers["location"] == "/labs/deepseek"
    stale = post(editor, f"/entities/{keep.id}/merge", {"merge": "lab:shendu-qiusuo", "base_version": "1"})
    assert stale.status_code in (409, 422)


def test_sources_keep_lineage_without_cycles(editor, session):
    response = post(editor, "/sources", {"title": "The original report", "kind": "article",
                                         "published": "2025-01", "url": "https://example.org/a",
                                         "text": "The model cost $5.5 million."})
    assert response.status_code == 303
    original = session.exec(select(Source).where(Source.title == "The original report")).one()
    assert (original.published.isoformat(), original.date_precision) == ("2025-01-01", "month")
    assert original.content_hash and len(original.content_hash) == 64
    summary = post(editor, "/sources", {"title": "A summary", "kind": "summary", "derived_from": str(original.id)})
    assert summary.status_code == 303
    derived = session.exec(select(Source).where(Source.title == "A summary")).one()
    cycle = post(editor, f"/sources/{original.id}", {"title": "The original report", "kind": "article",
                                                    "derived_from": str(derived.id), "base_version": "1"})
    assert cycle.status_code == 422 and "cannot derive from itself" in error_of(cycle, "derived_from")
    duplicate = post(editor, "/sources", {"title": "Copy", "kind": "article", "text": "The model cost $5.5 million."})
    assert duplicate.status_code == 422 and f"already source {original.id}" in error_of(duplicate, "text")
    bad = post(editor, "/sources", {"title": "", "kind": "article", "published": "last year", "url": "example.org"})
    assert bad.status_code == 422
    assert {"title", "published", "url"} <= {n for n in ("title", "published", "url") if error_of(bad, n)}


def test_published_dates_carry_their_precision():
    assert parse_published("2024")[1] == "year"
    assert parse_published("2024-10-01")[1] == "day"
    assert parse_published("2024-10", "estimated")[1] == "estimated"
    with pytest.raises(InvalidInput):
        parse_published("2024-13")


def test_a_changed_text_reanchors_quotes_or_returns_claims_to_the_queue(session):
    attribute = make_attribute(session)
    lab = make_entity(session, "Acme AI", slug="acme-ai")
    source = create_source(session=session, fields=SourceFields(
        title="Report", text="Intro. Acme AI spent $5 million. Later, Acme AI raised $9 million."), actor_id=None)
    moving = create_claim(session=session, fields=ClaimFields(lab.id, attribute.id, "Spent $5 million.", "$5 million"),
                          citation=CitationInput(source.id, "Acme AI spent $5 million."), author_id=None)
    vanishing = create_claim(session=session, fields=ClaimFields(lab.id, attribute.id, "Raised $9 million.", "$9 million"),
                             citation=CitationInput(source.id, "Acme AI raised $9 million."), author_id=None)
    session.commit()
    edit_source(session=session, source_id=source.id, base_version=1, actor_id=None, fields=SourceFields(
        title="Report", text="A longer intro first. Acme AI spent $5 million. Later, it raised money."))
    session.commit()
    cites = {c.claim_id: c for c in session.exec(select(Citation)).all()}
    text = session.get(Source, source.id).text
    assert cites[moving.id].anchored and text[cites[moving.id].start:cites[moving.id].end] == "Acme AI spent $5 million."
    assert not cites[vanishing.id].anchored
    drift = queue_items(session=session, flt=QueueFilter(kinds=("drift",)), user_id=None)
    assert [i.object_id for i in drift] == [vanishing.id]
    note = session.exec(select(Event.note).where(Event.object_type == "source", Event.action == "edit")).one()
    assert f"claims {vanishing.id}" in note
    with pytest.raises(StaleEdit):
        edit_source(session=session, source_id=source.id, base_version=1, actor_id=None,
                    fields=SourceFields(title="Stale"))


def test_find_quote_prefers_the_occurrence_after_its_prefix():
    text = "It cost $5 million. Later: it cost $5 million."
    assert find_quote(text, "it cost $5 million", prefix="Later: ").start == text.rindex("it cost")
    assert find_quote(text, "cost $5 million", near=30).start == text.rindex("cost")
    assert find_quote(text, "cost $6 million") is None
    assert closest_passage(text, "it costs $5 milion") in text
    assert closest_passage(text, "an unrelated sentence about chips") is None
