"""`manage.py createuser`: the password comes from standard input or a prompt, never an argument."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlmodel import Session, select

from kb.auth import verify_password
from kb.config import PROJECT_ROOT
from kb.models import User


def createuser(settings, *args, stdin: str | None = None):
    env = {**os.environ, "KB_DATABASE_URL": settings.database_url, "KB_ENV": "test"}
    return subprocess.run([sys.executable, "manage.py", "createuser", *args], cwd=PROJECT_ROOT, env=env,
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_createuser_reads_the_password_from_stdin(settings, engine):
    result = createuser(settings, "ada", "--role", "fact_checker", "--password-stdin", stdin="s3cret-enough\n")
    assert result.returncode == 0, result.stderr
    assert "created fact_checker ada" in result.stdout
    assert "s3cret-enough" not in result.stdout + result.stderr
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "ada")).one()
    assert user.role == "fact_checker"
    assert verify_password(user.password_hash, "s3cret-enough")


def test_createuser_refuses_bad_input_clearly(settings, engine):
    short = createuser(settings, "ada", "--role", "editor", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "password: use at least 8 characters" in short.stderr
    role = createuser(settings, "ada", "--role", "wizard", "--password-stdin", stdin="long enough\n")
    assert role.returncode == 2 and "invalid choice" in role.stderr
    no_tty = createuser(settings, "ada", "--role", "editor", stdin="")
    assert no_tty.returncode == 1 and "--password-stdin" in no_tty.stderr
    assert "Traceback" not in short.stderr + no_tty.stderr
    createuser(settings, "ada", "--role", "editor", "--password-stdin", stdin="long enough\n")
    again = createuser(settings, "ada", "--role", "editor", "--password-stdin", stdin="long enough\n")
    assert again.returncode == 1 and "taken" in again.stderr
    with Session(engine) as session:
        assert len(session.exec(select(User)).all()) == 1


def test_createuser_is_listed_in_help():
    result = subprocess.run([sys.executable, "manage.py", "createuser", "--help"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "--password-stdin" in result.stdout and "fact_checker" in result.stdout


def test_the_prompt_asks_twice_and_refuses_a_mismatch(monkeypatch):
    import pytest
    from kb import cli_users
    from kb.cli import CommandError

    class Args:
        password_stdin = False

    monkeypatch.setattr(cli_users.sys.stdin, "isatty", lambda: True)
    answers = iter(["first-password", "second-password"])
    monkeypatch.setattr(cli_users.getpass, "getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="differ"):
        cli_users._read_password(Args())
    answers = iter(["same-password", "same-password"])
    assert cli_users._read_password(Args()) == "same-password"
