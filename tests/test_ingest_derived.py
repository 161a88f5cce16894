"""A ratio an article states against another entity is linked on ingest to the figures it divides,
and checked against them once accepted, as the seeded derivations are."""

from __future__ import annotations

from sqlmodel import Session, select

from kb.ingest import SourceMeta, ingest_bytes
from kb.models import Claim, Contradiction, ContradictionMember, Derivation
from kb.services import review
from tests.ingest_kb import add_small_kb


def _ingest(session: Session, ratio: str) -> dict[str, Claim]:
    ids = add_small_kb(session)
    text = (f"Acme-3 charges $0.20 per million input tokens. Beta Pro charges $1.60 per million input "
            f"tokens, {ratio} dearer than Acme-3.")
    result = ingest_bytes(session=session, data=text.encode(), name="a.txt", meta=SourceMeta(), actor_id=None)
    session.commit()
    claims = {c.figure_text: c for c in review.proposals_of(session=session, source_id=result.source_id)}
    assert ids  # the knowledge base the article is read against
    return claims


def test_the_ratio_is_linked_to_the_prices_it_divides(session):
    claims = _ingest(session, "about 8 times")
    ratio = claims["about 8 times"]
    (link,) = session.exec(select(Derivation).where(Derivation.claim_id == ratio.id)).all()
    assert session.get(Claim, link.numerator_id).figure_text == "$1.60 per million input tokens"
    assert session.get(Claim, link.denominator_id).figure_text == "$0.20 per million input tokens"
    assert ratio.method == "derived"


def test_a_ratio_its_operands_do_not_give_is_flagged_once_accepted(session):
    claims = _ingest(session, "about three times")
    for claim in claims.values():
        review.accept(session=session, claim_id=claim.id, base_version=claim.version, actor_id=None)
    session.commit()
    ratio = claims["about three times"]
    flagged = session.exec(select(Contradiction).join(ContradictionMember,
                                                      ContradictionMember.contradiction_id == Contradiction.id)
                           .where(ContradictionMember.claim_id == ratio.id)).all()
    assert [c.kind for c in flagged] == ["derived"]


def test_a_ratio_its_operands_give_raises_nothing(session):
    claims = _ingest(session, "about 8 times")
    for claim in claims.values():
        review.accept(session=session, claim_id=claim.id, base_version=claim.version, actor_id=None)
    session.commit()
    assert session.exec(select(Contradiction).where(Contradiction.kind == "derived")).all() == []
