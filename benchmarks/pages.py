"""Reader-page speed at a million claims, kb beside the floor: the same pages from the same database.

    .venv/bin/python benchmarks/pages.py            # SQLite under var/, then PostgreSQL's kb_bench on 127.0.0.1
    .venv/bin/python benchmarks/pages.py --database-url sqlite:///var/bench-pages.sqlite3   # one database
    .venv/bin/python benchmarks/pages.py --json     # the figures as a JSON list on stdout

The knowledge base is built once per database and reused when it holds the claims asked for and its
schema matches the models (missing or stale indexes are fixed in place; any other difference means a
rebuild). kb runs as in production (KB_ENV=production) and the floor (benchmarks/floor.py: the same
pages with no framework, ORM or view layer) beside it, each in a uvicorn subprocess on a free loopback
port. Before timing, each page's body from kb and from the floor must be the same bytes. Requests go
one at a time over a kept-alive connection; each round times every page on kb and on the floor in
turn (which goes first alternates), `--requests` requests each; figures are medians over rounds.
Per-stage timings come from one more pass in process: SQL (time in the driver), rendering (Jinja2)
and the rest (kb: routing, middleware, view building; the floor: building its tuples). Last, the
resident memory of each server after serving every page.
"""

from __future__ import annotations

import argparse
import http.client
import json
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
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from alembic.autogenerate import compare_metadata  # noqa: E402
from alembic.migration import MigrationContext  # noqa: E402
from sqlalchemy import create_engine, event, func, insert, make_url, select, text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

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


def fetch(conn: http.client.HTTPConnection, path: str) -> bytes:
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}: {body[:300]!r}")
    return body


