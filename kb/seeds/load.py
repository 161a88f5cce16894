"""Upsert validated seed records on their natural keys; a second run changes nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel, select

from kb.config import Settings
from kb.importers import ImportReport
from kb.models import Alias, Attribute, Citation, Claim, Derivation, Entity, Relation, Source
from kb.names import normalize_name, parse_ref
from kb.seeds.datasets import ProgressFor, import_shipped
from kb.seeds.files import Record, SeedError, SeedSet, read_seed_files
from kb.seeds.validate import validate
from kb.services.history import record_event, snapshot

CONTEXT = 32  # characters of prefix and suffix kept to re-find a quote if the text shifts


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    missing_texts: list[str] = field(default_factory=list)
    datasets: list[ImportReport] = field(default_factory=list)

    def count(self, table: str, created: bool) -> None:
        target = self.created if created else self.updated
        target[table] = target.get(table, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated) or any(
            d.claims_created or d.claims_updated or d.created for d in self.datasets)


def _assign(obj: SQLModel, values: dict[str, Any]) -> bool:
    """Set fields that differ; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _upsert(session: Session, model, lookup: dict, values: dict, report: SeedReport, table: str):
    obj = session.exec(select(model).filter_by(**lookup)).first()
    if obj is None:
        obj = model(**lookup, **values)
        session.add(obj)
        session.flush()
        report.count(table, True)
        return obj, True
    if _assign(obj, values):
        report.count(table, False)
        session.flush()
    return obj, False


def _source_text(record: Record, corpus_dir: Path, report: SeedReport) -> str | None:
    name = record.data.get("file")
    if not name:
        return None
    path = corpus_dir / name
    if not path.exists():
        report.missing_texts.append(str(path))
        return None
    raw = path.read_bytes()
    expected = record.data.get("sha256")
    if expected and hashlib.sha256(raw).hexdigest() != expected:
        raise SeedError([f"{record.where}: {path} does not match its sha256; the article changed"])
    return raw.decode("utf-8")


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _figure_value(value: Any) -> float | None:
    """Numbers as floats; ISO dates as ordinal day numbers (the `date` unit)."""
    if value is None:
        return None
    if isinstance(value, (str, date)):
        return float(_as_date(value).toordinal())
    return float(value)


