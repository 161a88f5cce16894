"""What the event log remembers of a source's ingestions.

The review pages read it; they live apart from kb.ingest so that showing them loads no text
pipeline (spaCy, numpy, the readers)."""

from __future__ import annotations

from sqlmodel import Session, select

from kb.models import Event

INGEST_ACTION = "ingest"


def new_names_of(session: Session, source_id: int) -> list[tuple[str, str]]:
    """The names the last ingestion of a source found that kb does not know, with the kind of
    entity each looks like (lab, model, ...), to propose them as new entities."""
    event = session.exec(select(Event).where(
        Event.object_type == "source", Event.object_id == source_id,
        Event.action == INGEST_ACTION).order_by(Event.id.desc())).first()
    after = event.after if event is not None and isinstance(event.after, dict) else {}
    kinds = after.get("new_entity_kinds") if isinstance(after.get("new_entity_kinds"), dict) else {}
    return [(n, kinds.get(n) or "lab") for n in after.get("new_entities", []) if isinstance(n, str)]
