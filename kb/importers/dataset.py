"""Importing a dataset file: one source per file, one per row, one claim per figure, upserted."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from kb.importers.cells import CellError, iso_date, number
from kb.importers.epoch import LICENSE, PUBLISHER, Column, Dataset
from kb.importers.resolve import Resolver, base_chip_name, entity_id, org_variants
from kb.importers.table import DatasetError, Row, read_table
from kb.importers.writer import Writer
from kb.models import Attribute, Entity, Source
from kb.names import normalize_name

DIMENSIONS = {"parameters": "parameters", "FLOP": "flop", "USD": "currency", "count": "count",
              "date": "date", "FLOP/s": "flop_rate", "B": "bytes", "B/s": "byte_rate", "W": "power"}
_SNAPSHOT_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
KEY_LIMIT = 200

Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    dataset: str
    path: str
    snapshot_date: date | None = None
    rows: int = 0
    rows_imported: int = 0
    claims_created: int = 0
    claims_updated: int = 0
    claims_unchanged: int = 0
    created: dict[str, list[str]] = field(default_factory=dict)          # kind -> names
    near_misses: list[tuple[str, str, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changed_claim_ids: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset, "path": self.path,
            "snapshot_date": self.snapshot_date.isoformat() if self.snapshot_date else None,
            "rows": self.rows, "rows_imported": self.rows_imported,
            "claims_created": self.claims_created, "claims_updated": self.claims_updated,
            "claims_unchanged": self.claims_unchanged, "created_entities": self.created,
            "near_misses": [{"name": n, "matched": m, "score": s} for n, m, s in self.near_misses],
            "errors": self.errors, "warnings": self.warnings,
        }


def _key(*parts: str) -> str:
    key = ":".join(parts)
    if len(key) <= KEY_LIMIT:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[:KEY_LIMIT - 17]}~{digest}"


def _split(cell: str) -> list[str]:
    """"Google DeepMind,Google" -> ["Google DeepMind", "Google"]."""
    return [part.strip() for part in cell.split(",") if part.strip()]


def _snapshot(path: Path, spec: Dataset, rows: list[Row]) -> date | None:
    m = _SNAPSHOT_IN_NAME.search(path.name)
    if m:
        try:
            return date.fromisoformat(m.group(1))
        except ValueError:
            pass
    if spec.snapshot_column:
        dates = []
        for row in rows:
            try:
                dates.append(iso_date(row.cells.get(spec.snapshot_column, "")))
            except CellError:
                continue
        return max(dates, default=None)
    return None


class _Import:
    def __init__(self, session: Session, spec: Dataset, path: Path, report: ImportReport,
                 progress: Progress | None):
        self.session, self.spec, self.path, self.report = session, spec, path, report
        self.progress = progress
        self.labs = Resolver.load(session, "lab", fuzzy=True)
        self.subjects = Resolver.load(session, spec.entity_kind)
        self.chips = self.subjects if spec.entity_kind == "chip" else Resolver.load(session, "chip")
        prefix = spec.name + ":"
        self.note = f"imported from {path.name}"
        self.writer = Writer(session, prefix, self.note)
        self.attributes = self._attributes()
        # An earlier import's row -> entity mapping, so a re-import never moves figures.
        self.prior_subjects: dict[str, int] = {}
        for c in self.writer.claims.values():
            self.prior_subjects.setdefault(c.key[len(prefix):].rsplit(":", 1)[0], c.subject_id)

    def _attributes(self) -> dict[str, Attribute]:
        names = {c.attribute for c in self.spec.columns}
        found = {a.name: a for a in self.session.exec(select(Attribute).where(Attribute.name.in_(sorted(names))))}
        for col in self.spec.columns:
            if col.attribute not in found:
                attr = Attribute(name=col.attribute, label=col.attribute.replace("_", " ").capitalize(),
                                 dimension=DIMENSIONS[col.unit], unit=col.unit)
                self.session.add(attr)
                found[col.attribute] = attr
        self.session.flush()
        return found

    def dataset_source(self, snapshot_date: date | None, digest: str) -> Source:
        source = self.session.exec(select(Source).where(Source.key == self.spec.name)).first()
        if source is None:
            source = Source(key=self.spec.name, title=self.spec.title, publisher=PUBLISHER,
                            url=self.spec.url, kind="dataset", license=LICENSE)
        elif source.snapshot_date and snapshot_date and snapshot_date < source.snapshot_date:
            raise DatasetError(f"{self.path}: snapshot {snapshot_date} is older than the one already "
                               f"imported ({source.snapshot_date}); nothing was imported")
        source.snapshot_date = snapshot_date or source.snapshot_date
        source.published = source.snapshot_date
        source.content_hash = digest
        self.session.add(source)
        self.session.flush()
        return source

    def _named_rows(self, rows: list[Row]) -> list[tuple[Row, str]]:
        spec, out, seen = self.spec, [], set()
        for row in rows:
            name = row.cells.get(spec.identity, "")
            if not name:
                self.report.errors.append(f"{row.where}: no {spec.identity!r}; the row names nothing "
                                          "and was not imported")
            elif name in seen:
                self.report.errors.append(f"{row.where}: {spec.identity} {name!r} appears twice; "
                                          "only its first row was imported")
            else:
                seen.add(name)
                out.append((row, name))
        return out

    def _makers(self, named: list[tuple[Row, str]]) -> dict[str, int]:
        """Every organization named in the file, found or created, in one batch."""
        found: dict[str, int | Entity] = {}
        for row, _ in named:
            for maker in _split(row.cells.get(self.spec.maker, "")):
                if maker not in found:
                    found[maker] = self.labs.find(maker, *org_variants(maker)) or self.labs.create(
                        maker, description=f"Organization named in {self.spec.title}.")
        self.labs.flush()
        return {m: entity_id(t) for m, t in found.items()}

    def _subjects(self, named: list[tuple[Row, str]], makers: dict[str, int]) -> dict[str, int]:
        """Each row's entity: the one an earlier import used, else looked up, else created.

        Two rows of one file are two entities even when their names differ only in punctuation
        ("PointNet" / "PointNet++"); a chip's base name ("H800" for "NVIDIA H800 SXM5") is tried
        only when no other row of the file shares it (H100 PCIe, SXM5 and NVL are three boards).
        """
        bases: dict[str, int] = {}
        if self.spec.entity_kind == "chip":
            for row, name in named:
                base = base_chip_name(name, row.cells.get(self.spec.maker, ""))
                bases[base] = bases.get(base, 0) + 1
        used: dict[int, str] = {}   # id() of the entity object or the entity id -> row name
        families: dict[str, int] = {}   # row name -> the chip its board is a variant of

        def token(target) -> int:
            return target if isinstance(target, int) else -id(target)

        out: dict[str, int | Entity] = {}
        for row, name in named:
            target = self.prior_subjects.get(name)
            if target is None:
                row_makers = _split(row.cells.get(self.spec.maker, ""))
                also = ()
                if self.spec.entity_kind == "chip":
                    base = base_chip_name(name, row.cells.get(self.spec.maker, ""))
                    also = (base,) if bases.get(base) == 1 else ()
                    family = self.subjects.exact.get(normalize_name(base))
                    if bases.get(base, 0) > 1 and isinstance(family, int):
                        families[name] = family
                target = self.subjects.find(name, *also)
                if target is not None and used.get(token(target), name) != name:
                    self.report.warnings.append(f"{row.where}: {name!r} reads like {used[token(target)]!r} from "
                                                "an earlier row; kept as a separate entity")
                    target = None
                if target is None:
                    target = self.subjects.create(
                        name, parent_id=makers[row_makers[0]] if row_makers else None,
                        description=f"Listed in {self.spec.title}.")
            used[token(target)] = name
            out[name] = target
        self.subjects.flush()
        ids = {name: entity_id(t) for name, t in out.items()}
        self.writer.variants.update((ids[name], family) for name, family in families.items()
                                    if ids[name] != family)
        return ids

    def _chips(self, named: list[tuple[Row, str]]) -> dict[str, int]:
        """Training hardware named by model rows: a board variant ("NVIDIA A100 SXM4 40 GB") links
        to its chip family ("A100") when no entity has its exact name, without becoming that chip's
        alias (it is not the same board)."""
        out: dict[str, int | Entity] = {}
        for row, _ in named:
            for name in _split(row.cells.get(self.spec.hardware, "")):
                if name not in out:
                    hit = self.chips.exact.get(normalize_name(name)) or self.chips.exact.get(
                        normalize_name(base_chip_name(name)))
                    out[name] = hit if hit is not None else self.chips.create(
                        name, description="Chip named as training hardware by Epoch AI.")
        self.chips.flush()
        return {name: entity_id(t) for name, t in out.items()}

    def row(self, row: Row, name: str, subject_id: int, chips: dict[str, int], dataset: Source) -> None:
        source_key = _key(self.spec.name, name)
        self.writer.source(source_key, {
            "title": f"{name}: {self.spec.title}"[:500], "publisher": PUBLISHER, "url": self.spec.url,
            "kind": "dataset_row", "derived_from_id": dataset.id, "license": LICENSE,
            "snapshot_date": dataset.snapshot_date, "published": dataset.snapshot_date,
            "locator": f"row {row.number}"})
        quantity = None
        for col in self.spec.columns:
            key = self._figure(row, name, col, subject_id, source_key)
            if key is not None and col.attribute == "hardware_quantity":
                quantity = key
        if self.spec.hardware:
            for chip in _split(row.cells.get(self.spec.hardware, "")):
                self.writer.relate(subject_id, chips[chip], quantity)
        self.report.rows_imported += 1

    def _figure(self, row: Row, name: str, col: Column, subject_id: int, source_key: str) -> str | None:
        """Upsert one figure of a row; its claim's key when the claim exists afterwards."""
        header = next((h for h in col.headers if row.cells.get(h)), None)
        key = _key(self.spec.name, name, col.attribute)
        known = self.writer.has_claim(key)
        if header is None:
            if known:
                self.report.warnings.append(f"{row.where}: {col.headers[0]!r} is now empty for {name!r}; "
                                            "the figure imported earlier is kept")
            return key if known else None
        text = row.cells[header]
        try:
            if col.kind == "date":
                value, precision = float(iso_date(text).toordinal()), 0.0
            else:
                value, precision = number(text)
        except CellError as exc:
            self.report.errors.append(f"{row.where}, column {header!r}: {exc}; that figure was not imported")
            return key if known else None
        confidence = row.cells.get(self.spec.confidence, "") if self.spec.confidence else ""
        self.writer.claim(key, {
            "subject_id": subject_id, "attribute_id": self.attributes[col.attribute].id,
            "statement": f"{self.spec.title} gives {header} for {name} as {text}.",
            "figure_text": text[:500], "low": value, "high": value, "unit": col.unit,
            "bound": col.bound, "precision": precision, "method": col.method, "scope": col.scope,
            "dataset_confidence": confidence[:40]})
        self.writer.cite(key, source_key, row.number, header, text)
        return key

    def run(self, rows: list[Row], dataset: Source) -> None:
        named = self._named_rows(rows)
        makers = self._makers(named)
        subjects = self._subjects(named, makers)
        chips = self._chips(named) if self.spec.hardware else {}
        for i, (row, name) in enumerate(named, 1):
            self.row(row, name, subjects[name], chips, dataset)
            if self.progress and (i % 100 == 0 or i == len(named)):
                self.progress(i, len(named))
        created, updated = self.writer.write(dataset.snapshot_date)
        self.report.claims_created, self.report.claims_updated = len(created), len(updated)
        self.report.claims_unchanged = self.writer.unchanged
        self.report.changed_claim_ids = created + updated


def import_dataset(*, session: Session, spec: Dataset, path: Path,
                   progress: Progress | None = None) -> ImportReport:
    """Import one dataset file; bad rows and cells are reported and everything else is kept."""
    header, rows, errors = read_table(path, spec.required, spec.read)
    report = ImportReport(dataset=spec.name, path=str(path), rows=len(rows) + len(errors), errors=errors)
    report.snapshot_date = _snapshot(path, spec, rows)
    job = _Import(session, spec, path, report, progress)
    dataset = job.dataset_source(report.snapshot_date, hashlib.sha256(path.read_bytes()).hexdigest())
    job.run(rows, dataset)
    for kind, resolver in (("lab", job.labs), (spec.entity_kind, job.subjects), ("chip", job.chips)):
        if resolver.created:
            report.created.setdefault(kind, [])
            report.created[kind] += [n for n in resolver.created if n not in report.created[kind]]
        report.near_misses += [m for m in resolver.near_misses if m not in report.near_misses]
    return report
