"""On the curated knowledge base: the conflicts a careful fact-checker finds, and no false alarms."""

import pytest
from sqlmodel import select

from kb.contradictions import contradictions_json, recheck_all
from kb.models import Claim


@pytest.fixture
def found(seeded_session):
    """Open groups as JSON, each with the seed keys of its conflicting and context claims."""
    keys = {c.id: c.key for c in seeded_session.exec(select(Claim))}
    out = []
    for g in contradictions_json(session=seeded_session, status="open"):
        g["conflict_keys"] = {keys[i] for i in g["conflicting"]}
        g["member_keys"] = {keys[c["id"]] for c in g["claims"]}
        out.append(g)
    return out


def _groups(found, kind, slug, attribute):
    return [g for g in found if g["kind"] == kind and g["subject"]["slug"] == slug
            and g["attribute"] == attribute]


def test_seeding_already_rechecked_and_a_recheck_changes_nothing(seeded_session, found):
    assert found
    report = recheck_all(session=seeded_session)
    assert (report.created, report.updated, report.dissolved, report.confidences_changed) == (0, 0, 0, 0)


def test_deepseek_training_cost_is_an_ambiguous_subject(found):
    [group] = _groups(found, "ambiguous_subject", "deepseek", "training_cost")
    assert {"002-deepseek-training-cost", "003-deepseek-v3-training-cost"} <= group["conflict_keys"]
    assert group["subject"]["kind"] == "lab"


def test_months_behind_the_frontier_conflict_including_between_authorities(found):
    [value] = _groups(found, "value", "chinese-ai-models", "lag_behind_frontier")
    assert {"001-chinese-models-lag-deepseek", "001-chinese-models-lag-caisi"} <= value["conflict_keys"]
    assert {"000-chinese-models-lag", "001-chinese-models-lag"} <= value["member_keys"]
    [authorities] = _groups(found, "authorities", "chinese-ai-models", "lag_behind_frontier")
    assert {"001-chinese-models-lag-deepseek", "001-chinese-models-lag-caisi"} <= authorities["conflict_keys"]
    assert "DeepSeek says" in authorities["summary"] and "CAISI says" in authorities["summary"]


def test_mla_memory_saving_conflicts(found):
    [group] = _groups(found, "value", "multi-head-latent-attention", "kv_cache_reduction")
    assert "001-mla-kv-cache-roughly-a-tenth" in group["conflict_keys"]
    assert {"001-mla-kv-cache-reduction-93", "001-mla-kv-cache-reduction-more-than-93"} & group["conflict_keys"]


def test_no_false_alarms(found):
    flagged = set().union(*(g["member_keys"] for g in found))
    # $12B in 2024 and $12.4B in 2025 are different years
    assert not {"002-chinese-ai-startups-funding-2024", "001-chinese-ai-startups-funding-2025"} & flagged
    # DeepSeek-V2's $0.14 and DeepSeek V4 Pro's $0.43 are different models
    assert not {"002-deepseek-v2-inference-price", "001-deepseek-v4-pro-input-price"} & flagged
    # "4-7x" and figures inside that range agree
    assert not _groups(found, "value", "chinese-ai-labs", "efficiency_multiplier")
    assert not any(g["kind"] == "derived" for g in found)


def test_every_seeded_claim_has_a_confidence(seeded_session):
    claims = seeded_session.exec(select(Claim)).all()
    assert claims and all(c.confidence is not None and 0 <= c.confidence <= 1 for c in claims)


def test_bulk_writes_store_what_row_by_row_writes_store(seeded_session, monkeypatch):
    """The COPY path a million-claim recheck takes (PostgreSQL) matches the statement-by-statement one."""
    from kb.conflicts import bulk
    from kb.models import Contradiction, ContradictionMember, Event

    def snapshot():
        groups = sorted((g.group_key, g.kind, g.severity, g.summary, g.status)
                        for g in seeded_session.exec(select(Contradiction)))
        members = sorted((m.contradiction_id, m.claim_id, m.in_conflict)
                         for m in seeded_session.exec(select(ContradictionMember)))
        confidences = sorted((c.id, c.confidence) for c in seeded_session.exec(select(Claim)))
        return groups, len(members), confidences

    before = snapshot()
    for model in (ContradictionMember, Contradiction):
        for row in seeded_session.exec(select(model)):
            seeded_session.delete(row)
        seeded_session.flush()
    for claim in seeded_session.exec(select(Claim)):
        claim.confidence = None
    seeded_session.flush()
    events = len(seeded_session.exec(select(Event).where(Event.object_type == "contradiction")).all())
    monkeypatch.setattr(bulk, "BULK", 1)
    report = recheck_all(session=seeded_session)
    seeded_session.expire_all()
    assert report.created == len(before[0]) and report.confidences_changed == len(before[2])
    assert snapshot() == before
    detected = seeded_session.exec(select(Event).where(Event.object_type == "contradiction",
                                                       Event.action == "detect").order_by(Event.id)).all()
    assert len(detected) - events >= report.created > 0
    assert all(isinstance(e.after, dict) and e.after["members"] for e in detected[-report.created:])
