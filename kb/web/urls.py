"""The reader site's URL patterns, shared by route declarations and the links pages build."""

from __future__ import annotations

from urllib.parse import urlencode

# Entity kind -> the plural path segment of its pages.
KIND_PATHS = {
    "lab": "labs", "model": "models", "technique": "techniques", "chip": "chips",
    "product": "products", "topic": "topics",
}
PATH_KINDS = {path: kind for kind, path in KIND_PATHS.items()}
KIND_LABELS = {
    "lab": "Labs", "model": "Models", "technique": "Techniques", "chip": "Chips",
    "product": "Products", "topic": "Topics",
}


def entity_url(kind: str, slug: str) -> str:
    return f"/{KIND_PATHS[kind]}/{slug}"


def entity_list_url(kind: str) -> str:
    return f"/{KIND_PATHS[kind]}"


def claim_url(claim_id: int) -> str:
    return f"/claims/{claim_id}"


def source_url(source_id: int) -> str:
    return f"/sources/{source_id}"


def contradiction_url(contradiction_id: int) -> str:
    return f"/contradictions/{contradiction_id}"


def with_query(path: str, params: dict | list[tuple[str, str]]) -> str:
    """`path` with the non-empty query parameters appended, in a stable order."""
    items = params.items() if isinstance(params, dict) else params
    pairs = [(k, str(v)) for k, v in items if v not in (None, "")]
    return f"{path}?{urlencode(pairs)}" if pairs else path
