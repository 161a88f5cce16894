"""Contradiction groups in the database: detection, incremental updates, resolution, confidence."""

import json
import random

import pytest
from sqlmodel import select

from kb.cli import main
from kb.contradictions import (
    ResolutionError, comparability_notes, contradictions_json, open_groups_by_claim, recheck_all,
    resolve_contradiction, update_for_claims,
)
from kb.models import (
    Attribute, Citation, Claim, Contradiction, ContradictionMember, Derivation, Entity, Event, Source,
)


class KB:
    """Small factories for one test's knowledge base."""

    def __init__(self, session):
        self.session = session
        self.attributes = {}
        self.n = 0

    def entity(self, slug, kind="model", parent=None):
        e = Entity(kind=kind, slug=slug, name=slug.title(), parent_id=parent.id if parent else None)
        self.session.add(e)
        self.session.flush()
        return e

    def source(self, key, kind="article", derived_from=None):
        s = Source(key=key, title=f"Source {key}", kind=kind,
                   derived_from_id=derived_from.id if derived_from else None)
        self.session.add(s)
        self.session.flush()
        return s

    def attribute(self, name="training_cost", unit="USD", dimension="currency"):
        if name not in self.attributes:
            a = Attribute(name=name, label=name, dimension=dimension, unit=unit)
            self.session.add(a)
            self.session.flush()
            self.attributes[name] = a
        return self.attributes[name]

    def claim(self, subject, low, high=None, *, source, attribute="training_cost", unit="USD",
              bound="exact", precision=0.0, **extra):
        self.n += 1
        high = low if high is None and bound not in ("lower", "upper") else high
        c = Claim(subject_id=subject.id, attribute_id=self.attribute(attribute, unit).id,
                  statement=f"claim {self.n}", figure_text=f"{low}", low=low, high=high, unit=unit,
                  bound=bound, precision=precision, method="reported", **extra)
        self.session.add(c)
        self.session.flush()
        self.session.add(Citation(claim_id=c.id, source_id=source.id, quote=f"quote {self.n}"))
        self.session.flush()
        return c


@pytest.fixture
def kb(session):
    return KB(session)


def groups(session, **where):
    stmt = select(Contradiction)
    for k, v in where.items():
        stmt = stmt.where(getattr(Contradiction, k) == v)
    return session.exec(stmt.order_by(Contradiction.id)).all()


def members(session, group):
    return {m.claim_id: m.in_conflict for m in session.exec(
        select(ContradictionMember).where(ContradictionMember.contradiction_id == group.id))}


def events(session, group, action=None):
    stmt = select(Event).where(Event.object_type == "contradiction", Event.object_id == group.id)
    if action:
        stmt = stmt.where(Event.action == action)
    return session.exec(stmt).all()


def test_full_recheck_finds_a_conflict_and_a_second_run_changes_nothing(session, kb):
    model = kb.entity("v3")
    a = kb.claim(model, 5.5e6, precision=5e4, source=kb.source("a"))
    b = kb.claim(model, 5.8e6, precision=5e4, source=kb.source("b"))
    kb.claim(model, 5.52e6, precision=5e3, source=kb.source("c"))
    report = recheck_all(session=session)
    [group] = groups(session)
    assert report.created == 1 and report.open_groups == {"value": 1}
    assert group.kind == "value" and group.status == "open" and group.severity > 0
    assert members(session, group)[a.id] and members(session, group)[b.id]
    assert len(events(session, group, "detect")) == 1
    again = recheck_all(session=session)
    assert (again.created, again.updated, again.dissolved, again.confidences_changed) == (0, 0, 0, 0)
    assert len(session.exec(select(Event).where(Event.object_type == "contradiction")).all()) == 1


def test_json_shapes(session, kb):
    lab = kb.entity("deepseek", kind="lab")
    model = kb.entity("v3", parent=lab)
    kb.claim(model, 5.5e6, precision=5e4, source=kb.source("a"), scope="final run")
    kb.claim(model, 5.8e6, precision=5e4, source=kb.source("b"), asserted_by="Someone")
    recheck_all(session=session)
    [group] = contradictions_json(session=session)
    assert group["subject"] == {"kind": "model", "slug": "v3", "name": "V3"}
    assert group["attribute"] == "training_cost" and group["status"] == "open"
    claim = group["claims"][0]
    assert set(claim) == {"id", "subject", "attribute", "statement", "figure", "qualifiers", "status",
                          "rank", "confidence", "citations", "version"}
    assert claim["figure"] == {"low": 5.5e6, "high": 5.5e6, "unit": "USD", "bound": "exact", "text": "5500000.0"}
    assert claim["qualifiers"] == {"period": "", "scope": "final run", "asserted_by": "", "model": None}
    assert claim["citations"][0]["quote"].startswith("quote") and set(claim["citations"][0]) == {
        "source_id", "quote", "start", "end"}
    assert contradictions_json(session=session, status="resolved") == []
    json.dumps(group)


