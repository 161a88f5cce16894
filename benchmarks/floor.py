"""The floor: kb's four reader pages served with the least code that can, to measure kb against.

    .venv/bin/python benchmarks/floor.py --database-url sqlite:///var/bench-pages.sqlite3 --port 8001

The lab page, /claims?status=, /search?q= and /api/claims?status= come from the same database with
the same rows, the same figures formatted the same way and the same links: tests/test_floor.py holds
each to kb's response, byte for byte, for an anonymous reader. What it leaves out is everything kb
has around the content: no framework (a bare ASGI callable), no middleware, no ORM or SQL toolkit
(the driver's own queries, sqlite3 or psycopg), no view objects (rows go to the template as tuples),
and one plain Jinja2 template per page with no macros. It shares with kb only the pure functions
that turn a number, a date or a list of dated figures into text (kb.web.formatting, kb.charts), so
that "formatted the same way" holds by construction. It reads a database nobody writes to while it
runs: the entity names fuzzy search compares against are read once, at start-up.

Only what the benchmark's knowledge base holds is covered: a figure group that mixes currencies (kb
then explains why its figures are not compared) is refused loudly rather than shown differently.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
from collections import Counter, defaultdict
from datetime import date
from urllib.parse import parse_qsl, urlencode

from jinja2 import Environment
from rapidfuzz import fuzz, process

from kb.charts import TimePoint, figures_over_time
from kb.names import normalize_name
from kb.web.formatting import FILTERS, format_figure

HIDDEN = ("proposed", "rejected")
CAP = 10_000          # lists count this far
SEARCH_CAP = 1_000    # search groups this far
RANK = "CASE WHEN rank = 'preferred' THEN 0 WHEN rank = 'normal' THEN 1 ELSE 2 END"
STATUS = ("CASE WHEN status = 'verified' THEN 0 WHEN status = 'unverified' THEN 1 "
          "WHEN status = 'needs_verification' THEN 2 WHEN status = 'disputed' THEN 3 ELSE 4 END")
PREFERENCE = f"({RANK} * 5 + {STATUS}) * 10 + coalesce(1 - confidence, 9)"
CLAIM_COLUMNS = ("id, subject_id, attribute_id, model_id, statement, figure_text, low, high, unit, bound, "
                 "precision, period, scope, asserted_by, status, rank, rank_reason, confidence, dataset_confidence")
KIND_PATHS = {"lab": "labs", "model": "models", "technique": "techniques", "chip": "chips",
              "product": "products", "topic": "topics"}
STATUS_MARKS = {"verified": "✓ ", "refuted": "✗ ", "disputed": "! ", "needs_verification": "? "}


class Db:
    """One connection, the driver's own. SQL is written with :name parameters and `{ids:name}` for
    "IN a list of ids bound as one value", rewritten once per statement for the driver in use."""

    def __init__(self, url: str):
        self.postgres = url.startswith("postgresql")
        if self.postgres:
            import psycopg
            self.conn = psycopg.connect(re.sub(r"^postgresql\+\w+://", "postgresql://", url), autocommit=True)
        else:
            self.conn = sqlite3.connect(url.split(":///", 1)[1], isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
        self.sql: dict[str, str] = {}

    def _text(self, sql: str) -> str:
        if sql not in self.sql:
            if self.postgres:
                out = re.sub(r"(\w[\w.]*) IN \{ids:(\w+)\}", r"\1 = ANY(:\2)", sql)
                out = re.sub(r"(?<!:):(\w+)", r"%(\1)s", out)
            else:
                out = re.sub(r"\{ids:(\w+)\}", r"(SELECT value FROM json_each(:\1))", sql)
            self.sql[sql] = out
        return self.sql[sql]

    def rows(self, sql: str, **params) -> list[tuple]:
        if not self.postgres:
            params = {k: json.dumps(sorted(v)) if isinstance(v, (set, list)) else v for k, v in params.items()}
        else:
            params = {k: sorted(v) if isinstance(v, set) else v for k, v in params.items()}
        return list(self.conn.execute(self._text(sql), params).fetchall())

    def value(self, sql: str, **params):
        return self.rows(sql, **params)[0][0]


def entity_url(kind: str, slug: str) -> str:
    return f"/{KIND_PATHS[kind]}/{slug}"


def with_query(path: str, pairs) -> str:
    pairs = [(k, str(v)) for k, v in (pairs.items() if isinstance(pairs, dict) else pairs) if v not in (None, "")]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# ---- the rows every claim listing needs: subjects, citations with their sources, contradictions ----

def claim_rows(db: Db, rows: list[tuple], entities: dict, attributes: dict) -> list[dict]:
    """Claim tuples (CLAIM_COLUMNS order) as the dicts the templates read."""
    if not rows:
        return []
    ids = [r[0] for r in rows]
    wanted = {r[1] for r in rows} | {r[3] for r in rows if r[3]}
    wanted -= set(entities)
    if wanted:
        for e in db.rows("SELECT id, kind, slug, name FROM entity WHERE id IN {ids:ids}", ids=wanted):
            entities[e[0]] = e
    cites = defaultdict(list)
    for claim_id, *source in db.rows(
            "SELECT c.claim_id, s.id, s.title, s.publisher, s.published, s.date_precision FROM citation c "
            "JOIN source s ON s.id = c.source_id WHERE c.claim_id IN {ids:ids} ORDER BY c.id", ids=ids):
        if isinstance(source[3], str):
            source[3] = date.fromisoformat(source[3])
        cites[claim_id].append(source)
    groups = defaultdict(list)
    for claim_id, *group in db.rows(
            "SELECT m.claim_id, k.id, k.status, k.summary FROM contradictionmember m JOIN contradiction k "
            "ON k.id = m.contradiction_id WHERE m.claim_id IN {ids:ids} AND k.active ORDER BY k.severity DESC",
            ids=ids):
        if group[1] == "open":
            groups[claim_id].append(group)
    out = []
    for (cid, subject, attribute, model, statement, text, low, high, unit, bound, precision, period, scope,
         asserted, status, rank, reason, confidence, dataset) in rows:
        text = text or ""
        has = unit is not None and (low is not None or high is not None)
        qualifiers = [(k, v) for k, v in (("period", period), ("scope", scope),
                                          ("model", entities[model][3] if model else ""),
                                          ("according to", asserted)) if v]
        out.append({
            "id": cid, "subject": entities[subject], "attribute": attributes[attribute], "statement": statement,
            "text": text, "has": has, "figure": format_figure(low, high, unit, bound, precision) if has else "",
            "stated": "" if is_number(text.strip()) else text.strip(), "low": low, "high": high, "unit": unit,
            "bound": bound, "precision": FILTERS["precision"](precision, unit), "qualifiers": qualifiers, "scope": scope,
            "status": status, "rank": rank, "reason": reason, "confidence": confidence, "dataset": dataset,
            "cites": cites.get(cid, []), "conflicts": groups.get(cid, []),
        })
    return out


def attributes_of(db: Db) -> dict:
    return {r[0]: r for r in db.rows("SELECT id, name, label, unit FROM attribute")}


# ---- the lab page ----

def lab_page(db: Db, kind: str, slug: str, query: list) -> dict | None:
    found = db.rows("SELECT id, kind, slug, name, description, parent_id FROM entity WHERE kind = :kind "
                    "AND slug = :slug", kind=kind, slug=slug)
    if not found:
        return None
    eid, _, _, name, description, parent_id = found[0]
    entity = found[0][:4]
    attributes = attributes_of(db)
    relations = db.rows("SELECT subject_id, type, object_id FROM relation WHERE subject_id = :id OR "
                        "object_id = :id LIMIT 400", id=eid)
    if relations or parent_id:
        raise NotImplementedError("the floor shows a lab's own models only")
    related = db.rows("SELECT id, kind, slug, name, parent_id FROM entity WHERE parent_id = :id "
                      "ORDER BY name LIMIT 800", id=eid)
    children = [r[:4] for r in related]
    aliases = sorted({a for (a,) in db.rows("SELECT name FROM alias WHERE entity_id = :id", id=eid)} - {name},
                     key=str.casefold)
    entities = {e[0]: e for e in children} | {eid: entity}
    own = db.rows(
        f"SELECT {', '.join('c.' + c for c in CLAIM_COLUMNS.split(', '))}, r.n FROM claim c JOIN ("
        f"SELECT id, attribute_id, row_number() OVER (PARTITION BY attribute_id ORDER BY {PREFERENCE}, id) AS rn, "
        f"count(*) OVER (PARTITION BY attribute_id) AS n FROM claim WHERE subject_id = :id "
        f"AND status NOT IN ('proposed', 'rejected')) r ON r.id = c.id WHERE r.rn <= 5 "
        f"ORDER BY r.attribute_id, r.rn", id=eid)
    subjects = [eid] + [c[0] for c in children]
    attention = db.rows(
        f"WITH needing AS MATERIALIZED (SELECT id FROM claim WHERE subject_id IN {{ids:subjects}} "
        f"AND status IN ('needs_verification', 'disputed')) SELECT {CLAIM_COLUMNS}, f.total FROM claim JOIN "
        f"(SELECT id AS first_id, count(*) OVER () AS total FROM needing ORDER BY id LIMIT 8) f "
        f"ON f.first_id = claim.id ORDER BY id", subjects=subjects)
    disputes = db.rows(
        "WITH open AS MATERIALIZED (SELECT id, summary, severity FROM contradiction WHERE "
        "(subject_id IN {ids:subjects} OR id IN (SELECT m.contradiction_id FROM contradictionmember m "
        "JOIN claim c ON c.id = m.claim_id WHERE c.subject_id = :id)) AND status = 'open' AND active) "
        "SELECT id, summary, count(*) OVER () FROM open ORDER BY severity DESC, id LIMIT 8",
        subjects=subjects, id=eid)
    views = {v["id"]: v for v in claim_rows(db, [r[:19] for r in own + attention], entities, attributes)}
    groups, totals = defaultdict(list), {}
    for r in own:
        groups[r[2]].append(views[r[0]])
        totals[r[2]] = r[19]
    shown = []
    for attribute_id, claims in groups.items():
        if len({(c["unit"] or "").split("/")[0] for c in claims if c["unit"] in ("USD", "EUR", "CNY")}) > 1:
            raise NotImplementedError("the floor does not explain figures in several currencies")
        conflicts = list({k[0]: k for c in claims for k in c["conflicts"]}.values())
        shown.append((attributes[attribute_id], totals[attribute_id], claims, conflicts))
    shown.sort(key=lambda g: (not g[3], g[0][2].casefold()))
    points = [TimePoint(series=f"{c['attribute'][2]}, {c['subject'][3]}" + (f" ({c['scope']})" if c["scope"] else ""),
                        unit=c["unit"], when=c["cites"][0][3],
                        low=c["low"], high=c["high"], label=f"{c['subject'][3]}: {c['figure']}",
                        url=f"/claims/{c['id']}", value=c["figure"])
              for g in shown for c in g[2]
              if c["has"] and c["unit"] != "date" and c["cites"] and c["cites"][0][3]]
    return {"entity": entity, "description": description, "aliases": aliases, "children": children,
            "attention": [views[r[0]] for r in attention], "attention_total": attention[0][19] if attention else 0,
            "disputes": disputes, "dispute_total": disputes[0][2] if disputes else 0, "groups": shown,
            "claim_total": sum(totals.values()), "models": models_table(db, children, attributes, query, kind, slug),
            "chart": figures_over_time(points, title=f"{name}: figures over time") if kind == "lab" else None,
            "points": sorted(points, key=lambda p: p.when)}


def models_table(db: Db, children: list, attributes: dict, query: list, kind: str, slug: str):
    models = [c for c in children if c[1] == "model"]
    if not models:
        return None
    live = "status NOT IN ('proposed', 'rejected')"
    found = db.rows(
        f"SELECT c.id, c.subject_id, c.attribute_id, c.low, c.high, c.unit, c.bound, c.precision, c.figure_text "
        f"FROM claim c JOIN (SELECT min(claim.id) AS id FROM claim JOIN (SELECT subject_id, attribute_id, "
        f"min({PREFERENCE}) AS best FROM claim WHERE subject_id IN {{ids:subjects}} AND {live} "
        f"GROUP BY subject_id, attribute_id) cell ON claim.subject_id = cell.subject_id AND claim.attribute_id = "
        f"cell.attribute_id AND {PREFERENCE.replace('rank', 'claim.rank').replace('status', 'claim.status')} = "
        f"cell.best WHERE claim.{live} GROUP BY cell.subject_id, cell.attribute_id) best ON c.id = best.id "
        f"LIMIT 5000", subjects=[m[0] for m in models])
    conflicts = defaultdict(list)
    if found:
        for claim_id, group in db.rows(
                "SELECT m.claim_id, m.contradiction_id FROM contradictionmember m JOIN contradiction k ON "
                "k.id = m.contradiction_id WHERE m.claim_id IN {ids:ids} AND k.status = 'open' AND k.active",
                ids=[r[0] for r in found]):
            conflicts[claim_id].append(group)
    cells, used = defaultdict(dict), Counter()
    for cid, subject, attribute, low, high, unit, bound, precision, text in found:
        used[attribute] += 1
        cells[subject][attributes[attribute][1]] = (
            cid, format_figure(low, high, unit, bound, precision) or (text or ""), text or "",
            low if low is not None else high, sorted(conflicts.get(cid, [])))
    if not used:
        return None
    ranked = sorted(used, key=lambda a: (-used[a], attributes[a][2].casefold()))
    columns = [attributes[a] for a in ranked[:24]]
    names = ["name"] + [a[1] for a in columns]
    params = dict(query)
    order = ("name", False)
    if params.get("_sort_desc") in names:
        order = (params["_sort_desc"], True)
    elif params.get("_sort") in names:
        order = (params["_sort"], False)
    rows = sorted(((m, cells.get(m[0], {})) for m in models), key=lambda r: r[0][3].casefold(),
                  reverse=order[1] and order[0] == "name")
    if order[0] != "name":
        value = lambda r: r[1][order[0]][3] if order[0] in r[1] else None  # noqa: E731
        rows = (sorted((r for r in rows if value(r) is not None), key=value, reverse=order[1])
                + [r for r in rows if value(r) is None])
    kept = sorted(((k, v) for k, v in query if k not in ("_sort", "_sort_desc", "sort", "page")), key=lambda kv: kv[0])
    links = {}
    for column in names:
        again = column == order[0] and not order[1]
        extra = [("_sort_desc", column)] if again else [("_sort", column)]
        links[column] = with_query(entity_url(kind, slug), sorted(kept + extra, key=lambda kv: kv[0])) + "#models-table"
    sort = {c: ("descending" if order[1] else "ascending") if c == order[0] else "none" for c in names}
    return {"columns": columns, "rows": rows[:100], "sort": sort, "links": links, "models": len(models),
            "hidden": max(0, len(ranked) - 24)}


# ---- the claims list ----

def newest_claims(db: Db, columns: str, query: list, page: int, per_page: int):
    """A page of the newest claims with the statuses asked for: (rows, total, exact, has_next), the
    total counted to CAP, and exact on the last page."""
    if any(k not in ("status", "page", "per_page") for k, _ in query):
        raise NotImplementedError("the floor filters claims by status only")
    where, bind = status_filter([v for k, v in query if k == "status"])
    rows = db.rows(f"SELECT {columns} FROM claim WHERE {where} ORDER BY id DESC LIMIT :n OFFSET :o",
                   n=per_page + 1, o=(page - 1) * per_page, **bind)
    total = db.value(f"SELECT count(*) FROM (SELECT id FROM claim WHERE {where} LIMIT {CAP + 1}) m", **bind)
    has_next, rows = len(rows) > per_page, rows[:per_page]
    exact = total <= CAP
    total = min(total, CAP)
    if not exact and not has_next and rows:
        total, exact = (page - 1) * per_page + len(rows), True
    return rows, total, exact, has_next


def status_filter(statuses: list[str]) -> tuple[str, dict]:
    """The WHERE clause for the statuses asked for (else all that readers see), one parameter each."""
    if not statuses:
        return "status NOT IN ('proposed', 'rejected')", {}
    names = [f"s{i}" for i in range(len(statuses))]
    return f"status IN ({', '.join(':' + n for n in names)})", dict(zip(names, statuses))


def claims_page(db: Db, query: list, path: str, page: int, per_page: int) -> dict:
    statuses = [v for k, v in query if k == "status"]
    attributes = attributes_of(db)
    where, bind = status_filter(statuses)
    rows, total, exact, has_next = newest_claims(db, CLAIM_COLUMNS, query, page, per_page)
    kept = sorted((kv for kv in query if kv[0] != "page"), key=lambda kv: kv[0])
    pager = {"total": total, "exact": exact, "first": (page - 1) * per_page + 1 if total else 0,
             "last": min(page * per_page, total) if exact else page * per_page,
             "next": with_query(path, sorted(kept + [("page", str(page + 1))], key=lambda kv: kv[0])) if has_next else None,
             "prev": with_query(path, sorted(kept + ([("page", str(page - 1))] if page > 2 else []), key=lambda kv: kv[0]))
             if page > 1 else None}
    sample = db.rows(
        f"SELECT s.status, s.attribute_id, e.kind, CASE WHEN e.kind = 'lab' THEN e.slug END, "
        f"CASE WHEN p.kind = 'lab' THEN p.slug END, count(*) FROM (SELECT id, status, attribute_id, subject_id "
        f"FROM claim WHERE {where} ORDER BY id DESC LIMIT 500) s JOIN entity e ON e.id = s.subject_id "
        f"LEFT OUTER JOIN entity p ON p.id = e.parent_id GROUP BY 1, 2, 3, 4, 5", **bind)
    by_status, by_attribute, by_kind, by_lab = Counter(), Counter(), Counter(), Counter()
    for status, attribute, kind, lab, parent, n in sample:
        by_status[status] += n
        by_attribute[attributes[attribute][1]] += n
        by_kind[kind] += n
        for slug in {lab, parent} - {None}:
            by_lab[slug] += n
    cited = db.rows(
        f"SELECT t.source_id, s.title, t.n FROM (SELECT c.source_id, count(DISTINCT c.claim_id) AS n FROM citation c "
        f"JOIN (SELECT id FROM claim WHERE {where} ORDER BY id DESC LIMIT 500) m ON m.id = c.claim_id "
        f"GROUP BY c.source_id ORDER BY n DESC, c.source_id LIMIT 30) t JOIN source s ON s.id = t.source_id", **bind)
    labs = dict(db.rows("SELECT slug, name FROM entity WHERE kind = 'lab' AND "
                        + ("slug IN (SELECT value FROM json_each(:slugs))" if not db.postgres else "slug = ANY(:slugs)"),
                        slugs=json.dumps(list(by_lab)) if not db.postgres else list(by_lab))) if by_lab else {}
    label = {a[1]: a[2] for a in attributes.values()}
    titles = {s: t for s, t, _ in cited}

    def facet(name, title, counts, labels):
        chosen = {v for k, v in query if k == name}
        rest = sorted(((k, v) for k, v in query if k not in (name, "page")), key=lambda kv: kv[0])
        values = []
        for value, n in sorted(counts, key=lambda vc: (-vc[1], str(vc[0])))[:30]:
            v = str(value)
            if v in chosen:
                url = with_query(path, sorted(((k, x) for k, x in query if not (k == name and x == v) and k != "page"),
                                              key=lambda kv: kv[0]))
            else:
                url = with_query(path, [kv for kv in rest if kv[0] < name] + [(name, v)]
                                 + [kv for kv in rest if kv[0] > name])
            values.append((labels(value), n, url, v in chosen))
        return (title, values)

    facets = [
        facet("status", "Status", [(s, n) for s, n in by_status.items() if s not in HIDDEN or s in statuses],
              lambda s: s.replace("_", " ")),
        facet("attribute", "Attribute", by_attribute.items(), lambda a: label.get(a, a)),
        facet("kind", "Subject kind", by_kind.items(), str),
        facet("lab", "Lab", by_lab.items(), lambda s: labs.get(s, s)),
        facet("source", "Source", [(s, n) for s, _, n in cited], lambda s: titles.get(s, str(s))),
    ]
    filters = [(s.replace("_", " "), with_query(path, sorted(((k, x) for k, x in query if not (k == "status" and x == s)
                                                             and k != "page"), key=lambda kv: kv[0])))
               for s in statuses]
    sort_links = {}
    for column in ("subject", "attribute", "figure", "statement", "status", "confidence", "id"):
        base = [(k, v) for k, v in query if k not in ("sort", "_sort", "_sort_desc", "page")]
        sort_links[column] = with_query(path, sorted(base + [("_sort", column)], key=lambda kv: kv[0]))
    exports = sorted(query, key=lambda kv: kv[0])
    return {"rows": claim_rows(db, rows, {}, attributes), "pager": pager, "facets": [f for f in facets if f[1]],
            "sampled": not exact or total > 500, "filters": filters, "sort_links": sort_links,
            "json_url": with_query("/claims.json", exports), "csv_url": with_query("/claims.csv", exports)}


# ---- search ----

class Search:
    """kb's search: the best ten matches per group by rank, totals counted to the cap, names near
    misses of the query by rapidfuzz."""

    GROUPS = {"claim": ("id", "", "t.status NOT IN ('proposed', 'rejected')"),
              "citation": ("id", "JOIN claim c ON c.id = t.claim_id", "c.status NOT IN ('proposed', 'rejected')"),
              "source": ("id", "", ""), "entity": ("id", "", ""), "alias": ("entity_id", "", "")}

    def __init__(self, db: Db):
        self.db = db
        self.names, self.ids = [], []
        for eid, name in db.rows("SELECT id, name FROM entity WHERE merged_into_id IS NULL"):
            self.names.append(normalize_name(name))
            self.ids.append(eid)
        for eid, norm in db.rows("SELECT entity_id, normalized FROM alias"):
            self.names.append(norm)
            self.ids.append(eid)

    def matches(self, table: str, terms: list[str]) -> tuple[list[int], int]:
        words = ['"' + t.replace('"', '""') + '"' for t in terms]
        match = self.db.postgres and " & ".join(terms) or " AND ".join(words)
        ids, total = self.query(table, match)
        if total >= 10:
            return ids, total
        if not self.db.postgres:
            return self.query(table, " AND ".join(f"{w}*" for w in words))
        # As kb does: a prefix is looked up by a bitmap scan of the GIN index, never by reading a table.
        self.db.conn.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        try:
            return self.query(table, " & ".join(f"{t}:*" for t in terms))
        finally:
            self.db.conn.execute("RESET enable_seqscan; RESET enable_indexscan")

    def query(self, table: str, match: str) -> tuple[list[int], int]:
        result, join, where = self.GROUPS[table]
        if self.db.postgres:
            filt = f"AND {where}" if where else ""
            rows = self.db.rows(
                f"SELECT m.result, count(*) OVER () FROM (SELECT t.id, t.{result} AS result, "
                f"ts_rank(t.fts_document, q) AS rank FROM \"{table}\" t {join} CROSS JOIN "
                f"to_tsquery('english', :m) q WHERE t.fts_document @@ q {filt} LIMIT {SEARCH_CAP + 1}) m "
                f"ORDER BY m.rank DESC, m.id LIMIT 10", m=match)
            return list(dict.fromkeys(r[0] for r in rows)), rows[0][1] if rows else 0
        fts = f"fts_{table}"
        visible = f'JOIN "{table}" t ON t.id = m.id {join}' + (f" WHERE {where}" if where else "")
        ids = [r[0] for r in self.db.rows(
            f"SELECT t.{result} FROM (SELECT rowid AS id, rank FROM {fts} WHERE {fts} MATCH :m LIMIT 200) m "
            f"{visible} ORDER BY m.rank LIMIT 10", m=match)]
        if len(ids) < 10 and where and self.db.value(
                f"SELECT count(*) FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH :m LIMIT 200) m", m=match) == 200:
            raise NotImplementedError("the floor does not rank past hidden matches")
        total = len(ids)
        if total == 10:
            total = self.db.value(f"SELECT count(*) FROM (SELECT m.id FROM (SELECT rowid AS id FROM {fts} WHERE "
                                  f"{fts} MATCH :m) m {visible} LIMIT {SEARCH_CAP + 1}) v", m=match)
        return list(dict.fromkeys(ids)), total

    def page(self, q: str) -> dict:
        q = q.strip()[:200]
        terms = re.findall(r"[^\W_]+", q)[:12]
        out = {"query": q, "entities": [], "claims": [], "quotes": [], "sources": [], "totals": {}}
        if not terms:
            return out
        claims, out["totals"]["claims"] = self.matches("claim", terms)
        citations, out["totals"]["citations"] = self.matches("citation", terms)
        sources, out["totals"]["sources"] = self.matches("source", terms)
        names, _ = self.matches("entity", terms)
        aliases, _ = self.matches("alias", terms)
        norm = normalize_name(q)
        exact = [r[0] for r in self.db.rows("SELECT DISTINCT entity_id FROM alias WHERE normalized = :n LIMIT 20",
                                            n=norm)] if norm else []
        ordered, fuzzy = list(dict.fromkeys(exact + aliases + names)), set()
        if len(norm) >= 4:
            best = {}
            for _name, score, index in process.extract(norm, self.names, scorer=fuzz.ratio, limit=40,
                                                        score_cutoff=82):
                best[self.ids[index]] = max(best.get(self.ids[index], 0.0), score)
            for eid, _ in sorted(best.items(), key=lambda kv: -kv[1])[:10]:
                if eid not in ordered:
                    ordered.append(eid)
                    fuzzy.add(eid)
        if not (claims or citations or sources) and len(fuzzy) == len(ordered):
            raise NotImplementedError("the floor does not correct misspelt queries")
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
        entities = {e[0]: e for e in self.db.rows("SELECT id, kind, slug, name FROM entity WHERE id IN {ids:ids}",
                                                   ids=ordered[:10])} if ordered else {}
        out["entities"] = [(entities[i], _segments(pattern, entities[i][3]), i in fuzzy)
                           for i in ordered[:10] if i in entities]
        if claims:
            rows = self.db.rows(f"SELECT {CLAIM_COLUMNS} FROM claim WHERE id IN {{ids:ids}}", ids=claims)
            rows.sort(key=lambda r: claims.index(r[0]))
            out["claims"] = [(v, _segments(pattern, v["statement"]))
                             for v in claim_rows(self.db, rows, {}, attributes_of(self.db))]
        quotes = []
        if citations:
            quotes = self.db.rows("SELECT id, claim_id, source_id, quote FROM citation WHERE id IN {ids:ids}",
                                  ids=citations)
            quotes.sort(key=lambda r: citations.index(r[0]))
        wanted = {r[2] for r in quotes} | set(sources)
        by_id = {s[0]: s for s in self.db.rows("SELECT id, title, publisher FROM source WHERE id IN {ids:ids}",
                                                ids=wanted)} if wanted else {}
        out["quotes"] = [(r[1], by_id[r[2]], _segments(pattern, r[3])) for r in quotes]
        out["sources"] = [(by_id[i], _segments(pattern, by_id[i][1])) for i in sources if i in by_id]
        return out


def _segments(pattern, value: str) -> list[tuple[str, bool]]:
    out, pos = [], 0
    for m in pattern.finditer(value or ""):
        if m.start() > pos:
            out.append((value[pos:m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(value or ""):
        out.append((value[pos:], False))
    return out or [(value or "", False)]


# ---- /api/claims ----

def api_claims(db: Db, query: list, path: str, page: int, per_page: int) -> bytes:
    rows, total, exact, has_next = newest_claims(
        db, "id, subject_id, attribute_id, model_id, statement, figure_text, low, high, unit, bound, period, scope, "
            "asserted_by, status, rank, confidence, version", query, page, per_page)
    entities, names, cites = {}, {}, defaultdict(list)
    if rows:
        wanted = {r[1] for r in rows} | {r[3] for r in rows if r[3]}
        entities = {e[0]: {"kind": e[1], "slug": e[2], "name": e[3]} for e in db.rows(
            "SELECT id, kind, slug, name FROM entity WHERE id IN {ids:ids}", ids=wanted)}
        names = {a[0]: a[1] for a in db.rows("SELECT id, name FROM attribute WHERE id IN {ids:ids}",
                                             ids={r[2] for r in rows})}
        for claim_id, source_id, quote, start, end in db.rows(
                'SELECT claim_id, source_id, quote, start, "end" FROM citation WHERE claim_id IN {ids:ids} '
                "ORDER BY id", ids=[r[0] for r in rows]):
            cites[claim_id].append({"source_id": source_id, "quote": quote, "start": start, "end": end})

    def value(v, unit):
        return date.fromordinal(int(v)).isoformat() if v is not None and unit == "date" else v

    items = [{
        "id": cid, "subject": entities.get(subject), "attribute": names.get(attribute), "statement": statement,
        "figure": None if unit is None and low is None and high is None and not text else
        {"low": value(low, unit), "high": value(high, unit), "unit": unit, "bound": bound, "text": text},
        "qualifiers": {"period": period, "scope": scope, "model": entities.get(model) if model else None,
                       "asserted_by": asserted},
        "status": status, "rank": rank, "confidence": confidence, "citations": cites.get(cid, []), "version": version,
    } for (cid, subject, attribute, model, statement, text, low, high, unit, bound, period, scope, asserted, status,
           rank, confidence, version) in rows]
    kept = sorted((kv for kv in query if kv[0] != "page"), key=lambda kv: kv[0])
    nxt = with_query(path, sorted(kept + [("page", str(page + 1))], key=lambda kv: kv[0])) if has_next else None
    return json.dumps({"items": items, "page": page, "per_page": per_page, "total": total, "total_is_exact": exact,
                       "next": nxt}, separators=(",", ":"), ensure_ascii=False).encode()


# ---- templates: the site's layout around each page's content, one plain template per page ----

LAYOUT_HEAD = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} · kb</title>
<link rel="stylesheet" href="/static/kb.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
  <a class="brand" href="/">kb</a>
  <nav aria-label="Main">
    <ul>
      <li><a href="/labs">Labs</a></li>
      <li><a href="/models">Models</a></li>
      <li><a href="/techniques">Techniques</a></li>
      <li><a href="/chips">Chips</a></li>
      <li><a href="/products">Products</a></li>
      <li><a href="/topics">Topics</a></li>
      <li><a href="/claims">Claims</a></li>
      <li><a href="/sources">Sources</a></li>
      <li><a href="/contradictions">Contradictions</a></li>
      <li><a href="/charts">Charts</a></li>
      <li><a href="/changes">Changes</a></li>
    </ul>
  </nav>
  <form class="search" role="search" action="/search" method="get">
    <label for="site-search" class="visually-hidden">Search kb</label>
    <input id="site-search" type="search" name="q" placeholder="Search labs, models, claims…" value="{{ search_query }}">
    <button type="submit">Search</button>
  </form>
  <div class="account"><a href="/login?next={{ path|urlencode }}">Log in</a></div>
</header>
<main id="main" tabindex="-1">
"""
LAYOUT_FOOT = """</main>
<footer class="site">
  <p>kb: sourced claims about AI labs, models, techniques and chips. Every figure links to where it came from.
  <a href="/schema/openapi.json">API (OpenAPI)</a></p>
  <p class="credit">Data on models and chips: <a href="https://epoch.ai/data">Epoch AI</a>, licensed
  <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>.</p>
</footer>
</body>
</html>"""

