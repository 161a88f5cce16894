"""Optimistic versioning: an edit names the version it was based on and loses to any newer one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from kb.models import Event
from kb.models.base import utcnow


@dataclass(frozen=True)
class FieldChange:
    field: str
    then: Any
    now: Any


@dataclass(eq=False)
class StaleEdit(Exception):
    """The row moved on since `base_version`; `changes` say how, `events` say who."""

    object_type: str
    object_id: int
    base_version: int
    current_version: int
    changes: list[FieldChange] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.object_type} {self.object_id} is at version {self.current_version}, "
                f"not {self.base_version}: it changed while you were editing")


def conditional_update(session: Session, model, *, row_id: int, base_version: int,
                       values: dict[str, Any]) -> bool:
    """UPDATE ... SET values, version+1 WHERE id and version match; False when the row moved on.

    One statement, so it holds under true concurrency: PostgreSQL re-checks the WHERE after a
    concurrent writer commits, and SQLite serializes writers.
    """
    values = dict(values, version=model.version + 1)
    if hasattr(model, "updated_at"):
        values["updated_at"] = utcnow()
    result = session.execute(
        update(model).where(model.id == row_id, model.version == base_version).values(**values),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1


def stale_edit(session: Session, obj, *, object_type: str, base_version: int,
               current: dict[str, Any]) -> StaleEdit:
    """A StaleEdit for `obj`, listing the fields that changed after `base_version`."""
    events = [
        e for e in session.exec(
            select(Event).where(Event.object_type == object_type, Event.object_id == obj.id)
            .order_by(Event.id)
        ).all()
        if isinstance(e.after, dict) and isinstance(e.after.get("version"), int)
        and e.after["version"] > base_version
    ]
    then: dict[str, Any] = {}
    for e in events:
        for name, value in (e.before or {}).items():
            if name != "version" and value != (e.after or {}).get(name):
                then.setdefault(name, value)
    changes = [FieldChange(name, value, current.get(name)) for name, value in then.items()
               if current.get(name) != value]
    return StaleEdit(object_type=object_type, object_id=obj.id, base_version=base_version,
                     current_version=obj.version, changes=changes, events=events)


def hold_version(session: Session, model, *, row_id: int, base_version: int) -> bool:
    """Lock the row for this transaction if it is still at `base_version`; False when it moved on.

    For changes made by code that bumps the version itself: the no-op UPDATE takes the row lock
    (the database lock on SQLite) first, so a concurrent change waits and then finds it stale.
    """
    result = session.execute(
        update(model).where(model.id == row_id, model.version == base_version).values(version=model.version),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1