def test_new_and_edited_claims_update_only_their_groups(session, kb):
    model, other = kb.entity("v3"), kb.entity("other")
    src = kb.source("a")
    first = kb.claim(model, 10.0, source=src)
    kb.claim(other, 1.0, source=src)
    recheck_all(session=session)
    assert groups(session) == []
    second = kb.claim(model, 20.0, source=kb.source("b"))
    report = update_for_claims(session=session, claim_ids=[second.id])
    [group] = groups(session)
    assert report.created == 1 and report.buckets == 1 and group.active
    second.low = second.high = 10.0
    session.add(second)
    update_for_claims(session=session, claim_ids=[second.id])
    session.refresh(group)
    assert not group.active and len(events(session, group, "dissolve")) == 1
    second.low = second.high = 30.0
    session.add(second)
    update_for_claims(session=session, claim_ids=[second.id])
    session.refresh(group)
    assert group.active and group.status == "open" and set(members(session, group)) == {first.id, second.id}
    assert len(groups(session)) == 1


def test_moving_a_claim_to_another_subject_rechecks_the_group_it_left(session, kb):
    model, other = kb.entity("v3"), kb.entity("other")
    kb.claim(model, 10.0, source=kb.source("a"))
    moving = kb.claim(model, 20.0, source=kb.source("b"))
    recheck_all(session=session)
    moving.subject_id = other.id
    session.add(moving)
    update_for_claims(session=session, claim_ids=[moving.id])
    [group] = groups(session)
    assert not group.active


def test_resolution_is_kept_and_reopened_by_a_new_conflicting_claim(session, kb):
    model = kb.entity("v3")
    good = kb.claim(model, 5.5e6, precision=5e4, source=kb.source("a"))
    same = kb.claim(model, 5.5e6, precision=5e4, source=kb.source("a2"))
    bad = kb.claim(model, 5.8e6, precision=5e4, source=kb.source("b"))
    recheck_all(session=session)
    [group] = groups(session)
    resolve_contradiction(session=session, contradiction=group, preferred_claim_id=good.id,
                          status="resolved", note="the paper says 5.5M", actor_id=None)
    for c in (good, same, bad):
        session.refresh(c)
    assert (good.rank, same.rank, bad.rank) == ("preferred", "normal", "deprecated")
    assert "the paper says 5.5M" in bad.rank_reason
    assert group.status == "resolved" and group.preferred_claim_id == good.id
    recheck_all(session=session)
    session.refresh(group)
    assert group.status == "resolved" and group.active and bad.id in members(session, group)
    agreeing = kb.claim(model, 5.51e6, precision=5e3, source=kb.source("c"))
    update_for_claims(session=session, claim_ids=[agreeing.id])
    session.refresh(group)
    assert group.status == "resolved"
    newcomer = kb.claim(model, 7e6, precision=5e5, source=kb.source("d"))
    update_for_claims(session=session, claim_ids=[newcomer.id])
    session.refresh(group)
    assert group.status == "open" and newcomer.id in members(session, group)
    assert group.preferred_claim_id == good.id
    [reopen] = events(session, group, "reopen")
    assert reopen.from_status == "resolved" and str(newcomer.id) in reopen.note
    assert len(groups(session)) == 1


def test_explained_without_a_preferred_claim_deprecates_nothing(session, kb):
    model = kb.entity("v3")
    a = kb.claim(model, 1.0, source=kb.source("a"))
    kb.claim(model, 2.0, source=kb.source("b"))
    recheck_all(session=session)
    [group] = groups(session)
    with pytest.raises(ResolutionError):
        resolve_contradiction(session=session, contradiction=group, preferred_claim_id=None,
                              status="resolved", note="x", actor_id=None)
    with pytest.raises(ResolutionError):
        resolve_contradiction(session=session, contradiction=group, preferred_claim_id=999999,
                              status="resolved", note="x", actor_id=None)
    resolve_contradiction(session=session, contradiction=group, preferred_claim_id=None,
                          status="explained", note="different accounting", actor_id=None)
    session.refresh(a)
    assert a.rank == "normal" and group.status == "explained"
    assert recheck_all(session=session).reopened == 0
    session.refresh(group)
    assert group.status == "explained"


