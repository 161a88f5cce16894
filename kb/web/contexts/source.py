"""The source page: metadata, lineage, the text with every cited quote marked, or a dataset's rows."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from kb.models import Citation, Claim, Source
from kb.web.contexts.common import SOURCE_REF_COLUMNS, SourceRef, load_sources, source_ref
from kb.web.contexts.entity import NotFound

MAX_TABLE_ROWS = 200
MAX_CHILDREN = 100
MAX_HIGHLIGHTS = 5000


@dataclass(frozen=True)
class Segment:
    """A run of source text; `claims` cite all of it, `ends` are the claims whose quote ends here."""

    text: str
    claims: tuple[int, ...] = ()
    ends: tuple[int, ...] = ()
    starts: tuple[int, ...] = ()


@dataclass
class SourcePage:
    source: SourceRef
    author: str
    license: str
    locator: str
    content_hash: str | None
    snapshot_date: Any
    ancestors: list[SourceRef]
    derived: list[SourceRef]
    derived_total: int
    segments: list[Segment]
    table: list[list[str]]
    citations: list[dict[str, Any]]
    claim_total: int
    has_text: bool
    csl: dict[str, Any] = field(default_factory=dict)
    text: str = ""

    @property
    def blocks(self) -> list:
        """The marked-up text as paragraphs and Markdown tables (kb.web.contexts.source_blocks)."""
        from kb.web.contexts.source_blocks import blocks
        return blocks(self.text, self.segments)


def segments(text: str, spans: list[tuple[int, int, int]]) -> list[Segment]:
    """Cut `text` at every quote boundary (a sweep, so thousands of quotes stay cheap)."""
    n = len(text)
    starts: dict[int, list[int]] = defaultdict(list)
    stops: dict[int, list[int]] = defaultdict(list)
    for s, e, claim_id in spans:
        if s is not None and e is not None and 0 <= s < e <= n:
            starts[s].append(claim_id)
            stops[e].append(claim_id)
    cuts = sorted({0, n, *starts, *stops})
    active: Counter[int] = Counter()
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:]):
        for claim_id in stops.get(a, ()):
            active[claim_id] -= 1
            if active[claim_id] <= 0:
                del active[claim_id]
        for claim_id in starts.get(a, ()):
            active[claim_id] += 1
        covering = tuple(sorted(active))
        ends = tuple(sorted(set(stops.get(b, ()))))
        begun = tuple(sorted(set(starts.get(a, ()))))
        if out and out[-1].claims == covering and not out[-1].ends and not begun:
            out[-1] = Segment(out[-1].text + text[a:b], covering, ends, out[-1].starts)
        else:
            out.append(Segment(text[a:b], covering, ends, begun))
    return out


def _table(text: str) -> list[list[str]]:
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        return []
    if len(rows) < 1 or max(len(r) for r in rows) < 2:
        return []
    return rows[:MAX_TABLE_ROWS + 1]


def source_page(session: Session, *, source_id: int) -> SourcePage:
    """Everything the page for source `source_id` shows."""
    src = session.get(Source, source_id)
    if src is None:
        raise NotFound(f"no source {source_id}")
    ref = source_ref(src)
    ancestors: list[SourceRef] = []
    parent_id, seen = src.derived_from_id, {src.id}
    while parent_id and parent_id not in seen and len(ancestors) < 10:
        seen.add(parent_id)
        parent = load_sources(session, [parent_id]).get(parent_id)
        if parent is None:
            break
        ancestors.append(parent)
        parent_id = parent.derived_from_id
    children = select(*SOURCE_REF_COLUMNS).where(Source.derived_from_id == src.id)
    derived = [source_ref(r) for r in session.execute(children.order_by(Source.id).limit(MAX_CHILDREN))]
    derived_total = len(derived) if len(derived) < MAX_CHILDREN else session.execute(
        select(func.count()).select_from(children.subquery())).scalar_one()
    cites = session.execute(
        select(Citation.id, Citation.claim_id, Citation.quote, Citation.start, Citation.end, Citation.row,
               Citation.column, Citation.anchored, Claim.statement, Claim.status)
        .join(Claim, Claim.id == Citation.claim_id)
        .where(Citation.source_id == src.id, Claim.status.not_in(("proposed", "rejected")))
        .order_by(Citation.start, Citation.id).limit(MAX_HIGHLIGHTS)
    ).all()
    text = src.text or ""
    spans = [(c.start, c.end, c.claim_id) for c in cites
             if c.anchored and c.start is not None and text[c.start:c.end] == c.quote]
    is_data = src.kind in ("dataset", "dataset_row")
    return SourcePage(
        source=ref, author=src.author, license=src.license, locator=src.locator,
        content_hash=src.content_hash, snapshot_date=src.snapshot_date, ancestors=ancestors,
        derived=derived, derived_total=derived_total,
        segments=[] if is_data else segments(text, spans),
        table=_table(text) if is_data and text else [],
        citations=[c._asdict() for c in cites], claim_total=len({c.claim_id for c in cites}),
        has_text=bool(text), csl=csl_json(src), text="" if is_data else text,
    )


def _date_parts(src: Source) -> dict[str, Any] | None:
    if src.published is None:
        return None
    p = src.published
    parts = {"year": [p.year], "month": [p.year, p.month]}.get(src.date_precision, [p.year, p.month, p.day])
    out: dict[str, Any] = {"date-parts": [parts]}
    if src.date_precision == "estimated":
        out = {"date-parts": [[p.year, p.month]], "circa": True}
    return out


CSL_TYPES = {"article": "article-newspaper", "summary": "article-newspaper", "paper": "article-journal",
             "dataset": "dataset", "dataset_row": "dataset", "press_release": "report",
             "web_page": "webpage"}


def csl_json(src: Source) -> dict[str, Any]:
    """The source as one CSL-JSON item (what Zotero and citeproc read)."""
    item: dict[str, Any] = {"id": f"kb-source-{src.id}", "type": CSL_TYPES.get(src.kind, "document"),
                            "title": src.title}
    if src.publisher:
        item["publisher"] = src.publisher
        item["container-title"] = src.publisher
    if src.author:
        item["author"] = [{"literal": a.strip()} for a in re.split(r";| and ", src.author) if a.strip()]
    if src.url:
        item["URL"] = src.url
    if issued := _date_parts(src):
        item["issued"] = issued
    if src.snapshot_date:
        item["accessed"] = {"date-parts": [[src.snapshot_date.year, src.snapshot_date.month, src.snapshot_date.day]]}
    return item


_BIB_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


def _bib(value: str) -> str:
    """A BibTeX field value: LaTeX specials escaped so braces stay balanced."""
    def repl(m: re.Match) -> str:
        ch = m.group(1)
        return {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}.get(ch, "\\" + ch)
    return _BIB_SPECIAL.sub(repl, value.replace("\n", " "))


def bibtex(src: Source) -> str:
    """The source as one BibTeX entry."""
    kind = {"paper": "article"}.get(src.kind, "misc")
    url = src.url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D") if src.url else ""
    fields = [("title", _bib(src.title)), ("author", _bib(src.author)), ("publisher", _bib(src.publisher)),
              ("howpublished", url and f"\\url{{{url}}}")]
    if src.published:
        fields.append(("year", str(src.published.year)))
        if src.date_precision in ("day", "month"):
            fields.append(("month", src.published.strftime("%b").lower()))
    if src.date_precision == "estimated":
        fields.append(("note", "date estimated"))
    lines = [f"@{kind}{{kb-source-{src.id},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields if value]
    lines.append("}")
    return "\n".join(lines) + "\n"
