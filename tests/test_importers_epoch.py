"""Importing Epoch AI's CSVs: columns by name, per-row errors, entity resolution, safe re-imports."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import func, select

from kb.cli import main
from kb.config import PROJECT_ROOT
from kb.contradictions import contradictions_json
from kb.importers import DatasetError, import_epoch
from kb.models import Alias, Attribute, Citation, Claim, Entity, Event, Relation, Source
from kb.names import normalize_name

EPOCH = PROJECT_ROOT.parent / "shared" / "datasets" / "epoch"
MODEL_HEADER = ["Model", "Domain", "Organization", "Publication date", "Parameters",
                "Training compute (FLOP)", "Training compute notes", "Training hardware",
                "Hardware quantity", "Training compute cost (2023 USD)", "Confidence"]


def write_csv(path: Path, header, rows) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def model_row(name, org="Acme AI", params="7000000000.0", compute="1.2e+24", cost="", confidence="Likely",
              published="2024-05-01", hardware="", quantity="", notes=""):
    return [name, "Language", org, published, params, compute, notes, hardware, quantity, cost, confidence]


def claim(session, key):
    return session.exec(select(Claim).where(Claim.key == key)).one()


def entity(session, kind, name):
    return session.exec(select(Entity).join(Alias, Alias.entity_id == Entity.id).where(
        Entity.kind == kind, Alias.normalized == normalize_name(name))).first()


def test_rows_become_sources_claims_and_citations(session, tmp_path):
    path = write_csv(tmp_path / "notable_ai_models_2025-02-24.csv", MODEL_HEADER, [
        model_row("Alpha-1", org="Google DeepMind,Google", cost="5390000.0",
                  notes="Estimate over\ntwo lines, with \"quotes\"", hardware="NVIDIA H800 SXM5", quantity="2048.0"),
        model_row("Beta", params="", compute="", confidence=""),
    ])
    report = import_epoch(session=session, dataset="epoch-models", path=path)
    assert (report.rows, report.rows_imported, report.errors) == (2, 2, [])
    assert report.snapshot_date == date(2025, 2, 24)
    dataset = session.exec(select(Source).where(Source.key == "epoch-models")).one()
    assert (dataset.kind, dataset.publisher, dataset.license, dataset.snapshot_date) == (
        "dataset", "Epoch AI", "CC BY 4.0", date(2025, 2, 24))
    row = session.exec(select(Source).where(Source.key == "epoch-models:Alpha-1")).one()
    assert row.kind == "dataset_row" and row.derived_from_id == dataset.id and row.locator == "row 1"
    compute = claim(session, "epoch-models:Alpha-1:training_compute")
    assert (compute.low, compute.unit, compute.bound, compute.dataset_confidence) == (1.2e24, "FLOP", "approx", "Likely")
    assert compute.precision == 0.05e24
    cost = claim(session, "epoch-models:Alpha-1:training_cost")
    assert cost.scope == "training compute cost (2023 USD)" and cost.precision == 5000.0
    cite = session.exec(select(Citation).where(Citation.claim_id == cost.id)).one()
    assert (cite.source_id, cite.row, cite.column, cite.quote) == (
        row.id, 1, "Training compute cost (2023 USD)", "5390000.0")
    published = claim(session, "epoch-models:Alpha-1:publication_date")
    assert published.unit == "date" and date.fromordinal(int(published.low)) == date(2024, 5, 1)
    alpha = session.get(Entity, compute.subject_id)
    assert alpha.kind == "model" and alpha.parent_id == entity(session, "lab", "Google DeepMind").id
    assert entity(session, "lab", "Google") is not None
    assert report.created["lab"] == ["Google DeepMind", "Google", "Acme AI"] and "Alpha-1" in report.created["model"]
    chip = entity(session, "chip", "NVIDIA H800 SXM5")
    assert session.exec(select(Relation).where(Relation.subject_id == alpha.id,
                                               Relation.object_id == chip.id)).one().type == "trained_on_chip"
    # empty cells are no claims; nothing is invented for Beta's parameters
    assert session.exec(select(func.count()).select_from(Claim).where(Claim.key.startswith("epoch-models:Beta:"))).one() == 1
    assert session.exec(select(func.count()).select_from(Event).where(Event.action == "create")).one() == 6


def test_bad_rows_and_cells_are_reported_and_the_rest_kept(session, tmp_path):
    lines = [",".join(MODEL_HEADER),
             ",".join(model_row("Good")),
             ",".join(model_row("Garbled", params="7B?", compute="lots")),
             ",".join(model_row("", params="1.0")),
             ",".join(model_row("Short"))[:-12],
             ",".join(model_row("Long")) + ",extra,cells",
             ",".join(model_row("Good", params="8.0")),
             ",".join(model_row("Baddate", published="last spring"))]
    path = tmp_path / "models.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_epoch(session=session, dataset="epoch-models", path=path)
    text = "\n".join(report.errors)
    assert "row 2 (line 3), column 'Parameters': '7B?' is not a number" in text
    assert "column 'Training compute (FLOP)': 'lots' is not a number" in text
    assert "row 3 (line 4): no 'Model'" in text
    assert "row 4" in text and "the row is garbled" in text
    assert "row 5" in text and "more than the header" in text
    assert "row 6" in text and "appears twice" in text
    assert "'last spring' is not a date" in text
    assert report.rows == 7 and report.rows_imported == 3
    # the garbled row's good cells are still imported
    assert claim(session, "epoch-models:Garbled:publication_date")
    assert claim(session, "epoch-models:Good:parameters_total").low == 7e9


def test_whole_file_problems_write_nothing(session, tmp_path):
    bad_header = write_csv(tmp_path / "a.csv", ["Name", "Organization"], [["x", "y"]])
    with pytest.raises(DatasetError, match="missing column"):
        import_epoch(session=session, dataset="epoch-models", path=bad_header)
    latin = tmp_path / "b.csv"
    latin.write_bytes("Model,Organization\nCaf\xe9,X\n".encode("latin-1"))
    with pytest.raises(DatasetError, match="not UTF-8"):
        import_epoch(session=session, dataset="epoch-models", path=latin)
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(DatasetError, match="empty file"):
        import_epoch(session=session, dataset="epoch-models", path=tmp_path / "empty.csv")
    with pytest.raises(DatasetError, match="no such file"):
        import_epoch(session=session, dataset="epoch-models", path=tmp_path / "nope.csv")
    assert session.exec(select(func.count()).select_from(Claim)).one() == 0


def test_columns_are_read_by_name_in_any_order(session, tmp_path):
    order = list(reversed(MODEL_HEADER))
    row = dict(zip(MODEL_HEADER, model_row("Gamma", params="123000000.0")))
    path = write_csv(tmp_path / "m.csv", order, [[row[h] for h in order]])
    import_epoch(session=session, dataset="epoch-models", path=path)
    assert claim(session, "epoch-models:Gamma:parameters_total").low == 1.23e8


def test_organizations_resolve_through_aliases_and_near_misses(session, tmp_path):
    moonshot = Entity(kind="lab", slug="moonshot-ai", name="Moonshot AI")
    meta = Entity(kind="lab", slug="meta", name="Meta")
    session.add_all([moonshot, meta])
    session.flush()
    session.add(Alias(entity_id=moonshot.id, name="Moonshot AI", normalized=normalize_name("Moonshot AI")))
    session.add(Alias(entity_id=meta.id, name="Meta", normalized="meta"))
    session.flush()
    path = write_csv(tmp_path / "m.csv", MODEL_HEADER, [
        model_row("K1", org="MOONSHOT-AI"), model_row("K2", org="Moonshoot AI"),
        model_row("L1", org="Meta AI"), model_row("Q", org="Qwen Team 2")])
    report = import_epoch(session=session, dataset="epoch-models", path=path)
    parents = {name: session.get(Entity, claim(session, f"epoch-models:{name}:parameters_total").subject_id).parent_id
               for name in ("K1", "K2", "L1", "Q")}
    assert parents["K1"] == parents["K2"] == moonshot.id and parents["L1"] == meta.id
    assert report.near_misses == [("Moonshoot AI", "Moonshot AI", report.near_misses[0][2])]
    assert report.created["lab"] == ["Qwen Team 2"]


def test_reimport_updates_changed_figures_and_adds_rows_without_duplicates(session, tmp_path):
    first = write_csv(tmp_path / "notable_ai_models_2025-02-24.csv", MODEL_HEADER,
                      [model_row("Alpha", params="7000000000.0"), model_row("Beta")])
    import_epoch(session=session, dataset="epoch-models", path=first)
    count = session.exec(select(func.count()).select_from(Claim)).one()
    again = import_epoch(session=session, dataset="epoch-models", path=first)
    assert (again.claims_created, again.claims_updated) == (0, 0)
    assert session.exec(select(func.count()).select_from(Claim)).one() == count
    newer = write_csv(tmp_path / "notable_ai_models_2025-06-01.csv", MODEL_HEADER,
                      [model_row("Gamma"), model_row("Alpha", params="8000000000.0"), model_row("Beta")])
    report = import_epoch(session=session, dataset="epoch-models", path=newer)
    assert (report.claims_created, report.claims_updated) == (3, 1)
    alpha = claim(session, "epoch-models:Alpha:parameters_total")
    assert alpha.low == 8e9 and alpha.version == 2
    [edit] = session.exec(select(Event).where(Event.object_id == alpha.id, Event.action == "edit")).all()
    assert edit.before["low"] == 7e9 and edit.after["low"] == 8e9
    assert session.exec(select(Source).where(Source.key == "epoch-models:Alpha")).one().locator == "row 2"
    assert session.exec(select(func.count()).select_from(Entity).where(Entity.kind == "model")).one() == 3
    with pytest.raises(DatasetError, match="older than"):
        import_epoch(session=session, dataset="epoch-models", path=first)


def test_hardware_names_resolve_to_chips(session, tmp_path):
    nvidia = Entity(kind="lab", slug="nvidia", name="Nvidia")
    session.add(nvidia)
    session.flush()
    h800 = Entity(kind="chip", slug="nvidia-h800", name="Nvidia H800", parent_id=nvidia.id)
    h100 = Entity(kind="chip", slug="nvidia-h100", name="Nvidia H100", parent_id=nvidia.id)
    session.add_all([h800, h100])
    session.flush()
    session.add_all([Alias(entity_id=h800.id, name="H800", normalized="h800"),
                     Alias(entity_id=h100.id, name="H100", normalized="h100"),
                     Alias(entity_id=nvidia.id, name="NVIDIA", normalized="nvidia")])
    session.flush()
    header = ["Hardware name", "Manufacturer", "Release date", "Tensor-FP16/BF16 performance (FLOP/s)",
              "FP16 (half precision) performance (FLOP/s)", "TDP (W)", "Last modified"]
    path = write_csv(tmp_path / "ml_hardware.csv", header, [
        ["NVIDIA H800 SXM5", "NVIDIA", "2023-03-21", "989000000000000.0", "", "700.0", "2025-10-28 19:12:08+00:00"],
        ["NVIDIA H100 PCIe", "NVIDIA", "2022-09-20", "756000000000000.0", "", "350.0", "2025-11-13 14:52:16+00:00"],
        ["NVIDIA H100 SXM5 80GB", "NVIDIA", "2022-09-20", "989000000000000.0", "", "700.0", "2025-11-14 18:27:23+00:00"],
        ["Old GPU", "NVIDIA", "2010-01-01", "", "1000000000000.0", "", "2025-01-01 00:00:00+00:00"],
    ])
    report = import_epoch(session=session, dataset="epoch-hardware", path=path)
    assert report.snapshot_date == date(2025, 11, 14) and report.errors == []
    fp16 = claim(session, "epoch-hardware:NVIDIA H800 SXM5:flops_fp16")
    assert fp16.subject_id == h800.id and fp16.low == 9.89e14
    # two H100 boards are two chips, neither of them the H100 family entity
    pcie = claim(session, "epoch-hardware:NVIDIA H100 PCIe:tdp").subject_id
    sxm = claim(session, "epoch-hardware:NVIDIA H100 SXM5 80GB:tdp").subject_id
    assert len({pcie, sxm, h100.id}) == 3
    assert session.get(Entity, pcie).parent_id == nvidia.id
    # ...each linked to the chip it is a board of, once, however often the file is imported
    import_epoch(session=session, dataset="epoch-hardware", path=path)
    variants = session.exec(select(Relation.subject_id, Relation.object_id)
                            .where(Relation.type == "variant_of")).all()
    assert sorted(variants) == sorted([(pcie, h100.id), (sxm, h100.id)])
    # no tensor units: the plain FP16 column stands in, and the citation says which column
    old = claim(session, "epoch-hardware:Old GPU:flops_fp16")
    cite = session.exec(select(Citation).where(Citation.claim_id == old.id)).one()
    assert cite.column == "FP16 (half precision) performance (FLOP/s)"
    assert session.exec(select(Attribute).where(Attribute.name == "flops_fp16")).one().unit == "FLOP/s"


def test_cli_shows_progress_and_a_summary(settings, monkeypatch, capsys, tmp_path):
    path = write_csv(tmp_path / "m.csv", MODEL_HEADER, [model_row("Alpha"), model_row("Beta", params="x")])
    monkeypatch.setenv("KB_DATABASE_URL", settings.database_url)
    assert main(["import-dataset", "epoch-models", str(path)]) == 0
    out = capsys.readouterr()
    assert "2 of 2 rows imported" in out.out and "new model entities (2)" in out.out
    assert "epoch-models: 2/2 rows" in out.err and "'x' is not a number" in out.err
    assert main(["import-dataset", "epoch-models", str(tmp_path / "missing.csv")]) == 1
    assert "no such file" in capsys.readouterr().err


@pytest.mark.slow
def test_both_real_files_import_completely_twice_and_join_the_checks(seeded_session):
    models = EPOCH / "notable_ai_models_2025-02-24.csv"
    hardware = EPOCH / "ml_hardware.csv"
    first = import_epoch(session=seeded_session, dataset="epoch-models", path=models)
    chips = import_epoch(session=seeded_session, dataset="epoch-hardware", path=hardware)
    assert first.rows == first.rows_imported == 895 and first.errors == []
    assert chips.rows == chips.rows_imported == 169 and chips.errors == []
    total = seeded_session.exec(select(func.count()).select_from(Claim)).one()
    again = import_epoch(session=seeded_session, dataset="epoch-models", path=models)
    again_chips = import_epoch(session=seeded_session, dataset="epoch-hardware", path=hardware)
    assert again.claims_created == again.claims_updated == again_chips.claims_created == 0
    assert seeded_session.exec(select(func.count()).select_from(Claim)).one() == total
    v3 = claim(seeded_session, "epoch-models:DeepSeek-V3:training_cost")
    assert v3.subject_id == seeded_session.exec(select(Entity.id).where(Entity.slug == "deepseek-v3")).one()
    assert v3.dataset_confidence == "Confident"
    in_groups = {c["id"] for g in contradictions_json(session=seeded_session) for c in g["claims"]}
    assert v3.id in in_groups
    h800 = claim(seeded_session, "epoch-hardware:NVIDIA H800 SXM5:flops_fp16")
    assert h800.subject_id == seeded_session.exec(select(Entity.id).where(Entity.slug == "nvidia-h800")).one()
