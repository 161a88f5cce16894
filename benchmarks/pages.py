"""Reader-page speed at a million claims: build (or reuse) a knowledge base, serve it, time requests.

    .venv/bin/python benchmarks/pages.py                       # SQLite file under var/
    .venv/bin/python benchmarks/pages.py --database-url postgresql+psycopg://postgres@127.0.0.1/kb_bench

The knowledge base is built once per database (reused when it already holds the claims asked for).
The server runs in a uvicorn subprocess on a free loopback port; requests go to 127.0.0.1 only,
one at a time over a kept-alive connection, a fixed number per page.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
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

from sqlalchemy import func, insert, select, text  # noqa: E402

from kb.config import Settings  # noqa: E402
from kb.db import make_engine  # noqa: E402
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
        if c.dialect.name == "postgresql":
            c.execute(text("ANALYZE"))
        else:
            c.exec_driver_sql("ANALYZE")
    print()


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench-pages.sqlite3'}")
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    args = parser.parse_args()
    settings = replace(Settings(), database_url=args.database_url, environment="development")
    engine = make_engine(settings)
    upgrade(engine)
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
    port = free_port()
    env = {**os.environ, "KB_DATABASE_URL": args.database_url, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "kb.web.app:create_app", "--factory", "--host",
                               "127.0.0.1", "--port", str(port), "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        pages = [("lab page, %d claims" % big, "/labs/lab-0"), ("/claims?status=verified", "/claims?status=verified"),
                 ("/claims?status=needs_verification", "/claims?status=needs_verification"),
                 ("/search?q=Orion", "/search?q=Orion"), ("/search?q=Atlas-17", "/search?q=Atlas-17"),
                 ("/contradictions", "/contradictions"), ("/api/claims?status=verified", "/api/claims?status=verified&per_page=50")]
        print(f"{have} claims on {settings.database_url.split(':')[0]}; {args.requests} requests per page, one at a time")
        print(f"{'page':40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'KB':>6}")
        for label, path in pages:
            r = measure(port, path, args.requests)
            print(f"{label:40} {r['rps']:8.1f} {r['p50']:8.1f} {r['p99']:8.1f} {r['bytes'] / 1024:6.0f}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
