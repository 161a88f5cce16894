"""Ingesting an article: one source per text, proposed claims with anchored citations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel import Session, select

from kb.figures import Figure
from kb.ingest.anchors import placement
from kb.ingest.drift import reanchor_source
from kb.ingest.reader import Document, IngestError
from kb.models import Attribute, Citation, Claim, ClaimStatus, Derivation, Event, Source
from kb.nlp.attributes import AttributeCatalog, AttributeInfo, words_of
from kb.nlp.entities import EntityIndex
from kb.nlp.extract import extract
from kb.nlp.layout import front_matter
from kb.nlp.proposal import Extraction, Proposal
from kb.services.history import record_event, snapshot
from kb.services.ingestions import INGEST_ACTION
from kb.services.sources import content_hash, parse_published
from kb.services.versioning import conditional_update

# The most text one article may hold: about 80,000 words (a long report), which the pipeline
# reads in well under 30 seconds on one busy core; a longer file is refused at once.
MAX_TEXT_CHARS = 500_000
MAX_CITATIONS = 20  # per claim and ingestion: where a source states one figure again and again
_ESTIMATED = re.compile(r"\b(?:estimat\w*|est\.|reckon\w*|project\w*|forecast\w*)", re.I)


@dataclass
class SourceMeta:
    """What the person ingesting says about the article; blanks fall back to the file's own."""

    title: str = ""
    publisher: str = ""
    url: str = ""
    published: str = ""
    author: str = ""


@dataclass
class IngestResult:
    path: str
    source_id: int | None = None
    sentences: int = 0
    proposed: int = 0
    verify_items: int = 0
    new_entities: list[str] = field(default_factory=list)
    skipped: bool = False
    updated: bool = False
    message: str = ""
    drifted: list[int] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"path": self.path, "source_id": self.source_id, "sentences": self.sentences,
                "proposed": self.proposed, "verify_items": self.verify_items,
                "new_entities": self.new_entities, "skipped": self.skipped,
                "updated": self.updated, "message": self.message, "drifted": self.drifted}


@dataclass
class Vocabulary:
    """The entity matcher and attribute catalog, built once for a batch of articles."""

    entities: EntityIndex
    attributes: AttributeCatalog

    @classmethod
    def load(cls, session: Session) -> Vocabulary:
        return cls(EntityIndex.from_session(session), AttributeCatalog.from_session(session))


def ingest_document(*, session: Session, document: Document, path: str, meta: SourceMeta,
                    actor_id: int | None, vocabulary: Vocabulary | None = None) -> IngestResult:
    """Store the article once (by content hash) and propose the claims it states.

    The text is read and parsed before anything is written: the writes (source, claims,
    citations, events) come last, in one short stretch, so other people's edits go on while a
    long article is being parsed (SQLite holds its write lock only from the first write on)."""
    result = IngestResult(path=path)
    if len(document.text) > MAX_TEXT_CHARS:
        raise IngestError(f"{path}: is {len(document.text):,} characters of text, over the "
                          f"{MAX_TEXT_CHARS:,} one article may hold; split it and ingest the parts")
    digest = content_hash(document.text)
    same = session.exec(select(Source).where(Source.content_hash == digest).order_by(Source.id)).first()
    if same is not None and _was_ingested(session, same.id):
        result.source_id, result.skipped = same.id, True
        result.message = f"already ingested as source {same.id} (same text); nothing changed"
        return result
    front = front_matter(document.text)
    published, precision = parse_published(meta.published or front.published)
    vocabulary = vocabulary or Vocabulary.load(session)
    extraction = extract(document.text, entities=vocabulary.entities, attributes=vocabulary.attributes,
                         year=published.year if published else None)
    if same is not None:
        source = same
        result.message = f"source {same.id} already held this text; its claims are now proposed"
    else:
        source = _previous_version(session, meta, document)
        if source is not None:
            result.updated = True
            result.drifted = _replace_text(session, source, document.text, digest, actor_id)
            result.message = (f"source {source.id} had an earlier text; citations re-anchored"
                              + (f", claims {', '.join(map(str, result.drifted))} sent back to "
                                 "the fact-check queue" if result.drifted else ""))
        else:
            source = Source(title=(meta.title or document.title or path)[:500],
                            publisher=meta.publisher, author=meta.author or front.author, url=meta.url,
                            published=published, date_precision=precision, kind="article",
                            text=document.text, content_hash=digest)
            session.add(source)
            session.flush()
            record_event(session, object_type="source", object_id=source.id, action="create",
                         actor_id=actor_id, after=snapshot(source),
                         note=f"ingested from {path} ({document.format}, {document.encoding})")
    result.source_id = source.id
    result.sentences = extraction.sentences
    result.new_entities = [n.text for n in extraction.new_names]
    claims = propose(session=session, source=source, extraction=extraction, actor_id=actor_id,
                     vocabulary=vocabulary)
    result.proposed = sum(1 for c in claims if c.status == ClaimStatus.PROPOSED.value)
    result.verify_items = sum(1 for c in claims if c.status == ClaimStatus.NEEDS_VERIFICATION.value)
    record_event(session, object_type="source", object_id=source.id, action=INGEST_ACTION,
                 actor_id=actor_id, note=f"{result.proposed} claims proposed, "
                 f"{result.verify_items} [VERIFY] items, from {extraction.sentences} sentences",
                 after={"proposed": result.proposed, "verify_items": result.verify_items,
                        "new_entities": result.new_entities,
                        "new_entity_kinds": {n.text: n.kind for n in extraction.new_names}})
    return result