LAB = """{% block title %}{{ page.entity[3] }}{% endblock %}{% set e = page.entity %}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/{{ kinds[e[1]] }}">{{ kinds[e[1]]|capitalize }}</a> › <span aria-current="page">{{ e[3] }}</span></nav>
<h1>{{ e[3] }} <span class="kind">{{ e[1] }}</span></h1>
{% if page.description %}<p class="summary">{{ page.description }}</p>{% endif %}
{% if page.aliases %}<p class="aliases">Also known as: {% for a in page.aliases %}<span class="alias">{{ a }}</span>{% if not loop.last %}, {% endif %}{% endfor %}</p>{% endif %}

{% if page.attention_total or page.dispute_total %}
<section class="attention" aria-labelledby="attention-h">
<h2 id="attention-h"><span aria-hidden="true">⚠</span> What is disputed, what needs checking</h2>
{% if page.dispute_total %}
<p>{{ page.dispute_total }} open contradiction{{ "s" if page.dispute_total != 1 }}:</p>
<ul>{% for k in page.disputes %}<li><a href="/contradictions/{{ k[0] }}">Contradiction #{{ k[0] }}</a>: {{ k[1] }}</li>{% endfor %}</ul>
{% endif %}
{% if page.attention_total %}
<p>{{ page.attention_total }} claim{{ "s" if page.attention_total != 1 }} disputed or awaiting verification:</p>
<ul>{% for c in page.attention %}<li><span class="badge status-{{ c.status }}" title="Status: {{ c.status|label }}">{{ marks.get(c.status, "") }}{{ c.status|label }}</span> <a href="/claims/{{ c.id }}">{{ c.statement }}</a></li>{% endfor %}</ul>
{% endif %}
</section>
{% endif %}

{% if page.children %}
<section aria-labelledby="relations-h">
<h2 id="relations-h">Relations</h2>
<dl class="relations">
<dt>Models</dt><dd><ul class="inline">{% for r in page.children %}<li><a href="/{{ kinds[r[1]] }}/{{ r[2] }}" class="entity kind-{{ r[1] }}">{{ r[3] }}</a></li>{% endfor %}</ul></dd></dl>
</section>
{% endif %}

<section aria-labelledby="claims-h">
<h2 id="claims-h">What the sources say about {{ e[3] }}</h2>
{% if not page.groups %}<p>No claims about {{ e[3] }} itself yet.</p>{% else %}
<div class="scroll" role="region" aria-labelledby="claims-h" tabindex="0">
<table class="statements">
<thead><tr><th scope="col">Figure</th><th scope="col">Statement and qualifiers</th><th scope="col">Source</th><th scope="col">Status</th><th scope="col">Confidence</th><th scope="col">Rank</th></tr></thead>
{% for a, total, claims, conflicts in page.groups %}
<tbody class="statement-group{% if conflicts %} conflicted{% endif %}" id="attr-{{ a[1] }}">
<tr class="group-head"><th scope="rowgroup" colspan="6"><a href="/claims?attribute={{ a[1]|urlencode }}">{{ a[2] }}</a>
<span class="count">{{ total }} claim{{ "s" if total != 1 }}</span>
{% for k in conflicts %} <a class="conflict" href="/contradictions/{{ k[0] }}"><span aria-hidden="true">⚠</span> sources disagree: contradiction #{{ k[0] }}</a>{% endfor %}</th></tr>
{% for c in claims %}
<tr id="claim-{{ c.id }}" class="{% if c.conflicts %}conflicted{% endif %}{% if c.rank == 'deprecated' %} deprecated{% endif %}">
  <td class="figure-cell">{% if c.has %}<span class="figure bound-{{ c.bound }}" title="{{ c.text }}"><a href="/claims/{{ c.id }}">{{ c.figure }}</a></span>{% elif c.text %}<span class="figure unparsed" title="Not parsed as a number">{{ c.text }}</span>{% endif %}{% if c.precision and c.stated %}<span class="precision" title="the precision its digits imply">{{ c.precision }}</span>{% endif %}{% if c.stated and c.has %}<span class="as-written">“{{ c.stated }}”</span>{% endif %}</td>
  <td><a href="/claims/{{ c.id }}" class="statement-link">{{ c.statement }}</a>{% if c.qualifiers %} <span class="qualifiers">{% for k, v in c.qualifiers %}<span class="q"><span class="q-key">{{ k }}</span> {{ v }}</span>{% endfor %}</span>{% endif %}</td>
  <td>{% for s in c.cites %}<a href="/sources/{{ s[0] }}" class="source">{{ s[2] or s[1] }}</a>, <span class="date">{{ s[3]|kbdate(s[4]) }}</span>{% if not loop.last %}; {% endif %}{% else %}<span class="note">none</span>{% endfor %}</td>
  <td><span class="badge status-{{ c.status }}" title="Status: {{ c.status|label }}">{{ marks.get(c.status, "") }}{{ c.status|label }}</span></td>
  <td>{{ c.confidence|confidence }}{% if c.dataset %} <span class="note">(dataset: {{ c.dataset|lower }})</span>{% endif %}</td>
  <td>{% if c.rank == "normal" %}normal{% else %}<span class="badge rank-{{ c.rank }}">{{ c.rank }}</span>{% if c.reason %} <span class="note">{{ c.reason }}</span>{% endif %}{% endif %}</td>
</tr>
{% endfor %}
{% if total > claims|length %}<tr class="more"><td colspan="6"><a href="/claims?{{ [('subject', e[1] ~ ':' ~ e[2]), ('attribute', a[1])]|urlencode }}">All {{ total }} claims on {{ a[2]|lower }} →</a></td></tr>{% endif %}
</tbody>
{% endfor %}
</table>
</div>
{% endif %}
<p><a href="/claims?subject={{ (e[1] ~ ':' ~ e[2])|urlencode }}">Every claim about {{ e[3] }}</a> ({{ page.claim_total }}).</p>
</section>

{% if page.models %}{% set m = page.models %}
<section aria-labelledby="models-h" id="models-table">
<h2 id="models-h">Figures of {{ e[3] }}'s models</h2>
<p class="note">Each cell is the model's preferred figure; <span class="conflict">⚠</span> marks a figure in an open contradiction. Click a column to sort.{% if m.models > m.rows|length %} The first {{ m.rows|length }} of {{ m.models }} models.{% endif %}{% if m.hidden %} {{ m.hidden }} less common attribute{{ "s" if m.hidden != 1 }} in <a href="/claims?{{ [('lab', e[2]), ('kind', 'model')]|urlencode }}">the claims list</a>.{% endif %}</p>
<div class="scroll" role="region" aria-labelledby="models-h" tabindex="0">
<table class="models-table">
<thead><tr>
{% set state = m.sort["name"] %}<th scope="col" aria-sort="{{ state }}"><a class="sort" href="{{ m.links['name'] }}">Model<span class="sort-mark" aria-hidden="true">{{ {"ascending": " ▲", "descending": " ▼"}.get(state, "") }}</span></a></th>
{% for a in m.columns %}{% set state = m.sort[a[1]] %}<th scope="col" aria-sort="{{ state }}" class="num"><a class="sort" href="{{ m.links[a[1]] }}">{{ a[2] }}<span class="sort-mark" aria-hidden="true">{{ {"ascending": " ▲", "descending": " ▼"}.get(state, "") }}</span></a></th>{% endfor %}
</tr></thead>
<tbody>
{% for model, cells in m.rows %}
<tr><th scope="row"><a href="/{{ kinds[model[1]] }}/{{ model[2] }}" class="entity kind-{{ model[1] }}">{{ model[3] }}</a></th>
{% for a in m.columns %}{% set cell = cells.get(a[1]) %}<td class="num{% if cell and cell[4] %} conflicted{% endif %}">{% if cell %}<a href="/claims/{{ cell[0] }}" title="{{ cell[2] }}">{{ cell[1] }}</a>{% for k in cell[4] %} <a class="conflict" href="/contradictions/{{ k }}" aria-label="in contradiction #{{ k }}"><span aria-hidden="true">⚠</span></a>{% endfor %}{% endif %}</td>{% endfor %}
</tr>
{% endfor %}
</tbody>
</table>
</div>
</section>
{% endif %}

{% if page.chart %}
<section aria-labelledby="chart-h">
<h2 id="chart-h">{{ e[3] }}'s figures over time</h2>
<figure>{{ page.chart }}
<figcaption>Each figure placed at its source's publication date; the table below holds the same figures.</figcaption></figure>
<details><summary>The figures as a table</summary>
<table>
<thead><tr><th scope="col">Attribute</th><th scope="col">Date</th><th scope="col">Figure</th></tr></thead>
<tbody>{% for p in page.points %}<tr><td>{{ p.series }}</td><td>{{ p.when }}</td><td><a href="{{ p.url }}">{{ p.label }}</a></td></tr>{% endfor %}</tbody>
</table>
</details>
</section>
{% endif %}
"""


