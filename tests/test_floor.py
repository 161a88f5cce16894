"""The floor (benchmarks/floor.py) answers kb's four reader pages with the same bytes, so that timing
the two side by side compares the same work."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from litestar.testing import TestClient

from kb.db import make_engine
from kb.web.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import floor  # noqa: E402
import pages  # noqa: E402

# Every page the benchmark times, and variants the floor must follow too (another page, more statuses).
PATHS = [path for _, path in pages.pages(pages.BIG_LAB_CLAIMS)] + [
    "/labs/lab-7", "/claims?status=unverified&status=disputed", "/claims?status=verified&page=3",
    "/claims", "/api/claims?status=needs_verification&per_page=7&page=2", "/search?q=Nova report",
]


@pytest.fixture(scope="module")
def knowledge_base(db_factory):
    settings = db_factory.new(seeded=False)
    engine = make_engine(settings)
    pages.build(engine, 12_000)   # the benchmark's own shape: a lab with 1,000 claims, 4,000 models
    engine.dispose()
    yield settings
    db_factory.drop(settings)


@pytest.fixture(scope="module")
def both(knowledge_base):
    low = floor.create_app(knowledge_base.database_url)
    with TestClient(app=create_app(knowledge_base)) as client:
        yield client, low


@pytest.mark.parametrize("path", PATHS)
def test_floor_answers_the_same_bytes(both, path):
    client, low = both
    response = client.get(path)
    assert response.status_code == 200
    url = urlsplit(path)
    status, _, body = low.respond(url.path, parse_qsl(url.query))
    assert status == 200
    assert len(body) > 2000   # a page with its rows, not an empty shell
    assert body == response.content


def test_floor_refuses_what_it_does_not_cover(both):
    _, low = both
    with pytest.raises(NotImplementedError):
        low.respond("/claims", [("attribute", "mmlu")])