def measure(port: int, path: str, n: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(5):  # the first few warm caches and connections
        fetch(conn, path)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fetch(conn, path)
        times.append(time.perf_counter() - t0)
    conn.close()
    times.sort()
    return {"rps": n / sum(times), "p50": statistics.median(times) * 1000,
            "p99": times[min(len(times) - 1, int(len(times) * 0.99))] * 1000}


class Stages:
    """Time spent in SQL and in Jinja2 rendering while a block runs, by wrapping both once."""

    def __init__(self):
        import jinja2
        self.sql = self.render = 0.0
        self.statements = 0
        original = jinja2.Template.render
        stages = self

        def render(template, *args, **kwargs):
            t0 = time.perf_counter()
            try:
                return original(template, *args, **kwargs)
            finally:
                stages.render += time.perf_counter() - t0
        jinja2.Template.render = render

    def timed_sql(self, execute):
        """`execute` timed as SQL and counted as one statement (for code that calls its driver itself)."""
        def run(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return execute(*args, **kwargs)
            finally:
                self.sql += time.perf_counter() - t0
                self.statements += 1
        return run


def stage_times(settings: Settings, paths: list[str], repeat: int = 20) -> dict[str, dict]:
    """Per page, for kb and for the floor: SQL statements, and ms per request in SQL, rendering and the rest."""
    from litestar.testing import TestClient

    import floor
    import kb.search
    from kb.web.app import create_app
    logging.getLogger("httpx").setLevel(logging.WARNING)
    stages = Stages()
    out: dict[str, dict] = {}
    app = create_app(settings)
    statements = []
    started: dict[int, float] = {}

    def before(conn, cursor, *_args):
        statements.append(1)
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, *_args):
        stages.sql += time.perf_counter() - started.pop(id(cursor), time.perf_counter())

    floor.Db.rows = stages.timed_sql(floor.Db.rows)
    # Search's statements go to the driver directly (on PostgreSQL, with its settings, as scripts).
    kb.search._run = stages.timed_sql(kb.search._run)
    kb.search._run_script = stages.timed_sql(kb.search._run_script)
    floor_app = floor.create_app(settings.database_url)
    with TestClient(app=app) as client:
        for path in paths:
            client.get(path)  # caches filled once, as on a running server
            event.listen(app.state.engine, "before_cursor_execute", before)
            event.listen(app.state.engine, "after_cursor_execute", after)
            statements.clear()
            stages.sql = stages.render = 0.0
            stages.statements = 0
            t0 = time.perf_counter()
            for _ in range(repeat):
                client.get(path)
            total = time.perf_counter() - t0
            event.remove(app.state.engine, "before_cursor_execute", before)
            event.remove(app.state.engine, "after_cursor_execute", after)
            kb = {"sql_n": (len(statements) + stages.statements) // repeat, "sql": stages.sql, "render": stages.render,
                  "total": total}
            url = urlsplit(path)
            query = parse_qsl(url.query)
            floor_app.respond(url.path, query)
            stages.sql = stages.render = 0.0
            t0 = time.perf_counter()
            for _ in range(repeat):
                floor_app.respond(url.path, query)
            total = time.perf_counter() - t0
            low = {"sql": stages.sql, "render": stages.render, "total": total}
            out[path] = {name: {k: (v if k == "sql_n" else v / repeat * 1000) for k, v in d.items()}
                         for name, d in (("kb", kb), ("floor", low))}
    return out


def serve(command: list[str], env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"{command[2]} exited with {server.returncode}")
            time.sleep(0.2)
    raise SystemExit(f"{command} did not start")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# (label, path): the reader pages the floor serves too.
def pages(big: int) -> list[tuple[str, str]]:
    return [
        (f"lab page, {big} claims", "/labs/lab-0"), ("/claims?status=verified", "/claims?status=verified"),
        ("/claims?status=needs_verification", "/claims?status=needs_verification"),
        ("/search?q=Orion", "/search?q=Orion"), ("/search?q=Atlas-17", "/search?q=Atlas-17"),
        ("/api/claims?status=verified", "/api/claims?status=verified&per_page=50"),
    ]


DEFAULT_URLS = [f"sqlite:///{ROOT / 'var' / 'bench-pages.sqlite3'}",
                "postgresql+psycopg://postgres@127.0.0.1:5432/kb_bench"]


def ensure_database(url: str) -> None:
    """Create a PostgreSQL benchmark database that does not exist yet (SQLite files make themselves)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            if not c.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": parsed.database}).first():
                c.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    except OperationalError as exc:
        raise SystemExit(f"PostgreSQL at {parsed.host}:{parsed.port} is not reachable ({exc.orig}); start it or "
                         f"name other databases with --database-url") from None
    finally:
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", action="append", dest="database_url",
                        help="a database to run on (repeatable); by default SQLite under var/ and PostgreSQL's "
                             "kb_bench on 127.0.0.1")
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page, server and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every page; figures are medians")
    parser.add_argument("--json", action="store_true", help="print the figures as a JSON list, nothing else")
    args = parser.parse_args()
    say = (lambda *a, **k: print(*a, **k, file=sys.stderr)) if args.json else print
    rows = []
    for url in args.database_url or DEFAULT_URLS:
        rows += run(url, args, say)
    if args.json:
        print(json.dumps(rows, indent=1))
    return 0


def run(url: str, args, say) -> list[dict]:
    """Build or reuse the knowledge base at `url`, time kb and the floor on it, print the tables."""
    logging.getLogger("alembic").setLevel(logging.WARNING)   # the schema check's notes are not figures
    ensure_database(url)
    settings = replace(Settings(), database_url=url, environment="production",
                       secret_key=secrets.token_hex(32))
    engine = make_engine(settings)
    prepare(engine, url)
    with engine.connect() as c:
        have = c.execute(select(func.count()).select_from(Claim)).scalar()
    if have < args.claims:
        if have:
            raise SystemExit(f"{url} holds {have} claims, not {args.claims}: use an empty database")
        say(f"building {args.claims} claims in {url} ...")
        t0 = time.perf_counter()
        build(engine, args.claims)
        say(f"built in {time.perf_counter() - t0:.0f} s")
    with engine.connect() as c:
        have = c.execute(select(func.count()).select_from(Claim)).scalar()
        big = c.execute(select(func.count()).select_from(Claim).join(Entity, Entity.id == Claim.subject_id)
                        .where(Entity.slug == "lab-0")).scalar()
    engine.dispose()
    page_list = pages(big)
    kb_port, floor_port = free_port(), free_port()
    env = {**os.environ, "KB_DATABASE_URL": url, "PYTHONPATH": str(ROOT), "KB_ENV": "production",
           "KB_SECRET_KEY": settings.secret_key}
    servers = {
        "kb": (serve([sys.executable, "-m", "uvicorn", "kb.web.app:create_app", "--factory", "--host", "127.0.0.1",
                      "--port", str(kb_port), "--log-level", "warning"], env, kb_port), kb_port),
        "floor": (serve([sys.executable, str(ROOT / "benchmarks" / "floor.py"), "--database-url", url,
                         "--port", str(floor_port)], env, floor_port), floor_port),
    }
    results: dict[tuple[str, str], list[dict]] = {(label, name): [] for label, _ in page_list for name in servers}
    try:
        for label, path in page_list:
            bodies = {}
            for name, (_, port) in servers.items():
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                bodies[name] = fetch(conn, path)
                conn.close()
            if bodies["kb"] != bodies["floor"]:
                raise SystemExit(f"{path}: kb and the floor answer different bodies; the comparison would be void")
        for round_ in range(args.rounds):
            for label, path in page_list:
                for name in (("kb", "floor") if round_ % 2 == 0 else ("floor", "kb")):
                    results[label, name].append(measure(servers[name][1], path, args.requests))
        memory = {name: rss_mb(server.pid) for name, (server, _) in servers.items()}
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait(timeout=10)
    stages = stage_times(settings, [path for _, path in page_list])
    rows = []
    for label, path in page_list:
        row = {"database": engine.dialect.name, "page": label}
        for name in servers:
            rs = results[label, name]
            row[f"{name}_rps"] = round(statistics.median(r["rps"] for r in rs), 1)
            row[f"{name}_p50_ms"] = round(statistics.median(r["p50"] for r in rs), 2)
            row[f"{name}_p99_ms"] = round(statistics.median(r["p99"] for r in rs), 2)
        rows.append({k: row[k] for k in ("database", "page", "kb_rps", "floor_rps", "kb_p50_ms", "floor_p50_ms",
                                          "kb_p99_ms", "floor_p99_ms")})
    say(f"\n{have} claims on {engine.dialect.name}; {args.rounds} rounds of {args.requests} requests per page and "
        f"server, one at a time; medians over rounds; kb/floor is the floor's time over kb's (1 = as fast)")
    say(f"{'page':36} {'kb req/s':>8} {'floor':>7} {'kb/floor':>8} {'kb p50':>7} {'floor':>6} {'kb/floor':>8} "
        f"{'kb p99':>7} {'floor':>6}")
    for row in rows:
        say(f"{row['page']:36} {row['kb_rps']:8.1f} {row['floor_rps']:7.1f} {row['kb_rps'] / row['floor_rps']:8.2f} "
            f"{row['kb_p50_ms']:7.1f} {row['floor_p50_ms']:6.1f} {row['floor_p50_ms'] / row['kb_p50_ms']:8.2f} "
            f"{row['kb_p99_ms']:7.1f} {row['floor_p99_ms']:6.1f}")
    say("\nin process, ms per request: SQL statements, time in SQL, in rendering, and the rest")
    say(f"{'page':36} {'SQL':>4} {'kb sql':>7} {'render':>7} {'rest':>6} {'total':>6} | {'floor sql':>9} "
        f"{'render':>7} {'rest':>6} {'total':>6}")
    for label, path in page_list:
        k, f = stages[path]["kb"], stages[path]["floor"]
        say(f"{label:36} {k['sql_n']:4d} {k['sql']:7.1f} {k['render']:7.1f} {k['total'] - k['sql'] - k['render']:6.1f} "
            f"{k['total']:6.1f} | {f['sql']:9.1f} {f['render']:7.1f} {f['total'] - f['sql'] - f['render']:6.1f} "
            f"{f['total']:6.1f}")
    say(f"\nresident memory after serving: kb {memory['kb']:.0f} MB, floor {memory['floor']:.0f} MB")
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
