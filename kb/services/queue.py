"""The fact-check queue: what needs a fact-checker's or an editor's attention, and who has it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import update
from sqlmodel import Session, func, select

from kb.models import Attribute, Citation, Claim, Contradiction, ContradictionMember, Entity, Event, User
from kb.services.errors import InvalidInput, NotFound
from kb.services.history import record_event

KINDS = {
    "verify": "[VERIFY] and needs-verification claims",
    "contradiction": "Open contradictions",
    "drift": "Citations whose quote moved or vanished",
    "proposed": "Proposed claims awaiting review",
    "unverified": "Unverified figures",
}
# Base severity per kind, so that kinds sort sensibly against each other.
_BASE = {"contradiction": 0.6, "drift": 0.55, "verify": 0.5, "proposed": 0.3, "unverified": 0.25}
LEVELS = {"high": 0.7, "medium": 0.45, "low": 0.0}
SORTS = ("severity", "age", "newest")
ASSIGNED = ("anyone", "me", "unassigned")
VERIFY_MARK = "[VERIFY]"


@dataclass(frozen=True)
class QueueItem:
    kind: str
    object_type: str  # "claim" or "contradiction"
    object_id: int
    title: str
    detail: str
    severity: float
    created_at: datetime
    subject: str
    attribute: str
    assigned_to: str | None
    assigned_to_id: int | None

    @property
    def level(self) -> str:
        return next(name for name, floor in LEVELS.items() if self.severity >= floor)

    def age_days(self, now: datetime | None = None) -> int:
        now = now or datetime.now(timezone.utc)
        created = self.created_at if self.created_at.tzinfo else self.created_at.replace(tzinfo=timezone.utc)
        return max(0, (now - created).days)


@dataclass(frozen=True)
class QueueFilter:
    kinds: tuple[str, ...] = tuple(KINDS)
    level: str = ""
    assigned: str = "anyone"
    sort: str = "severity"
    limit: int = 200
    offset: int = 0


def _claim_item(kind: str, claim: Claim, subject: Entity, attribute: Attribute,
                assignee: str | None, detail: str, severity: float) -> QueueItem:
    return QueueItem(kind=kind, object_type="claim", object_id=claim.id, title=claim.statement,
                     detail=detail, severity=severity, created_at=claim.created_at,
                     subject=subject.name, attribute=attribute.label, assigned_to=assignee,
                     assigned_to_id=claim.assigned_to_id)


def _assigned_clause(column, wanted: str, user_id: int | None):
    if wanted == "me":
        return column == user_id
    if wanted == "unassigned":
        return column.is_(None)
    return None


def _drifted():
    """Claims with a citation whose quote no longer anchors in its source."""
    return select(Citation.claim_id).where(Citation.anchored.is_(False))


def _plain_unverified():
    """Unverified figures not already in the queue as drift or as part of an open contradiction."""
    contested = (select(ContradictionMember.claim_id)
                 .join(Contradiction, Contradiction.id == ContradictionMember.contradiction_id)
                 .where(Contradiction.status == "open", Contradiction.active.is_(True)))
    return (Claim.status == "unverified") & Claim.unit.is_not(None) & Claim.id.notin_(_drifted()) \
        & Claim.id.notin_(contested)


def _claim_rows(session: Session, where, flt: QueueFilter, user_id: int | None):
    newest = flt.sort == "newest"
    query = (select(Claim, Entity, Attribute, User.username)
             .join(Entity, Entity.id == Claim.subject_id).join(Attribute, Attribute.id == Claim.attribute_id)
             .outerjoin(User, User.id == Claim.assigned_to_id).where(where)
             .order_by(Claim.created_at.desc() if newest else Claim.created_at).limit(flt.limit))
    clause = _assigned_clause(Claim.assigned_to_id, flt.assigned, user_id)
    if clause is not None:
        query = query.where(clause)
    return session.exec(query).all()


def queue_items(*, session: Session, flt: QueueFilter, user_id: int | None) -> list[QueueItem]:
    """Everything awaiting attention that `flt` selects, most severe (or oldest) first; items
    `flt.offset` to `flt.limit` of that order (each kind reads its first `limit` rows)."""
    items: list[QueueItem] = []
    if "verify" in flt.kinds:
        for claim, subject, attribute, who in _claim_rows(
                session, Claim.status == "needs_verification", flt, user_id):
            marked = VERIFY_MARK in claim.statement or VERIFY_MARK in claim.note
            severity = _BASE["verify"] + (0.1 if marked else 0.0)
            items.append(_claim_item("verify", claim, subject, attribute, who,
                                     VERIFY_MARK if marked else "flagged for verification", severity))
    if "proposed" in flt.kinds:
        for claim, subject, attribute, who in _claim_rows(session, Claim.status == "proposed", flt, user_id):
            items.append(_claim_item("proposed", claim, subject, attribute, who,
                                     "proposed by ingestion", _BASE["proposed"]))
    if "drift" in flt.kinds:
        for claim, subject, attribute, who in _claim_rows(
                session, Claim.id.in_(_drifted()) & Claim.status.notin_(("retracted", "rejected")), flt, user_id):
            items.append(_claim_item("drift", claim, subject, attribute, who,
                                     "a cited quote no longer matches its source", _BASE["drift"]))
    if "unverified" in flt.kinds:
        for claim, subject, attribute, who in _claim_rows(session, _plain_unverified(), flt, user_id):
            items.append(_claim_item("unverified", claim, subject, attribute, who,
                                     "not yet checked", _BASE["unverified"]))
    if "contradiction" in flt.kinds:
        items.extend(_contradiction_items(session, flt, user_id))
    if flt.level:
        floor = LEVELS[flt.level]
        ceiling = min([v for v in LEVELS.values() if v > floor], default=2.0)
        items = [i for i in items if floor <= i.severity < ceiling]
    if flt.sort == "age":
        items.sort(key=lambda i: (i.created_at, -i.severity))
    elif flt.sort == "newest":
        items.sort(key=lambda i: (i.created_at, i.severity), reverse=True)
    else:
        items.sort(key=lambda i: (-i.severity, i.created_at))
    return items[flt.offset:flt.limit]


def _contradiction_items(session: Session, flt: QueueFilter, user_id: int | None) -> list[QueueItem]:
    query = (select(Contradiction, Entity, Attribute, User.username)
             .join(Entity, Entity.id == Contradiction.subject_id)
             .join(Attribute, Attribute.id == Contradiction.attribute_id)
             .outerjoin(User, User.id == Contradiction.assigned_to_id)
             .where(Contradiction.status == "open", Contradiction.active.is_(True))
             .order_by(Contradiction.severity.desc()).limit(flt.limit))
    clause = _assigned_clause(Contradiction.assigned_to_id, flt.assigned, user_id)
    if clause is not None:
        query = query.where(clause)
    items = []
    for c, subject, attribute, who in session.exec(query).all():
        # Contradiction severity is open-ended; squash it into the band above the other kinds.
        severity = _BASE["contradiction"] + 0.4 * (max(c.severity, 0.0) / (1.0 + max(c.severity, 0.0)))
        items.append(QueueItem(
            kind="contradiction", object_type="contradiction", object_id=c.id,
            title=c.summary or f"{subject.name}: {attribute.label} figures disagree",
            detail=c.kind.replace("_", " "), severity=severity, created_at=c.created_at,
            subject=subject.name, attribute=attribute.label, assigned_to=who,
            assigned_to_id=c.assigned_to_id))
    return items


def queue_counts(*, session: Session) -> dict[str, int]:
    """How many items of each kind await attention, whoever has them."""
    def count(query) -> int:
        return session.exec(query).one()
    return {
        "verify": count(select(func.count()).select_from(Claim).where(Claim.status == "needs_verification")),
        "proposed": count(select(func.count()).select_from(Claim).where(Claim.status == "proposed")),
        "drift": count(select(func.count(func.distinct(Citation.claim_id))).join(Claim, Claim.id == Citation.claim_id)
                       .where(Citation.anchored.is_(False), Claim.status.notin_(("retracted", "rejected")))),
        "contradiction": count(select(func.count()).select_from(Contradiction)
                               .where(Contradiction.status == "open", Contradiction.active.is_(True))),
        "unverified": count(select(func.count()).select_from(Claim).where(_plain_unverified())),
    }


def assign(*, session: Session, object_type: str, object_id: int, user_id: int | None,
           actor_id: int | None) -> None:
    """Assign a queue item to `user_id` (None unassigns); recorded as an event."""
    model = {"claim": Claim, "contradiction": Contradiction}.get(object_type)
    if model is None:
        raise InvalidInput("object_type", "only claims and contradictions are assigned")
    row = session.get(model, object_id)
    if row is None:
        raise NotFound(f"no {object_type} {object_id}")
    before = row.assigned_to_id
    if before == user_id:
        return
    # Assignment is workflow, not content: it does not bump the version an editor is working from.
    session.execute(update(model).where(model.id == object_id).values(assigned_to_id=user_id),
                    execution_options={"synchronize_session": False})
    session.refresh(row)
    record_event(session, object_type=object_type, object_id=object_id,
                 action="assign" if user_id is not None else "unassign", actor_id=actor_id,
                 before={"assigned_to_id": before}, after={"assigned_to_id": user_id})


def last_events(session: Session, object_type: str, object_id: int, limit: int = 50) -> list[Event]:
    return list(session.exec(select(Event).where(Event.object_type == object_type, Event.object_id == object_id)
                             .order_by(Event.id.desc()).limit(limit)).all())
