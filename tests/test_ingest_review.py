"""Reviewing proposals: accept, corroborate, edit, reject, bulk accept, and the warnings shown."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from kb.ingest import SourceMeta, ingest_bytes
from kb.models import Citation, Claim, Event, Source
from kb.services import review
from kb.services.claims import ClaimFields
from kb.services.errors import InvalidInput
from kb.services.versioning import StaleEdit
from tests.accounts import make_user
from tests.ingest_kb import add_small_kb

ARTICLE = ("Acme-2 cost $5.8 million to train. Beta Labs raised $40 million in 2024. "
           "Acme AI employs some 300 engineers.")


@pytest.fixture
def setup(session: Session):
    ids = add_small_kb(session)
    editor = make_user(session, "editor")
    result = ingest_bytes(session=session, data=ARTICLE.encode(), name="a.txt", meta=SourceMeta(),
                          actor_id=editor.id)
    session.commit()
    proposals = {c.figure_text: c for c in review.proposals_of(session=session, source_id=result.source_id)}
    return ids, editor, result.source_id, proposals


def events(session: Session, claim_id: int) -> list[Event]:
    return session.exec(select(Event).where(Event.object_type == "claim", Event.object_id == claim_id)
                        .order_by(Event.id)).all()


def test_accept_makes_an_unverified_claim_with_an_event(session, setup):
    _, editor, _, proposals = setup
    claim = proposals["$5.8 million"]
    review.accept(session=session, claim_id=claim.id, base_version=claim.version, actor_id=editor.id)
    session.commit()
    session.refresh(claim)
    assert (claim.status, claim.version) == ("unverified", 2)
    last = events(session, claim.id)[-1]
    assert (last.action, last.actor_id, last.from_status, last.to_status) == (
        "accept", editor.id, "proposed", "unverified")
    with pytest.raises(InvalidInput, match="not a proposal"):
        review.accept(session=session, claim_id=claim.id, base_version=claim.version, actor_id=editor.id)


def test_a_stale_version_is_refused(session, setup):
    _, editor, _, proposals = setup
    claim = proposals["$40 million"]
    with pytest.raises(StaleEdit):
        review.accept(session=session, claim_id=claim.id, base_version=claim.version + 5, actor_id=editor.id)


def test_reject_keeps_the_claim_with_who_and_why(session, setup):
    _, editor, _, proposals = setup
    claim = proposals["some 300"]
    with pytest.raises(InvalidInput, match="say why"):
        review.reject(session=session, claim_id=claim.id, base_version=claim.version, actor_id=editor.id,
                      reason="  ")
    review.reject(session=session, claim_id=claim.id, base_version=claim.version, actor_id=editor.id,
                  reason="approximate headcount, not reported")
    session.commit()
    session.refresh(claim)
    assert claim.status == "rejected"
    last = events(session, claim.id)[-1]
    assert (last.action, last.actor_id, last.note) == ("reject", editor.id, "approximate headcount, not reported")


def test_edit_corrects_the_reading_and_keeps_it_a_proposal(session, setup):
    ids, editor, _, proposals = setup
    claim = proposals["$40 million"]
    fields = ClaimFields(subject_id=ids["lab:acme-ai"], attribute_id=ids["funding_raised"],
                         statement="Acme AI raised $45 million in 2024.", figure_text="$45 million",
                         period="2024", asserted_by="Acme AI")
    review.edit_proposal(session=session, claim_id=claim.id, base_version=claim.version, fields=fields,
                         actor_id=editor.id)
    session.commit()
    session.refresh(claim)
    assert (claim.subject_id, claim.low, claim.asserted_by, claim.status) == (
        ids["lab:acme-ai"], 45_000_000.0, "Acme AI", "proposed")


def test_accept_as_corroboration_adds_a_citation_to_the_existing_claim(session, setup):
    ids, editor, source_id, proposals = setup
    existing = Claim(subject_id=ids["model:acme-2"], attribute_id=ids["training_cost"],
                     statement="Acme-2 cost about $5.8M to train.", figure_text="$5.8M", low=5.8e6,
                     high=5.8e6, unit="USD", bound="exact", precision=5e4, status="unverified")
    session.add(existing)
    session.commit()
    claim = proposals["$5.8 million"]
    warnings = review.warnings_for(session=session, claims=[claim])[claim.id]
    assert [(w.kind, w.claim_id) for w in warnings] == [("duplicate", existing.id)]
    review.accept_as_corroboration(session=session, claim_id=claim.id, base_version=claim.version,
                                   target_id=existing.id, actor_id=editor.id)
    session.commit()
    cited = session.exec(select(Citation).where(Citation.claim_id == existing.id)).all()
    assert [(c.source_id, c.quote) for c in cited] == [(source_id, "Acme-2 cost $5.8 million to train.")]
    session.refresh(claim)
    assert claim.status == "rejected"
    assert f"corroboration of claim {existing.id}" in events(session, claim.id)[-1].note
    assert session.exec(select(Claim).where(Claim.status == "unverified")).all() == [existing]


def test_conflicting_and_similar_claims_are_flagged(session, setup):
    ids, _, _, proposals = setup
    session.add(Claim(subject_id=ids["lab:beta-labs"], attribute_id=ids["funding_raised"], period="2024",
                      statement="Beta Labs raised $90 million.", figure_text="$90 million", low=9e7,
                      high=9e7, unit="USD", bound="exact", precision=5e5, status="verified"))
    session.add(Claim(subject_id=ids["lab:beta-labs"], attribute_id=ids["funding_raised"], period="2023",
                      statement="Beta Labs raised $10 million.", figure_text="$10 million", low=1e7,
                      high=1e7, unit="USD", bound="exact", precision=5e5, status="unverified"))
    session.commit()
    claim = proposals["$40 million"]
    kinds = [w.kind for w in review.warnings_for(session=session, claims=[claim])[claim.id]]
    assert kinds == ["conflict"]  # the 2023 figure is another period, not a conflict


def test_bulk_accept_takes_only_confident_proposals_without_warnings(session, setup):
    ids, editor, source_id, proposals = setup
    for claim in proposals.values():
        claim.confidence = 0.9
    proposals["some 300"].confidence = 0.4
    session.add(Claim(subject_id=ids["lab:beta-labs"], attribute_id=ids["funding_raised"],
                      statement="Beta Labs raised $40 million.", figure_text="$40 million", low=4e7,
                      high=4e7, unit="USD", bound="exact", precision=5e5, status="unverified"))
    session.commit()
    accepted = review.bulk_accept(session=session, source_id=source_id, actor_id=editor.id)
    session.commit()
    assert accepted == [proposals["$5.8 million"].id]
    left = {c.figure_text for c in review.proposals_of(session=session, source_id=source_id)}
    assert left == {"$40 million", "some 300"}
    assert session.get(Source, source_id) is not None
