"""Reader-page speed at a million claims: build (or reuse) a knowledge base, serve it, time requests.

    .venv/bin/python benchmarks/pages.py                       # SQLite file under var/
    .venv/bin/python benchmarks/pages.py --database-url postgresql+psycopg://postgres@127.0.0.1/kb_bench

The knowledge base is built once per database and reused when it holds the claims asked for and its
schema matches the models (missing or stale indexes are fixed in place; any other difference means a
rebuild). The server runs as in production (KB_ENV=production) in a uvicorn subprocess on a free
loopback port; requests go to 127.0.0.1 only, one at a time over a kept-alive connection. Each round
times every page once in turn, `--requests` requests each; the table shows the median over rounds of
each figure, and the SQL statements one request of the page runs.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic.autogenerate import compare_metadata  # noqa: E402
from alembic.migration import MigrationContext  # noqa: E402
from sqlalchemy import event, func, insert, make_url, select, text  # noqa: E402

from kb.config import Settings  # noqa: E402
from kb.db import make_engine, metadata  # noqa: E402
from kb.migrate import upgrade  # noqa: E402
from kb.models import (  # noqa: E402
    Attribute, Citation, Claim, Contradiction, ContradictionMember, Entity, Event, Source,
)
from kb.search import schema as search_schema  # noqa: E402

WORDS = ("Nova", "Orion", "Kite", "Lumen", "Atlas", "Pico", "Vega", "Cobalt", "Quill", "Ember", "Zephyr", "Tarn")
ATTRIBUTES = [("training_cost", "USD", "currency"), ("parameters_total", "parameters", "parameters"),
              ("input_price_per_mtok", "USD/Mtok", "price_rate"), ("mmlu", "%", "percent"),
              ("funding_raised", "USD", "currency"), ("context_window", "tokens", "tokens"),
              ("training_compute", "FLOP", "flop"), ("output_price_per_mtok", "USD/Mtok", "price_rate"),
              ("gsm8k", "%", "percent"), ("employees", "count", "count")]
STATUSES = ["unverified"] * 12 + ["verified"] * 3 + ["needs_verification"] * 2 + ["proposed"] * 2 + ["disputed"]
LABS, MODELS_PER_LAB, SOURCES, BIG_LAB_CLAIMS, BATCH = 200, 20, 5000, 1000, 20_000


def build(engine, claims: int) -> None:
    """Fill an empty, migrated database with `claims` claims; the search index is rebuilt at the end."""
    rng = random.Random(7)
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with engine.begin() as c:
        search_schema.drop(c)  # bulk load first, index once
        c.execute(insert(Attribute), [{"name": n, "label": n.replace("_", " "), "dimension": d, "unit": u,
                                       "description": ""} for n, u, d in ATTRIBUTES])
        attrs = dict(c.execute(select(Attribute.name, Attribute.id)).all())
        c.execute(insert(Entity), [{"kind": "lab", "slug": f"lab-{i}", "name": f"{WORDS[i % 12]} Labs {i}",
                                    "description": "A benchmark lab.", "version": 1, "created_at": now}
                                   for i in range(LABS)])
        labs = dict(c.execute(select(Entity.slug, Entity.id).where(Entity.kind == "lab")).all())
        c.execute(insert(Entity), [{"kind": "model", "slug": f"model-{i}-{j}", "name": f"{WORDS[j % 12]}-{i}.{j}",
                                    "description": "", "parent_id": labs[f"lab-{i}"], "version": 1, "created_at": now}
                                   for i in range(LABS) for j in range(MODELS_PER_LAB)])
        models = [r for (r,) in c.execute(select(Entity.id).where(Entity.kind == "model"))]
        c.execute(insert(Source), [{"title": f"{WORDS[i % 12]} report {i}", "publisher": f"Publisher {i % 40}",
                                    "kind": "article", "date_precision": "day", "author": "", "url": "", "license": "",
                                    "locator": "", "version": 1, "created_at": now,
                                    "published": date(2020 + i % 6, 1 + i % 12, 1 + i % 28),
                                    "text": f"Report {i}. " + " ".join(f"Figure {k} was {k * 3} million." for k in range(20))}
                                   for i in range(SOURCES)])
        sources = [r for (r,) in c.execute(select(Source.id))]
    big_lab = labs["lab-0"]
    names = list(attrs.items())
    done = 0
    while done < claims:
        n = min(BATCH, claims - done)
        rows, cites = [], []
        for k in range(n):
            i = done + k
            subject = big_lab if i < BIG_LAB_CLAIMS else models[i % len(models)]
            name, attr_id = names[i % len(names)]
            value = float(rng.randint(1, 900)) * 10 ** rng.randint(0, 9)
            rows.append({"subject_id": subject, "attribute_id": attr_id, "statement":
                         f"{WORDS[i % 12]} {name.replace('_', ' ')} figure {i} was about {value:g}",
                         "figure_text": f"{value:g}", "low": value, "high": value * (1 + (i % 3) * 0.1),
                         "unit": "USD", "bound": "range" if i % 3 else "exact", "precision": 0.0,
                         "method": "reported", "period": "", "scope": "", "asserted_by": "",
                         "status": STATUSES[i % len(STATUSES)], "rank": "normal", "rank_reason": "",
                         "dataset_confidence": "", "note": "", "confidence": rng.random(), "version": 1,
                         "created_at": now, "updated_at": now})
        with engine.begin() as c:
            first = (c.execute(select(func.max(Claim.id))).scalar() or 0) + 1
            c.execute(insert(Claim), rows)
            for k in range(n):
                cites.append({"claim_id": first + k, "source_id": sources[(done + k) % len(sources)],
                              "quote": f"Figure {k % 20} was {(k % 20) * 3} million.", "start": None, "end": None,
                              "prefix": "", "suffix": "", "anchored": True, "created_at": now})
            c.execute(insert(Citation), cites)
        done += n
        print(f"  {done} claims", end="\r", flush=True)
    with engine.begin() as c:
        first_claim = c.execute(select(func.min(Claim.id))).scalar()
        groups = [{"group_key": f"bench-{g}", "kind": "value", "subject_id": big_lab if g < 20 else models[g % len(models)],
                   "attribute_id": names[g % len(names)][1], "qualifiers": "", "status": "open" if g % 4 else "resolved",
                   "severity": rng.random(), "summary": f"Figures disagree ({g})", "note": "", "active": True,
                   "version": 1, "created_at": now, "updated_at": now} for g in range(5000)]
        c.execute(insert(Contradiction), groups)
        gid = c.execute(select(func.min(Contradiction.id))).scalar()
        c.execute(insert(ContradictionMember), [{"contradiction_id": gid + g, "claim_id": first_claim + g * 2 + m,
                                                 "in_conflict": True} for g in range(5000) for m in (0, 1)])
        c.execute(insert(Event), [{"object_type": "claim", "object_id": first_claim + i, "action": "create",
                                   "to_status": "unverified", "note": "benchmark", "created_at": now}
                                  for i in range(20_000)])
        search_schema.install(c)
    settle(engine)
    print()


def settle(engine) -> None:
    """Statistics for the planner; on PostgreSQL also the visibility map, as autovacuum would leave it."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM (ANALYZE)")
    else:
        with engine.begin() as c:
            c.exec_driver_sql("ANALYZE")


