"""The curated seeds load cleanly, idempotently, and refuse malformed files with file and line."""

import shutil
from dataclasses import replace

import pytest
from sqlalchemy import func
from sqlmodel import select

from kb.config import PROJECT_ROOT
from kb.models import Alias, Attribute, Citation, Claim, Entity, Relation, Source
from kb.names import normalize_name
from kb.seeds import SeedError, load_seeds

TABLES = (Attribute, Source, Entity, Alias, Relation, Claim, Citation)


def _counts(session):
    return {t.__name__: session.exec(select(func.count()).select_from(t)).one() for t in TABLES}


def test_seeding_twice_changes_nothing(settings, session):
    first = load_seeds(session=session, settings=settings)
    session.commit()
    counts = _counts(session)
    second = load_seeds(session=session, settings=settings)
    session.commit()
    assert first.changed and not second.changed
    assert _counts(session) == counts


def test_the_seeded_knowledge_base_holds_both_epoch_datasets(seeded_session):
    def rows(dataset):
        parent = seeded_session.exec(select(Source).where(Source.key == dataset)).one()
        assert parent.license == "CC BY 4.0" and parent.publisher == "Epoch AI"
        return seeded_session.exec(select(func.count()).select_from(Source).where(
            Source.derived_from_id == parent.id)).one()
    assert (rows("epoch-models"), rows("epoch-hardware")) == (895, 169)
    v3 = seeded_session.exec(select(Entity).where(Entity.kind == "model", Entity.slug == "deepseek-v3")).one()
    costs = seeded_session.exec(select(Claim).join(Attribute).where(
        Claim.subject_id == v3.id, Attribute.name == "training_cost")).all()
    keys = {c.key.split(":")[0] for c in costs}
    assert "epoch-models" in keys and len(keys) > 1  # Epoch's figure beside the articles'


def test_seeding_without_datasets_leaves_them_out(settings, session):
    load_seeds(session=session, settings=settings, datasets=False)
    assert session.exec(select(Source).where(Source.key == "epoch-models")).first() is None


def test_every_citation_quote_is_anchored_in_its_source_text(seeded_session):
    rows = seeded_session.exec(select(Citation, Source).join(Source).where(
        Source.kind.not_in(["dataset", "dataset_row"]))).all()
    assert rows
    for citation, source in rows:
        assert source.text is not None, f"source {source.key} has no text"
        assert source.text[citation.start:citation.end] == citation.quote
        assert source.text[:citation.start].endswith(citation.prefix)
        assert source.text[citation.end:].startswith(citation.suffix)


def test_summary_is_derived_from_the_article(seeded_session):
    summary = seeded_session.exec(select(Source).where(Source.key == "000")).one()
    article = seeded_session.exec(select(Source).where(Source.key == "001")).one()
    assert summary.derived_from_id == article.id


@pytest.fixture
def seeds_copy(tmp_path, settings):
    target = tmp_path / "seeds"
    shutil.copytree(PROJECT_ROOT / "seeds", target)
    return target, replace(settings, seeds_dir=target)


def test_toml_syntax_error_names_file_and_line(seeds_copy, session):
    target, settings = seeds_copy
    (target / "entities" / "zz-broken.toml").write_text('[[entity]]\nkind = "lab"\nslug = \n')
    with pytest.raises(SeedError, match=r"zz-broken\.toml.*line 3"):
        load_seeds(session=session, settings=settings)


def test_unknown_reference_names_file_and_line(seeds_copy, session):
    target, settings = seeds_copy
    (target / "claims" / "zz-bad.toml").write_text(
        '# a claim about an entity nobody defined\n\n'
        '[[claim]]\nkey = "zz-1"\nsource = "001"\nsubject = "lab:nobody"\n'
        'attribute = "training_cost"\nstatement = "x"\nquote = "x"\n'
    )
    with pytest.raises(SeedError) as info:
        load_seeds(session=session, settings=settings)
    assert any("zz-bad.toml:3" in p and "lab:nobody" in p for p in info.value.problems)
    assert _counts(session)["Entity"] == 0, "nothing may be written when seeds are malformed"


def test_misplaced_quote_is_refused(seeds_copy, session):
    target, settings = seeds_copy
    (target / "claims" / "zz-quote.toml").write_text(
        '[[claim]]\nkey = "zz-2"\nsource = "003"\nsubject = "model:deepseek-v3"\n'
        'attribute = "training_cost"\nstatement = "x"\nquote = "These words are not in the article."\n'
    )
    with pytest.raises(SeedError, match="zz-quote.toml:1.*not found"):
        load_seeds(session=session, settings=settings)


def test_aliases_resolve_surface_forms(seeded_session):
    def entity_for(name):
        return seeded_session.exec(
            select(Entity).join(Alias).where(Alias.normalized == normalize_name(name))
        ).first()

    assert entity_for("Z.ai").slug == entity_for("Zhipu AI").slug == "zhipu-ai"
    assert entity_for("Ant Financial").slug == "ant-group"
    assert entity_for("DeepSeek V2").slug == entity_for("DeepSeek-V2").slug == "deepseek-v2"
    assert entity_for("Moonshot AI").slug == entity_for("MoonshotAI").slug == "moonshot-ai"


def test_seeds_hold_the_articles_figures(seeded_session):
    claims = seeded_session.exec(select(Claim)).all()
    with_figure = [c for c in claims if c.has_figure]
    assert len(with_figure) > 150
    verify = [c for c in claims if c.status == "needs_verification"]
    assert len(verify) == 3
    quotes = seeded_session.exec(
        select(Citation.quote).where(Citation.claim_id.in_([c.id for c in verify]))
    ).all()
    assert all("[VERIFY]" in q for q in quotes)


def test_deepseek_training_costs_from_both_articles(seeded_session):
    rows = seeded_session.exec(
        select(Claim, Entity, Source)
        .join(Entity, Entity.id == Claim.subject_id)
        .join(Attribute, Attribute.id == Claim.attribute_id)
        .join(Citation, Citation.claim_id == Claim.id)
        .join(Source, Source.id == Citation.source_id)
        .where(Attribute.name == "training_cost")
    ).all()
    found = {(e.slug, s.key, c.low) for c, e, s in rows}
    assert ("deepseek-v3", "003", 5_500_000) in found
    assert ("deepseek", "002", 5_800_000) in found