def test_ambiguous_subject_and_model_qualifier(session, kb):
    lab = kb.entity("deepseek", kind="lab")
    v2, v3 = kb.entity("v2", parent=lab), kb.entity("v3", parent=lab)
    lab_claim = kb.claim(lab, 5.8e6, precision=5e4, source=kb.source("a"))
    kb.claim(v2, 5.8e6, precision=5e4, source=kb.source("b"))
    v3_claim = kb.claim(v3, 5.5e6, bound="approx", precision=5e4, source=kb.source("c"))
    recheck_all(session=session)
    [group] = groups(session)
    assert group.kind == "ambiguous_subject" and group.subject_id == lab.id
    assert members(session, group) == {lab_claim.id: True, v3_claim.id: True, lab_claim.id + 1: False}
    # naming the model on the lab's claim makes it a claim about V2: nothing ambiguous is left
    lab_claim.model_id = v2.id
    session.add(lab_claim)
    update_for_claims(session=session, claim_ids=[lab_claim.id])
    session.refresh(group)
    assert not group.active and groups(session, active=True) == []


def test_a_derived_ratio_that_does_not_hold_is_flagged(session, kb):
    model = kb.entity("v2")
    src = kb.source("a")
    price = kb.claim(model, 0.14, source=src, attribute="price", unit="USD/Mtok", precision=0.005)
    gpt = kb.claim(kb.entity("gpt"), 5.0, source=src, attribute="price", unit="USD/Mtok", precision=0.005)
    ratio = kb.claim(model, 0.1, source=src, attribute="price_ratio", unit="x", precision=0.005)
    session.add(Derivation(claim_id=ratio.id, numerator_id=price.id, denominator_id=gpt.id))
    recheck_all(session=session)
    [group] = groups(session)
    assert group.kind == "derived" and set(members(session, group)) == {price.id, gpt.id, ratio.id}
    ratio.low = ratio.high = 0.0286
    session.add(ratio)
    update_for_claims(session=session, claim_ids=[ratio.id])
    session.refresh(group)
    assert not group.active


def test_authorities_in_one_source(session, kb):
    topic = kb.entity("chinese-models", kind="topic")
    src = kb.source("001")
    own = kb.claim(topic, 6.0, 8.0, bound="range", precision=0.5, source=src, attribute="lag", unit="month")
    deepseek = kb.claim(topic, 3.0, 6.0, bound="range", precision=0.5, source=src, attribute="lag",
                        unit="month", asserted_by="DeepSeek")
    caisi = kb.claim(topic, 8.0, precision=0.5, source=src, attribute="lag", unit="month", asserted_by="CAISI")
    recheck_all(session=session)
    kinds = {g.kind: g for g in groups(session)}
    assert set(kinds) == {"value", "authorities"} and kinds["authorities"].source_id == src.id
    # only the conflicting figures are marked on pages; the one that fits both is context
    marked = open_groups_by_claim(session=session, claim_ids=[own.id, deepseek.id, caisi.id])
    assert set(marked) == {deepseek.id, caisi.id} and len(marked[caisi.id]) == 2


def test_confidence_counts_independent_roots_once(session, kb):
    model = kb.entity("v3")
    article = kb.source("article")
    summary = kb.source("summary", kind="summary", derived_from=article)
    paper = kb.source("paper", kind="paper")
    a = kb.claim(model, 10.0, source=article)
    b = kb.claim(model, 10.0, source=summary)
    recheck_all(session=session)
    session.refresh(a)
    alone = a.confidence
    assert alone is not None and 0 < alone < 0.5
    c = kb.claim(model, 10.0, source=paper)
    update_for_claims(session=session, claim_ids=[c.id])
    session.refresh(a)
    session.refresh(b)
    assert a.confidence > alone and a.confidence == b.confidence


def test_different_currencies_are_noted_not_flagged(session, kb):
    model = kb.entity("qwen")
    kb.claim(model, 0.5, source=kb.source("a"), attribute="price", unit="USD/Mtok")
    kb.claim(model, 2.0, source=kb.source("b"), attribute="price", unit="CNY/Mtok")
    report = recheck_all(session=session)
    assert groups(session) == [] and len(report.notes) == 1
    [note] = comparability_notes(session=session, subject_id=model.id)
    assert "USD/Mtok" in note.reason and "CNY/Mtok" in note.reason


