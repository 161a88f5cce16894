"""An article in a style the extractor was not built on, against the seeded knowledge base: every
figure with its subject, attribute and value, and the contradictions it should and should not raise."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from kb.db import session_scope
from kb.ingest import SourceMeta, ingest_bytes
from kb.models import Attribute, Citation, Claim, Contradiction, ContradictionMember, Entity
from kb.services.review import accept

ARTICLE = Path(__file__).parent / "fixtures" / "articles" / "deepseek_second_look.md"
# (subject ref, attribute, low): the article's twelve figures as an editor would file them.
EXPECTED = [
    ("lab:deepseek", "founded", None),
    ("model:deepseek-v3", "hardware_quantity", 2048),  # the GPUs its training run used
    ("model:deepseek-v3", "training_cost", 7.2e6),
    ("model:deepseek-v3", "parameters_total", 671e9),
    ("model:deepseek-v3", "parameters_active", 37e9),
    ("lab:deepseek", "headcount", 160),
    ("lab:openai", "headcount", 3000),
    ("lab:deepseek", "capital_expenditure", 1.6e9),
    ("model:deepseek-v3", "input_price_per_mtok", 0.27),
    ("model:deepseek-v3", "output_price_per_mtok", 1.10),
    ("model:deepseek-v3", "api_traffic_growth", 40),
    ("lab:moonshot-ai", "price_cut", 30),
]


def _ingest(engine) -> list[tuple[Claim, str, str]]:
    """The claims the article's ingestion proposed: (claim, subject ref, attribute name)."""
    with session_scope(engine) as session:
        result = ingest_bytes(session=session, data=ARTICLE.read_bytes(), name=ARTICLE.name,
                              meta=SourceMeta(), actor_id=None)
    with Session(engine) as session:
        rows = session.exec(select(Claim, Entity, Attribute)
                            .join(Entity, Entity.id == Claim.subject_id)
                            .join(Attribute, Attribute.id == Claim.attribute_id)
                            .join(Citation, Citation.claim_id == Claim.id)
                            .where(Citation.source_id == result.source_id)).all()
        return [(c, f"{e.kind}:{e.slug}", a.name) for c, e, a in rows]


def test_the_unseen_article_gives_its_figures_right(seeded_engine):
    claims = _ingest(seeded_engine)
    got = {(ref, attribute, c.low) for c, ref, attribute in claims }
    right = [e for e in EXPECTED if any(
        g[:2] == e[:2] and (e[2] is None or (g[2] is not None and abs(g[2] - e[2]) <= 1e-6 * e[2]))
        for g in got)]
    print(f"\nunseen article: {len(right)}/{len(EXPECTED)} figures right; proposals: {sorted(got, key=str)}")
    assert len(right) >= 11
    assert not any(ref == "chip:nvidia-h800" for _, ref, _ in claims), "no figure lands on the chip"


def test_its_cost_conflicts_with_the_seeded_cost_and_its_capital_spending_joins_no_cost_group(seeded_engine):
    claims = _ingest(seeded_engine)
    cost = next(c for c, ref, a in claims if a == "training_cost" and c.low == 7.2e6)
    capex = next(c for c, ref, a in claims if c.low == 1.6e9)
    assert capex.status == "needs_verification"
    with session_scope(seeded_engine) as session:
        accept(session=session, claim_id=cost.id, base_version=cost.version, actor_id=None)
    with Session(seeded_engine) as session:
        groups = {m.contradiction_id for m in session.exec(
            select(ContradictionMember).where(ContradictionMember.claim_id == cost.id))}
        assert groups, "the article's $7.2M joins the seeded training-cost conflict of DeepSeek-V3"
        members = session.exec(select(Claim).join(ContradictionMember, ContradictionMember.claim_id == Claim.id)
                               .where(ContradictionMember.contradiction_id.in_(groups))).all()
        assert any(m.low is not None and 5.0e6 <= m.low <= 6.0e6 for m in members)
        capex_groups = session.exec(select(ContradictionMember).where(
            ContradictionMember.claim_id == capex.id)).all()
        assert capex_groups == []
        assert session.exec(select(Contradiction)).first() is not None
