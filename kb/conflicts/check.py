"""What full and incremental rechecks share: the report, settled groups, confidence changes."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from kb.conflicts.confidence import agreeing_confidences, bucket_confidences, lone_confidence
from kb.conflicts.engine import Note
from kb.conflicts.facts import Fact
from kb.conflicts.store import StoredGroup, group_t
from kb.conflicts.sync import SyncStats


@dataclass
class RecheckReport:
    """What a recheck found and changed."""

    claims: int = 0
    buckets: int = 0
    created: int = 0
    updated: int = 0
    reopened: int = 0
    dissolved: int = 0
    confidences_changed: int = 0
    open_groups: dict[str, int] = field(default_factory=dict)   # kind -> open, active groups
    notes: list[Note] = field(default_factory=list)
    seconds: float = 0.0

    def absorb(self, stats: SyncStats) -> None:
        self.created += stats.created
        self.updated += stats.updated
        self.reopened += stats.reopened
        self.dissolved += stats.dissolved


class Settled:
    """Settled (resolved or explained) groups indexed the way the engine asks for them."""

    def __init__(self, groups: Iterable[StoredGroup]):
        self.by_scope: dict[tuple, dict[int, frozenset[int]]] = {}
        self.authorities: dict[tuple, dict[int, dict[int, frozenset[int]]]] = {}
        for g in groups:
            if not g.settled:
                continue
            members = frozenset(g.members)
            if g.kind == "authorities":
                self.authorities.setdefault((g.subject_id, g.attribute_id), {}).setdefault(
                    g.source_id, {})[g.id] = members
            else:
                self.by_scope.setdefault((g.kind, g.subject_id, g.attribute_id), {})[g.id] = members

    def get(self, kind: str, subject_id: int, attribute_id: int) -> dict[int, frozenset[int]]:
        return self.by_scope.get((kind, subject_id, attribute_id), {})

    def derived(self, fact: Fact) -> dict[int, frozenset[int]]:
        return {gid: s for gid, s in self.get("derived", fact.bucket_subject, fact.attribute_id).items()
                if fact.id in s}


class Changes:
    """Recomputed confidences that differ from the stored ones, kept compactly (a million fit)."""

    def __init__(self):
        self.ids, self.values = array("q"), array("d")

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, facts: list[Fact], roots, cache: dict, agree: bool | None = None) -> None:
        if len(facts) == 1:
            value = lone_confidence(facts[0], roots, cache)
            if value != facts[0].confidence:
                self.ids.append(facts[0].id)
                self.values.append(value)
            return
        computed = agreeing_confidences(facts, roots) if agree else bucket_confidences(facts, roots)
        for f in facts:
            if computed[f.id] != f.confidence:
                self.ids.append(f.id)
                self.values.append(computed[f.id])


def open_counts(connection) -> dict[str, int]:
    stmt = (select(group_t.c.kind, func.count()).where(group_t.c.active.is_(True),
                                                       group_t.c.status == "open")
            .group_by(group_t.c.kind))
    return {kind: n for kind, n in connection.execute(stmt)}


def expire(session: Session, model, ids: Iterable[int], all_of_kind: bool = False) -> None:
    """Objects the session holds for rows just written behind its back reload on next access."""
    if all_of_kind:
        for obj in list(session.identity_map.values()):
            if isinstance(obj, model):
                session.expire(obj)
        return
    for i in ids:
        obj = session.identity_map.get(identity_key(model, i))
        if obj is not None:
            session.expire(obj)