def _was_ingested(session: Session, source_id: int) -> bool:
    return session.exec(select(Event.id).where(
        Event.object_type == "source", Event.object_id == source_id,
        Event.action == INGEST_ACTION)).first() is not None


def _previous_version(session: Session, meta: SourceMeta, document: Document) -> Source | None:
    """The source this text replaces: the same URL, or failing that the same title."""
    if meta.url:
        query = select(Source.id).where(Source.url == meta.url)
    else:
        title = meta.title or document.title
        if not title:
            return None
        query = select(Source.id).where(Source.title == title[:500])
    # Ids only, and the hash rather than the text: reading every stored text to compare titles
    # would make each ingestion slower than the last.
    found = session.exec(query.where(Source.content_hash.is_not(None)).order_by(Source.id.desc())).first()
    return None if found is None else session.get(Source, found)


def _replace_text(session: Session, source: Source, text: str, digest: str,
                  actor_id: int | None) -> list[int]:
    before = snapshot(source)
    if not conditional_update(session, Source, row_id=source.id, base_version=source.version,
                              values={"text": text, "content_hash": digest}):
        raise RuntimeError(f"source {source.id} changed while it was being re-ingested; try again")
    session.refresh(source)
    report = reanchor_source(session=session, source=source, actor_id=actor_id)
    record_event(session, object_type="source", object_id=source.id, action="edit",
                 actor_id=actor_id, before=before, after=snapshot(source),
                 note=f"text replaced by re-ingestion: {report.exact} quotes found as they were, "
                      f"{report.moved} found again after edits, {len(set(report.lost))} lost")
    return sorted(set(report.lost))


def propose(*, session: Session, source: Source, extraction: Extraction, actor_id: int | None,
            vocabulary: Vocabulary) -> list[Claim]:
    """One claim per distinct proposal (repeats become extra citations); none that exist already."""
    existing = _existing_keys(session, source.id)
    made: dict[tuple, Claim] = {}
    out = []
    new_attributes: dict[str, AttributeInfo] = {}
    cited: dict[int, int] = {}
    for proposal in extraction.proposals:
        if proposal.attribute.id is None:
            proposal.attribute = _stored_attribute(session, proposal.attribute, source, actor_id,
                                                   new_attributes)
        key = _key(proposal)
        if key[:5] in existing:
            continue
        claim = made.get(key)
        if claim is None:
            claim = _new_claim(session, source, proposal, actor_id, vocabulary)
            made[key] = claim
            out.append(claim)
            cited[claim.id] = 0
        if cited[claim.id] < MAX_CITATIONS:  # a figure repeated all over a text needs few anchors
            cited[claim.id] += 1
            _cite(session, claim, source, proposal)
    session.flush()
    derive(session, [(made[_key(p)], p) for p in extraction.proposals if _key(p) in made])
    return out


def derive(session: Session, claims: list[tuple[Claim, Proposal]]) -> None:
    """A ratio stated against another entity ("about 8 times dearer than Y") is linked to the two
    figures it divides, when the article or the knowledge base holds them for one attribute: the
    contradiction check then tests the ratio against them, as it does the seeded ones."""
    for claim, p in claims:
        if p.relative_to is None or claim.unit != "x" or claim.low is None:
            continue
        if session.exec(select(Derivation.id).where(Derivation.claim_id == claim.id)).first() is not None:
            continue
        operands = _operands(session, claim.subject_id, p.relative_to, p)
        if operands is not None:
            session.add(Derivation(claim_id=claim.id, numerator_id=operands[0].id,
                                   denominator_id=operands[1].id))
            claim.method = "derived"
            session.add(claim)
    session.flush()


