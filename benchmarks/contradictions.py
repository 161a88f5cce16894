"""Contradiction checks at a million claims: full recheck, incremental update per new claim, memory.

    .venv/bin/python benchmarks/contradictions.py                   # SQLite file under var/
    .venv/bin/python benchmarks/contradictions.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

Builds a synthetic knowledge base (1,000,000 claims over 100,000 subjects by default: labs with
models, lab-level claims, model qualifiers, periods, scopes, authorities, currencies, summaries of
articles, derived ratios, about 2% outliers) with bulk inserts into a fresh database (on
PostgreSQL a scratch database next to the one named, dropped afterwards unless --keep), then
vacuums and analyzes as after any bulk load, then prints the time of a first full recheck (every
group created, every confidence written), of a second one (nothing to change), the median time
of `update_for_claims` for new claims, and the process's peak memory. The search index is left out: it plays no part in the checks.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from array import array
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from kb.config import Settings  # noqa: E402
from kb.contradictions import recheck_all, update_for_claims  # noqa: E402
from kb.db import make_engine  # noqa: E402
from kb.migrate import upgrade  # noqa: E402
from kb.models import Citation, Claim, Contradiction  # noqa: E402
from kb.search import schema as search_schema  # noqa: E402

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
ATTRIBUTES = [("training_cost", "USD", "currency"), ("parameters_total", "parameters", "parameters"),
              ("input_price_per_mtok", "USD/Mtok", "price_rate"), ("mmlu", "%", "percent"),
              ("lag_behind_frontier", "month", "duration"), ("training_compute", "FLOP", "flop"),
              ("funding_raised", "USD", "currency"), ("headcount", "count", "count")]
MODEL_ATTRIBUTES = 6    # the first six are about models; labs mostly have the last two
RATIO = ("price_ratio", "x", "ratio")
CLAIM_COLUMNS = ("id", "subject_id", "attribute_id", "statement", "figure_text", "low", "high", "unit",
                 "bound", "precision", "method", "period", "scope", "model_id", "asserted_by", "status",
                 "rank", "rank_reason", "dataset_confidence", "note", "created_at", "updated_at", "version")
STATUSES = ["unverified"] * 14 + ["verified"] * 3 + ["needs_verification"] + ["proposed"] + ["disputed"]


def rss_mb() -> float:
    """The process's peak resident memory since the last reset_peak() (Linux VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Start measuring peak memory afresh (Linux), so each phase reports its own peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


