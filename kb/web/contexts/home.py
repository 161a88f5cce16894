"""The home page: counts, open contradictions by severity, the fact-check queue, recent changes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlmodel import Session

from kb.models import Claim, Contradiction, Entity, Source
from kb.web.contexts.contradictions import ContradictionRow, contradiction_rows
from kb.web.contexts.lists import ChangeRow, recent_changes

# Severity is the relative gap between the furthest-apart figures (0 when they touch).
SEVERITY_BANDS = (("high", 0.5), ("medium", 0.1), ("low", 0.0))


@dataclass
class HomePage:
    entity_counts: dict[str, int]
    claims: int
    sources: int
    open_contradictions: int
    by_severity: list[tuple[str, int]]
    worst: list[ContradictionRow]
    needs_verification: int
    queue: int
    changes: list[ChangeRow]


def severity_band(severity: float) -> str:
    return next(name for name, floor in SEVERITY_BANDS if severity >= floor)


def home_page(session: Session) -> HomePage:
    """The home page's figures, each one query."""
    kinds = dict(session.execute(select(Entity.kind, func.count()).group_by(Entity.kind)).all())
    claims = session.execute(select(func.count()).select_from(Claim).where(
        Claim.status.not_in(("proposed", "rejected")))).scalar_one()
    needs = session.execute(select(func.count()).select_from(Claim).where(
        Claim.status == "needs_verification")).scalar_one()
    sources = session.execute(select(func.count()).select_from(Source)).scalar_one()
    band = case(*((Contradiction.severity >= floor, name) for name, floor in SEVERITY_BANDS[:-1]), else_="low")
    open_ = select(Contradiction).where(Contradiction.status == "open", Contradiction.active.is_(True))
    bands = dict(session.execute(
        select(band.label("band"), func.count()).where(Contradiction.status == "open", Contradiction.active.is_(True))
        .group_by("band")).all())
    worst = session.execute(open_.order_by(Contradiction.severity.desc(), Contradiction.id).limit(5)).scalars().all()
    open_total = sum(bands.values())
    changes = recent_changes(session, limit=8)
    return HomePage(
        entity_counts={k: kinds.get(k, 0) for k in ("lab", "model", "technique", "chip", "product", "topic")},
        claims=claims, sources=sources, open_contradictions=open_total,
        by_severity=[(name, bands.get(name, 0)) for name, _ in SEVERITY_BANDS],
        worst=contradiction_rows(session, worst), needs_verification=needs, queue=needs + open_total,
        changes=changes,
    )