def _operands(session: Session, numerator: int, denominator: int, p: Proposal) -> tuple[Claim, Claim] | None:
    """The two figures of one attribute (the newest of each side) that the ratio divides; of
    several attributes both sides have, the one the ratio's own words name ("on input")."""
    rows = session.exec(select(Claim).where(
        Claim.subject_id.in_([numerator, denominator]), Claim.unit.is_not(None), Claim.unit != "x",
        Claim.status.not_in(("rejected", "retracted", "refuted"))).order_by(Claim.id.desc())).all()
    sides: dict[int, dict[int, Claim]] = {numerator: {}, denominator: {}}
    for row in rows:
        sides[row.subject_id].setdefault(row.attribute_id, row)
    shared = set(sides[numerator]) & set(sides[denominator])
    if not shared:
        return None
    words = set(words_of(f"{p.scope} {p.figure.label if p.figure else ''} {p.figure.text if p.figure else ''}"))
    labels = dict(session.exec(select(Attribute.id, Attribute.label).where(Attribute.id.in_(shared))).all())
    best = max(shared, key=lambda a: (len(words & set(words_of(labels.get(a, "")))), a))
    return sides[numerator][best], sides[denominator][best]


def _stored_attribute(session: Session, info: AttributeInfo, source: Source, actor_id: int | None,
                      made: dict[str, AttributeInfo]) -> AttributeInfo:
    """A new attribute the text named: stored as proposed (once per name), for an editor to
    accept, rename or map onto an existing one."""
    if info.name in made:
        return made[info.name]
    row = session.exec(select(Attribute).where(Attribute.name == info.name)).first()
    if row is None:
        row = Attribute(name=info.name, label=info.label, dimension=info.dimension, unit=info.unit,
                        description=f"Named by ingestion from source {source.id}.",
                        status="proposed")
        session.add(row)
        session.flush()
        record_event(session, object_type="attribute", object_id=row.id, action="propose",
                     actor_id=actor_id, after={"name": row.name, "label": row.label,
                                               "dimension": row.dimension, "unit": row.unit},
                     note=f"named from the words of source {source.id}")
    stored = AttributeInfo(row.id, row.name, row.dimension, row.unit, row.label, row.description,
                           tuple(row.synonyms or ()), row.status == "proposed")
    made[info.name] = stored
    return stored


def _key(p: Proposal) -> tuple:
    figure = p.figure
    values = (figure.low, figure.high, figure.unit) if figure else (None, None, p.start)
    return (p.subject_id, p.attribute.id, *values, p.period, p.scope, p.asserted_by, p.verify)


def _existing_keys(session: Session, source_id: int) -> set[tuple]:
    """Claims already citing this source: subject, attribute and figure, whatever the qualifiers."""
    rows = session.exec(select(Claim, Citation.start).join(Citation, Citation.claim_id == Claim.id)
                        .where(Citation.source_id == source_id, Citation.anchored.is_(True))).all()
    keys = set()
    for claim, start in rows:
        values = (claim.low, claim.high, claim.unit) if claim.unit else (None, None, start)
        keys.add((claim.subject_id, claim.attribute_id, *values))
    return keys


def _new_claim(session: Session, source: Source, p: Proposal, actor_id: int | None,
               vocabulary: Vocabulary) -> Claim:
    status = ClaimStatus.NEEDS_VERIFICATION if p.verify else ClaimStatus.PROPOSED
    subject = vocabulary.entities.entities[p.subject_id]
    quote = source.text[p.start:p.end]
    claim = Claim(subject_id=p.subject_id, attribute_id=p.attribute.id,
                  statement=statement(subject.name, p.attribute.label, p.figure, p, quote),
                  period=p.period[:40], scope=p.scope[:200], asserted_by=p.asserted_by[:200],
                  status=status.value, confidence=round(p.confidence, 2), note=p.note,
                  created_by_id=actor_id)
    if p.figure is not None:
        f: Figure = p.figure
        claim.figure_text, claim.low, claim.high, claim.unit = f.text[:500], f.low, f.high, f.unit
        claim.bound, claim.precision = f.bound.value, f.precision
        claim.method = "estimated" if _ESTIMATED.search(quote) or "estimate" in p.scope else "reported"
    session.add(claim)
    session.flush()
    record_event(session, object_type="claim", object_id=claim.id, action="propose",
                 actor_id=actor_id, to_status=claim.status, after=snapshot(claim),
                 note=f"extracted from source {source.id} ({p.how}, confidence {p.confidence:.2f})")
    return claim


def _cite(session: Session, claim: Claim, source: Source, p: Proposal) -> None:
    where = placement(source.text, p.start, p.end, "exact")
    session.add(Citation(claim_id=claim.id, source_id=source.id, quote=where.quote,
                         start=where.start, end=where.end, prefix=where.prefix,
                         suffix=where.suffix, content_hash=source.content_hash, anchored=True))


def statement(subject: str, label: str, figure: Figure | None, p: Proposal, quote: str) -> str:
    """The claim in words, for a reviewer to correct: "DeepSeek-V3 — Training cost: $5.5 million"."""
    if figure is None:
        return quote.strip()[:2000]
    text = f"{subject} — {label}: {figure.text}"
    extras = [p.period, p.scope]
    if p.asserted_by:
        extras.append(f"according to {p.asserted_by}")
    extras = [e for e in extras if e]
    return text + (f" ({'; '.join(extras)})" if extras else "")
