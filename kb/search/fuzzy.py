"""Typo-tolerant entity lookup with rapidfuzz over every name and alias ("deepsek" finds DeepSeek)."""

from __future__ import annotations

import threading

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlmodel import Session

from kb.models import Alias, Entity
from kb.names import normalize_name

MIN_QUERY = 4      # shorter queries match too much by accident
SCORE_CUTOFF = 82

_lock = threading.Lock()
# Per database URL: (stamp, normalized names, entity id per name). Rebuilt when the stamp changes.
_cache: dict[str, tuple[tuple, list[str], list[int]]] = {}


def _stamp(session: Session) -> tuple:
    """Changes whenever an entity or alias is added, removed or renamed (entities carry a version)."""
    a = session.execute(select(func.count(), func.max(Alias.id))).one()
    e = session.execute(select(func.count(), func.max(Entity.id), func.sum(Entity.version))).one()
    return tuple(a) + tuple(e)


def _names(session: Session) -> tuple[list[str], list[int]]:
    key = str(session.get_bind().url)
    stamp = _stamp(session)
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == stamp:
            return cached[1], cached[2]
    names: list[str] = []
    ids: list[int] = []
    for entity_id, name in session.execute(select(Entity.id, Entity.name).where(Entity.merged_into_id.is_(None))):
        names.append(normalize_name(name))
        ids.append(entity_id)
    for entity_id, norm in session.execute(select(Alias.entity_id, Alias.normalized)):
        names.append(norm)
        ids.append(entity_id)
    with _lock:
        _cache[key] = (stamp, names, ids)
    return names, ids


def fuzzy_entities(session: Session, query: str, *, limit: int = 5) -> list[tuple[int, float]]:
    """(entity id, score) of the names closest to `query`, best first, one per entity."""
    norm = normalize_name(query)
    if len(norm) < MIN_QUERY:
        return []
    names, ids = _names(session)
    matches = process.extract(norm, names, scorer=fuzz.ratio, limit=limit * 4, score_cutoff=SCORE_CUTOFF)
    best: dict[int, float] = {}
    for _name, score, index in matches:
        entity_id = ids[index]
        best[entity_id] = max(best.get(entity_id, 0.0), score)
    return sorted(best.items(), key=lambda kv: -kv[1])[:limit]