def schema_diff(engine) -> list:
    with engine.connect() as c:
        context = MigrationContext.configure(c, opts={
            "compare_type": True, "include_name": lambda name, *_: not search_schema.is_search_object(name)})
        return compare_metadata(context, metadata)


def prepare(engine, url: str):
    """Bring a reused database to the models' schema: indexes in place, anything else by starting afresh."""
    upgrade(engine)
    diff = schema_diff(engine)
    if diff and all(isinstance(d, tuple) and d[0] in ("add_index", "remove_index") for d in diff):
        with engine.begin() as c:
            for op, index in diff:
                print(f"  {op.replace('_', ' ')} {index.name}")
                index.drop(c) if op == "remove_index" else index.create(c)
        settle(engine)
    elif diff:
        print(f"schema differs from the models ({len(diff)} changes): starting afresh")
        if engine.dialect.name == "sqlite":
            engine.dispose()
            path = Path(make_url(url).database)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            with engine.begin() as c:
                search_schema.drop(c)
                metadata.drop_all(c)
                c.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(engine)
    elif engine.dialect.name == "postgresql" and not ever_vacuumed(engine):
        settle(engine)


def ever_vacuumed(engine) -> bool:
    with engine.connect() as c:
        return bool(c.execute(text(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'claim' "
            "AND (last_vacuum IS NOT NULL OR last_autovacuum IS NOT NULL)")).scalar())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(port: int, path: str, n: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for i in range(n + 5):
        t0 = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - t0
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}: {body[:300]!r}")
        if i >= 5:  # the first few warm caches and connections
            times.append(elapsed)
    conn.close()
    times.sort()
    return {"rps": n / sum(times), "p50": statistics.median(times) * 1000,
            "p99": times[min(len(times) - 1, int(len(times) * 0.99))] * 1000, "bytes": len(body)}