def page_template(env: Environment, body: str):
    """One template: the layout's head, the page's body, the layout's foot (no inheritance)."""
    title = re.search(r"\{% block title %\}(.*?)\{% endblock %\}\n?", body, re.S)
    body = body.replace(title.group(0), "", 1)
    return env.from_string(LAYOUT_HEAD.replace("{% block title %}{% endblock %}", title.group(1)) + body + LAYOUT_FOOT)

CLAIMS = """{% block title %}Claims{% endblock %}
<h1>Claims</h1>
<p class="intro">Every sourced statement. Proposed claims awaiting review are hidden unless you pick that status.</p>
<div class="list-layout">
{% if page.facets %}
<aside class="facets" aria-label="Facets">
{% if page.sampled %}<p class="note">Counts among the newest 500 matches.</p>{% endif %}
{% for title, values in page.facets %}
<section class="facet"><h2>{{ title }}</h2>
<ul>{% for label, n, url, chosen in values %}<li{% if chosen %} class="selected"{% endif %}><a href="{{ url }}"{% if chosen %} aria-current="true"{% endif %}>{% if chosen %}✓ {% endif %}{{ label|label }}</a> <span class="count">{{ n }}</span></li>{% endfor %}</ul>
</section>
{% endfor %}
</aside>
{% endif %}

<div class="list-main">
{% if page.filters %}
<section class="active-filters" aria-label="Active filters"><h2 class="visually-hidden">Filters</h2>
<ul>{% for label, url in page.filters %}<li>{{ label }} <a href="{{ url }}" aria-label="Remove filter {{ label }}">✕</a></li>{% endfor %}</ul>
</section>
{% endif %}


<div class="scroll" role="region" aria-label="Claims, scrolls sideways" tabindex="0">
<table class="claims">
<thead><tr>{% for column, text in [("subject", "Subject"), ("attribute", "Attribute"), ("figure", "Figure"), ("statement", "Statement")] %}<th scope="col" aria-sort="none"><a href="{{ page.sort_links[column] }}" class="sort">{{ text }}<span class="sort-mark" aria-hidden="true"></span></a></th>{% endfor %}<th scope="col">Source</th>{% for column, text in [("status", "Status"), ("confidence", "Confidence")] %}<th scope="col" aria-sort="none"><a href="{{ page.sort_links[column] }}" class="sort">{{ text }}<span class="sort-mark" aria-hidden="true"></span></a></th>{% endfor %}</tr></thead>
<tbody>
{% for c in page.rows %}
<tr{% if c.conflicts %} class="conflicted"{% endif %}>
  <td><a href="/{{ kinds[c.subject[1]] }}/{{ c.subject[2] }}" class="entity kind-{{ c.subject[1] }}">{{ c.subject[3] }}</a></td>
  <td><a href="/claims?attribute={{ c.attribute[1]|urlencode }}">{{ c.attribute[2] }}</a></td>
  <td>{% if c.has %}<span class="figure bound-{{ c.bound }}" title="{{ c.text }}"><a href="/claims/{{ c.id }}">{{ c.figure }}</a></span>{% elif c.text %}<span class="figure unparsed" title="Not parsed as a number">{{ c.text }}</span>{% endif %}{% if c.conflicts %} {% for k in c.conflicts %}
<a class="conflict" href="/contradictions/{{ k[0] }}" title="{{ k[2] }}"><span aria-hidden="true">⚠</span> conflicts: see contradiction #{{ k[0] }}</a>
{% endfor %}{% endif %}</td>
  <td><a href="/claims/{{ c.id }}">{{ c.statement }}</a>{% if c.qualifiers %} <span class="qualifiers">{% for k, v in c.qualifiers %}<span class="q"><span class="q-key">{{ k }}</span> {{ v }}</span>{% endfor %}</span>{% endif %}</td>
  <td>{% for s in c.cites %}<a href="/sources/{{ s[0] }}" class="source">{{ s[2] or s[1] }}</a>, <span class="date">{{ s[3]|kbdate(s[4]) }}</span>{% if not loop.last %}; {% endif %}{% endfor %}</td>
  <td><span class="badge status-{{ c.status }}" title="Status: {{ c.status|label }}">{{ marks.get(c.status, "") }}{{ c.status|label }}</span></td>
  <td>{{ c.confidence|confidence }}</td>
</tr>
{% else %}
<tr><td colspan="7">No claims match.</td></tr>
{% endfor %}
</tbody>
</table>
</div>
{% set p = page.pager %}
<nav class="pager" aria-label="Pages">
{% if p.total %}<p>Rows {{ p.first }}–{{ p.last }} of {% if p.exact %}{{ p.total }}{% else %}more than {{ "{:,}".format(p.total) }}{% endif %}.</p>{% endif %}
{% if p.prev %}<a rel="prev" href="{{ p.prev }}">← Previous</a>{% endif %}
{% if p.next %}<a rel="next" href="{{ p.next }}">Next →</a>{% endif %}
</nav>
<p class="exports">This list as <a href="{{ page.json_url }}">JSON</a> or <a href="{{ page.csv_url }}">CSV</a>.</p>
</div>
</div>
"""

