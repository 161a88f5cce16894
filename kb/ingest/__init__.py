"""Ingestion: reading articles (text, Markdown, HTML) into sources and proposed claims."""

from __future__ import annotations

from sqlmodel import Session

from kb.ingest.reader import Document, IngestError, read_document
from kb.ingest.service import IngestResult, SourceMeta, Vocabulary, ingest_document

__all__ = ["Document", "IngestError", "IngestResult", "SourceMeta", "Vocabulary", "ingest_bytes",
           "ingest_document", "read_document"]


def ingest_bytes(*, session: Session, data: bytes, name: str, meta: SourceMeta,
                 actor_id: int | None, vocabulary: Vocabulary | None = None,
                 max_bytes: int | None = None, fmt: str | None = None) -> IngestResult:
    """Read `data` (refusing what is not an article) and ingest it; raises IngestError."""
    document = read_document(data, name=name, max_bytes=max_bytes, fmt=fmt)
    return ingest_document(session=session, document=document, path=name, meta=meta,
                           actor_id=actor_id, vocabulary=vocabulary)
