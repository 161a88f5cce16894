"""Page contexts shared by the editing and fact-checking controllers (no routes here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from kb.models import Attribute, Claim, Contradiction, ContradictionMember, Entity, Event, Source, User
from kb.models.base import METHODS
from kb.services.citations import Anchor
from kb.services.entities import entity_choices
from kb.services.errors import NotFound
from kb.services.versioning import StaleEdit
from kb.web.auth import CurrentUser
from kb.web.contexts.claim import ClaimPage, claim_page
from kb.web.contexts.common import ClaimView, claim_views
from kb.web.formatting import format_figure, format_precision, format_value
from kb.web.history import FIELD_LABELS, SYSTEM_ACTOR



def user_names(session: Session, events: list[Event]) -> dict[int | None, str]:
    ids = {e.actor_id for e in events if e.actor_id is not None}
    rows = session.exec(select(User.id, User.username).where(User.id.in_(ids))).all() if ids else []
    return dict(rows)


def attribute_options(session: Session) -> list[tuple[str, str]]:
    rows = session.exec(select(Attribute).order_by(Attribute.label)).all()
    return [(str(a.id), f"{a.label} ({a.unit})") for a in rows]


def source_options(session: Session) -> list[tuple[str, str]]:
    """Sources an editor cites by hand (dataset rows are cited by the importers)."""
    rows = session.exec(select(Source.id, Source.title, Source.publisher).where(Source.kind != "dataset_row")
                        .order_by(Source.title)).all()
    return [(str(i), f"{t} — {p}" if p else t) for i, t, p in rows]


def method_options() -> list[tuple[str, str]]:
    return [(m, m) for m in METHODS]


def entity_ref_text(session: Session, entity_id: int | None) -> str:
    entity = session.get(Entity, entity_id) if entity_id else None
    return f"{entity.kind}:{entity.slug}" if entity else ""


@dataclass
class FigurePreview:
    """The parsed figure shown back before saving, so the editor confirms what kb understood."""

    text: str
    display: str
    low: str
    high: str
    unit: str
    bound: str
    precision: str
    unit_note: str = ""


def figure_preview(values: dict[str, Any], attribute: Attribute) -> FigurePreview | None:
    if values.get("unit") is None:
        return None
    unit = values["unit"]
    note = "" if unit == attribute.unit else (
        f"The figure is in {unit}, but {attribute.label} is measured in {attribute.unit}; "
        f"it will not be compared with figures in {attribute.unit}.")
    return FigurePreview(
        text=values["figure_text"],
        display=format_figure(values["low"], values["high"], unit, values["bound"], values["precision"]),
        low=format_value(values["low"], unit, values["precision"]),
        high=format_value(values["high"], unit, values["precision"]), unit=unit,
        bound=values["bound"], precision=format_precision(values["precision"], unit), unit_note=note)


@dataclass
class QuotePreview:
    source_title: str
    quote: str
    before: str = ""
    after: str = ""
    start: int | None = None
    end: int | None = None


def quote_preview(source: Source, quote: str, anchor: Anchor | None) -> QuotePreview:
    if anchor is None:
        return QuotePreview(source.title, quote.strip())
    text = source.text or ""
    return QuotePreview(source.title, text[anchor.start:anchor.end], text[max(0, anchor.start - 120):anchor.start],
                        text[anchor.end:anchor.end + 120], anchor.start, anchor.end)


@dataclass
class ClaimFormPage:
    """The claim form (new or edit), its preview step, and what went wrong."""

    action: str
    form: dict[str, str]
    errors: dict[str, str]
    attributes: list[tuple[str, str]]
    sources: list[tuple[str, str]]
    entities: list[tuple[str, str]]
    methods: list[tuple[str, str]]
    claim: Claim | None = None
    figure: FigurePreview | None = None
    quote: QuotePreview | None = None
    suggestion: str | None = None
    stale: StaleView | None = None
    history: list[Event] = field(default_factory=list)
    users: dict[int | None, str] = field(default_factory=dict)
    citations: list[Any] = field(default_factory=list)

    @property
    def previewing(self) -> bool:
        return not self.errors and self.stale is None and (self.figure is not None or self.quote is not None
                                                           or self.form.get("step") == "preview")


def claim_form_page(session: Session, *, action: str, form: dict[str, str],
                    errors: dict[str, str] | None = None, claim: Claim | None = None, **extra) -> ClaimFormPage:
    history = list(session.exec(select(Event).where(Event.object_type == "claim", Event.object_id == claim.id)
                                .order_by(Event.id)).all()) if claim else []
    citations = claim_views(session, [claim])[0].citations if claim else []
    return ClaimFormPage(
        action=action, form=form, errors=errors or {}, attributes=attribute_options(session),
        sources=source_options(session), entities=entity_choices(session), methods=method_options(),
        claim=claim, history=history, users=user_names(session, history), citations=citations, **extra)


def claim_form_values(session: Session, claim: Claim) -> dict[str, str]:
    """A claim as its edit form shows it."""
    return {
        "subject": entity_ref_text(session, claim.subject_id), "attribute": str(claim.attribute_id),
        "statement": claim.statement, "figure_text": claim.figure_text or "",
        "method": claim.method or "reported", "period": claim.period, "scope": claim.scope,
        "model": entity_ref_text(session, claim.model_id), "asserted_by": claim.asserted_by,
        "note": claim.note, "base_version": str(claim.version),
    }


@dataclass
class StaleView:
    """What changed since the version an edit was based on, for the 409 page."""

    base_version: int
    current_version: int
    changes: list[tuple[str, str, str]]
    events: list[tuple[str, str, str, str]]


def stale_view(session: Session, stale: StaleEdit) -> StaleView:
    names = user_names(session, stale.events)
    changes = [(FIELD_LABELS.get(c.field, c.field), _shown(c.then), _shown(c.now)) for c in stale.changes]
    events = [(e.created_at.strftime("%Y-%m-%d %H:%M"), names.get(e.actor_id, SYSTEM_ACTOR), e.action, e.note)
              for e in stale.events]
    return StaleView(stale.base_version, stale.current_version, changes, events)


def _shown(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


@dataclass
class ClaimReviewPage:
    """A fact-checker's view of one claim: evidence in context, verdict and rank forms, history."""

    claim: ClaimPage
    form: dict[str, str]
    errors: dict[str, str]
    sources: list[tuple[str, str]]
    assigned_to: str | None
    me: CurrentUser | None
    history: list[Event]
    users: dict[int | None, str]
    stale: StaleView | None = None

    @property
    def view(self) -> ClaimView:
        return self.claim.claim


