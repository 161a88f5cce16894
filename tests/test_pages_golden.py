"""Every reader page is byte for byte what it was (tests/golden_pages.py says how to rewrite them)."""

from __future__ import annotations

import pytest

from tests.golden_pages import GOLDEN, PATHS, file_name, render


@pytest.fixture(scope="module")
def bodies(db_factory):
    settings = db_factory.new(seeded=True)
    yield settings, render(settings)
    db_factory.drop(settings)


@pytest.mark.parametrize("path", PATHS)
def test_page_is_unchanged(bodies, path):
    settings, rendered = bodies
    dialect = "postgresql" if settings.database_url.startswith("postgresql") else "sqlite"
    expected = (GOLDEN / dialect / file_name(path)).read_bytes()
    got = rendered[path]
    if got != expected:
        old, new = expected.decode().splitlines(), got.decode().splitlines()
        line = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        pytest.fail(f"{path} changed at line {line + 1}:\n- {old[line] if line < len(old) else '(end)'}\n"
                    f"+ {new[line] if line < len(new) else '(end)'}")