class _Loader:
    def __init__(self, session: Session, settings: Settings, report: SeedReport):
        self.session, self.settings, self.report = session, settings, report
        self.attributes: dict[str, Attribute] = {}
        self.sources: dict[str, Source] = {}
        self.entities: dict[str, Entity] = {}
        self.claims: dict[str, Claim] = {}
        self.fresh: set[int] = set()  # rows this run inserted, by object identity

    def attributes_(self, records: list[Record]) -> None:
        for r in records:
            d = r.data
            obj, _ = _upsert(self.session, Attribute, {"name": d["name"]}, {
                "label": d["label"], "dimension": d["dimension"], "unit": d["unit"],
                "description": d.get("description", ""), "synonyms": list(d.get("synonyms", [])),
            }, self.report, "attribute")
            self.attributes[d["name"]] = obj

    def sources_(self, records: list[Record]) -> None:
        for r in records:
            d = r.data
            text = _source_text(r, self.settings.corpus_dir, self.report)
            values = {
                "title": d["title"], "publisher": d.get("publisher", ""),
                "author": d.get("author", ""), "url": d.get("url", ""), "kind": d["kind"],
                "published": _as_date(d.get("published")),
                "date_precision": d.get("date_precision", "day"), "license": d.get("license", ""),
            }
            if text is not None:
                values["text"] = text
                values["content_hash"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
            obj, created = _upsert(self.session, Source, {"key": d["key"]}, values, self.report, "source")
            if created:
                self.fresh.add(id(obj))
            self.sources[d["key"]] = obj
        for r in records:
            parent = r.data.get("derived_from")
            obj = self.sources[r.data["key"]]
            wanted = self.sources[parent].id if parent else None
            if obj.derived_from_id != wanted:
                # A source created in this run gets its lineage here: not an update.
                if obj.derived_from_id is not None or not self._created(obj):
                    self.report.count("source", False)
                obj.derived_from_id = wanted

    def entities_(self, records: list[Record]) -> None:
        aliases: dict[str, list[str]] = {}
        for r in records:
            d = r.data
            ref = f"{d['kind']}:{d['slug']}"
            if ref not in self.entities:
                obj, created = _upsert(self.session, Entity, {"kind": d["kind"], "slug": d["slug"]}, {
                    "name": d["name"], "description": d.get("description", ""),
                }, self.report, "entity")
                if created:
                    self.fresh.add(id(obj))
                self.entities[ref] = obj
            elif d.get("description") and not self.entities[ref].description:
                self.entities[ref].description = d["description"]
            aliases.setdefault(ref, [d["name"]]).extend(d.get("aliases", []))
        for r in records:
            parent = r.data.get("parent")
            if parent:
                obj = self.entities[f"{r.data['kind']}:{r.data['slug']}"]
                if obj.parent_id != self.entities[parent].id:
                    if obj.parent_id is not None or not self._created(obj):
                        self.report.count("entity", False)
                    obj.parent_id = self.entities[parent].id
        for ref, names in aliases.items():
            entity = self.entities[ref]
            seen: set[str] = set()
            for name in names:
                norm = normalize_name(name)
                if not norm or norm in seen:
                    continue
                seen.add(norm)
                _upsert(self.session, Alias, {"entity_id": entity.id, "normalized": norm},
                        {} if self._alias_exists(entity.id, norm) else {"name": name},
                        self.report, "alias")

    def _created(self, obj: SQLModel) -> bool:
        """True for a row inserted by this run (its first-pass upsert counted it as created)."""
        return id(obj) in self.fresh

    def _alias_exists(self, entity_id: int, norm: str) -> bool:
        return self.session.exec(
            select(Alias.id).where(Alias.entity_id == entity_id, Alias.normalized == norm)
        ).first() is not None

    def relations_(self, records: list[Record]) -> None:
        for r in records:
            d = r.data
            _upsert(self.session, Relation, {
                "subject_id": self.entities[d["subject"]].id, "type": d["type"],
                "object_id": self.entities[d["object"]].id,
            }, {}, self.report, "relation")

    def claims_(self, records: list[Record]) -> None:
        for r in records:
            self._claim(r)
        for r in records:
            derived = r.data.get("derived")
            if derived:
                _upsert(self.session, Derivation, {"claim_id": self.claims[r.data["key"]].id}, {
                    "numerator_id": self.claims[derived["numerator"]].id,
                    "denominator_id": self.claims[derived["denominator"]].id,
                }, self.report, "derivation")

    def _claim(self, r: Record) -> None:
        d = r.data
        attribute = self.attributes[d["attribute"]]
        values: dict[str, Any] = {
            "subject_id": self.entities[d["subject"]].id, "attribute_id": attribute.id,
            "statement": d["statement"], "period": str(d.get("period", "")),
            "scope": d.get("scope", ""), "asserted_by": d.get("asserted_by", ""),
            "model_id": self.entities[d["model"]].id if d.get("model") else None,
            "note": d.get("note", ""), "dataset_confidence": d.get("confidence", ""),
            "figure_text": d.get("figure"), "unit": d.get("unit"), "bound": d.get("bound"),
            "low": _figure_value(d.get("low")), "high": _figure_value(d.get("high")),
            "precision": float(d["precision"]) if "precision" in d else (0.0 if "figure" in d else None),
            "method": d.get("method", "reported") if "figure" in d else None,
        }
        if values["bound"] == "upper" and values["low"] is None:
            values["low"] = None
        claim = self.session.exec(select(Claim).where(Claim.key == d["key"])).first()
        status = d.get("status", "unverified")
        if claim is None:
            claim = Claim(key=d["key"], status=status, **values)
            self.session.add(claim)
            self.session.flush()
            record_event(self.session, object_type="claim", object_id=claim.id, action="create",
                         to_status=status, note=f"seeded from {r.path.name}", after=snapshot(claim))
            self.report.count("claim", True)
        else:
            before = snapshot(claim)
            if _assign(claim, values):
                claim.version += 1
                self.session.flush()
                record_event(self.session, object_type="claim", object_id=claim.id, action="edit",
                             note=f"seed update from {r.path.name}", before=before,
                             after=snapshot(claim))
                self.report.count("claim", False)
        self.claims[d["key"]] = claim
        self._citation(r, claim)

    def _citation(self, r: Record, claim: Claim) -> None:
        d = r.data
        source = self.sources[d["source"]]
        quote = d["quote"]
        start = d.get("start")
        text = source.text
        if text is not None:
            if start is None:
                start = text.find(quote)
            if start < 0 or text[start:start + len(quote)] != quote:
                found = text.find(quote)
                hint = f" (it is at {found})" if found >= 0 else " (not found in the text)"
                raise SeedError([f"{r.where}: quote does not match source {d['source']} at start={start}{hint}"])
        values: dict[str, Any] = {"quote": quote, "start": start,
                                  "end": None if start is None else start + len(quote),
                                  "content_hash": source.content_hash, "anchored": True}
        if text is not None:
            values["prefix"] = text[max(0, start - CONTEXT):start]
            values["suffix"] = text[start + len(quote):start + len(quote) + CONTEXT]
        _upsert(self.session, Citation, {"claim_id": claim.id, "source_id": source.id},
                values, self.report, "citation")


def load_seeds(*, session: Session, settings: Settings, seeds: SeedSet | None = None,
               datasets: bool = True, progress: ProgressFor | None = None) -> SeedReport:
    """Validate the whole seed set, then upsert it and import the shipped datasets (unless
    `datasets` is false); raises SeedError before writing anything."""
    seeds = seeds or read_seed_files(settings.seeds_dir)
    validate(seeds)
    report = SeedReport()
    loader = _Loader(session, settings, report)
    loader.attributes_(seeds.attributes)
    loader.sources_(seeds.sources)
    loader.entities_(seeds.entities)
    loader.relations_(seeds.relations)
    loader.claims_(seeds.claims)
    session.flush()
    if datasets:
        report.datasets = import_shipped(session=session, seeds_dir=settings.seeds_dir, progress=progress)
    return report
