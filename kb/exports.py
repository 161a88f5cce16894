"""Exports besides the lossless JSON dump: claims as CSV, and fact-checks as schema.org ClaimReview."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.engine import Connection

from kb.models import Attribute, Citation, Claim, Entity, Event, Source, User
from kb.web.listing import to_csv

# A fact-checker's verdict as a ClaimReview rating (1 worst .. 5 best).
RATINGS = {"verified": (5, "True"), "disputed": (3, "Disputed"), "refuted": (1, "False")}
CSV_COLUMNS = (
    "id", "subject_kind", "subject_slug", "subject_name", "attribute", "statement", "figure_text",
    "low", "high", "unit", "bound", "precision", "method", "period", "scope", "model",
    "asserted_by", "status", "rank", "confidence", "version", "source_ids", "quotes",
)


def json_ld(data: Any) -> Markup:
    """JSON for a <script type="application/ld+json"> element: <, >, & and line separators escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return Markup(text)


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None


def claim_review(*, claim_id: int, statement: str, status: str, reviewed_at: Any, reviewer: str | None,
                 asserted_by: str, subject_name: str, appearances: list[dict[str, Any]],
                 base_url: str) -> dict[str, Any] | None:
    """A schema.org ClaimReview for a claim a fact-checker has rated, or None if it is unrated."""
    if status not in RATINGS:
        return None
    value, name = RATINGS[status]
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{base_url.rstrip('/')}/claims/{claim_id}",
        "claimReviewed": statement,
        "datePublished": _iso(reviewed_at),
        "author": {"@type": "Organization", "name": "kb"},
        "itemReviewed": {
            "@type": "Claim",
            "about": {"@type": "Thing", "name": subject_name},
            "appearance": [
                {"@type": "CreativeWork", "name": a["title"], "url": a.get("url") or None,
                 "datePublished": _iso(a.get("published"))}
                for a in appearances
            ],
        },
        "reviewRating": {"@type": "Rating", "ratingValue": value, "bestRating": 5, "worstRating": 1,
                         "alternateName": name},
    }
    if reviewer:
        review["author"] = {"@type": "Person", "name": reviewer}
    if asserted_by:
        review["itemReviewed"]["author"] = {"@type": "Organization", "name": asserted_by}
    return review


def _claim_rows(connection: Connection, statuses: tuple[str, ...] | None = None):
    query = select(Claim.__table__).order_by(Claim.id)
    if statuses:
        query = query.where(Claim.status.in_(statuses))
    return connection.execute(query).all()


def _lookups(connection: Connection, claims) -> tuple[dict, dict, dict, dict]:
    entities = {r.id: r for r in connection.execute(select(Entity.id, Entity.kind, Entity.slug, Entity.name))}
    attributes = dict(connection.execute(select(Attribute.id, Attribute.name)).all())
    citations: dict[int, list] = defaultdict(list)
    for r in connection.execute(select(Citation.claim_id, Citation.source_id, Citation.quote).order_by(Citation.id)):
        citations[r.claim_id].append(r)
    sources = {r.id: r for r in connection.execute(select(Source.id, Source.title, Source.url, Source.published))}
    return entities, attributes, citations, sources


def export_csv(connection: Connection) -> str:
    """Every claim as one CSV row, with its subject, figure, qualifiers and cited sources."""
    claims = _claim_rows(connection)
    entities, attributes, citations, _ = _lookups(connection, claims)
    rows = []
    for c in claims:
        subject = entities[c.subject_id]
        cites = citations.get(c.id, [])
        rows.append({
            **{k: getattr(c, k) for k in ("id", "statement", "figure_text", "low", "high", "unit", "bound",
                                          "precision", "method", "period", "scope", "asserted_by",
                                          "status", "rank", "confidence", "version")},
            "subject_kind": subject.kind, "subject_slug": subject.slug, "subject_name": subject.name,
            "attribute": attributes[c.attribute_id],
            "model": f"{entities[c.model_id].kind}:{entities[c.model_id].slug}" if c.model_id else "",
            "source_ids": " ".join(str(x.source_id) for x in cites),
            "quotes": " | ".join(x.quote for x in cites),
        })
    return to_csv(rows, CSV_COLUMNS)


def latest_verdicts(connection: Connection, claim_ids: list[int]) -> dict[int, tuple[Any, str | None]]:
    """For each claim, when and by whom its latest verdict (verified, disputed, refuted) was given."""
    if not claim_ids:
        return {}
    rows = connection.execute(
        select(Event.object_id, Event.created_at, User.username)
        .outerjoin(User, User.id == Event.actor_id)
        .where(Event.object_type == "claim", Event.object_id.in_(claim_ids), Event.to_status.in_(tuple(RATINGS)))
        .order_by(Event.object_id, Event.created_at)
    ).all()
    return {r.object_id: (r.created_at, r.username) for r in rows}


def export_claimreview(connection: Connection, base_url: str) -> str:
    """A JSON array of ClaimReview objects, one per claim a fact-checker has rated."""
    claims = _claim_rows(connection, tuple(RATINGS))
    entities, _, citations, sources = _lookups(connection, claims)
    verdicts = latest_verdicts(connection, [c.id for c in claims])
    reviews = []
    for c in claims:
        when, who = verdicts.get(c.id, (c.updated_at, None))
        appearances = [{"title": sources[x.source_id].title, "url": sources[x.source_id].url,
                        "published": sources[x.source_id].published} for x in citations.get(c.id, [])]
        reviews.append(claim_review(
            claim_id=c.id, statement=c.statement, status=c.status, reviewed_at=when, reviewer=who,
            asserted_by=c.asserted_by, subject_name=entities[c.subject_id].name,
            appearances=appearances, base_url=base_url,
        ))
    return json.dumps(reviews, ensure_ascii=False, indent=2) + "\n"


def export_format(connection: Connection, fmt: str, *, base_url: str | None = None) -> str:
    """The knowledge base as `fmt`: "csv" (claims) or "claimreview" (rated claims as JSON-LD)."""
    if fmt == "csv":
        return export_csv(connection)
    if fmt == "claimreview":
        if base_url is None:
            from kb.config import get_settings
            settings = get_settings()
            base_url = f"http://{settings.host}:{settings.port}"
        return export_claimreview(connection, base_url)
    raise ValueError(f"unknown export format {fmt!r}: use csv or claimreview")
