"""Extraction scored on text nobody on the team wrote: Epoch AI's model rows.

Each row's prose (its Abstract and its notes columns) is read as one document about that model,
titled with the model's name, each column a section under its own name, and the proposals are scored against the row's own structured
columns. Over the (row, column) pairs whose value appears in the row's text (some figure in it is
within 2% of the column's value), it prints the share found with the right attribute and a value
within 2%; and over the proposals whose value matches one of the row's columns, the share with the
right subject and the share with the right attribute. Per-column misses follow.

    .venv/bin/python benchmarks/extraction_epoch.py [--csv PATH] [--limit N] [--show N]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.config import settings_from_env  # noqa: E402
from kb.db import make_engine, session_scope  # noqa: E402
from kb.figures import find_quantities  # noqa: E402
from kb.migrate import upgrade  # noqa: E402
from kb.nlp.entities import EntityIndex, EntityInfo  # noqa: E402
from kb.nlp.attributes import AttributeCatalog  # noqa: E402
from kb.nlp.extract import extract  # noqa: E402
from kb.models import Alias, Entity  # noqa: E402
from kb.seeds import load_seeds  # noqa: E402
from sqlmodel import select  # noqa: E402

DEFAULT_CSV = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "epoch" / \
    "notable_ai_models_2025-02-24.csv"
TEXT_COLUMNS = ("Abstract", "Parameters notes", "Training compute notes", "Dataset size notes",
                "Training time notes", "Compute cost notes")
# column -> (attribute, unit the figure parser gives, factor from the column's unit to that unit)
SCORED = {
    "Parameters": ("parameters_total", ("parameters", "count")),
    "Training dataset size (datapoints)": ("training_dataset_size", ("count", "tokens")),
    "Training time (hours)": ("training_time", ("month",)),
    "Hardware quantity": ("hardware_quantity", ("count",)),
    "Training compute cost (2023 USD)": ("training_cost", ("USD",)),
    "Training compute (FLOP)": ("training_compute", ("FLOP", "count")),
}
TOLERANCE = 0.02
HOURS_PER_MONTH = 730.485  # the figure parser's month: 365.2425 / 12 days


def close(a: float | None, b: float) -> bool:
    return a is not None and b != 0 and abs(a - b) <= TOLERANCE * abs(b)


def column_value(column: str, raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    if value <= 0:
        return None
    return value / HOURS_PER_MONTH if column == "Training time (hours)" else value


def document(row: dict) -> str:
    """The row as a page about its model: the name as title, each text column a section under
    the column's own name ("Training compute notes" -> "## Training compute"), as the row lays
    it out. The structured value columns being scored are never in the text."""
    sections = [f"## {c.removesuffix(' notes')}\n\n{row[c].strip()}" for c in TEXT_COLUMNS
                if row.get(c, "").strip()]
    return f"# {row['Model'].strip()}\n\n" + "\n\n".join(sections) + "\n"


def vocabulary(database_url: str | None):
    """The seeded knowledge base's entities and attributes (a fresh SQLite file if none named)."""
    settings = settings_from_env()
    if database_url is None:
        tmp = tempfile.mkdtemp(prefix="kb-epoch-")
        settings = replace(settings, database_url=f"sqlite:///{tmp}/kb.sqlite3")
        engine = make_engine(settings)
        upgrade(engine)
        with session_scope(engine) as session:
            # The curated knowledge base alone: Epoch's own rows would hold the answers scored here.
            load_seeds(session=session, settings=settings, datasets=False)
    else:
        engine = make_engine(replace(settings, database_url=database_url))
    with session_scope(engine) as session:
        infos = [EntityInfo(*row) for row in session.exec(
            select(Entity.id, Entity.kind, Entity.slug, Entity.name, Entity.parent_id)
            .where(Entity.merged_into_id.is_(None))).all()]
        aliases = [tuple(row) for row in session.exec(select(Alias.entity_id, Alias.name)).all()]
        return infos, aliases, AttributeCatalog.from_session(session)


