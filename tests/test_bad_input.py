"""Bad input from outside gets one answer on either database: refused with where it was, nothing written."""

from __future__ import annotations

import json
import re

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlmodel import Session

from kb.figures import Figure, Unparsed, parse_figure
from kb.importers import import_epoch
from kb.importers.cells import CellError, number
from kb.ingest.html import html_to_text
from kb.models import Claim, Entity, Source
from kb.transfer import LoadError, export_json, load_data, parse_dump
from kb.web.app import create_app
from kb.web.formatting import format_value
from tests.accounts import csrf_token, login, make_user
from tests.test_importers_epoch import MODEL_HEADER, model_row, write_csv


def _count(engine, model) -> int:
    with engine.connect() as c:
        return c.execute(select(func.count()).select_from(model)).scalar_one()


def test_deeply_nested_html_is_read(engine):
    depth = 5000
    page = "<p>Intro.</p>" + "<div>" * depth + "Acme raised $5M." + "</div>" * depth + "<p>End.</p>"
    assert html_to_text(page).text.split("\n") == ["Intro.", "Acme raised $5M.", "End."]


def test_csv_rows_with_control_characters_are_refused_by_row_and_column(session, engine, tmp_path):
    path = write_csv(tmp_path / "notable_ai_models_2025-02-24.csv", MODEL_HEADER, [
        model_row("\x00"),
        model_row("DeepSeek-R1\x00evil"),
        model_row("Clean-1", notes="PDF text with a ligature \x1c in notes kb never reads"),
        model_row("Clean-2", params="７０００"),
        model_row("Clean-3", params="1e-400"),
    ])
    report = import_epoch(session=session, dataset="epoch-models", path=path)
    session.commit()
    assert report.rows_imported == 3
    assert any("row 1" in e and "'Model'" in e and "U+0000" in e for e in report.errors)
    assert any("row 2" in e and "U+0000" in e and "not imported" in e for e in report.errors)
    assert any("row 4" in e and "'７０００' is not a number" in e for e in report.errors)
    assert any("row 5" in e and "too small" in e for e in report.errors)
    names = set(session.scalars(select(Entity.name)).all())
    assert {"Clean-1", "Clean-2", "Clean-3"} <= names
    assert not any("\x00" in name for name in names)


@pytest.mark.parametrize("text, message", [
    ("7000", None), ("1,200", None), ("７０００", "not a number"), ("1e-400", "too small"),
    ("NaN", "not a number"), ("inf", "not a number"), ("1e400", "not a finite number"),
])
def test_dataset_cells_follow_the_claim_forms_number_rules(text, message):
    if message is None:
        assert number(text)[0] > 0
    else:
        with pytest.raises(CellError, match=message):
            number(text)


def test_figures_have_one_sign_rule_no_underflow_and_sane_extremes():
    assert parse_figure("-$5M").low == parse_figure("$-5M").low == -5e6
    assert isinstance(parse_figure("$1e-400"), Unparsed) and "too small" in parse_figure("$1e-400").reason
    big = parse_figure("$1e308")
    assert isinstance(big, Figure) and format_value(big.low, "USD") == "$1e308"
    assert format_value(-5e6, "USD") == "-$5M"
    assert isinstance(parse_figure("$1e400"), Unparsed)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["entity"][0].update(name="Deep\x00Seek"), "U+0000"),
    (lambda d: d["entity"][0].update(description="tab\tand\nnewline, then \x07"), "U+0007"),
    (lambda d: d["claim"][0].update(low=float("nan")), "not a finite number"),
    (lambda d: d["claim"][0].update(high=float("inf")), "not a finite number"),
    (lambda d: d["entity"][0].update(slug="x" * 1000), "more than its"),
    (lambda d: d["claim"][0].update(version=2**40), "whole number that fits"),
    (lambda d: d["claim"][0].update(low="5"), "not a finite number"),
    (lambda d: d["entity"][0].update(created_at="yesterday"), "ISO date"),
])
def test_load_refuses_what_no_database_would_keep_and_writes_nothing(seeded_engine, engine, change, message):
    with seeded_engine.connect() as c:
        dump = json.loads(export_json(c))
    change(dump)
    with pytest.raises(LoadError, match=re.escape(message)), engine.begin() as c:
        load_data(c, dump)
    assert _count(engine, Entity) == 0 and _count(engine, Claim) == 0


def test_a_dump_with_nan_text_is_refused_before_loading():
    with pytest.raises(LoadError, match="NaN"):
        parse_dump('{"kb_export": 1, "claim": [{"low": NaN}]}')
    with pytest.raises(LoadError, match="Infinity"):
        parse_dump('{"kb_export": 1, "claim": [{"low": -Infinity}]}')


def test_load_via_the_command_line_refuses_nan_and_writes_nothing(settings, engine, tmp_path, capsys,
                                                                   monkeypatch):
    from kb.cli import main
    path = tmp_path / "dump.json"
    path.write_text('{"kb_export": 1, "entity": [], "claim": [{"id": 1, "low": NaN}]}', encoding="utf-8")
    monkeypatch.setenv("KB_DATABASE_URL", settings.database_url)
    assert main(["load", str(path)]) == 1
    assert "NaN" in capsys.readouterr().err and _count(engine, Claim) == 0


def test_ingest_refuses_a_source_url_the_source_form_refuses(settings, engine):
    with Session(engine) as session:
        make_user(session, "editor")
    with TestClient(app=create_app(settings)) as client:
        login(client, "editor")
        token = csrf_token(client, "/ingest")
        response = client.post("/ingest", data={"_csrf_token": token, "text": "Acme raised $5M in 2025.",
                                                "title": "Acme", "url": "javascript:alert(1)"})
        assert response.status_code == 422 and "http://" in response.text
    assert _count(engine, Source) == 0


def test_an_sqlite_export_loads_into_postgresql_and_back(seeded_settings, seeded_engine, engine, tmp_path):
    """Run with KB_TEST_DATABASE_URL on PostgreSQL (as CI does): SQLite -> PostgreSQL -> SQLite."""
    if seeded_settings.is_sqlite:
        pytest.skip("needs PostgreSQL: set KB_TEST_DATABASE_URL (CI runs it there)")
    from kb.db import make_engine
    from tests.dbs import SqliteFactory, base_settings
    lite = SqliteFactory(tmp_path, base_settings(tmp_path))
    source_settings, target_settings = lite.new(seeded=True), lite.new(seeded=False)
    source, target = make_engine(source_settings), make_engine(target_settings)
    try:
        with source.connect() as c:
            from_sqlite = export_json(c)
        with engine.begin() as c:
            load_data(c, parse_dump(from_sqlite))
        with engine.connect() as c:
            from_postgres = export_json(c)
        with target.begin() as c:
            load_data(c, parse_dump(from_postgres))
        with target.connect() as c:
            again = export_json(c)
    finally:
        source.dispose()
        target.dispose()
    assert json.loads(from_sqlite)["claim"]
    assert from_sqlite == from_postgres == again