def test_incremental_updates_agree_with_a_full_recheck(session, kb):
    rng = random.Random(7)
    labs = [kb.entity(f"lab{i}", kind="lab") for i in range(3)]
    subjects = labs + [kb.entity(f"m{i}", parent=rng.choice(labs)) for i in range(6)]
    sources = [kb.source(f"s{i}") for i in range(4)]
    recheck_all(session=session)
    for _ in range(60):
        claim = kb.claim(rng.choice(subjects), rng.choice([1.0, 1.2, 2.0, 5.0]), precision=0.05,
                         source=rng.choice(sources), period=rng.choice(["", "", "2024", "2025"]),
                         asserted_by=rng.choice(["", "", "X", "Y"]),
                         attribute=rng.choice(["training_cost", "funding"]))
        update_for_claims(session=session, claim_ids=[claim.id])
    before = contradictions_json(session=session)
    report = recheck_all(session=session)
    assert (report.created, report.updated, report.dissolved, report.reopened) == (0, 0, 0, 0)
    assert report.confidences_changed == 0
    assert contradictions_json(session=session) == before and before


def test_cli_lists_groups_as_json(settings, monkeypatch, capsys, session, kb):
    model = kb.entity("v3")
    kb.claim(model, 1.0, source=kb.source("a"))
    kb.claim(model, 2.0, source=kb.source("b"))
    session.commit()
    monkeypatch.setenv("KB_DATABASE_URL", settings.database_url)
    assert main(["contradictions", "--json"]) == 0
    out = capsys.readouterr()
    [group] = json.loads(out.out)
    assert group["subject"]["slug"] == "v3" and len(group["claims"]) == 2
    assert "checked 2 claims" in out.err
    assert main(["contradictions"]) == 0
    assert "value model:v3 training_cost" in capsys.readouterr().out


def test_many_confidences_are_written_in_bulk(session, kb, monkeypatch):
    import kb.conflicts.bulk as bulk
    monkeypatch.setattr(bulk, "BULK", 5)
    model = kb.entity("v3")
    claims = [kb.claim(model, 10.0 + i * 0.001, precision=0.5, source=kb.source(f"s{i}")) for i in range(12)]
    report = recheck_all(session=session)
    assert report.confidences_changed == 12
    for c in claims:
        session.refresh(c)
    assert all(c.confidence and c.confidence > 0.9 for c in claims)
    assert recheck_all(session=session).confidences_changed == 0


def test_a_large_batch_of_claims_is_rechecked_once_each(session, kb, monkeypatch):
    import kb.conflicts.store as store
    monkeypatch.setattr(store, "CHUNK", 3)   # force several chunks of buckets
    subjects = [kb.entity(f"m{i}") for i in range(8)]
    src = kb.source("a")
    claims = [kb.claim(s, 1.0, source=src, attribute=attr) for s in subjects for attr in ("x", "y")]
    report = update_for_claims(session=session, claim_ids=[c.id for c in claims])
    assert report.claims == len(claims) and report.confidences_changed == len(claims)


def test_a_recheck_in_a_fresh_transaction_writes_confidences_while_it_reads(session, kb, monkeypatch):
    """PostgreSQL: a second connection reads the same snapshot while batches of confidences are written."""
    import kb.conflicts.overlap as overlap
    monkeypatch.setattr(overlap, "CHUNK", 2)
    batches = []
    put = overlap.ConfidenceWriter.put
    monkeypatch.setattr(overlap.ConfidenceWriter, "put", lambda self, ids, values: (
        batches.append(len(ids)), put(self, ids, values))[1])
    model = kb.entity("v3")
    claims = [kb.claim(model, 10.0 + i, source=kb.source(f"s{i}"), attribute=f"a{i}") for i in range(5)]
    session.commit()   # nothing written yet in the recheck's transaction: the snapshot can be shared
    report = recheck_all(session=session)
    session.commit()
    assert report.confidences_changed == 5
    assert all(session.get(type(c), c.id).confidence for c in claims)
    if session.get_bind().dialect.name == "postgresql":
        assert sum(batches) == 5 and len(batches) >= 3
    else:
        assert batches == []   # one connection: read first, then write
    assert recheck_all(session=session).confidences_changed == 0
    # a claim written in this transaction is invisible to a second connection: no shared snapshot
    kb.claim(model, 99.0, source=kb.source("late"), attribute="late")
    session.flush()
    with overlap.snapshot_reader(session.connection()) as reader:
        assert reader is None
    assert recheck_all(session=session).confidences_changed == 1


