"""Fixtures: a fresh database per test, on SQLite by default or PostgreSQL via KB_TEST_DATABASE_URL."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from kb.db import make_engine
from tests.dbs import make_factory


@pytest.fixture(scope="session")
def db_factory(tmp_path_factory):
    factory = make_factory(tmp_path_factory.mktemp("databases"))
    yield factory
    factory.close()


def _database(db_factory, seeded: bool):
    settings = db_factory.new(seeded=seeded)
    yield settings
    db_factory.drop(settings)


@pytest.fixture
def settings(db_factory):
    """Settings for a fresh, migrated, empty database."""
    yield from _database(db_factory, seeded=False)


@pytest.fixture
def seeded_settings(db_factory):
    """Settings for a fresh database holding the curated seeds."""
    yield from _database(db_factory, seeded=True)


def _engine(settings):
    engine = make_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(settings):
    yield from _engine(settings)


@pytest.fixture
def seeded_engine(seeded_settings):
    yield from _engine(seeded_settings)


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def seeded_session(seeded_engine):
    with Session(seeded_engine, expire_on_commit=False) as session:
        yield session
