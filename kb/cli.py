"""The command line: `python manage.py COMMAND`; each command calls into the library."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from kb.config import Settings, SettingsError, settings_from_env
from kb.textcheck import BadText

COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {}


class CommandError(Exception):
    """A command failed for a reason the user can act on."""


def command(name: str):
    def register(func):
        COMMANDS[name] = func
        return func
    return register


def _engine(settings: Settings):
    from kb.db import make_engine
    return make_engine(settings)


def _check_connection(engine) -> None:
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise CommandError(f"cannot reach the database at {engine.url.render_as_string()}: {reason}") from None


@command("migrate")
def cmd_migrate(args, settings: Settings) -> int:
    from kb.migrate import downgrade, upgrade
    engine = _engine(settings)
    _check_connection(engine)
    if args.downgrade:
        downgrade(engine, args.downgrade)
        print(f"downgraded to {args.downgrade}")
    else:
        upgrade(engine)
        print("database is at the latest schema")
    return 0


def progress_display(label: str):
    """A progress callback for long imports: one updating line on a terminal, a line per 500 rows
    otherwise (so logs stay short)."""
    tty = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        line = f"{label}: {done}/{total} rows"
        if tty:
            print("\r" + line, end="" if done < total else "\n", file=sys.stderr, flush=True)
        elif done == total or done % 500 == 0:
            print(line, file=sys.stderr, flush=True)
    return show


def _seed_all(session, settings: Settings):
    """The curated seeds and the shipped Epoch datasets, then derived state; progress on stderr."""
    from kb.seeds import load_seeds
    report = load_seeds(session=session, settings=settings, progress=progress_display)
    _after_seed(session)
    return report


@command("seed")
def cmd_seed(args, settings: Settings) -> int:
    from kb.db import session_scope
    from kb.migrate import is_empty
    engine = _engine(settings)
    _check_connection(engine)
    if is_empty(engine):
        raise CommandError("the database has no schema yet: run `python manage.py migrate` first")
    with session_scope(engine) as session:
        report = _seed_all(session, settings)
    for path in report.missing_texts:
        print(f"note: article text not found at {path}; its citations keep quotes and offsets only")
    if not report.changed:
        print("seeds already loaded: nothing changed")
    else:
        created = ", ".join(f"{n} {t}" for t, n in sorted(report.created.items())) or "nothing"
        updated = ", ".join(f"{n} {t}" for t, n in sorted(report.updated.items())) or "nothing"
        print(f"seeded: created {created}; updated {updated}")
    for d in report.datasets:
        print(f"{d.dataset}: {d.rows_imported} of {d.rows} rows; claims: {d.claims_created} new, "
              f"{d.claims_updated} updated, {d.claims_unchanged} unchanged (Data: Epoch AI, CC BY 4.0)")
    return 0


def _after_seed(session) -> None:
    """Hook for derived state (contradictions, confidence) once the seeds are in."""
    try:
        from kb.contradictions import recheck_all
    except ImportError:
        return
    recheck_all(session=session)


@command("serve")
def cmd_serve(args, settings: Settings) -> int:
    from dataclasses import replace
    from kb.config import PROJECT_ROOT
    from kb.db import session_scope
    from kb.migrate import is_empty, upgrade
    settings = replace(settings, host=args.host or settings.host, port=args.port or settings.port,
                       workers=args.workers or settings.workers)
    if settings.workers < 1:
        raise CommandError("--workers must be at least 1")
    engine = _engine(settings)
    _check_connection(engine)
    if is_empty(engine):
        print("empty database: migrating and seeding first")
        upgrade(engine)
        with session_scope(engine) as session:
            _seed_all(session, settings)
    else:
        upgrade(engine)
    engine.dispose()
    workers = f" with {settings.workers} workers" if settings.workers > 1 else ""
    print(f"kb is serving at http://{settings.host}:{settings.port}{workers}", flush=True)
    # The server replaces this process with a fresh interpreter: migrating loaded Alembic, Mako and
    # Pygments (about 14 MB), which a server started in place would hold for as long as it runs.
    # It (or each worker process) builds its own app and engine from the environment.
    os.environ.update(_environment(settings))
    # --no-proxy-headers: which X-Forwarded-For to believe is kb's decision (KB_TRUSTED_PROXIES).
    argv = [sys.executable, "-m", "uvicorn", "kb.web.app:create_app", "--factory",
            "--app-dir", str(PROJECT_ROOT), "--host", settings.host, "--port", str(settings.port),
            "--workers", str(settings.workers), "--log-level", "warning",
            "--no-proxy-headers", "--no-server-header"]
    sys.stderr.flush()
    os.execv(sys.executable, argv)   # does not return


def _environment(settings: Settings) -> dict[str, str]:
    """The settings as KB_* variables, for worker processes that read them afresh."""
    return {"KB_DATABASE_URL": settings.database_url, "KB_SECRET_KEY": settings.secret_key,
            "KB_ENV": settings.environment, "KB_HOST": settings.host, "KB_PORT": str(settings.port),
            "KB_WORKERS": str(settings.workers), "KB_TRUSTED_PROXIES": ",".join(settings.trusted_proxies),
            "KB_SESSION_IDLE_HOURS": str(settings.session_idle_hours),
            "KB_SESSION_MAX_DAYS": str(settings.session_max_days), "KB_CORPUS_DIR": str(settings.corpus_dir)}


@command("export")
def cmd_export(args, settings: Settings) -> int:
    from kb.transfer import export_json
    engine = _engine(settings)
    _check_connection(engine)
    if args.format != "json":
        from kb.exports import export_format
        with engine.connect() as connection:
            payload = export_format(connection, args.format)
    else:
        with engine.connect() as connection:
            payload = export_json(connection)
    _write(payload, args.out)
    return 0


def _write(payload: str, out: str | None) -> None:
    if out:
        path = Path(out)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(payload, encoding="utf-8")
        tmp.replace(path)
        print(f"wrote {path}", file=sys.stderr)
    else:
        sys.stdout.write(payload)
        if not payload.endswith("\n"):
            sys.stdout.write("\n")


@command("load")
def cmd_load(args, settings: Settings) -> int:
    from kb.migrate import upgrade
    from kb.transfer import LoadError, load_data, parse_dump
    path = Path(args.path)
    try:
        data = parse_dump(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise CommandError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except LoadError as exc:
        raise CommandError(f"{path}: {exc}; nothing was loaded") from None
    engine = _engine(settings)
    _check_connection(engine)
    upgrade(engine)
    try:
        with engine.begin() as connection:
            counts = load_data(connection, data)
    except LoadError as exc:
        raise CommandError(f"{path}: {exc}; nothing was loaded") from None
    print(f"loaded {sum(counts.values())} rows from {path}")
    return 0


@command("backup")
def cmd_backup(args, settings: Settings) -> int:
    from kb.backup import backup
    engine = _engine(settings)
    _check_connection(engine)
    print(backup(engine, Path(args.path)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description="kb: a research knowledge base and claim tracker.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    p = sub.add_parser("migrate", help="upgrade the database schema to the latest version")
    p.add_argument("--downgrade", metavar="REVISION", help="go down to REVISION instead (e.g. base)")
    sub.add_parser("seed", help="load the curated seeds (running it twice changes nothing)")
    p = sub.add_parser("serve", help="serve the web app (migrates and seeds an empty database first)")
    p.add_argument("--host", help="address to bind (default KB_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default KB_PORT or 8000)")
    p.add_argument("--workers", type=int, help="worker processes (default KB_WORKERS or 1); they share the "
                                               "database, sessions and login throttle")
    p = sub.add_parser("export", help="export the knowledge base")
    p.add_argument("--format", choices=["json", "csv", "claimreview"], default="json")
    p.add_argument("--out", metavar="PATH", help="write here instead of standard output")
    p = sub.add_parser("load", help="load a JSON export into an empty database")
    p.add_argument("path", metavar="PATH")
    p = sub.add_parser("backup", help="write a consistent copy of the database while it is in use")
    p.add_argument("path", metavar="PATH")
    for extend in _EXTENSIONS:
        extend(sub)
    return parser


# Feature modules add their subcommands here (ingest, import-dataset, contradictions, createuser).
_EXTENSIONS: list[Callable] = []


def _load_extensions() -> None:
    import importlib
    for module in ("kb.cli_ingest", "kb.cli_data", "kb.cli_users"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def main(argv: list[str] | None = None) -> int:
    _load_extensions()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from_env()
        return COMMANDS[args.command](args, settings)
    except (CommandError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"error: database: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    except BadText as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return 1
    except Exception as exc:
        from kb.seeds import SeedError
        if isinstance(exc, SeedError):
            print("error: the seed files are malformed; nothing was written:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            return 1
        raise
