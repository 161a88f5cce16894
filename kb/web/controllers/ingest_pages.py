"""Page contexts for ingestion: the upload form and the review queue (no routes here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, func, select

from kb.models import Attribute, Citation, Claim, ClaimStatus, Entity, Event, Source
from kb.services.entities import entity_choices
from kb.services.ingestions import INGEST_ACTION
from kb.services.review import BULK_CONFIDENCE, ReviewWarning, proposals_of, warnings_for
from kb.web.controllers.edit_pages import StaleView, attribute_options

FORMATS = [("", "Tell from the file"), ("text", "Plain text"), ("markdown", "Markdown"),
           ("html", "HTML page")]


@dataclass
class RecentSource:
    id: int
    title: str
    pending: int


@dataclass
class IngestFormPage:
    form: dict[str, str]
    errors: dict[str, str]
    formats: list[tuple[str, str]]
    max_mb: float
    recent: list[RecentSource] = field(default_factory=list)


def recent_sources(session: Session, limit: int = 20) -> list[RecentSource]:
    """Sources most recently ingested, with how many proposals still await review."""
    ids = session.exec(select(Event.object_id).where(Event.object_type == "source",
                                                     Event.action == INGEST_ACTION)
                       .order_by(Event.id.desc()).limit(limit * 3)).all()
    ordered = list(dict.fromkeys(ids))[:limit]
    if not ordered:
        return []
    titles = dict(session.exec(select(Source.id, Source.title).where(Source.id.in_(ordered))).all())
    pending = dict(session.exec(
        select(Citation.source_id, func.count(func.distinct(Claim.id)))
        .join(Claim, Claim.id == Citation.claim_id)
        .where(Citation.source_id.in_(ordered), Claim.status == ClaimStatus.PROPOSED.value)
        .group_by(Citation.source_id)).all())
    return [RecentSource(i, titles.get(i, f"source {i}"), pending.get(i, 0)) for i in ordered]


def ingest_form_page(session: Session, *, form=None, errors=None, max_bytes: int) -> IngestFormPage:
    return IngestFormPage(form=form or {}, errors=errors or {}, formats=FORMATS,
                          max_mb=round(max_bytes / (1024 * 1024), 1), recent=recent_sources(session))


@dataclass
class ProposalView:
    """One proposed claim as the reviewer sees it: its sentence with the figure marked."""

    claim: Claim
    subject: str  # kind:slug, for the editable field
    subject_name: str
    attribute_label: str
    before: str
    marked: str
    after: str
    warnings: list[ReviewWarning]
    form: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    # A proposed attribute (named from the text): the attributes of its dimension to map it onto.
    new_attribute: bool = False
    map_targets: list[tuple[int, str]] = field(default_factory=list)

    @property
    def corroborates(self) -> list[ReviewWarning]:
        return [w for w in self.warnings if w.kind == "duplicate"]

    @property
    def confident(self) -> bool:
        return (self.claim.confidence or 0.0) >= BULK_CONFIDENCE and not self.warnings


@dataclass
class ReviewPage:
    source: Source
    proposals: list[ProposalView]
    verify_items: list[ProposalView]
    reviewed: dict[str, int]
    attributes: list[tuple[str, str]]
    entities: list[tuple[str, str]]
    new_names: list[tuple[str, str]]  # (name, the kind of entity it looks like)
    message: str = ""
    stale: StaleView | None = None

    @property
    def confident_count(self) -> int:
        return sum(1 for p in self.proposals if p.confident)


def _marked(quote: str, figure_text: str | None) -> tuple[str, str, str]:
    """Split the quote around the figure so the template can mark it (escaping each part)."""
    if figure_text:
        at = quote.find(figure_text)
        if at >= 0:
            return quote[:at], figure_text, quote[at + len(figure_text):]
    return quote, "", ""


def proposal_form(claim: Claim, subject_ref: str, model_ref: str) -> dict[str, str]:
    return {"subject": subject_ref, "attribute": str(claim.attribute_id),
            "statement": claim.statement, "figure_text": claim.figure_text or "",
            "method": claim.method or "reported", "period": claim.period, "scope": claim.scope,
            "model": model_ref, "asserted_by": claim.asserted_by, "note": claim.note,
            "base_version": str(claim.version)}


def review_page(session: Session, source: Source, *, new_names: list[tuple[str, str]] | None = None,
                overrides: dict[int, tuple[dict[str, str], dict[str, str]]] | None = None,
                message: str = "", stale: StaleView | None = None) -> ReviewPage:
    """Everything /ingest/{id} shows; `overrides` keeps a failed form's input and its errors."""
    claims = proposals_of(session=session, source_id=source.id, include_done=True)
    pending = [c for c in claims if c.status == ClaimStatus.PROPOSED.value]
    verify = [c for c in claims if c.status == ClaimStatus.NEEDS_VERIFICATION.value]
    warned = warnings_for(session=session, claims=pending)
    entity_ids = {c.subject_id for c in claims} | {c.model_id for c in claims if c.model_id}
    entities = {e.id: e for e in session.exec(select(Entity).where(Entity.id.in_(entity_ids))).all()}
    vocabulary = session.exec(select(Attribute.id, Attribute.label, Attribute.dimension, Attribute.status)
                              .order_by(Attribute.label)).all()
    labels = {i: label for i, label, _, _ in vocabulary}
    proposed = {i: dimension for i, _, dimension, status in vocabulary if status == "proposed"}
    targets: dict[str, list[tuple[int, str]]] = {}
    for i, label, dimension, status in vocabulary:
        if status != "proposed":
            targets.setdefault(dimension, []).append((i, label))
    quotes = {}
    for citation in session.exec(select(Citation).where(Citation.source_id == source.id,
                                                        Citation.claim_id.in_([c.id for c in claims]))):
        quotes.setdefault(citation.claim_id, citation.quote)
    overrides = overrides or {}

    def view(claim: Claim) -> ProposalView:
        subject = entities.get(claim.subject_id)
        ref = f"{subject.kind}:{subject.slug}" if subject else ""
        model = entities.get(claim.model_id) if claim.model_id else None
        form, errors = overrides.get(claim.id, (None, {}))
        before, marked, after = _marked(quotes.get(claim.id, ""), claim.figure_text)
        return ProposalView(
            claim=claim, subject=ref, subject_name=subject.name if subject else "?",
            attribute_label=labels.get(claim.attribute_id, "?"), before=before, marked=marked,
            after=after, warnings=warned.get(claim.id, []),
            form=form or proposal_form(claim, ref, f"model:{model.slug}" if model else ""),
            errors=errors, new_attribute=claim.attribute_id in proposed,
            map_targets=targets.get(proposed.get(claim.attribute_id, ""), []))

    reviewed: dict[str, int] = {}
    for c in claims:
        if c.status not in (ClaimStatus.PROPOSED.value, ClaimStatus.NEEDS_VERIFICATION.value):
            reviewed[c.status] = reviewed.get(c.status, 0) + 1
    return ReviewPage(source=source, proposals=[view(c) for c in pending],
                      verify_items=[view(c) for c in verify], reviewed=reviewed,
                      attributes=attribute_options(session), entities=entity_choices(session),
                      new_names=new_names or [], message=message, stale=stale)
