"""The command line reports bad configuration clearly."""

import subprocess
import sys

from kb.config import PROJECT_ROOT


def run(args, env_extra=None, input=None):
    import os
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, input=input, timeout=120)


def test_help_lists_commands():
    result = run(["--help"])
    assert result.returncode == 0
    for name in ("migrate", "seed", "serve", "export", "load"):
        assert name in result.stdout


def test_bad_database_url_is_a_clear_error():
    result = run(["migrate"], {"KB_DATABASE_URL": "mysql://nobody@nowhere/kb"})
    assert result.returncode == 1
    assert "KB_DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_unreachable_database_is_a_clear_error():
    result = run(["migrate"], {"KB_DATABASE_URL": "postgresql+psycopg://kb@127.0.0.1:1/kb"})
    assert result.returncode == 1
    assert "cannot reach the database" in result.stderr and "Traceback" not in result.stderr


def test_load_of_invalid_json_is_a_clear_error(tmp_path):
    dump = tmp_path / "dump.json"
    dump.write_text("{not json")
    result = run(["load", str(dump)], {"KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}"})
    assert result.returncode == 1
    assert "not valid JSON" in result.stderr and "line 1" in result.stderr


def test_migrate_seed_seed_export_load_export(tmp_path):
    first_db = {"KB_DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"}
    second_db = {"KB_DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite3'}"}
    assert run(["migrate"], first_db).returncode == 0
    seeded = run(["seed"], first_db)
    assert seeded.returncode == 0
    # The shipped Epoch files are imported with a progress display on stderr.
    assert "epoch-models: 895/895 rows" in seeded.stderr
    assert "epoch-hardware: 169/169 rows" in seeded.stderr
    again = run(["seed"], first_db)
    assert "nothing changed" in again.stdout
    assert "2265 unchanged" in again.stdout
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    assert run(["export", "--format", "json", "--out", str(one)], first_db).returncode == 0
    loaded = run(["load", str(one)], second_db)
    assert loaded.returncode == 0, loaded.stderr
    assert run(["export", "--out", str(two)], second_db).returncode == 0
    assert one.read_text() == two.read_text()
