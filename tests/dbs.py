"""Fresh databases for tests: copies of migrated (and seeded) templates, on SQLite or PostgreSQL."""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from dataclasses import replace
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kb.config import Settings
from kb.db import make_engine, session_scope
from kb.migrate import upgrade

TEST_URL_VARIABLE = "KB_TEST_DATABASE_URL"


def base_settings(tmp_root: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_root / 'unused.sqlite3'}",
        environment="test",
        secret_key="test-secret-key",
    )


def _seed(settings: Settings) -> None:
    from kb.seeds import load_seeds
    engine = make_engine(settings)
    with session_scope(engine) as session:
        load_seeds(session=session, settings=settings)
        try:
            from kb.contradictions import recheck_all
        except ImportError:
            pass
        else:
            recheck_all(session=session)
    engine.dispose()


class SqliteFactory:
    """Each test gets a copy of a template file: migrating once is the slow part."""

    def __init__(self, root: Path, settings: Settings):
        self.root, self.settings = root, settings
        self.templates: dict[str, Path] = {}
        self.counter = itertools.count()

    def _template(self, seeded: bool) -> Path:
        name = "seeded" if seeded else "migrated"
        if name not in self.templates:
            path = self.root / f"template-{name}.sqlite3"
            settings = replace(self.settings, database_url=f"sqlite:///{path}")
            engine = make_engine(settings)
            upgrade(engine)
            engine.dispose()
            if seeded:
                _seed(settings)
            with create_engine(f"sqlite:///{path}").connect() as c:
                c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            self.templates[name] = path
        return self.templates[name]

    def new(self, seeded: bool) -> Settings:
        path = self.root / f"test-{next(self.counter)}.sqlite3"
        shutil.copyfile(self._template(seeded), path)
        return replace(self.settings, database_url=f"sqlite:///{path}")

    def drop(self, settings: Settings) -> None:
        database = make_url(settings.database_url).database
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgresFactory:
    """Each test gets a database cloned from a template database on the server."""

    def __init__(self, url: str, settings: Settings):
        self.url = make_url(url).set(drivername="postgresql+psycopg")
        self.settings = settings
        self.prefix = f"kbt_{uuid.uuid4().hex[:8]}"
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.templates: dict[str, str] = {}
        self.created: list[str] = []
        self.counter = itertools.count()

    def _url(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def _create(self, name: str, template: str | None = None) -> None:
        with self.admin.connect() as c:
            # FILE_COPY: the default WAL_LOG strategy makes each later DROP DATABASE take a second.
            suffix = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
            c.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
        self.created.append(name)

    def _template(self, seeded: bool) -> str:
        key = "seeded" if seeded else "migrated"
        if key not in self.templates:
            name = f"{self.prefix}_{key}"
            self._create(name)
            settings = replace(self.settings, database_url=self._url(name))
            engine = make_engine(settings)
            upgrade(engine)
            engine.dispose()
            if seeded:
                _seed(settings)
            self.templates[key] = name
        return self.templates[key]

    def new(self, seeded: bool) -> Settings:
        template = self._template(seeded)
        name = f"{self.prefix}_{next(self.counter)}"
        self._create(name, template)
        return replace(self.settings, database_url=self._url(name))

    def drop(self, settings: Settings) -> None:
        name = make_url(settings.database_url).database
        with self.admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if name in self.created:
            self.created.remove(name)

    def close(self) -> None:
        with self.admin.connect() as c:
            for name in reversed(self.created):
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


def make_factory(root: Path):
    settings = base_settings(root)
    url = os.environ.get(TEST_URL_VARIABLE)
    if url and not url.startswith("sqlite"):
        return PostgresFactory(url, settings)
    return SqliteFactory(root, settings)
