"""The append-only event log behind every change."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, SQLModel

from kb.models import Event

# Fields never copied into history: secrets, and bookkeeping that changes on every write.
_SKIP = {"password_hash", "updated_at", "created_at", "text"}


def snapshot(obj: SQLModel) -> dict[str, Any]:
    """A JSON-safe copy of a row's fields, for an event's before/after."""
    out: dict[str, Any] = {}
    for name, value in obj.model_dump().items():
        if name in _SKIP:
            continue
        out[name] = value.isoformat() if isinstance(value, (date, datetime)) else value
    return out


def record_event(
    session: Session,
    *,
    object_type: str,
    object_id: int,
    action: str,
    actor_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Event:
    """Append one event; nothing in the log is ever updated or deleted."""
    event = Event(
        object_type=object_type, object_id=object_id, action=action, actor_id=actor_id,
        from_status=from_status, to_status=to_status, note=note, before=before, after=after,
    )
    session.add(event)
    return event
