"""Extraction on articles in styles kb was not built on, annotated by hand: a press release wrapped
at 80 columns, an interview full of pronouns, a comparison page with a transposed table, an
encyclopedic page with dates and two currencies, and an HTML price table with footnote marks. A figure counts only with its subject, attribute
and value all right."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from kb.config import Settings
from kb.figures import find_quantities
from kb.ingest.reader import read_document
from kb.nlp.attributes import AttributeCatalog, AttributeInfo
from kb.nlp.entities import EntityIndex, EntityInfo
from kb.nlp.extract import extract
from kb.seeds import read_seed_files

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
FLOOR = 0.85
# kind, slug, name, parent slug, aliases: companies and products the fixtures invent. Arden-2 is
# left out on purpose, with a look-alike Arden-1 in: its figures must not land on Arden-1.
ENTITIES = [
    ("lab", "norvale-ai", "Norvale AI", None, ["Norvale"]),
    ("model", "norvale-7", "Norvale-7", "norvale-ai", ["Norvale 7"]),
    ("lab", "tessera-systems", "Tessera Systems", None, ["Tessera"]),
    ("chip", "tessera-t9", "Tessera T9", "tessera-systems", ["T9"]),
    ("lab", "quill-labs", "Quill Labs", None, ["Quill"]),
    ("model", "quill-nova", "Quill Nova", "quill-labs", []),
    ("lab", "arden-research", "Arden Research", None, ["Arden"]),
    ("model", "arden-1", "Arden-1", "arden-research", ["Arden 1"]),
    ("lab", "halvard-robotics", "Halvard Robotics", None, ["Halvard"]),
    ("product", "halvard-h1", "Halvard H1", "halvard-robotics", ["H1"]),
    ("product", "halvard-g2", "Halvard G2", "halvard-robotics", ["G2"]),
]


def vocabulary() -> tuple[EntityIndex, AttributeCatalog]:
    seeds = read_seed_files(Settings().seeds_dir)
    attributes = [AttributeInfo(i, d["name"], d["dimension"], d["unit"], d["label"],
                                d.get("description", ""), tuple(d.get("synonyms", ())))
                  for i, d in enumerate((r.data for r in seeds.attributes), 1)]
    ids: dict[str, int] = {}
    infos, aliases = [], []
    for i, (kind, slug, name, parent, names) in enumerate(ENTITIES, 1000):
        ids[slug] = i
        infos.append(EntityInfo(i, kind, slug, name, ids[parent] if parent else None))
        aliases.extend((i, alias) for alias in names)
    return EntityIndex.build(infos, aliases), AttributeCatalog.build(attributes)


def _value(text: str) -> tuple[float, float]:
    """The value a figure's text states, and how far off a proposal's may be (a day for dates)."""
    if text.isdigit() and len(text) == 4:  # a year, read as its first day (as the parser does)
        return float(date(int(text), 1, 1).toordinal()), 0.5
    (_, _, figure), = find_quantities(text, include_dates=True)
    return figure.low, 0.5 if figure.unit == "date" else 0.01 * abs(figure.low)


def _right(p, subject: str, attribute: str, value: tuple[float, float], refs: dict[int, str]) -> bool:
    if refs[p.subject_id] != subject or p.figure is None or p.figure.low is None:
        return False
    if attribute.startswith("new:"):
        named = p.attribute.proposed and p.attribute.label.lower() == attribute[4:]
    else:
        named = p.attribute.name in attribute.split("|")
    return named and abs(p.figure.low - value[0]) <= value[1]


def test_new_styles_give_their_figures_with_subject_attribute_and_value():
    entities, attributes = vocabulary()
    refs = {i: e.ref for i, e in entities.entities.items()}
    expected = tomllib.loads((FIXTURES / "expected.toml").read_text())["figure"]
    proposals = {f: extract(read_document((FIXTURES / f).read_bytes(), name=f).text, entities=entities,
                            attributes=attributes).proposals
                 for f in {e["file"] for e in expected}}
    right, missed = 0, []
    for e in expected:
        value = _value(e["value"])
        if any(_right(p, e["subject"], e["attribute"], value, refs) for p in proposals[e["file"]]):
            right += 1
        else:
            near = [f"{refs[p.subject_id]} {p.attribute.label} {p.figure.text!r}" for p in proposals[e["file"]]
                    if p.figure is not None and p.figure.low and abs(p.figure.low - value[0]) <= value[1]]
            missed.append(f"{e['file']}: {e['subject']} {e['attribute']} {e['value']} -> {near or 'nothing'}")
    print(f"\nnew styles: {right}/{len(expected)} figures fully right")
    print("\n".join(missed))
    assert right / len(expected) >= FLOOR
    arden = [p for p in proposals["open_models_compared.md"] if refs[p.subject_id] == "model:arden-1"]
    assert arden == [], "a model kb lacks (Arden-2) lends no figure to its look-alike"
    release = proposals["norvale_press_release.txt"]
    assert not any(p.attribute.name == "publication_date" for p in release), "the date line is metadata"
