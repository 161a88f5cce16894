"""Ingestion never holds up other people: the text is parsed before anything is written, so an
edit commits while a long article is being parsed, on SQLite as on PostgreSQL; an article too long
to read is refused at once; a run-on paragraph is read in bounded pieces."""

from __future__ import annotations

import threading
import time

import pytest
from sqlmodel import Session, select

import kb.ingest.service as service
from kb.db import session_scope
from kb.ingest import IngestError, SourceMeta, ingest_bytes
from kb.ingest.service import MAX_TEXT_CHARS
from kb.models import Claim, Source
from kb.nlp.pipeline import MAX_SENTENCE_CHARS, split
from kb.services.claims import ClaimFields, edit_claim
from tests.web_factories import one_claim


@pytest.fixture
def claim_id(engine):
    return one_claim(engine)


def test_an_edit_commits_while_an_article_is_being_parsed(engine, claim_id, monkeypatch):
    parsing, release = threading.Event(), threading.Event()
    real_extract = service.extract

    def slow_extract(*args, **kwargs):
        parsing.set()
        assert release.wait(timeout=30)
        return real_extract(*args, **kwargs)

    monkeypatch.setattr(service, "extract", slow_extract)
    outcome: dict[str, object] = {}

    def ingest() -> None:
        with session_scope(engine) as session:
            outcome["result"] = ingest_bytes(session=session, data=b"Acme AI raised $2 billion in 2025.",
                                             name="a.txt", meta=SourceMeta(), actor_id=None)

    worker = threading.Thread(target=ingest)
    worker.start()
    try:
        assert parsing.wait(timeout=30)
        with Session(engine) as session:  # another user's edit, mid-parse
            claim = session.get(Claim, claim_id)
            edit_claim(session=session, claim_id=claim_id, base_version=claim.version, actor_id=None,
                       fields=ClaimFields(subject_id=claim.subject_id, attribute_id=claim.attribute_id,
                                          statement="Edited while an article was being read"))
            session.commit()
    finally:
        release.set()
        worker.join(timeout=60)
    assert outcome["result"].proposed >= 1
    with Session(engine) as session:
        assert session.get(Claim, claim_id).statement == "Edited while an article was being read"


def test_an_article_over_the_limit_is_refused_at_once_and_nothing_is_written(engine):
    data = ("word " * (MAX_TEXT_CHARS // 5 + 10)).encode()
    started = time.perf_counter()
    with pytest.raises(IngestError, match="split it"), session_scope(engine) as session:
        ingest_bytes(session=session, data=data, name="huge.txt", meta=SourceMeta(), actor_id=None)
    assert time.perf_counter() - started < 30
    with Session(engine) as session:
        assert session.exec(select(Source)).all() == []


def test_a_paragraph_without_a_full_stop_is_read_in_bounded_pieces():
    text = "Acme AI raised $2 billion from investors, and Beta Labs raised $1 billion, " * 400
    _, sentences = split(text)
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in sentences)
    assert sum(s.end - s.start for s in sentences) >= len(text.strip()) - len(sentences) * 2
