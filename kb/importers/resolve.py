"""Names in a dataset to entities: exact alias lookup, then cautious near misses, else a new entity."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlmodel import Session, select

from kb.models import Alias, Entity
from kb.names import normalize_name, slugify

# A near miss is accepted at this rapidfuzz ratio (0-100) on normalized names, only against
# entities that existed before the import (two names in one dataset are two entities), and only
# when every word carrying a digit is the same in both: "Qwen2-72B" and "Qwen2.5-72B" score 94
# but are different models, as are "Ascend 910" and "Ascend 910B". 92 lets through one-letter
# spelling variants of long names ("Moonshot AI" / "Moonshoot AI") and little else.
FUZZY_THRESHOLD = 92

_WORD = re.compile(r"\w+")
# Board form factors, memory sizes and parenthesized notes: variants of one chip, not other chips.
_VARIANT = re.compile(r"\b(?:sxm\d*|pcie|pcle|nvl|oam|hgx|dgxs|\d+\s?gb)\b|\([^)]*\)", re.IGNORECASE)
_VENDORS = ("nvidia", "amd", "google", "intel", "huawei", "tesla", "amazon", "aws", "baidu", "meta")


_ORG_SUFFIXES = ("ai", "inc", "labs", "lab", "research", "technologies", "technology", "ltd",
                 "corporation", "corp", "co", "group", "limited")


def org_variants(name: str) -> tuple[str, ...]:
    """"Meta AI" -> ("Meta",), "Microsoft Research" -> ("Microsoft",): tried as exact aliases."""
    words = re.sub(r"[.,]", " ", name).split()
    out = []
    while len(words) > 1 and words[-1].casefold() in _ORG_SUFFIXES:
        words = words[:-1]
        out.append(" ".join(words))
    return tuple(out)


def base_chip_name(name: str, maker: str = "") -> str:
    """"NVIDIA H800 SXM5" -> "H800", "NVIDIA Tesla V100 PCIe 32 GB" -> "V100"."""
    words = _VARIANT.sub(" ", name).split()
    drop = {maker.casefold(), *_VENDORS}
    while len(words) > 1 and words[0].casefold() in drop:
        words = words[1:]
    return " ".join(words)


def _codes(name: str) -> set[str]:
    """Words that carry a digit (model numbers, sizes, versions): they must match exactly."""
    return {w.casefold() for w in _WORD.findall(name) if any(ch.isdigit() for ch in w)}


@dataclass
class Resolver:
    """Looks names up among the entities of one kind; new entities are created in one batch."""

    session: Session
    kind: str
    fuzzy: bool = False      # near misses are tried for organizations only: model and chip names
                             # differ by one letter between different products ("3090" / "3090 Ti")
    exact: dict[str, int | Entity] = field(default_factory=dict)   # normalized alias -> entity
    known: dict[str, tuple[int, str]] = field(default_factory=dict)  # before this import: (id, alias)
    names: dict[int, str] = field(default_factory=dict)      # entity id -> display name
    slugs: set[str] = field(default_factory=set)
    created: list[str] = field(default_factory=list)
    near_misses: list[tuple[str, str, int]] = field(default_factory=list)
    pending: list[Entity] = field(default_factory=list)
    pending_aliases: list[tuple[Entity, str]] = field(default_factory=list)

    @classmethod
    def load(cls, session: Session, kind: str, *, fuzzy: bool = False) -> "Resolver":
        resolver = cls(session, kind, fuzzy)
        rows = session.exec(select(Entity.id, Entity.name, Entity.slug, Entity.merged_into_id)
                            .where(Entity.kind == kind)).all()
        merged_into = {eid: (merged or eid) for eid, _, _, merged in rows}
        names = [(name, eid) for eid, name, _, _ in rows]
        names += session.exec(select(Alias.name, Alias.entity_id).join(Entity, Entity.id == Alias.entity_id)
                              .where(Entity.kind == kind)).all()
        for eid, name, slug, _ in rows:
            resolver.slugs.add(slug)
            resolver.names[eid] = name
        for name, eid in names:
            target = merged_into.get(eid, eid)
            norm = normalize_name(name)
            resolver.exact.setdefault(norm, target)
            resolver.known.setdefault(norm, (target, name))
        return resolver

    def find(self, *names: str) -> int | Entity | None:
        """The entity one of `names` (tried in order) names exactly, else a unique near miss.

        A name found another way than exactly is recorded as an alias of what it was found as.
        """
        for name in names:
            hit = self.exact.get(normalize_name(name))
            if hit is not None:
                self._remember(names[0], hit)
                return hit
        for name in names if self.fuzzy else ():
            hit = self._near_miss(name)
            if hit is not None:
                self._remember(names[0], hit)
                return hit
        return None

    def _near_miss(self, name: str) -> int | None:
        norm = normalize_name(name)
        if len(norm) < 4 or not self.known:
            return None
        found = process.extract(norm, list(self.known), scorer=fuzz.ratio, limit=5,
                                score_cutoff=FUZZY_THRESHOLD)
        found = [(cand, score) for cand, score, _ in found if _codes(self.known[cand][1]) == _codes(name)]
        if len({self.known[c][0] for c, _ in found}) != 1:
            return None
        cand, score = found[0]
        eid = self.known[cand][0]
        self.near_misses.append((name, self.names.get(eid, self.known[cand][1]), int(score)))
        return eid

    def _remember(self, name: str, target: int | Entity) -> None:
        norm = normalize_name(name)
        if norm and norm not in self.exact:
            self.exact[norm] = target
            if isinstance(target, int):
                self.session.add(Alias(entity_id=target, name=name[:200], normalized=norm[:200]))
            else:                         # a new entity gets its aliases once it has an id
                self.pending_aliases.append((target, name))

    def create(self, name: str, *, parent_id: int | None = None, description: str = "") -> Entity:
        """A new entity named `name` (its alias too), written at the next flush()."""
        slug = base = slugify(name)[:120]
        n = 1
        while slug in self.slugs:
            n += 1
            slug = f"{base[:115]}-{n}"
        self.slugs.add(slug)
        entity = Entity(kind=self.kind, slug=slug, name=name[:200], parent_id=parent_id,
                        description=description)
        self.session.add(entity)
        self.pending.append(entity)
        self.exact.setdefault(normalize_name(name), entity)
        self.created.append(name)
        return entity

    def flush(self) -> None:
        """Write the entities created since the last flush, with their aliases, in one batch."""
        if not self.pending:
            return
        self.session.flush()   # one INSERT batch for every new entity
        for entity in self.pending:
            self.names[entity.id] = entity.name
            self.session.add(Alias(entity_id=entity.id, name=entity.name,
                                   normalized=normalize_name(entity.name)[:200]))
        for entity, name in self.pending_aliases:
            self.session.add(Alias(entity_id=entity.id, name=name[:200], normalized=normalize_name(name)[:200]))
        for norm, target in list(self.exact.items()):
            if isinstance(target, Entity):
                self.exact[norm] = target.id
        self.pending.clear()
        self.pending_aliases.clear()


def entity_id(target: int | Entity) -> int:
    return target if isinstance(target, int) else target.id
