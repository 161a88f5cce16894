"""Creating and changing claims: every change is versioned and recorded as an event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from kb.models import Attribute, Citation, Claim, ClaimStatus, Entity, Event, Rank
from kb.models.base import METHODS
from kb.services.citations import CitationInput, add_citation, check_quote
from kb.services.errors import InvalidInput, NotFound
from kb.services.history import record_event, snapshot
from kb.services.versioning import conditional_update, stale_edit

LIMITS = {"statement": 2000, "figure_text": 500, "period": 40, "scope": 200, "asserted_by": 200,
          "note": 10000}
# What a person types; restoring an earlier version brings these back (verdicts stay as they are).
CONTENT_FIELDS = (
    "subject_id", "attribute_id", "statement", "figure_text", "low", "high", "unit", "bound",
    "precision", "method", "unparsed_reason", "period", "scope", "model_id", "asserted_by", "note",
)
VERDICTS_NEEDING_EVIDENCE = (ClaimStatus.VERIFIED.value, ClaimStatus.REFUTED.value)
STATUS_CHOICES = ("unverified", "needs_verification", "verified", "disputed", "refuted", "retracted")


@dataclass
class ClaimFields:
    """A claim as its form states it; the figure is text, parsed against the attribute's unit."""

    subject_id: int | None
    attribute_id: int | None
    statement: str
    figure_text: str = ""
    method: str = "reported"
    period: str = ""
    scope: str = ""
    model_id: int | None = None
    asserted_by: str = ""
    note: str = ""


def parse_claim_figure(text: str, attribute: Attribute):
    """The Figure that `text` states in `attribute`'s unit, or None for no figure."""
    text = text.strip()
    if not text:
        return None
    from kb.figures import Figure, parse_figure
    parsed = parse_figure(text, unit_hint=attribute.unit)
    if not isinstance(parsed, Figure):
        raise InvalidInput("figure_text", f"cannot read “{text}” as a figure: {parsed.reason}")
    return parsed


def claim_values(session: Session, fields: ClaimFields, current: Claim | None = None) -> dict[str, Any]:
    """Column values for `fields`, or InvalidInput naming every field at fault.

    When an edit leaves the figure's text and attribute as `current` has them, the stored figure
    stays as it is: curated seeds give values for text the parser cannot read ("week-long",
    "mid-2023"), and re-saving a claim must neither fail on them nor change them.
    """
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        if len(getattr(fields, name) or "") > limit:
            errors[name] = f"keep this under {limit} characters"
    if not fields.statement.strip():
        errors["statement"] = "say what the source states, in words"
    subject = session.get(Entity, fields.subject_id) if fields.subject_id else None
    if subject is None:
        errors.setdefault("subject", "choose the entity the claim is about")
    elif subject.merged_into_id is not None:
        errors.setdefault("subject", f"{subject.name} was merged into another entity; choose that one")
    attribute = session.get(Attribute, fields.attribute_id) if fields.attribute_id else None
    if attribute is None:
        errors["attribute"] = "choose what the figure measures"
    if fields.model_id is not None:
        model = session.get(Entity, fields.model_id)
        if model is None or model.kind != "model":
            errors["model"] = "the model qualifier must name a model"
    if fields.method not in METHODS:
        errors["method"] = f"choose one of {', '.join(METHODS)}"
    figure = None
    kept = bool(current is not None and current.figure_text
                and fields.figure_text.strip() == current.figure_text.strip()
                and attribute is not None and attribute.id == current.attribute_id)
    if attribute is not None and "figure_text" not in errors and not kept:
        try:
            figure = parse_claim_figure(fields.figure_text, attribute)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    values = {
        "subject_id": subject.id, "attribute_id": attribute.id, "statement": fields.statement.strip(),
        "period": fields.period.strip(), "scope": fields.scope.strip(), "model_id": fields.model_id,
        "asserted_by": fields.asserted_by.strip(), "note": fields.note.strip(),
        "figure_text": None, "low": None, "high": None, "unit": None, "bound": None,
        "precision": None, "method": None, "unparsed_reason": None,
    }
    if figure is not None:
        values.update(figure_text=figure.text, low=figure.low, high=figure.high, unit=figure.unit,
                      bound=figure.bound.value, precision=figure.precision, method=fields.method)
    elif kept:
        values.update({k: getattr(current, k) for k in ("figure_text", "low", "high", "unit", "bound",
                                                        "precision", "unparsed_reason")},
                      method=fields.method if current.method else None)
    return values


