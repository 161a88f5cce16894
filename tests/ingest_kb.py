"""A small knowledge base of made-up labs, models and attributes for the ingestion tests."""

from __future__ import annotations

from sqlmodel import Session

from kb.models import Alias, Attribute, Entity
from kb.names import normalize_name
from kb.nlp.attributes import AttributeCatalog, AttributeInfo
from kb.nlp.entities import EntityIndex, EntityInfo

ATTRIBUTES = [
    # name, dimension, unit, label, description
    ("training_cost", "currency", "USD", "Training cost", "Cost of training a model."),
    ("input_price_per_mtok", "price_rate", "USD/Mtok", "Input price per million tokens",
     "API price for one million input tokens."),
    ("output_price_per_mtok", "price_rate", "USD/Mtok", "Output price per million tokens",
     "API price for one million output tokens."),
    ("funding_raised", "currency", "USD", "Funding raised", "Capital raised in a period."),
    ("github_stars", "count", "count", "GitHub stars", "Stars on a GitHub repository."),
    ("lag_behind_frontier", "duration", "month", "Lag behind the frontier",
     "How far behind the frontier models are on capability."),
    ("mmlu", "percent", "%", "MMLU score", "Score on the MMLU benchmark."),
    ("price_ratio", "ratio", "x", "Price ratio", "One price divided by another."),
    ("headcount", "count", "count", "Headcount", "Number of staff."),
    ("founded", "date", "date", "Founded", "When an organization was founded."),
]
ENTITIES = [
    # kind, slug, name, parent slug, aliases
    ("lab", "acme-ai", "Acme AI", None, ["Acme", "AcmeAI"]),
    ("model", "acme-2", "Acme-2", "acme-ai", ["Acme 2"]),
    ("model", "acme-3", "Acme-3", "acme-ai", ["Acme 3"]),
    ("lab", "beta-labs", "Beta Labs", None, []),
    ("model", "beta-pro", "Beta Pro", "beta-labs", []),
    ("lab", "meta", "Meta", None, []),
    ("technique", "quantization", "Quantization", None, []),
    ("topic", "chinese-ai-startups", "Chinese AI startups", None, []),
    ("topic", "us-ai-startups", "US AI startups", None, []),
    ("topic", "chinese-ai-sector", "Chinese AI sector", None, []),
]


def add_small_kb(session: Session) -> dict[str, int]:
    """Store the attributes and entities above; returns "kind:slug" (and attribute names) -> id."""
    ids: dict[str, int] = {}
    for name, dimension, unit, label, description in ATTRIBUTES:
        attribute = Attribute(name=name, dimension=dimension, unit=unit, label=label,
                              description=description)
        session.add(attribute)
        session.flush()
        ids[name] = attribute.id
    for kind, slug, name, parent, aliases in ENTITIES:
        entity = Entity(kind=kind, slug=slug, name=name,
                        parent_id=ids[f"lab:{parent}"] if parent else None)
        session.add(entity)
        session.flush()
        ids[f"{kind}:{slug}"] = entity.id
        by_norm = {normalize_name(a): a for a in reversed([name, *aliases])}
        for norm, alias in by_norm.items():
            session.add(Alias(entity_id=entity.id, name=alias, normalized=norm))
    session.commit()
    return ids


def small_vocabulary() -> tuple[EntityIndex, AttributeCatalog, dict[str, int]]:
    """The same knowledge base without a database, for the pure pipeline tests."""
    ids: dict[str, int] = {}
    attributes = []
    for i, (name, dimension, unit, label, description) in enumerate(ATTRIBUTES, 1):
        attributes.append(AttributeInfo(i, name, dimension, unit, label, description))
        ids[name] = i
    infos, aliases = [], []
    for i, (kind, slug, name, parent, names) in enumerate(ENTITIES, 100):
        ids[f"{kind}:{slug}"] = i
        infos.append(EntityInfo(i, kind, slug, name, ids[f"lab:{parent}"] if parent else None))
        aliases.extend((i, alias) for alias in names)
    return EntityIndex.build(infos, aliases), AttributeCatalog.build(attributes), ids
