"""The attribute vocabulary grows from the articles: an attribute ingestion named from a text
("API traffic growth") is proposed until an editor accepts it, renames it, or maps it onto an
attribute kb already has. Mapping teaches the vocabulary: the proposed label becomes a synonym of
the target, so the next article that says it files its figure there directly."""

from __future__ import annotations

from sqlmodel import Session, select

from kb.models import Attribute, Claim
from kb.names import slugify
from kb.services.errors import InvalidInput
from kb.services.history import record_event

PROPOSED, ACCEPTED = "proposed", "accepted"


def _proposed(session: Session, attribute_id: int) -> Attribute:
    attribute = session.get(Attribute, attribute_id)
    if attribute is None:
        raise InvalidInput("attribute", f"there is no attribute {attribute_id}")
    if attribute.status != PROPOSED:
        raise InvalidInput("attribute", f"“{attribute.label}” is already part of the vocabulary")
    return attribute


def _snapshot(a: Attribute) -> dict:
    return {"name": a.name, "label": a.label, "dimension": a.dimension, "unit": a.unit,
            "status": a.status, "synonyms": list(a.synonyms or [])}


def accept_attribute(*, session: Session, attribute_id: int, actor_id: int | None) -> Attribute:
    """The proposed attribute joins the vocabulary as named."""
    attribute = _proposed(session, attribute_id)
    before = _snapshot(attribute)
    attribute.status = ACCEPTED
    session.add(attribute)
    session.flush()
    record_event(session, object_type="attribute", object_id=attribute.id, action="accept",
                 actor_id=actor_id, before=before, after=_snapshot(attribute),
                 note=f"“{attribute.label}” accepted into the vocabulary")
    return attribute


def accept_with_claim(session: Session, claim: Claim, actor_id: int | None) -> None:
    """Accepting a figure filed under a proposed attribute accepts the attribute too."""
    attribute = session.get(Attribute, claim.attribute_id)
    if attribute is not None and attribute.status == PROPOSED:
        accept_attribute(session=session, attribute_id=attribute.id, actor_id=actor_id)


def rename_attribute(*, session: Session, attribute_id: int, label: str,
                     actor_id: int | None) -> Attribute:
    """Give a proposed attribute a better name, and accept it under that name; the text's own
    phrase stays as a synonym."""
    attribute = _proposed(session, attribute_id)
    label = " ".join(label.split())
    if not label:
        raise InvalidInput("label", "give the attribute a name")
    if len(label) > 120:
        raise InvalidInput("label", "keep the name under 120 characters")
    name = slugify(label).replace("-", "_")[:80]
    clash = session.exec(select(Attribute).where(Attribute.name == name, Attribute.id != attribute.id)).first()
    if clash is not None:
        raise InvalidInput("label", f"“{clash.label}” already has that name: map onto it instead")
    before = _snapshot(attribute)
    if attribute.label.lower() != label.lower():
        attribute.synonyms = [*(attribute.synonyms or []), attribute.label]
    attribute.name, attribute.label, attribute.status = name, label, ACCEPTED
    session.add(attribute)
    session.flush()
    record_event(session, object_type="attribute", object_id=attribute.id, action="rename",
                 actor_id=actor_id, before=before, after=_snapshot(attribute),
                 note=f"renamed “{before['label']}” to “{label}” and accepted")
    return attribute


def map_attribute(*, session: Session, attribute_id: int, target_id: int,
                  actor_id: int | None) -> Attribute:
    """File the proposed attribute's figures under an existing attribute of the same dimension;
    its label becomes the target's synonym, and the proposed attribute goes."""
    attribute = _proposed(session, attribute_id)
    target = session.get(Attribute, target_id)
    if target is None or target.id == attribute.id or target.status != ACCEPTED:
        raise InvalidInput("target", "choose an attribute of the vocabulary to map onto")
    if target.dimension != attribute.dimension:
        raise InvalidInput("target", f"“{target.label}” measures a {target.dimension}, "
                                     f"not a {attribute.dimension}: choose one of the same kind")
    before = _snapshot(target)
    claims = session.exec(select(Claim).where(Claim.attribute_id == attribute.id)).all()
    for claim in claims:
        claim.attribute_id = target.id
        claim.version += 1
        session.add(claim)
    phrase = attribute.label
    if phrase.lower() not in {s.lower() for s in [target.label, *(target.synonyms or [])]}:
        target.synonyms = [*(target.synonyms or []), phrase]
    session.add(target)
    session.flush()
    record_event(session, object_type="attribute", object_id=target.id, action="map",
                 actor_id=actor_id, before=before, after=_snapshot(target),
                 note=f"“{phrase}” mapped onto “{target.label}” ({len(claims)} claims moved); "
                      "the phrase is now a synonym")
    record_event(session, object_type="attribute", object_id=attribute.id, action="merge",
                 actor_id=actor_id, before=_snapshot(attribute), after=None,
                 note=f"mapped onto attribute {target.id} “{target.label}”")
    session.delete(attribute)
    session.flush()
    return target
