"""Name normalization and slugs, shared by seeds, aliases, ingestion and search."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "＇": "'"})
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_name(name: str) -> str:
    """A lookup key: case, width, punctuation and spacing folded ("DeepSeek-V2" == "deepseek v2")."""
    folded = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES).casefold()
    return _NON_WORD.sub("", folded)


def slugify(name: str) -> str:
    """A URL slug: lowercase ASCII words joined by hyphens ("Qwen 2.5" -> "qwen-2-5")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.casefold()).strip("-")
    return slug or "entity"


def parse_ref(ref: str) -> tuple[str, str]:
    """Split an entity reference "kind:slug"."""
    kind, sep, slug = ref.partition(":")
    if not sep or not kind or not slug:
        raise ValueError(f"entity reference {ref!r} is not of the form kind:slug")
    return kind, slug