def claim_review_page(session: Session, claim_id: int, me: CurrentUser | None, *,
                      form: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                      stale: StaleView | None = None) -> ClaimReviewPage:
    page = claim_page(session, claim_id=claim_id)
    claim = session.get(Claim, claim_id)
    assignee = session.get(User, claim.assigned_to_id) if claim.assigned_to_id else None
    history = list(session.exec(select(Event).where(Event.object_type == "claim", Event.object_id == claim_id)
                                .order_by(Event.id)).all())
    values = {"base_version": str(claim.version), "rank": claim.rank, "rank_reason": claim.rank_reason}
    values.update(form or {})
    return ClaimReviewPage(page, values, errors or {}, source_options(session),
                           assignee.username if assignee else None, me, history,
                           user_names(session, history), stale)


@dataclass
class MemberView:
    claim: ClaimView
    in_conflict: bool


@dataclass
class ContradictionReviewPage:
    contradiction: Contradiction
    subject: Entity
    attribute: Attribute
    members: list[MemberView]
    form: dict[str, str]
    errors: dict[str, str]
    assigned_to: str | None
    me: CurrentUser | None
    history: list[Event]
    users: dict[int | None, str]
    stale: bool = False


def contradiction_review_page(session: Session, contradiction_id: int, me: CurrentUser | None, *,
                              form: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                              stale: bool = False) -> ContradictionReviewPage:
    c = session.get(Contradiction, contradiction_id)
    if c is None:
        raise NotFound(f"no contradiction {contradiction_id}")
    flags = dict(session.exec(select(ContradictionMember.claim_id, ContradictionMember.in_conflict)
                              .where(ContradictionMember.contradiction_id == c.id)).all())
    rows = session.exec(select(Claim).where(Claim.id.in_(flags)).order_by(Claim.id)).all() if flags else []
    members = [MemberView(v, flags[v.id]) for v in claim_views(session, rows)]
    history = list(session.exec(select(Event).where(Event.object_type == "contradiction", Event.object_id == c.id)
                                .order_by(Event.id)).all())
    assignee = session.get(User, c.assigned_to_id) if c.assigned_to_id else None
    values = {"base_version": str(c.version), "status": "resolved",
              "preferred": str(c.preferred_claim_id or ""), "note": ""}
    values.update(form or {})
    return ContradictionReviewPage(c, session.get(Entity, c.subject_id), session.get(Attribute, c.attribute_id),
                                   members, values, errors or {}, assignee.username if assignee else None, me,
                                   history, user_names(session, history), stale)
