"""How an event of the history reads: labelled fields, before → after, one name for the system."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.web.formatting import label

# Who did what the seeds, importers and checks did: the same name on every page.
SYSTEM_ACTOR = "kb (automatic)"

FIELD_LABELS = {
    "subject": "Subject", "attribute": "Attribute", "statement": "Statement", "figure_text": "Figure",
    "method": "Method", "period": "Period", "scope": "Scope", "model": "Model", "model_id": "Model",
    "subject_id": "Subject", "attribute_id": "Attribute", "asserted_by": "According to",
    "note": "Note", "source": "Source", "quote": "Quote", "status": "Status", "rank": "Rank",
    "rank_reason": "Reason", "low": "Low", "high": "High", "unit": "Unit", "bound": "Bound",
    "precision": "Precision", "unparsed_reason": "Unparsed reason", "title": "Title",
    "publisher": "Publisher", "author": "Author", "url": "Address", "published": "Published",
    "name": "Name", "description": "Description", "kind": "Kind", "slug": "Slug",
    "parent_id": "Parent", "dataset_confidence": "Dataset's confidence", "confidence": "Confidence",
}
# Bookkeeping every edit touches; showing it would bury the change a reader is looking for.
_QUIET = {"id", "version", "created_at", "updated_at", "created_by_id", "key", "content_hash"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


def shown(value: Any) -> str:
    """A stored value as the history prints it; empty values as a dash."""
    if value in (None, ""):
        return "—"
    return label(value) if isinstance(value, str) and value.islower() and " " not in value else str(value)


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """The labelled fields an event changed, in a stable order; nothing for a creation."""
    if not before or not after:
        return []
    names = [k for k in after if k not in _QUIET and before.get(k) != after.get(k)]
    names += [k for k in before if k not in after and k not in _QUIET]
    return [FieldChange(FIELD_LABELS.get(k, label(k).capitalize()), shown(before.get(k)), shown(after.get(k)))
            for k in names]