SEARCH = """{% block title %}{% if page.query %}Search: {{ page.query }}{% else %}Search{% endif %}{% endblock %}
<h1>Search</h1>
<form class="search big" role="search" action="/search" method="get">
  <label for="q">Search for</label>
  <input id="q" type="search" name="q" value="{{ page.query }}">
  <button type="submit">Search</button>
</form>
{% if page.query and not (page.entities or page.claims or page.quotes or page.sources) %}<p>Nothing matches “{{ page.query }}”.</p>{% endif %}
{% if page.entities %}
<section aria-labelledby="r-entities"><h2 id="r-entities">Labs, models and other entities</h2>
<ul class="results">{% for e, name, fuzzy in page.entities %}<li><a href="/{{ kinds[e[1]] }}/{{ e[2] }}" class="entity">{% for text, hit in name %}{% if hit %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</a> <span class="kind">{{ e[1] }}</span>{% if fuzzy %} <span class="note">(close match)</span>{% endif %}</li>{% endfor %}</ul>
</section>
{% endif %}
{% if page.claims %}
<section aria-labelledby="r-claims"><h2 id="r-claims">Claims <span class="count">{{ total("claims") }}</span></h2>
<ul class="results">{% for c, statement in page.claims %}<li><a href="/{{ kinds[c.subject[1]] }}/{{ c.subject[2] }}" class="entity kind-{{ c.subject[1] }}">{{ c.subject[3] }}</a>: <a href="/claims/{{ c.id }}">{% for text, hit in statement %}{% if hit %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</a> <span class="badge status-{{ c.status }}" title="Status: {{ c.status|label }}">{{ marks.get(c.status, "") }}{{ c.status|label }}</span> {% for k in c.conflicts %}
<a class="conflict" href="/contradictions/{{ k[0] }}" title="{{ k[2] }}"><span aria-hidden="true">⚠</span> conflicts: see contradiction #{{ k[0] }}</a>
{% endfor %}</li>{% endfor %}</ul>
</section>
{% endif %}
{% if page.quotes %}
<section aria-labelledby="r-quotes"><h2 id="r-quotes">Quotes <span class="count">{{ total("citations") }}</span></h2>
<ul class="results">{% for claim_id, s, quote in page.quotes %}<li><blockquote>“{% for text, hit in quote %}{% if hit %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}”</blockquote> <a href="/claims/{{ claim_id }}">claim #{{ claim_id }}</a> in <a href="/sources/{{ s[0] }}#claim-{{ claim_id }}">{{ s[1] }}</a></li>{% endfor %}</ul>
</section>
{% endif %}
{% if page.sources %}
<section aria-labelledby="r-sources"><h2 id="r-sources">Sources <span class="count">{{ total("sources") }}</span></h2>
<ul class="results">{% for s, title in page.sources %}<li><a href="/sources/{{ s[0] }}">{% for text, hit in title %}{% if hit %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</a> ({{ s[2] }})</li>{% endfor %}</ul>
</section>
{% endif %}
"""


