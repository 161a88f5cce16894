"""Upserting an import's row sources, claims, citations and relations, new rows in bulk."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from kb.models import Citation, Claim, Event, Relation, Source
from kb.models.base import utcnow
from kb.services.history import record_event, snapshot

CHUNK = 500


def _json_safe(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, (date, datetime)) else v for k, v in values.items()}


class Writer:
    """Holds what an import wants stored; existing rows are updated in place, new ones inserted at once."""

    def __init__(self, session: Session, prefix: str, note: str):
        self.session, self.note = session, note
        self.claims = {c.key: c for c in session.exec(select(Claim).where(Claim.key.startswith(prefix)))}
        self.sources = {s.key: s for s in session.exec(select(Source).where(Source.key.startswith(prefix)))}
        self.citations: dict[int, Citation] = {}
        ids = [s.id for s in self.sources.values()]
        for i in range(0, len(ids), CHUNK):
            for c in session.exec(select(Citation).where(Citation.source_id.in_(ids[i:i + CHUNK]))):
                self.citations[c.claim_id] = c
        self.new_sources: dict[str, dict[str, Any]] = {}
        self.new_claims: dict[str, dict[str, Any]] = {}
        self.updated: list[tuple[Claim, dict[str, Any]]] = []
        self.unchanged = 0
        self.cites: list[tuple[str, str, int, str, str]] = []
        self.relations: dict[tuple[int, int], str | None] = {}
        self.variants: set[tuple[int, int]] = set()   # (board, the chip it is a variant of)

    def has_claim(self, key: str) -> bool:
        return key in self.claims or key in self.new_claims

    def source(self, key: str, values: dict[str, Any]) -> None:
        existing = self.sources.get(key)
        if existing is None:
            self.new_sources[key] = {"key": key, "created_at": utcnow(), "version": 1, "text": None,
                                     "content_hash": None, "author": "", "date_precision": "day", **values}
            return
        for k, v in values.items():
            if getattr(existing, k) != v:
                setattr(existing, k, v)

    def claim(self, key: str, values: dict[str, Any]) -> None:
        existing = self.claims.get(key)
        if existing is None:
            now = utcnow()
            self.new_claims[key] = {
                "key": key, "status": "unverified", "rank": "normal", "rank_reason": "", "period": "",
                "asserted_by": "", "note": "", "version": 1, "created_at": now, "updated_at": now,
                "model_id": None, "confidence": None, "unparsed_reason": None, **values}
            return
        changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
        if not changed:
            self.unchanged += 1
            return
        self.updated.append((existing, snapshot(existing)))
        for k, v in changed.items():
            setattr(existing, k, v)
        existing.version += 1
        existing.updated_at = utcnow()

    def cite(self, claim_key: str, source_key: str, row: int, column: str, quote: str) -> None:
        self.cites.append((claim_key, source_key, row, column, quote))

    def relate(self, subject_id: int, chip_id: int, claim_key: str | None) -> None:
        if claim_key is not None or (subject_id, chip_id) not in self.relations:
            self.relations[(subject_id, chip_id)] = claim_key

    def _insert(self, model, rows: list[dict[str, Any]]) -> dict[str, int]:
        """Insert rows in batches; their ids by natural key."""
        ids: dict[str, int] = {}
        table = model.__table__
        for i in range(0, len(rows), CHUNK):
            chunk = rows[i:i + CHUNK]
            result = self.session.execute(insert(table).returning(table.c.id, table.c.key,
                                                                  sort_by_parameter_order=True), chunk)
            ids.update((key, rid) for rid, key in result)
        return ids

    def write(self, snapshot_date: date | None) -> tuple[list[int], list[int]]:
        """Store everything; (ids of new claims, ids of updated claims)."""
        self.session.flush()
        source_ids = {k: s.id for k, s in self.sources.items()}
        source_ids.update(self._insert(Source, list(self.new_sources.values())))
        claim_ids = {k: c.id for k, c in self.claims.items()}
        created = self._insert(Claim, list(self.new_claims.values()))
        claim_ids.update(created)
        new_cites = []
        for claim_key, source_key, row, column, quote in self.cites:
            values = {"quote": quote, "row": row, "column": column[:200], "source_id": source_ids[source_key]}
            cite = self.citations.get(claim_ids[claim_key])
            if cite is None:
                new_cites.append({"claim_id": claim_ids[claim_key], "start": None, "end": None, "prefix": "",
                                  "suffix": "", "content_hash": None, "anchored": True,
                                  "created_at": utcnow(), **values})
            else:
                for k, v in values.items():
                    if getattr(cite, k) != v:
                        setattr(cite, k, v)
        for i in range(0, len(new_cites), CHUNK):
            self.session.execute(insert(Citation.__table__), new_cites[i:i + CHUNK])
        self._write_relations(claim_ids)
        events = [{"object_type": "claim", "object_id": claim_ids[key], "action": "create",
                   "to_status": "unverified", "note": self.note, "actor_id": None, "from_status": None,
                   "before": None, "after": _json_safe({"id": claim_ids[key], **values}),
                   "created_at": utcnow()}
                  for key, values in self.new_claims.items()]
        for i in range(0, len(events), CHUNK):
            self.session.execute(insert(Event.__table__), events[i:i + CHUNK])
        self.session.flush()
        for claim, before in self.updated:
            record_event(self.session, object_type="claim", object_id=claim.id, action="edit",
                         note=f"{self.note} (snapshot {snapshot_date})", before=before, after=snapshot(claim))
        self.session.flush()
        return list(created.values()), [c.id for c, _ in self.updated]

    def _write_variants(self) -> None:
        """A board ("NVIDIA H100 PCIe") links to its chip ("H100"): its figures differ, it is not an alias."""
        boards = sorted({b for b, _ in self.variants})
        existing: set[tuple[int, int]] = set()
        for i in range(0, len(boards), CHUNK):
            existing.update(self.session.exec(select(Relation.subject_id, Relation.object_id).where(
                Relation.type == "variant_of", Relation.subject_id.in_(boards[i:i + CHUNK]))).all())
        for board, chip in sorted(self.variants - existing):
            self.session.add(Relation(subject_id=board, type="variant_of", object_id=chip))

    def _write_relations(self, claim_ids: dict[str, int]) -> None:
        self._write_variants()
        if not self.relations:
            return
        subjects = sorted({s for s, _ in self.relations})
        existing: dict[tuple[int, int], Relation] = {}
        for i in range(0, len(subjects), CHUNK):
            stmt = select(Relation).where(Relation.type == "trained_on_chip",
                                          Relation.subject_id.in_(subjects[i:i + CHUNK]))
            existing.update(((r.subject_id, r.object_id), r) for r in self.session.exec(stmt))
        for (subject_id, chip_id), claim_key in self.relations.items():
            claim_id = claim_ids.get(claim_key) if claim_key else None
            rel = existing.get((subject_id, chip_id))
            if rel is None:
                self.session.add(Relation(subject_id=subject_id, type="trained_on_chip",
                                          object_id=chip_id, claim_id=claim_id))
            elif rel.claim_id is None and claim_id is not None:
                rel.claim_id = claim_id
