"""Entities, their aliases and relations: creating, editing, resolving names and merging."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import or_, update
from sqlmodel import Session, select

from kb.models import Alias, Claim, Contradiction, Entity, Relation
from kb.models.base import ENTITY_KINDS, RELATION_TYPES
from kb.names import normalize_name, slugify
from kb.services.errors import InvalidInput, NotFound
from kb.services.history import record_event, snapshot
from kb.services.versioning import conditional_update, stale_edit

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_KIND_SUFFIX = re.compile(r"^(?P<name>.+?)\s*\((?P<kind>[a-z]+)\)$")


@dataclass
class EntityFields:
    kind: str
    name: str
    slug: str = ""
    description: str = ""
    parent_id: int | None = None


def get_entity(session: Session, entity_id: int) -> Entity:
    entity = session.get(Entity, entity_id)
    if entity is None:
        raise NotFound(f"no entity {entity_id}")
    return entity


def _surviving(session: Session, entity: Entity) -> Entity:
    """Follow merges to the entity that now holds this one's claims."""
    seen = set()
    while entity.merged_into_id is not None and entity.id not in seen:
        seen.add(entity.id)
        entity = session.get(Entity, entity.merged_into_id)
    return entity


def resolve_entity(session: Session, text: str, *, field: str = "subject",
                   kinds: tuple[str, ...] | None = None) -> Entity:
    """The entity that `text` names: "kind:slug", a name or alias, or "Name (kind)"."""
    text = text.strip()
    if not text:
        raise InvalidInput(field, "name an entity")
    kind, _, slug = text.partition(":")
    if slug and kind in ENTITY_KINDS:
        entity = session.exec(select(Entity).where(Entity.kind == kind, Entity.slug == slug.strip())).first()
        if entity is not None:
            return _surviving(session, entity)
    name, wanted_kinds = text, kinds
    suffixed = _KIND_SUFFIX.match(text)
    if suffixed and suffixed["kind"] in ENTITY_KINDS:
        name, wanted_kinds = suffixed["name"], (suffixed["kind"],)
    norm = normalize_name(name)
    ids = set(session.exec(select(Alias.entity_id).where(Alias.normalized == norm)).all())
    found = {e.id: e for e in (_surviving(session, session.get(Entity, i)) for i in ids)}
    for entity in session.exec(select(Entity).where(Entity.merged_into_id.is_(None))).all() if not found else []:
        if normalize_name(entity.name) == norm:
            found[entity.id] = entity
    matches = [e for e in found.values() if not wanted_kinds or e.kind in wanted_kinds]
    if len(matches) == 1:
        return matches[0]
    if matches:
        refs = ", ".join(sorted(f"{e.kind}:{e.slug}" for e in matches))
        raise InvalidInput(field, f"“{name}” names several entities ({refs}); pick one")
    raise InvalidInput(field, f"no entity called “{name}”{_suggest(session, name, wanted_kinds)}")


def _suggest(session: Session, name: str, kinds) -> str:
    rows = session.exec(select(Alias.name, Entity.kind, Entity.slug).join(Entity, Entity.id == Alias.entity_id)
                        .where(Entity.merged_into_id.is_(None))).all()
    choices = {f"{n} ({k}:{s})": n for n, k, s in rows if not kinds or k in kinds}
    best = process.extract(name, choices, scorer=fuzz.WRatio, limit=3, score_cutoff=70)
    if not best:
        return "; create it first if it is new"
    return "; did you mean " + ", ".join(key for _, _, key in best) + "?"


def entity_choices(session: Session) -> list[tuple[str, str]]:
    """(kind:slug, "Name (kind) · aliases") for every live entity, for a typeahead list."""
    aliases: dict[int, list[str]] = {}
    for entity_id, name in session.exec(select(Alias.entity_id, Alias.name)).all():
        aliases.setdefault(entity_id, []).append(name)
    out = []
    for e in session.exec(select(Entity).where(Entity.merged_into_id.is_(None)).order_by(Entity.name)).all():
        others = [a for a in aliases.get(e.id, []) if a != e.name]
        label = f"{e.name} ({e.kind})" + (f" · {', '.join(others[:6])}" if others else "")
        out.append((f"{e.kind}:{e.slug}", label))
    return out