def test_a_failed_background_write_fails_the_recheck(session, kb, monkeypatch):
    import kb.conflicts.overlap as overlap
    if session.get_bind().dialect.name != "postgresql":
        with overlap.snapshot_reader(session.connection()) as reader:
            assert reader is None   # SQLite: one connection, nothing written in the background
        return
    monkeypatch.setattr(overlap, "_UPDATE", "UPDATE no_such_table SET x = %s WHERE y = %s")
    model = kb.entity("v3")
    kb.claim(model, 1.0, source=kb.source("a"))
    session.commit()
    with pytest.raises(Exception, match="no_such_table"):
        recheck_all(session=session)


def test_a_dated_conversion_rate_lets_two_currencies_be_compared(session, kb):
    from datetime import date
    from kb.services.errors import InvalidInput
    from kb.services.rates import record_rate
    model = kb.entity("qwen")
    usd = kb.claim(model, 0.5, source=kb.source("a"), attribute="price", unit="USD/Mtok")
    cny = kb.claim(model, 7.0, source=kb.source("b"), attribute="price", unit="CNY/Mtok", period="2025")
    fits = kb.claim(model, 3.6, source=kb.source("c"), attribute="price", unit="CNY/Mtok", period="2024")
    recheck_all(session=session)
    assert groups(session) == []
    # 7.0 per USD: ¥7 is $1, which $0.5 contradicts; the 2024 figure has no 2024 rate, so stays apart
    record_rate(session, currency="cny", dated=date(2025, 6, 30), rate=7.0)
    [group] = contradictions_json(session=session)
    assert set(group["conflicting"]) == {usd.id, cny.id}
    assert "7 CNY per USD on 2025-06-30" in group["summary"]
    [note] = comparability_notes(session=session, subject_id=model.id)
    assert note.claim_ids == sorted([usd.id, fits.id]) and "for their date" in note.reason
    # a 2024 rate converts the 2024 figure (¥3.6 at 7.2 is $0.5: consistent); a full recheck agrees
    record_rate(session, currency="CNY", dated=date(2024, 3, 1), rate=7.2)
    assert comparability_notes(session=session, subject_id=model.id) == []
    before = contradictions_json(session=session)
    assert recheck_all(session=session).created == 0 and contradictions_json(session=session) == before
    # bad input is refused whole
    for bad in ({"currency": "USD", "rate": 1.0}, {"currency": "XYZ", "rate": 1.0},
                {"currency": "EUR", "rate": 0.0}, {"currency": "EUR", "rate": float("nan")}):
        with pytest.raises(InvalidInput):
            record_rate(session, dated=date(2025, 1, 1), **bad)


def test_add_rate_command(settings, monkeypatch, capsys, session, kb):
    model = kb.entity("qwen")
    kb.claim(model, 0.5, source=kb.source("a"), attribute="price", unit="USD/Mtok")
    kb.claim(model, 7.0, source=kb.source("b"), attribute="price", unit="CNY/Mtok")
    session.commit()
    monkeypatch.setenv("KB_DATABASE_URL", settings.database_url)
    assert main(["add-rate", "CNY", "2025-06-30", "7.1"]) == 0
    assert "CNY on 2025-06-30: 7.1 per USD" in capsys.readouterr().out
    assert main(["add-rate", "CNY", "30/06/2025", "7.1"]) == 1
    assert "not a date" in capsys.readouterr().err
    assert main(["add-rate", "CNY", "2025-06-30", "-1"]) == 1
    assert "rate" in capsys.readouterr().err
    assert main(["contradictions", "--json"]) == 0
    [group] = json.loads(capsys.readouterr().out)
    assert group["subject"]["slug"] == "qwen"


def test_the_entity_page_says_why_two_currencies_are_not_compared(session, kb):
    from datetime import date
    from kb.services.rates import record_rate
    from kb.web.contexts.entity import entity_page
    model = kb.entity("qwen")
    kb.claim(model, 0.5, source=kb.source("a"), attribute="price", unit="USD/Mtok")
    kb.claim(model, 7.0, source=kb.source("b"), attribute="price", unit="CNY/Mtok")
    recheck_all(session=session)
    [group] = entity_page(session, kind="model", slug="qwen").groups
    assert len(group.apart) == 1 and "CNY/Mtok and USD/Mtok are not compared" in group.apart[0]
    record_rate(session, currency="CNY", dated=date(2025, 1, 1), rate=14.0)   # ¥7 is $0.5: they agree
    [group] = entity_page(session, kind="model", slug="qwen").groups
    assert group.apart == [] and not group.conflicted