def with_model(infos: list[EntityInfo], aliases: list, name: str) -> tuple[EntityIndex, int]:
    """The knowledge base's index with the row's model in it, as the import would make it."""
    for info in infos:
        if info.kind == "model" and info.name.lower() == name.lower():
            return EntityIndex.build(infos, aliases), info.id
    new_id = -1
    return EntityIndex.build([*infos, EntityInfo(new_id, "model", "epoch-row", name)], aliases), new_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--database-url", help="read entities and attributes from this database")
    parser.add_argument("--limit", type=int, default=0, help="only the first N rows with text")
    parser.add_argument("--show", type=int, default=3, help="misses to print per column")
    parser.add_argument("--wrong", type=int, default=0, help="wrongly filed proposals to print")
    args = parser.parse_args(argv)

    infos, aliases, attributes = vocabulary(args.database_url)
    rows = [r for r in csv.DictReader(args.csv.open(encoding="utf-8"))
            if any(r.get(c, "").strip() for c in TEXT_COLUMNS)]
    if args.limit:
        rows = rows[:args.limit]
    findable = found = 0
    matched = subject_right = attribute_right = 0
    per_column: Counter = Counter()
    per_column_found: Counter = Counter()
    misses: dict[str, list[str]] = {}
    wrong: list[str] = []
    started = time.perf_counter()
    for n, row in enumerate(rows, 1):
        text = document(row)
        index, model_id = with_model(infos, aliases, row["Model"].strip())
        proposals = extract(text, entities=index, attributes=attributes).proposals
        in_text = [(f.low, f.unit) for _, _, f in find_quantities(text)]
        values = {c: v for c, (attr, units) in SCORED.items()
                  if (v := column_value(c, row.get(c, "").strip())) is not None}
        for column, value in values.items():
            attribute, units = SCORED[column]
            if not any(close(low, value) and unit in units for low, unit in in_text):
                continue
            findable += 1
            per_column[column] += 1
            if any(p.figure is not None and p.attribute.name == attribute and close(p.figure.low, value)
                   for p in proposals):
                found += 1
                per_column_found[column] += 1
            else:
                near = [f"{p.attribute.name}={p.figure.text!r}" for p in proposals
                        if p.figure is not None and close(p.figure.low, value)]
                misses.setdefault(column, []).append(
                    f"{row['Model'][:40]}: {row[column]} -> {', '.join(near) or 'no proposal with that value'}")
        for p in proposals:
            if p.figure is None:
                continue
            columns = [c for c, v in values.items() if close(p.figure.low, v)
                       and p.figure.unit in (*SCORED[c][1], attributes.by_name[SCORED[c][0]].unit)]
            if not columns:
                continue
            matched += 1
            subject_right += p.subject_id == model_id
            attribute_right += any(p.attribute.name == SCORED[c][0] for c in columns)
            if (p.subject_id != model_id or not any(p.attribute.name == SCORED[c][0] for c in columns)) \
                    and len(wrong) < args.wrong:
                wrong.append(f"{row['Model'][:30]}: {p.figure.text!r} filed as "
                             f"{index.entities[p.subject_id].name} / {p.attribute.name} ({p.how}); "
                             f"column {columns[0]}: {text[p.start:p.end][:160]!r}")
        if n % 100 == 0:
            print(f"  {n}/{len(rows)} rows, {time.perf_counter() - started:.1f}s", file=sys.stderr)
    print(f"rows with text: {len(rows)}; findable (row, column) values: {findable}")
    print(f"found with the right attribute and value: {found}/{findable} = {found / max(findable, 1):.3f}")
    print(f"proposals whose value matches a column: {matched}; subject right {subject_right / max(matched, 1):.3f}, "
          f"attribute right {attribute_right / max(matched, 1):.3f}")
    for column in SCORED:
        if per_column[column]:
            print(f"  {column}: {per_column_found[column]}/{per_column[column]}")
            for line in misses.get(column, [])[:args.show]:
                print(f"      miss {line}")
    for line in wrong:
        print(f"  wrong {line}")
    print(f"time: {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