def _entity_values(session: Session, fields: EntityFields, entity: Entity | None) -> dict:
    errors: dict[str, str] = {}
    name = fields.name.strip()
    slug = (fields.slug.strip() or slugify(name)).lower()
    if fields.kind not in ENTITY_KINDS:
        errors["kind"] = f"choose one of {', '.join(ENTITY_KINDS)}"
    if not name:
        errors["name"] = "give the entity a name"
    elif len(name) > 200:
        errors["name"] = "keep the name under 200 characters"
    if not _SLUG.fullmatch(slug) or len(slug) > 120:
        errors["slug"] = "use lowercase letters, digits and single hyphens (at most 120)"
    if len(fields.description) > 5000:
        errors["description"] = "keep the description under 5000 characters"
    if not errors:
        taken = session.exec(select(Entity).where(Entity.kind == fields.kind, Entity.slug == slug)).first()
        if taken is not None and (entity is None or taken.id != entity.id):
            errors["slug"] = f"{fields.kind}:{slug} is already {taken.name}"
    if fields.parent_id is not None:
        parent = session.get(Entity, fields.parent_id)
        cursor, hops = parent, 0
        while cursor is not None and entity is not None and cursor.id != entity.id and hops < 100:
            cursor, hops = (session.get(Entity, cursor.parent_id) if cursor.parent_id else None), hops + 1
        if parent is None:
            errors["parent"] = "the parent must be an existing entity"
        elif entity is not None and cursor is not None and cursor.id == entity.id:
            errors["parent"] = "an entity cannot be its own parent or ancestor"
    if errors:
        raise InvalidInput(errors)
    return {"kind": fields.kind, "name": name, "slug": slug,
            "description": fields.description.strip(), "parent_id": fields.parent_id}


def _ensure_alias(session: Session, entity_id: int, name: str) -> Alias | None:
    norm = normalize_name(name)
    if not norm:
        return None
    exists = session.exec(select(Alias).where(Alias.entity_id == entity_id, Alias.normalized == norm)).first()
    if exists is not None:
        return None
    alias = Alias(entity_id=entity_id, name=name.strip(), normalized=norm)
    session.add(alias)
    session.flush()
    return alias


def create_entity(*, session: Session, fields: EntityFields, aliases: list[str],
                  actor_id: int | None) -> Entity:
    """A new entity; its name and every alias become lookup forms."""
    bad = [a for a in aliases if len(a.strip()) > 200]
    if bad:
        raise InvalidInput("aliases", "keep each alias under 200 characters")
    entity = Entity(**_entity_values(session, fields, None))
    session.add(entity)
    session.flush()
    for name in [entity.name, *aliases]:
        _ensure_alias(session, entity.id, name)
    record_event(session, object_type="entity", object_id=entity.id, action="create",
                 actor_id=actor_id, after=snapshot(entity),
                 note="aliases: " + ", ".join(a.strip() for a in aliases if a.strip()) if aliases else "")
    return entity


def edit_entity(*, session: Session, entity_id: int, base_version: int, fields: EntityFields,
                actor_id: int | None) -> Entity:
    """Change an entity's identity fields; a new name is kept as an alias too."""
    entity = get_entity(session, entity_id)
    values = _entity_values(session, fields, entity)
    before = snapshot(entity)
    if entity.version != base_version or not conditional_update(
            session, Entity, row_id=entity.id, base_version=base_version, values=values):
        session.refresh(entity)
        raise stale_edit(session, entity, object_type="entity", base_version=base_version,
                         current=snapshot(entity))
    session.refresh(entity)
    _ensure_alias(session, entity.id, entity.name)
    record_event(session, object_type="entity", object_id=entity.id, action="edit",
                 actor_id=actor_id, before=before, after=snapshot(entity))
    return entity


def add_alias(*, session: Session, entity_id: int, name: str, actor_id: int | None) -> Alias:
    entity = get_entity(session, entity_id)
    if not normalize_name(name):
        raise InvalidInput("alias", "an alias needs at least one letter or digit")
    if len(name.strip()) > 200:
        raise InvalidInput("alias", "keep the alias under 200 characters")
    alias = _ensure_alias(session, entity.id, name)
    if alias is None:
        raise InvalidInput("alias", f"“{name.strip()}” is already a name of {entity.name}")
    record_event(session, object_type="entity", object_id=entity.id, action="alias",
                 actor_id=actor_id, note=f"added alias “{alias.name}”")
    return alias