class Loader:
    """Bulk rows into a table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, engine):
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"

    def load(self, table: str, columns: tuple[str, ...], rows) -> None:
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            if self.pg:
                quoted = ", ".join(f'"{c}"' for c in columns)   # "end" is a reserved word
                with cur.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                quoted = ", ".join(f'"{c}"' for c in columns)
                cur.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})",
                                (tuple(v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v for v in row)
                                 for row in rows))
            raw.commit()
        finally:
            raw.close()


def build(engine, claims: int, subjects: int, seed: int = 7) -> dict:
    """Fill a migrated, empty database; returns what the incremental run needs to pick from."""
    rng = random.Random(seed)
    loader = Loader(engine)
    with engine.begin() as c:
        search_schema.drop(c)
    attrs = ATTRIBUTES + [RATIO]
    loader.load("attribute", ("id", "name", "label", "dimension", "unit", "description"),
                [(i + 1, n, n, d, u, "") for i, (n, u, d) in enumerate(attrs)])
    labs = max(1, subjects // 10)
    parent = [0] * (subjects + 1)
    entity_rows = []
    for eid in range(1, subjects + 1):
        if eid <= labs:
            entity_rows.append((eid, "lab", f"lab-{eid}", f"Lab {eid}", "", None, 1, NOW))
        else:
            parent[eid] = rng.randint(1, labs)
            entity_rows.append((eid, "model", f"model-{eid}", f"Model {eid}", "", parent[eid], 1, NOW))
    loader.load("entity", ("id", "kind", "slug", "name", "description", "parent_id", "version", "created_at"),
                entity_rows)
    children: dict[int, list[int]] = {}
    for eid in range(labs + 1, subjects + 1):
        children.setdefault(parent[eid], []).append(eid)
    articles, summaries, papers = 5000, 1000, 200
    sources = [(i, "article" if i <= articles else "summary" if i <= articles + summaries else "paper",
                rng.randint(1, articles) if articles < i <= articles + summaries else None)
               for i in range(1, articles + summaries + papers + 1)]
    loader.load("source", ("id", "title", "kind", "derived_from_id", "publisher", "author", "url",
                           "date_precision", "license", "locator", "version", "created_at"),
                [(i, f"Source {i}", kind, parent_id, "", "", "", "day", "", "", 1, NOW)
                 for i, kind, parent_id in sources])
    values = array("d")
    attr_of = array("i")
    per_subject = max(1, claims // subjects)
    ratio_claims = min(5000, claims // 100)
    plain = claims - ratio_claims

    def claim_rows():
        for i in range(plain):
            subject = 1 + (i // per_subject) % subjects
            if subject <= labs and rng.random() < 0.9:    # a lab's own figures: funding, headcount
                attr = MODEL_ATTRIBUTES + 1 + (subject + i) % (len(ATTRIBUTES) - MODEL_ATTRIBUTES)
            else:                                          # a model's, or a lab's figure naming no model
                attr = 1 + (subject * 3 + (i % per_subject) % 4) % MODEL_ATTRIBUTES
            name, unit, _ = ATTRIBUTES[attr - 1]
            base = float((subject * 7919 + attr * 104729) % 900 + 100) * 10 ** (attr % 5)
            value = base * (1 + rng.uniform(-0.002, 0.002))
            if rng.random() < 0.02:
                value *= rng.choice((0.5, 1.6))
            roll = rng.random()
            bound, high = ("exact", value) if roll < 0.7 else ("approx", value) if roll < 0.85 else \
                ("range", value * 1.05) if roll < 0.95 else ("lower", None)
            if name == "input_price_per_mtok" and rng.random() < 0.05:
                unit = "CNY/Mtok"
            model_id = None
            if subject <= labs and children.get(subject) and rng.random() < 0.05:
                model_id = rng.choice(children[subject])
            period = rng.choice(("2024", "2025")) if rng.random() < 0.15 else ""
            scope = "final run" if rng.random() < 0.1 else ""
            asserted = rng.choice(("the CEO", "analysts")) if rng.random() < 0.1 else ""
            values.append(value)
            attr_of.append(attr)
            yield (i + 1, subject, attr, f"{name} of entity {subject} is {value:.4g}", f"{value:.4g}",
                   value, high, unit, bound, base * 0.005, "reported", period, scope, model_id, asserted,
                   STATUSES[i % len(STATUSES)], "normal", "", "", "", NOW, NOW, 1)
        ratio_attr = len(attrs)
        for k in range(ratio_claims):
            n, d = rng.randrange(plain), rng.randrange(plain)
            ratio = values[n] / values[d] * (1 if rng.random() < 0.95 else 3)
            cid = plain + k + 1
            derivations.append((k + 1, cid, n + 1, d + 1))
            yield (cid, 1 + rng.randrange(subjects), ratio_attr, f"ratio {ratio:.4g}", f"{ratio:.4g}x",
                   ratio, ratio, "x", "approx", 0.0, "derived", "", f"ratio {k}", None, "", "unverified",
                   "normal", "", "", "", NOW, NOW, 1)

    derivations: list[tuple[int, int, int, int]] = []
    loader.load("claim", CLAIM_COLUMNS, claim_rows())

    def citation_rows():
        cid_seq = 0
        for claim_id in range(1, claims + 1):
            source = 1 + (claim_id * 2654435761) % (articles + papers)
            source = source if source <= articles else source + summaries
            cid_seq += 1
            yield (cid_seq, claim_id, source, "quote", None, None, "", "", True, NOW)
            if claim_id % 10 == 0:   # a summary of another article repeats the figure
                cid_seq += 1
                yield (cid_seq, claim_id, articles + 1 + claim_id % summaries, "quote", None, None, "", "",
                       True, NOW)

    loader.load("citation", ("id", "claim_id", "source_id", "quote", "start", "end", "prefix", "suffix",
                             "anchored", "created_at"), citation_rows())
    loader.load("derivation", ("id", "claim_id", "numerator_id", "denominator_id"), derivations)
    with engine.begin() as c:
        if loader.pg:
            for table in ("attribute", "entity", "source", "claim", "citation", "derivation"):
                c.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))"))
    # What follows any bulk load (autovacuum would do it soon after): planner statistics and,
    # on PostgreSQL, the visibility map and hint bits, so the first read is not also a write.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.exec_driver_sql("VACUUM ANALYZE" if loader.pg else "ANALYZE")
    return {"subjects": subjects, "plain": plain, "values": values, "attr_of": attr_of,
            "per_subject": per_subject, "sources": articles}


def incremental(engine, info: dict, n: int, seed: int = 11) -> list[float]:
    """Add n claims one at a time on existing subjects and attributes; time each update_for_claims."""
    rng = random.Random(seed)
    times, cpu = [], []
    for _ in range(n):
        with Session(engine, expire_on_commit=False) as session:
            pick = rng.randrange(info["plain"])
            subject = 1 + (pick // info["per_subject"]) % info["subjects"]
            value = info["values"][pick] * (1.0 if rng.random() < 0.5 else 2.0)
            claim = Claim(subject_id=subject, attribute_id=info["attr_of"][pick], statement="new",
                          figure_text=f"{value:.4g}", low=value, high=value, unit=ATTRIBUTES[info["attr_of"][pick] - 1][1],
                          bound="exact", precision=value * 0.005, method="reported")
            session.add(claim)
            session.flush()
            session.add(Citation(claim_id=claim.id, source_id=1 + rng.randrange(info["sources"]), quote="new"))
            session.flush()
            t0, c0 = time.perf_counter(), time.process_time()
            update_for_claims(session=session, claim_ids=[claim.id])
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            session.commit()
    return times, cpu


def scratch_url(url: str) -> tuple[str, object | None]:
    """PostgreSQL: a fresh database next to the one named (and the admin engine to drop it)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        path = Path(parsed.database)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return url, None
    admin = create_engine(parsed.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    name = "kb_bench_contradictions"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    return parsed.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False), admin


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench-contradictions.sqlite3'}")
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--incremental", type=int, default=200, help="new claims timed one at a time")
    parser.add_argument("--keep", action="store_true", help="keep the scratch PostgreSQL database")
    args = parser.parse_args()
    url, admin = scratch_url(args.database_url)
    engine = make_engine(replace(Settings(), database_url=url))
    upgrade(engine)
    t0 = time.perf_counter()
    info = build(engine, args.claims, args.subjects)
    with engine.connect() as c:
        count = c.execute(select(func.count()).select_from(Claim)).scalar()
    print(f"{engine.dialect.name}: built {count:,} claims over {args.subjects:,} subjects "
          f"in {time.perf_counter() - t0:.0f} s (peak memory so far {rss_mb():.0f} MB)")
    for label in ("first full recheck (creates every group, writes every confidence)",
                  "second full recheck (nothing to change)"):
        reset_peak()
        with Session(engine, expire_on_commit=False) as session:
            t0, c0 = time.perf_counter(), time.process_time()
            report = recheck_all(session=session)
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
            session.commit()
        print(f"{label}: {elapsed:.1f} s ({cpu:.1f} s of CPU in this process); {report.claims:,} claims "
              f"in {report.buckets:,} buckets; groups created {report.created:,}, confidences written "
              f"{report.confidences_changed:,}; open groups {report.open_groups}; peak memory {rss_mb():.0f} MB")
        if label.startswith("first"):
            # What an operator does after a bulk load: refresh planner statistics, reclaim dead rows.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    times, cpu = incremental(engine, info, args.incremental)
    times.sort()
    with engine.connect() as c:
        groups = c.execute(select(func.count()).select_from(Contradiction)).scalar()
    print(f"incremental update per new claim ({len(times)} claims): median {statistics.median(times) * 1000:.2f} ms, "
          f"p90 {times[int(len(times) * 0.9)] * 1000:.2f} ms, max {times[-1] * 1000:.2f} ms "
          f"(median CPU {statistics.median(cpu) * 1000:.2f} ms); {groups:,} groups stored")
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"peak memory of the whole run (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    engine.dispose()
    if admin is not None and not args.keep:
        with admin.connect() as c:
            c.execute(text('DROP DATABASE IF EXISTS "kb_bench_contradictions" WITH (FORCE)'))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
