"""The web process loads what pages need: spaCy and its models load where ingestion runs.

Each module below costs the server megabytes it would hold for as long as it runs, and no reader
page uses it: the text pipeline (spaCy, numpy, the readers of uploaded files) loads with an
editor's upload, litestar's session cipher (cryptography) with the first session cookie, the
PostgreSQL dialect only on PostgreSQL, and the migration tools run before `serve` starts the server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from kb.config import PROJECT_ROOT

NOT_FOR_READERS = (
    "spacy", "thinc", "numpy", "kb.ingest", "kb.importers", "kb.figures", "charset_normalizer", "selectolax",
    "cryptography", "alembic", "mako", "kb.migrate",
)
# kb.nlp.language only names the pipeline, so the server can refuse to start without it.
NLP_ALLOWED = ("kb.nlp", "kb.nlp.language")


def _loaded_after(code: str, unwanted: tuple[str, ...], env: dict[str, str] | None = None) -> list[str]:
    """Which of `unwanted` (or their submodules) a fresh interpreter holds after running `code`."""
    report = (f"; import json, sys; print(json.dumps(sorted(m for m in sys.modules "
              f"if any(m == u or m.startswith(u + '.') for u in {unwanted!r}))))")
    out = subprocess.run([sys.executable, "-c", code + report], capture_output=True, text=True,
                         cwd=PROJECT_ROOT, env={**os.environ, **(env or {})})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_building_the_web_app_imports_no_spacy():
    assert _loaded_after("from kb.web.app import create_app; create_app()", ("spacy", "thinc")) == []


def test_building_the_web_app_imports_nothing_reader_pages_do_not_need():
    assert _loaded_after("from kb.web.app import create_app; create_app()", NOT_FOR_READERS) == []


def test_serving_reader_pages_imports_nothing_they_do_not_need(seeded_settings):
    """Every golden reader page, rendered by one app as an anonymous reader."""
    code = "from kb.config import settings_from_env; from tests.golden_pages import render; render(settings_from_env())"
    unwanted = NOT_FOR_READERS + ("kb.nlp",)
    if seeded_settings.is_sqlite:
        unwanted += ("sqlalchemy.dialects.postgresql",)
    loaded = _loaded_after(code, unwanted, {"KB_DATABASE_URL": seeded_settings.database_url})
    assert [m for m in loaded if m not in NLP_ALLOWED] == []
