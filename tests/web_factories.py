"""Small builders for the web tests: a few rows with just the fields a test cares about."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy import event
from sqlmodel import Session, select

from kb.models import Attribute, Citation, Claim, Contradiction, ContradictionMember, Entity, Source

_n = itertools.count(1)


def make_attribute(session: Session, name: str = "training_cost", unit: str = "USD") -> Attribute:
    found = session.exec(select(Attribute).where(Attribute.name == name)).first()
    if found:
        return found
    attr = Attribute(name=name, label=name.replace("_", " ").capitalize(), dimension="currency", unit=unit)
    session.add(attr)
    session.flush()
    return attr


def make_entity(session: Session, name: str | None = None, kind: str = "lab", **overrides) -> Entity:
    n = next(_n)
    entity = Entity(kind=kind, slug=overrides.pop("slug", f"{kind}-{n}"), name=name or f"Entity {n}", **overrides)
    session.add(entity)
    session.flush()
    return entity


def make_source(session: Session, title: str = "An article", text: str | None = None, **overrides) -> Source:
    source = Source(title=title, publisher=overrides.pop("publisher", "Publisher"), text=text,
                    published=overrides.pop("published", date(2025, 1, 1)), **overrides)
    session.add(source)
    session.flush()
    return source


def make_claim(session: Session, subject: Entity, *, source: Source | None = None, quote: str | None = None,
               attribute: str = "training_cost", value: float | None = 5.5e6, **overrides) -> Claim:
    attr = make_attribute(session, attribute)
    fields = dict(statement=f"{subject.name} cost {value}", figure_text=None if value is None else f"${value}",
                  low=value, high=value, unit=None if value is None else attr.unit,
                  bound=None if value is None else "exact", precision=0.0)
    fields.update(overrides)
    claim = Claim(subject_id=subject.id, attribute_id=attr.id, **fields)
    session.add(claim)
    session.flush()
    if source is not None:
        quote = quote if quote is not None else claim.statement
        start = source.text.find(quote) if source.text else None
        start = start if start is not None and start >= 0 else None
        session.add(Citation(claim_id=claim.id, source_id=source.id, quote=quote, start=start,
                             end=None if start is None else start + len(quote)))
        session.flush()
    return claim


def make_contradiction(session: Session, claims: list[Claim], status: str = "open", severity: float = 0.2) -> Contradiction:
    first = claims[0]
    group = Contradiction(group_key=f"test-{next(_n)}", subject_id=first.subject_id, attribute_id=first.attribute_id,
                          status=status, severity=severity, summary="Figures disagree")
    session.add(group)
    session.flush()
    for c in claims:
        session.add(ContradictionMember(contradiction_id=group.id, claim_id=c.id))
    session.flush()
    return group


class QueryCounter:
    """Counts the SQL statements an engine runs while active."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _count(self, *_args, **_kwargs):
        self.count += 1

    def __enter__(self):
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)


def one_claim(engine) -> int:
    """One lab with one cited claim, committed: what concurrency tests edit. Its id."""
    with Session(engine) as session:
        lab = make_entity(session, "Acme AI")
        source = make_source(session, text="Acme AI said its model cost $5.5 million to train.")
        claim = make_claim(session, lab, source=source, quote="its model cost $5.5 million", value=None,
                           statement="Acme AI trained a model.")
        session.commit()
        return claim.id
