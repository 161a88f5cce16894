"""Reader pages rendered from the seeds, kept byte for byte per database engine.

A change to how pages are built (fewer queries, caches, templates without macros) must leave what
they show exactly as it was; tests/test_pages_golden.py compares every page here with its file. When
a change is meant to alter pages, rewrite the files and review the diff:

    .venv/bin/python -m tests.golden_pages                 # SQLite
    KB_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres .venv/bin/python -m tests.golden_pages
"""

from __future__ import annotations

import logging
import re
import sys
import tempfile
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"

# The reader's pages and JSON with their common variants: sorted, filtered, paged, corrected.
PATHS = [
    "/labs", "/labs/deepseek", "/labs/deepseek?_sort_desc=parameters_total", "/labs/openai",
    "/models/deepseek-v3", "/models/deepseek-r1", "/techniques/mixture-of-experts", "/chips/nvidia-h800",
    "/claims", "/claims?status=verified", "/claims?status=needs_verification", "/claims?per_page=20&page=2",
    "/claims?subject=lab:deepseek&attribute=training_cost", "/claims?lab=deepseek&_sort=figure",
    "/claims?status=unverified&status=disputed", "/search?q=DeepSeek", "/search?q=deepsek", "/search?q=H800 GPUs",
    "/search?q=training cost", "/contradictions", "/sources", "/api/claims?status=verified",
    "/api/claims?per_page=5&page=2", "/api/claims?subject=lab:deepseek",
]


def file_name(path: str) -> str:
    return (re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "home") + ".out"


def render(settings) -> dict[str, bytes]:
    """Each path's body as an anonymous reader gets it."""
    from litestar.testing import TestClient

    from kb.web.app import create_app
    logging.getLogger("httpx").setLevel(logging.WARNING)
    bodies = {}
    with TestClient(app=create_app(settings)) as client:
        for path in PATHS:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            bodies[path] = response.content
    return bodies


def main() -> int:
    from tests.dbs import make_factory
    with tempfile.TemporaryDirectory() as tmp:
        factory = make_factory(Path(tmp))
        settings = factory.new(seeded=True)
        try:
            dialect = "postgresql" if settings.database_url.startswith("postgresql") else "sqlite"
            folder = GOLDEN / dialect
            folder.mkdir(parents=True, exist_ok=True)
            for path, body in render(settings).items():
                (folder / file_name(path)).write_bytes(body)
            print(f"wrote {len(PATHS)} pages to {folder}")
        finally:
            factory.drop(settings)
            factory.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