def count_queries(settings: Settings, paths: list[str]) -> dict[str, int]:
    """SQL statements one request of each page runs, counted in process against the same database."""
    from litestar.testing import TestClient

    from kb.web.app import create_app
    logging.getLogger("httpx").setLevel(logging.WARNING)
    counts: dict[str, int] = {}
    app = create_app(settings)
    with TestClient(app=app) as client:
        for path in paths:
            client.get(path)  # caches (the fuzzy-match names) filled once, as on a running server
            seen = []
            listener = lambda *_args: seen.append(1)  # noqa: E731
            event.listen(app.state.engine, "before_cursor_execute", listener)
            client.get(path)
            event.remove(app.state.engine, "before_cursor_execute", listener)
            counts[path] = len(seen)
    return counts


# (label, path, p50 target in ms): entity and list pages 25 ms, search 50 ms.
def pages(big: int) -> list[tuple[str, str, float]]:
    return [
        (f"lab page, {big} claims", "/labs/lab-0", 25), ("/claims?status=verified", "/claims?status=verified", 25),
        ("/claims?status=needs_verification", "/claims?status=needs_verification", 25),
        ("/search?q=Orion", "/search?q=Orion", 50), ("/search?q=Atlas-17", "/search?q=Atlas-17", 50),
        ("/contradictions", "/contradictions", 25),
        ("/api/claims?status=verified", "/api/claims?status=verified&per_page=50", 25),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench-pages.sqlite3'}")
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every page; the table shows medians")
    args = parser.parse_args()
    settings = replace(Settings(), database_url=args.database_url, environment="production",
                       secret_key=secrets.token_hex(32))
    engine = make_engine(settings)
    prepare(engine, args.database_url)
    with engine.connect() as c:
        have = c.execute(select(func.count()).select_from(Claim)).scalar()
    if have < args.claims:
        if have:
            raise SystemExit(f"{args.database_url} holds {have} claims, not {args.claims}: use an empty database")
        print(f"building {args.claims} claims in {args.database_url} ...")
        t0 = time.perf_counter()
        build(engine, args.claims)
        print(f"built in {time.perf_counter() - t0:.0f} s")
    with engine.connect() as c:
        have = c.execute(select(func.count()).select_from(Claim)).scalar()
        big = c.execute(select(func.count()).select_from(Claim).join(Entity, Entity.id == Claim.subject_id)
                        .where(Entity.slug == "lab-0")).scalar()
    engine.dispose()
    page_list = pages(big)
    queries = count_queries(settings, [path for _, path, _ in page_list])
    port = free_port()
    env = {**os.environ, "KB_DATABASE_URL": args.database_url, "PYTHONPATH": str(ROOT), "KB_ENV": "production",
           "KB_SECRET_KEY": settings.secret_key}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "kb.web.app:create_app", "--factory", "--host",
                               "127.0.0.1", "--port", str(port), "--log-level", "warning"], cwd=ROOT, env=env)
    results: dict[str, list[dict]] = {label: [] for label, _, _ in page_list}
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(args.rounds):
            for label, path, _ in page_list:
                results[label].append(measure(port, path, args.requests))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"\n{have} claims on {engine.dialect.name}; {args.rounds} rounds of {args.requests} requests per page, "
          f"one at a time; medians over rounds")
    print(f"{'page':36} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'p50 by round':>20} {'KB':>4} {'SQL':>4}  target")
    for label, path, target in page_list:
        rs = results[label]
        p50 = statistics.median(r["p50"] for r in rs)
        rounds = "/".join(f"{r['p50']:.0f}" for r in rs)
        print(f"{label:36} {statistics.median(r['rps'] for r in rs):7.1f} {p50:7.1f} "
              f"{statistics.median(r['p99'] for r in rs):7.1f} {rounds:>20} {rs[-1]['bytes'] / 1024:4.0f} "
              f"{queries[path]:4d}  p50 < {target:.0f} ms: {'yes' if p50 < target else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
