"""Sources: creating and editing them, with lineage and the re-anchoring of citations."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from kb.models import Citation, Source
from kb.models.base import DATE_PRECISIONS, SOURCE_KINDS
from kb.services.citations import reanchor
from kb.services.errors import InvalidInput, NotFound
from kb.services.history import record_event, snapshot
from kb.services.versioning import conditional_update, stale_edit

MAX_TEXT = 5_000_000
_LIMITS = {"title": 500, "publisher": 200, "author": 200, "url": 1000, "license": 200, "locator": 200}
_DATE = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?")


@dataclass
class SourceFields:
    title: str
    kind: str = "article"
    publisher: str = ""
    author: str = ""
    url: str = ""
    published: str = ""
    date_precision: str = ""
    text: str | None = None
    derived_from_id: int | None = None
    license: str = ""
    locator: str = ""


def parse_published(text: str, precision: str = "") -> tuple[date | None, str]:
    """("2024-10" -> 2024-10-01, "month"); an explicit precision (e.g. "estimated") wins."""
    text = text.strip()
    if not text:
        return None, precision or "day"
    match = _DATE.fullmatch(text)
    if not match:
        raise InvalidInput("published", "write the date as YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        value = date(int(match["y"]), int(match["m"] or 1), int(match["d"] or 1))
    except ValueError as exc:
        raise InvalidInput("published", f"not a date: {exc}") from None
    implied = "day" if match["d"] else "month" if match["m"] else "year"
    return value, precision or implied


def check_url(url: str) -> str | None:
    """Why a source URL is refused, or None: only web addresses, wherever a source is made."""
    url = url.strip()
    if url and not re.match(r"https?://\S+$", url, re.IGNORECASE):
        return "use a full http:// or https:// address"
    return None


def content_hash(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def get_source(session: Session, source_id: int) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound(f"no source {source_id}")
    return source


def _source_values(session: Session, fields: SourceFields, source: Source | None) -> dict:
    errors: dict[str, str] = {}
    for name, limit in _LIMITS.items():
        if len(getattr(fields, name).strip()) > limit:
            errors[name] = f"keep this under {limit} characters"
    if not fields.title.strip():
        errors["title"] = "give the source its title"
    url_problem = check_url(fields.url)
    if url_problem:
        errors["url"] = url_problem
    if fields.kind not in SOURCE_KINDS:
        errors["kind"] = f"choose one of {', '.join(SOURCE_KINDS)}"
    if fields.date_precision and fields.date_precision not in DATE_PRECISIONS:
        errors["date_precision"] = f"choose one of {', '.join(DATE_PRECISIONS)}"
    published, precision = None, "day"
    try:
        published, precision = parse_published(fields.published, fields.date_precision)
    except InvalidInput as exc:
        errors.update(exc.errors)
    text = fields.text if fields.text is None or fields.text.strip() else None
    if text is not None and len(text) > MAX_TEXT:
        errors["text"] = f"the text is over {MAX_TEXT:,} characters"
    digest = content_hash(text)
    if digest and "text" not in errors:
        same = session.exec(select(Source).where(Source.content_hash == digest)).first()
        if same is not None and (source is None or same.id != source.id):
            errors["text"] = f"this text is already source {same.id} (“{same.title}”)"
    if fields.derived_from_id is not None:
        errors.update(_lineage_errors(session, fields.derived_from_id, source))
    if errors:
        raise InvalidInput(errors)
    return {
        "title": fields.title.strip(), "kind": fields.kind, "publisher": fields.publisher.strip(),
        "author": fields.author.strip(), "url": fields.url.strip(), "published": published,
        "date_precision": precision, "text": text, "content_hash": digest,
        "derived_from_id": fields.derived_from_id, "license": fields.license.strip(),
        "locator": fields.locator.strip(),
    }


def _lineage_errors(session: Session, parent_id: int, source: Source | None) -> dict[str, str]:
    """A source may not derive from itself, directly or through its lineage."""
    parent = session.get(Source, parent_id)
    if parent is None:
        return {"derived_from": "choose an existing source"}
    seen: set[int] = set()
    cursor = parent
    while cursor is not None and cursor.id not in seen:
        if source is not None and cursor.id == source.id:
            return {"derived_from": "a source cannot derive from itself or from what derives from it"}
        seen.add(cursor.id)
        cursor = session.get(Source, cursor.derived_from_id) if cursor.derived_from_id else None
    return {}


def create_source(*, session: Session, fields: SourceFields, actor_id: int | None) -> Source:
    """A new source; its text, when given, is what citations' quotes are checked against."""
    source = Source(**_source_values(session, fields, None))
    session.add(source)
    session.flush()
    record_event(session, object_type="source", object_id=source.id, action="create",
                 actor_id=actor_id, after=snapshot(source),
                 note=f"text of {len(source.text):,} characters" if source.text else "")
    return source


def edit_source(*, session: Session, source_id: int, base_version: int, fields: SourceFields,
                actor_id: int | None) -> Source:
    """Change a source; when its text changes, citations are re-anchored or marked as drifted."""
    source = get_source(session, source_id)
    values = _source_values(session, fields, source)
    text_changed = values["content_hash"] != source.content_hash
    before = snapshot(source)
    if source.version != base_version or not conditional_update(
            session, Source, row_id=source.id, base_version=base_version, values=values):
        session.refresh(source)
        raise stale_edit(session, source, object_type="source", base_version=base_version,
                         current=snapshot(source))
    session.refresh(source)
    note = ""
    if text_changed:
        drifted = _reanchor_citations(session, source)
        note = "text changed" + (f"; quotes no longer found for claims {', '.join(map(str, drifted))}"
                                 if drifted else "; every quote still found")
    record_event(session, object_type="source", object_id=source.id, action="edit",
                 actor_id=actor_id, before=before, after=snapshot(source), note=note)
    return source


def _reanchor_citations(session: Session, source: Source) -> list[int]:
    """Claim ids whose quotes no longer anchor in the new text: they go back to the queue."""
    drifted = []
    for citation in session.exec(select(Citation).where(Citation.source_id == source.id)).all():
        if not reanchor(citation, source):
            drifted.append(citation.claim_id)
        session.add(citation)
    session.flush()
    return sorted(set(drifted))