# ---- the server: a bare ASGI callable ----

def create_app(database_url: str | None = None):
    """The floor's ASGI app for `database_url` (else $KB_DATABASE_URL)."""
    import os
    db = Db(database_url or os.environ["KB_DATABASE_URL"])
    if db.postgres:  # as kb's search asks: no parallel workers, and every scan from the table's start
        db.conn.execute("SET max_parallel_workers_per_gather = 0")
        db.conn.execute("SET synchronize_seqscans = off")
    search = Search(db)
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    env.globals.update(kinds=KIND_PATHS, marks=STATUS_MARKS, search_query="")
    lab, claims, found = (page_template(env, t) for t in (LAB, CLAIMS, SEARCH))
    entity_paths = {path: kind for kind, path in KIND_PATHS.items()}

    def respond(path: str, query: list) -> tuple[int, bytes, bytes]:
        params = dict(query)
        page, per_page = int(params.get("page", 1)), int(params.get("per_page", 50))
        if path == "/claims":
            html = claims.render(page=claims_page(db, query, path, page, per_page), path=path)
        elif path == "/search":
            result = search.page(params.get("q", ""))
            label = lambda g: (f"more than {SEARCH_CAP:,}" if result["totals"].get(g, 0) > SEARCH_CAP  # noqa: E731
                               else f"{result['totals'].get(g, 0):,}")
            html = found.render(page=result, path=path, search_query=result["query"], total=label)
        elif path == "/api/claims":
            return 200, b"application/json", api_claims(db, query, path, page, per_page)
        else:
            kind_path, _, slug = path.strip("/").partition("/")
            context = lab_page(db, entity_paths[kind_path], slug, query) if kind_path in entity_paths else None
            if context is None:
                return 404, b"text/plain", b"not found"
            html = lab.render(page=context, path=path)
        return 200, b"text/html; charset=utf-8", html.encode()

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        status, content_type, body = respond(scope["path"], parse_qsl(scope["query_string"].decode()))
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    app.respond = respond
    return app


def main() -> int:
    import uvicorn
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    uvicorn.run(create_app(args.database_url), host="127.0.0.1", port=args.port, lifespan="off", log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