def add_relation(*, session: Session, subject_id: int, type: str, object_id: int,
                 actor_id: int | None, claim_id: int | None = None) -> Relation:
    subject, obj = get_entity(session, subject_id), get_entity(session, object_id)
    if type not in RELATION_TYPES:
        raise InvalidInput("type", f"choose one of {', '.join(RELATION_TYPES)}")
    if subject.id == obj.id:
        raise InvalidInput("object", "an entity cannot relate to itself")
    if claim_id is not None and session.get(Claim, claim_id) is None:
        raise InvalidInput("claim", f"no claim {claim_id}")
    exists = session.exec(select(Relation).where(Relation.subject_id == subject.id, Relation.type == type,
                                                 Relation.object_id == obj.id)).first()
    if exists is not None:
        raise InvalidInput("object", f"{subject.name} already {type.replace('_', ' ')} {obj.name}")
    relation = Relation(subject_id=subject.id, type=type, object_id=obj.id, claim_id=claim_id)
    session.add(relation)
    session.flush()
    record_event(session, object_type="entity", object_id=subject.id, action="relation",
                 actor_id=actor_id, after={"relation": type, "object_id": obj.id, "claim_id": claim_id},
                 note=f"{type.replace('_', ' ')} {obj.kind}:{obj.slug}")
    return relation


def merge_entities(*, session: Session, keep_id: int, merge_id: int, keep_version: int,
                   merge_version: int, actor_id: int | None) -> Entity:
    """Fold `merge_id` into `keep_id`: its names become aliases, its claims and relations move."""
    keep, gone = get_entity(session, keep_id), get_entity(session, merge_id)
    if keep.id == gone.id:
        raise InvalidInput("merge", "choose a different entity to merge")
    if keep.merged_into_id is not None or gone.merged_into_id is not None:
        raise InvalidInput("merge", "one of these entities was already merged")
    for entity, base in ((keep, keep_version), (gone, merge_version)):
        values = {"merged_into_id": keep.id} if entity is gone else {}
        if entity.version != base or not conditional_update(
                session, Entity, row_id=entity.id, base_version=base, values=values):
            session.refresh(entity)
            raise stale_edit(session, entity, object_type="entity", base_version=base,
                             current=snapshot(entity))
    moved_names = [gone.name, *session.exec(select(Alias.name).where(Alias.entity_id == gone.id)).all()]
    added = [a.name for a in (_ensure_alias(session, keep.id, n) for n in moved_names) if a]
    claim_ids = list(session.exec(select(Claim.id).where(
        or_(Claim.subject_id == gone.id, Claim.model_id == gone.id))).all())
    session.execute(update(Claim).where(Claim.subject_id == gone.id).values(subject_id=keep.id))
    session.execute(update(Claim).where(Claim.model_id == gone.id).values(model_id=keep.id))
    session.execute(update(Entity).where(Entity.parent_id == gone.id, Entity.id != keep.id)
                    .values(parent_id=keep.id))
    session.execute(update(Contradiction).where(Contradiction.subject_id == gone.id)
                    .values(subject_id=keep.id))
    stayed = _move_relations(session, gone.id, keep.id)
    session.expire_all()
    keep, gone = session.get(Entity, keep_id), session.get(Entity, merge_id)
    note = (f"merged {gone.kind}:{gone.slug} ({gone.name}): {len(claim_ids)} claims moved; "
            f"new aliases: {', '.join(added) or 'none'}"
            + (f"; {stayed} relations already held stay on the merged entity" if stayed else ""))
    record_event(session, object_type="entity", object_id=keep.id, action="merge", actor_id=actor_id,
                 note=note, after={"merged_id": gone.id, "claim_ids": claim_ids})
    record_event(session, object_type="entity", object_id=gone.id, action="merged_into",
                 actor_id=actor_id, note=f"merged into {keep.kind}:{keep.slug}",
                 after={"merged_into_id": keep.id, "version": gone.version})
    from kb.services.claims import refresh_contradictions
    if claim_ids:
        refresh_contradictions(session, claim_ids)
    return keep


def _move_relations(session: Session, gone_id: int, keep_id: int) -> int:
    """Point the merged entity's relations at the survivor; those that would repeat one it already
    has, or link it to itself, stay on the merged entity (kept, not deleted). Returns how many stayed."""
    stayed = 0
    rows = session.exec(select(Relation).where(
        or_(Relation.subject_id == gone_id, Relation.object_id == gone_id))).all()
    for rel in rows:
        subject = keep_id if rel.subject_id == gone_id else rel.subject_id
        obj = keep_id if rel.object_id == gone_id else rel.object_id
        duplicate = session.exec(select(Relation.id).where(
            Relation.subject_id == subject, Relation.type == rel.type, Relation.object_id == obj,
            Relation.id != rel.id)).first()
        if subject == obj or duplicate is not None:
            stayed += 1
            continue
        rel.subject_id, rel.object_id = subject, obj
        session.add(rel)
        session.flush()
    return stayed
