"""Writing findings back: match them to stored groups, keep resolutions, reopen, dissolve."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, update
from sqlalchemy.engine import Connection

from kb.conflicts import bulk
from kb.conflicts.bulk import copy_pairs, copy_rows, insert_returning_ids
from kb.conflicts.engine import Finding
from kb.conflicts.store import StoredGroup, claim_t, group_t, member_t
from kb.models import Event
from kb.models.base import utcnow

event_t = Event.__table__


@dataclass
class SyncStats:
    created: int = 0
    updated: int = 0
    reopened: int = 0
    dissolved: int = 0
    touched: set[int] = field(default_factory=set)   # ids of groups written


def scope_of(kind: str, subject_id: int, attribute_id: int, key: str) -> tuple:
    """What a recheck covers: a derived group is checked per derived claim, the rest per bucket."""
    if kind == "derived":
        return ("derived", key)
    return (kind, subject_id, attribute_id)


Pairs = list[tuple[StoredGroup, Finding]]


def _match(findings: list[Finding], stored: dict[int, StoredGroup]) -> tuple[Pairs, list[Finding]]:
    """Pair each finding with the stored group it continues: reopened, same key, or most overlap."""
    pairs: list[tuple[StoredGroup, Finding]] = []
    taken: set[int] = set()
    rest: list[Finding] = []
    for f in findings:
        if f.reopens is not None and f.reopens in stored and f.reopens not in taken:
            pairs.append((stored[f.reopens], f))
            taken.add(f.reopens)
        else:
            rest.append(f)
    by_key = {g.group_key: g for g in stored.values()}
    unkeyed = []
    for f in rest:
        g = by_key.get(f.key)
        if g is not None and g.id not in taken and not g.settled:
            pairs.append((g, f))
            taken.add(g.id)
        else:
            unkeyed.append(f)
    new = []
    candidates: dict[tuple, list[StoredGroup]] = {}
    for g in stored.values():
        if g.id not in taken and not g.settled:
            candidates.setdefault((g.kind, g.subject_id, g.attribute_id, g.source_id), []).append(g)
    for f in unkeyed:
        pool = [g for g in candidates.get((f.kind, f.subject_id, f.attribute_id, f.source_id), [])
                if g.id not in taken and set(g.members) & f.members]
        if pool:
            g = max(pool, key=lambda g: (len(set(g.members) & f.members), -g.id))
            pairs.append((g, f))
            taken.add(g.id)
        else:
            new.append(f)
    return pairs, new


def _event(group_id: int, action: str, note: str, from_status=None, to_status=None,
           before=None, after=None, actor_id=None) -> dict:
    return {"object_type": "contradiction", "object_id": group_id, "action": action,
            "actor_id": actor_id, "from_status": from_status, "to_status": to_status, "note": note,
            "before": before, "after": after, "created_at": utcnow()}


def _ids(ids: Iterable[int]) -> str:
    return ", ".join(str(i) for i in sorted(ids))


def sync(connection: Connection, findings: list[Finding], stored: dict[int, StoredGroup],
         covered: set[tuple] | None = None) -> SyncStats:
    """Make the stored groups in `covered` (None: all) agree with the findings; append events."""
    stats = SyncStats()
    in_scope = {gid: g for gid, g in stored.items()
                if covered is None or scope_of(g.kind, g.subject_id, g.attribute_id, g.group_key) in covered}
    pairs, new = _match(findings, in_scope)
    now = utcnow()
    updates, events, add_members, drop_members, flip_members = [], [], [], [], []
    used_keys = {g.group_key for g in in_scope.values()}
    matched = set()
    for g, f in pairs:
        matched.add(g.id)
        wanted = {cid: (cid in f.conflicting or g.members.get(cid, False)) if g.settled
                  else cid in f.conflicting for cid in f.members}
        if g.settled:
            wanted.update({cid: flag for cid, flag in g.members.items() if cid not in wanted})
        added = set(wanted) - set(g.members)
        removed = set(g.members) - set(wanted)
        flipped = {cid for cid in set(wanted) & set(g.members) if wanted[cid] != g.members[cid]}
        key = f.key if (f.key == g.group_key or f.key not in used_keys) else g.group_key
        used_keys.add(key)
        status = "open" if (g.settled or not g.active) else g.status
        row = {"severity": f.severity, "summary": f.summary, "qualifiers": f.qualifiers,
               "group_key": key, "active": True, "status": status, "source_id": f.source_id}
        current = {"severity": g.severity, "summary": g.summary, "qualifiers": g.qualifiers,
                   "group_key": g.group_key, "active": g.active, "status": g.status,
                   "source_id": g.source_id}
        if row == current and not (added or removed or flipped):
            continue
        updates.append({"b_id": g.id, **row, "updated_at": now})
        stats.touched.add(g.id)
        add_members += [{"contradiction_id": g.id, "claim_id": c, "in_conflict": wanted[c]} for c in added]
        drop_members += [{"b_gid": g.id, "b_cid": c} for c in removed]
        flip_members += [{"b_gid": g.id, "b_cid": c, "b_flag": wanted[c]} for c in flipped]
        if g.settled:
            stats.reopened += 1
            events.append(_event(g.id, "reopen", f"new conflicting claim(s) {_ids(added)} joined the group",
                                 from_status=g.status, to_status="open"))
        elif not g.active:
            stats.reopened += 1
            events.append(_event(g.id, "reopen", "the conflict is back", from_status=g.status, to_status="open"))
        elif added or removed:
            stats.updated += 1
            note = "; ".join(p for p in (f"added claim(s) {_ids(added)}" if added else "",
                                         f"removed claim(s) {_ids(removed)}" if removed else "") if p)
            events.append(_event(g.id, "update", note))
        else:
            stats.updated += 1
    for gid, g in in_scope.items():
        if gid in matched or g.settled or not g.active:
            continue
        updates.append({"b_id": gid, "severity": g.severity, "summary": g.summary,
                        "qualifiers": g.qualifiers, "group_key": g.group_key, "active": False,
                        "status": g.status, "source_id": g.source_id, "updated_at": now})
        events.append(_event(gid, "dissolve", "the claims no longer conflict (edited, retracted or deprecated)"))
        stats.dissolved += 1
        stats.touched.add(gid)
    if updates:
        columns = [k for k in updates[0] if k != "b_id"]
        connection.execute(
            update(group_t).where(group_t.c.id == bindparam("b_id"))
            .values(version=group_t.c.version + 1, **{k: bindparam(f"v_{k}") for k in columns}),
            [{"b_id": u["b_id"], **{f"v_{k}": u[k] for k in columns}} for u in updates])
    if drop_members:
        connection.execute(delete(member_t).where(member_t.c.contradiction_id == bindparam("b_gid"),
                                                  member_t.c.claim_id == bindparam("b_cid")), drop_members)
    if flip_members:
        connection.execute(update(member_t).where(member_t.c.contradiction_id == bindparam("b_gid"),
                                                  member_t.c.claim_id == bindparam("b_cid"))
                           .values(in_conflict=bindparam("b_flag")), flip_members)
    if new:
        rows = []
        for f in new:
            key = f.key
            n = 1
            while key in used_keys:
                n += 1
                key = f"{f.key}~{n}"
            used_keys.add(key)
            rows.append({"group_key": key, "kind": f.kind, "subject_id": f.subject_id,
                         "attribute_id": f.attribute_id, "qualifiers": f.qualifiers,
                         "source_id": f.source_id, "status": "open", "severity": f.severity,
                         "summary": f.summary, "note": "", "active": True, "version": 1,
                         "created_at": now, "updated_at": now})
        ids = insert_returning_ids(connection, group_t, rows)
        for gid, f in zip(ids, new):
            add_members += [{"contradiction_id": gid, "claim_id": c, "in_conflict": c in f.conflicting}
                            for c in sorted(f.members)]
            events.append(_event(gid, "detect", f.summary[:2000], to_status="open",
                                 after={"members": sorted(f.members), "severity": f.severity}))
            stats.touched.add(gid)
        stats.created += len(new)
    copy_rows(connection, member_t, add_members)
    copy_rows(connection, event_t, events)
    return stats


def write_confidences(connection: Connection, ids, values) -> None:
    """Store recomputed confidences (only those that changed are passed in).

    A first full recheck writes one per claim; a million single-row UPDATEs through SQLAlchemy
    would dominate it, so large batches go straight to the driver (COPY into a temporary table
    and one UPDATE on PostgreSQL, executemany on SQLite).
    """
    if len(ids) < bulk.BULK:
        stmt = update(claim_t).where(claim_t.c.id == bindparam("b_id")).values(confidence=bindparam("b_conf"))
        if len(ids):
            connection.execute(stmt, [{"b_id": cid, "b_conf": conf} for cid, conf in zip(ids, values)])
        return
    if connection.dialect.name == "postgresql":
        copy_pairs(connection, "CREATE TEMPORARY TABLE kb_confidence (id bigint PRIMARY KEY, confidence float8)",
                   "kb_confidence", zip(ids, values))
    cursor = connection.connection.driver_connection.cursor()
    try:
        if connection.dialect.name == "postgresql":
            cursor.execute("UPDATE claim SET confidence = t.confidence FROM kb_confidence t WHERE claim.id = t.id")
            cursor.execute("DROP TABLE kb_confidence")
        else:
            cursor.executemany("UPDATE claim SET confidence = ? WHERE id = ?", zip(values, ids))
    finally:
        cursor.close()
