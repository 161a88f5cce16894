"""`manage.py ingest`: files in, per-file outcomes out (text or JSON), refusals reported."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from kb.cli import main
from kb.models import Claim, Source
from tests.ingest_kb import add_small_kb


def run(monkeypatch, settings, *argv: str) -> int:
    monkeypatch.setenv("KB_DATABASE_URL", settings.database_url)
    return main(["ingest", *argv])


def test_ingest_json_reports_each_file_and_a_second_run_skips(tmp_path, monkeypatch, capsys, settings, engine):
    with Session(engine) as session:
        add_small_kb(session)
    article = tmp_path / "acme.md"
    article.write_text("# Acme news\n\nAcme-2 cost $5.8 million to train. Zeta-9 is new at $3 per million "
                       "input tokens.\n[VERIFY] Beta Labs raised $40 million in 2024.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code = run(monkeypatch, settings, str(article), str(empty), "--publisher", "Example", "--json")
    out = json.loads(capsys.readouterr().out)
    assert code == 1  # one file was refused
    first, refused = out
    assert set(first) >= {"path", "source_id", "sentences", "proposed", "verify_items", "new_entities",
                          "skipped"}
    assert (first["path"], first["proposed"], first["verify_items"], first["skipped"]) == (
        str(article), 1, 1, False)
    assert first["new_entities"] == ["Zeta-9"] and first["sentences"] == 4
    assert refused == {"path": str(empty), "error": f"{empty}: is empty; there is nothing to ingest"}
    with Session(engine) as session:
        source = session.get(Source, first["source_id"])
        assert (source.title, source.publisher) == ("Acme news", "Example")
        before = len(session.exec(select(Claim)).all())
    assert run(monkeypatch, settings, str(article), "--json") == 0
    again = json.loads(capsys.readouterr().out)[0]
    assert again["skipped"] is True and again["source_id"] == first["source_id"]
    with Session(engine) as session:
        assert len(session.exec(select(Claim)).all()) == before


def test_plain_output_points_at_the_review_page(tmp_path, monkeypatch, capsys, settings, engine):
    with Session(engine) as session:
        add_small_kb(session)
    article = tmp_path / "a.txt"
    article.write_text("Beta Labs raised $40 million in 2024.\n", encoding="utf-8")
    assert run(monkeypatch, settings, str(article), "--title", "Funding") == 0
    out = capsys.readouterr().out
    assert "1 sentence, 1 claim proposed, 0 [VERIFY] items" in out and "review them at /ingest/1" in out
    assert run(monkeypatch, settings, str(tmp_path / "missing.txt")) == 1
    assert "no such file" in capsys.readouterr().err
