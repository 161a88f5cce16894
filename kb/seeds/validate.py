"""Check seed records field by field before anything is written."""

from __future__ import annotations

from datetime import date
from typing import Any

from kb.models.base import (
    BOUNDS, CLAIM_STATUSES, DATE_PRECISIONS, ENTITY_KINDS, METHODS, RELATION_TYPES, SOURCE_KINDS,
)
from kb.models.claim import DIMENSIONS
from kb.names import parse_ref
from kb.seeds.files import PLURAL, Record, SeedError, SeedSet

FIELDS = {
    "attribute": {"name": str, "label": str, "dimension": str, "unit": str, "description": str,
                  "synonyms": list},
    "source": {
        "key": str, "title": str, "publisher": str, "author": str, "url": str, "kind": str,
        "published": (str, date), "date_precision": str, "file": str, "sha256": str,
        "derived_from": str, "license": str,
    },
    "entity": {
        "kind": str, "slug": str, "name": str, "description": str, "parent": str, "aliases": list,
    },
    "relation": {"subject": str, "type": str, "object": str, "claim": str},
    "claim": {
        "key": str, "source": str, "subject": str, "attribute": str, "statement": str,
        "quote": str, "start": int, "figure": str, "low": (int, float, str, date),
        "high": (int, float, str, date), "unit": str, "bound": str, "precision": (int, float),
        "method": str, "period": (str, int), "scope": str, "model": str, "asserted_by": str,
        "status": str, "note": str, "derived": dict, "confidence": str,
    },
}
REQUIRED = {
    "attribute": ("name", "label", "dimension", "unit"),
    "source": ("key", "title", "kind"),
    "entity": ("kind", "slug", "name"),
    "relation": ("subject", "type", "object"),
    "claim": ("key", "source", "subject", "attribute", "statement", "quote"),
}
VOCABULARY = {
    ("attribute", "dimension"): DIMENSIONS,
    ("source", "kind"): SOURCE_KINDS,
    ("source", "date_precision"): DATE_PRECISIONS,
    ("entity", "kind"): ENTITY_KINDS,
    ("relation", "type"): RELATION_TYPES,
    ("claim", "bound"): BOUNDS,
    ("claim", "method"): METHODS,
    ("claim", "status"): CLAIM_STATUSES,
}


def _check_fields(table: str, record: Record, problems: list[str]) -> None:
    fields = FIELDS[table]
    for name, value in record.data.items():
        if name not in fields:
            problems.append(f"{record.where}: unknown field `{name}` in [[{table}]]")
        elif not isinstance(value, fields[name]) or isinstance(value, bool):
            problems.append(f"{record.where}: field `{name}` has the wrong type ({type(value).__name__})")
        elif (table, name) in VOCABULARY and value not in VOCABULARY[(table, name)]:
            allowed = ", ".join(VOCABULARY[(table, name)])
            problems.append(f"{record.where}: `{name}` is {value!r}; expected one of {allowed}")
    for name in REQUIRED[table]:
        if name not in record.data or record.data[name] in ("", None):
            problems.append(f"{record.where}: [[{table}]] needs `{name}`")


def _check_figure(record: Record, attributes: dict[str, Record], problems: list[str]) -> None:
    data = record.data
    attribute = attributes.get(data.get("attribute", ""))
    if attribute is None:
        problems.append(f"{record.where}: unknown attribute {data.get('attribute')!r}")
        return
    if "figure" not in data:
        stray = [k for k in ("low", "high", "unit", "bound", "precision") if k in data]
        if stray:
            problems.append(f"{record.where}: {stray} given without `figure`")
        return
    if data["figure"] not in data.get("quote", ""):
        problems.append(f"{record.where}: figure {data['figure']!r} is not inside the quote")
    unit = data.get("unit")
    if unit != attribute.data["unit"]:
        problems.append(
            f"{record.where}: unit {unit!r} differs from attribute "
            f"{attribute.data['name']}'s unit {attribute.data['unit']!r}"
        )
    if "bound" not in data:
        problems.append(f"{record.where}: a figure needs `bound`")
    low, high = data.get("low"), data.get("high")
    if low is None and high is None:
        problems.append(f"{record.where}: a figure needs `low` or `high`")
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
        problems.append(f"{record.where}: low {low} is greater than high {high}")
    if data.get("bound") == "lower" and high is not None and data.get("bound") != "range":
        problems.append(f"{record.where}: a lower bound has no `high`")


def _check_ref(record: Record, field: str, entities: set[str], problems: list[str]) -> None:
    ref = record.data.get(field)
    if ref is None:
        return
    try:
        parse_ref(ref)
    except ValueError as exc:
        problems.append(f"{record.where}: {exc}")
        return
    if ref not in entities:
        problems.append(f"{record.where}: `{field}` names unknown entity {ref!r}")


def validate(seeds: SeedSet) -> None:
    """Raise SeedError naming every problem (file and line) in the whole seed set."""
    problems: list[str] = []
    for table in ("attribute", "source", "entity", "relation", "claim"):
        for record in getattr(seeds, PLURAL[table]):
            _check_fields(table, record, problems)

    attributes: dict[str, Record] = {}
    for record in seeds.attributes:
        name = record.data.get("name", "")
        other = attributes.get(name)
        if other and other.data != record.data:
            problems.append(f"{record.where}: attribute {name!r} differs from {other.where}")
        attributes.setdefault(name, record)

    sources = {r.data.get("key") for r in seeds.sources}
    for record in seeds.sources:
        parent = record.data.get("derived_from")
        if parent is not None and parent not in sources:
            problems.append(f"{record.where}: derived_from names unknown source {parent!r}")

    entities = {f"{r.data.get('kind')}:{r.data.get('slug')}" for r in seeds.entities}
    for record in seeds.entities:
        _check_ref(record, "parent", entities, problems)
    for record in seeds.relations:
        _check_ref(record, "subject", entities, problems)
        _check_ref(record, "object", entities, problems)

    keys: dict[str, Record] = {}
    for record in seeds.claims:
        key = record.data.get("key", "")
        if key in keys:
            problems.append(f"{record.where}: claim key {key!r} already used at {keys[key].where}")
        keys[key] = record
        if record.data.get("source") not in sources:
            problems.append(f"{record.where}: unknown source {record.data.get('source')!r}")
        _check_ref(record, "subject", entities, problems)
        _check_ref(record, "model", entities, problems)
        _check_figure(record, attributes, problems)
    for record in seeds.claims:
        derived: dict[str, Any] = record.data.get("derived") or {}
        for side in ("numerator", "denominator"):
            if derived and derived.get(side) not in keys:
                problems.append(f"{record.where}: derived {side} {derived.get(side)!r} is no claim key")
    if problems:
        raise SeedError(problems)