def refresh_contradictions(session: Session, claim_ids: list[int]) -> None:
    """Regroup the contradictions these claims touch."""
    try:
        from kb.contradictions import update_for_claims
    except ModuleNotFoundError as exc:
        if exc.name != "kb.contradictions":
            raise
        return
    update_for_claims(session=session, claim_ids=claim_ids)


def create_claim(*, session: Session, fields: ClaimFields, citation: CitationInput | None,
                 author_id: int | None, status: str = ClaimStatus.UNVERIFIED.value) -> Claim:
    """A new claim with its citation; everything is checked before anything is written."""
    errors: dict[str, str] = {}
    try:
        values = claim_values(session, fields)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if citation is None:
        errors.setdefault("source", "cite the source that states the claim")
    else:
        errors.update(_citation_errors(session, citation))
    if errors:
        raise InvalidInput(errors)
    claim = Claim(**values, status=status, created_by_id=author_id)
    session.add(claim)
    session.flush()
    add_citation(session=session, claim=claim, data=citation)
    record_event(session, object_type="claim", object_id=claim.id, action="create",
                 actor_id=author_id, to_status=status, after=snapshot(claim))
    refresh_contradictions(session, [claim.id])
    return claim


def _citation_errors(session: Session, citation: CitationInput) -> dict[str, str]:
    from kb.models import Source
    source = session.get(Source, citation.source_id) if citation.source_id else None
    if source is None:
        return {"source": "choose a source from the list"}
    try:
        check_quote(source, citation.quote)
    except InvalidInput as exc:
        return exc.errors
    return {}


def get_claim(session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"no claim {claim_id}")
    return claim


def _versioned_change(session: Session, claim: Claim, *, base_version: int, values: dict[str, Any],
                      action: str, actor_id: int | None, note: str = "",
                      from_status: str | None = None, to_status: str | None = None) -> Event:
    """Apply `values` if the claim is still at `base_version`, else raise StaleEdit."""
    if claim.version != base_version or not conditional_update(
            session, Claim, row_id=claim.id, base_version=base_version, values=values):
        session.refresh(claim)
        raise stale_edit(session, claim, object_type="claim", base_version=base_version,
                         current=snapshot(claim))
    before = snapshot(claim)
    session.refresh(claim)
    return record_event(session, object_type="claim", object_id=claim.id, action=action,
                        actor_id=actor_id, note=note, from_status=from_status, to_status=to_status,
                        before=before, after=snapshot(claim))


def edit_claim(*, session: Session, claim_id: int, base_version: int, fields: ClaimFields,
               actor_id: int | None, note: str = "") -> Claim:
    """Change what a claim says; a stale `base_version` raises StaleEdit and changes nothing."""
    claim = get_claim(session, claim_id)
    values = claim_values(session, fields, current=claim)
    _versioned_change(session, claim, base_version=base_version, values=values, action="edit",
                      actor_id=actor_id, note=note)
    refresh_contradictions(session, [claim.id])
    return claim


def cite(*, session: Session, claim_id: int, base_version: int, citation: CitationInput,
         actor_id: int | None) -> Citation:
    """Add a citation to a claim (a new version of the claim)."""
    claim = get_claim(session, claim_id)
    errors = _citation_errors(session, citation)
    if errors:
        raise InvalidInput(errors)
    _versioned_change(session, claim, base_version=base_version, values={}, action="cite",
                      actor_id=actor_id, note=f"cited source {citation.source_id}")
    return add_citation(session=session, claim=claim, data=citation)


