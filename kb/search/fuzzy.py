"""Typo-tolerant entity lookup with rapidfuzz over every name and alias ("deepsek" finds DeepSeek)."""

from __future__ import annotations

import re
import threading

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlmodel import Session

from kb.models import Alias, Entity, Event
from kb.names import normalize_name

MIN_QUERY = 4      # shorter queries match too much by accident
SCORE_CUTOFF = 82

_lock = threading.Lock()
# Per database URL: (stamp, normalized names, entity id per name, words of the names). Rebuilt when
# the stamp changes.
_cache: dict[str, tuple[tuple, list[str], list[int], list[str]]] = {}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
WORD_CUTOFF = 75   # how close a misspelt word must be to a word of a name to be offered instead


# Every search reads it, so it reads no table through: four index lookups. An entity or alias added
# raises its table's last id; a rename, a merge or an alias removed is recorded as an event.
STAMP = select(select(func.max(Event.id)).scalar_subquery(), select(func.max(Entity.id)).scalar_subquery(),
               select(func.max(Alias.id)).scalar_subquery(), select(func.count(Alias.id)).scalar_subquery())


def _stamp(session: Session) -> tuple:
    """Changes whenever an entity or alias is added, removed or renamed."""
    return tuple(session.connection().execute(STAMP).one())


def _load(session: Session) -> tuple[list[str], list[int], list[str]]:
    key = str(session.get_bind().url)
    stamp = _stamp(session)
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == stamp:
            return cached[1], cached[2], cached[3]
    names: list[str] = []
    ids: list[int] = []
    words: set[str] = set()
    for entity_id, name in session.execute(select(Entity.id, Entity.name).where(Entity.merged_into_id.is_(None))):
        names.append(normalize_name(name))
        ids.append(entity_id)
        words.update(w.casefold() for w in _WORD.findall(name))
    for entity_id, name, norm in session.execute(select(Alias.entity_id, Alias.name, Alias.normalized)):
        names.append(norm)
        ids.append(entity_id)
        words.update(w.casefold() for w in _WORD.findall(name))
    vocabulary = sorted(w for w in words if len(w) >= MIN_QUERY and not w.isdigit())
    with _lock:
        _cache[key] = (stamp, names, ids, vocabulary)
    return names, ids, vocabulary


def _names(session: Session) -> tuple[list[str], list[int]]:
    names, ids, _ = _load(session)
    return names, ids


def corrected_terms(session: Session, terms: list[str], indexed=lambda word: False) -> list[str] | None:
    """The query's words with each misspelt name word replaced by the closest word of a name or
    alias ("deepsek" -> "deepseek"); None when no word needs it. A word `indexed` says some text
    holds is kept as typed."""
    _, _, vocabulary = _load(session)
    known = set(vocabulary)
    out, changed = [], False
    for term in terms:
        word = term.casefold()
        if len(word) >= MIN_QUERY and word not in known and not indexed(word):
            hit = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF)
            if hit is not None:
                out.append(hit[0])
                changed = True
                continue
        out.append(term)
    return out if changed else None


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
