"""A JSON export is lossless: load it into an empty database and export again, and it is the same."""

import json

import pytest
from sqlalchemy import func, select

from kb.models import Claim
from kb.transfer import LoadError, export_data, export_json, load_data


def test_export_load_export_round_trip(seeded_engine, engine):
    with seeded_engine.connect() as c:
        first = export_json(c)
    with engine.begin() as c:
        load_data(c, json.loads(first))
    with engine.connect() as c:
        second = export_json(c)
    assert json.loads(first)["claim"], "the seeded export should hold claims"
    assert first == second


def test_load_refuses_a_non_empty_database(seeded_engine):
    with seeded_engine.connect() as c:
        dump = export_data(c)
    with pytest.raises(LoadError, match="not empty"), seeded_engine.begin() as c:
        load_data(c, json.loads(json.dumps(dump)))


def test_broken_dump_loads_nothing(seeded_engine, engine):
    with seeded_engine.connect() as c:
        dump = json.loads(export_json(c))
    dump["claim"][-1]["subject_id"] = 10**9  # a dangling foreign key, found late in the load
    with pytest.raises(LoadError, match="claim"):
        with engine.begin() as c:
            load_data(c, dump)
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(Claim)).scalar_one() == 0


@pytest.mark.parametrize("dump, message", [
    ([], "not a kb JSON export"),
    ({"kb_export": 1, "nonsense": []}, "unknown tables"),
    ({"kb_export": 1, "entity": [{"id": 1, "kind": "lab", "shoe_size": 3}]}, "unknown columns"),
    ({"kb_export": 1, "source": [{"id": 1, "title": "t", "published": "yesterday"}]}, "ISO date"),
])
def test_malformed_dumps_are_named(engine, dump, message):
    with pytest.raises(LoadError, match=message), engine.begin() as c:
        load_data(c, dump)