def change_status(*, session: Session, claim_id: int, base_version: int, status: str,
                  actor_id: int | None, note: str = "", evidence_citation_id: int | None = None,
                  citation: CitationInput | None = None) -> Claim:
    """A fact-checker's verdict; verified and refuted need evidence (a citation or a note)."""
    claim = get_claim(session, claim_id)
    note = note.strip()
    errors: dict[str, str] = {}
    if status not in STATUS_CHOICES:
        errors["status"] = f"choose one of {', '.join(STATUS_CHOICES)}"
    if len(note) > LIMITS["note"]:
        errors["note"] = f"keep this under {LIMITS['note']} characters"
    evidence = ""
    if evidence_citation_id is not None:
        cited = session.get(Citation, evidence_citation_id)
        if cited is None or cited.claim_id != claim.id:
            errors["evidence"] = "choose one of this claim's citations"
        else:
            evidence = f"evidence: citation {cited.id} (“{cited.quote[:200]}”)"
    if citation is not None:
        errors.update(_citation_errors(session, citation))
    if status in VERDICTS_NEEDING_EVIDENCE and not (note or evidence or citation):
        errors["evidence"] = f"{status.replace('_', ' ')} needs evidence: a citation or a note"
    if errors:
        raise InvalidInput(errors)
    event = _versioned_change(session, claim, base_version=base_version, values={"status": status},
                              action="status", actor_id=actor_id, from_status=claim.status,
                              to_status=status, note="\n".join(filter(None, [note, evidence])))
    if citation is not None:
        added = add_citation(session=session, claim=claim, data=citation)
        event.note = "\n".join(filter(None, [event.note, f"evidence: citation {added.id} (new)"]))
    refresh_contradictions(session, [claim.id])
    return claim


def set_rank(*, session: Session, claim_id: int, base_version: int, rank: str, reason: str,
             actor_id: int | None) -> Claim:
    """Prefer, keep or deprecate a claim's figure; deprecation needs a reason."""
    claim = get_claim(session, claim_id)
    reason = reason.strip()
    if rank not in {r.value for r in Rank}:
        raise InvalidInput("rank", "choose preferred, normal or deprecated")
    if rank == Rank.DEPRECATED.value and not reason:
        raise InvalidInput("rank_reason", "say why this figure is deprecated")
    if len(reason) > 500:
        raise InvalidInput("rank_reason", "keep this under 500 characters")
    _versioned_change(session, claim, base_version=base_version,
                      values={"rank": rank, "rank_reason": reason}, action="rank",
                      actor_id=actor_id, note=reason)
    refresh_contradictions(session, [claim.id])
    return claim


def version_snapshot(session: Session, claim_id: int, version: int) -> dict[str, Any] | None:
    """The claim as it stood at `version`, from the event that produced it."""
    events = session.exec(select(Event).where(Event.object_type == "claim", Event.object_id == claim_id)
                          .order_by(Event.id.desc())).all()
    for event in events:
        if isinstance(event.after, dict) and event.after.get("version") == version:
            return event.after
    return None


def restore_version(*, session: Session, claim_id: int, base_version: int, version: int,
                    actor_id: int | None) -> Claim:
    """Bring back what the claim said at `version`, as a new version; verdicts are left alone."""
    claim = get_claim(session, claim_id)
    old = version_snapshot(session, claim_id, version)
    if old is None:
        raise InvalidInput("version", f"claim {claim_id} has no recorded version {version}")
    values = {name: old[name] for name in CONTENT_FIELDS if name in old}
    if all(getattr(claim, name) == value for name, value in values.items()):
        raise InvalidInput("version", f"version {version} says the same as the current one")
    for entity_id in (values.get("subject_id"), values.get("model_id")):
        if entity_id is not None and session.get(Entity, entity_id) is None:
            raise InvalidInput("version", f"version {version} names an entity that no longer exists")
    _versioned_change(session, claim, base_version=base_version, values=values, action="restore",
                      actor_id=actor_id, note=f"restored version {version}")
    refresh_contradictions(session, [claim.id])
    return claim


def claim_history(session: Session, claim_id: int) -> list[Event]:
    return list(session.exec(select(Event).where(Event.object_type == "claim", Event.object_id == claim_id)
                             .order_by(Event.id)).all())
