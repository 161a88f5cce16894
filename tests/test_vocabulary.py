"""The attribute vocabulary grows: a figure no attribute fits gets a new attribute named from the
text, which an editor accepts, renames or maps onto an existing one; mapping teaches the phrase."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient
from sqlmodel import Session, select

from kb.ingest import SourceMeta, ingest_bytes
from kb.models import Attribute, Claim, Event
from kb.services import review, vocabulary
from kb.services.errors import InvalidInput
from kb.web.app import create_app
from tests.accounts import login, make_users
from tests.ingest_kb import add_small_kb

ARTICLE = "Acme-3 charges $0.20 per million input tokens, and its API traffic grew by 40% last quarter."


@pytest.fixture
def proposed(session: Session):
    """The small knowledge base with a revenue-growth attribute, and the article's new-attribute claim."""
    add_small_kb(session)
    session.add(Attribute(name="revenue_growth", label="Year-over-year revenue growth", dimension="percent", unit="%"))
    result = ingest_bytes(session=session, data=ARTICLE.encode(), name="a.txt", meta=SourceMeta(), actor_id=None)
    session.commit()
    claim = next(c for c in review.proposals_of(session=session, source_id=result.source_id)
                 if c.figure_text == "40%")
    return claim, session.get(Attribute, claim.attribute_id)


def test_a_figure_no_attribute_fits_is_filed_under_a_proposed_attribute_named_from_the_text(session, proposed):
    claim, attribute = proposed
    assert (attribute.status, attribute.label, attribute.dimension) == ("proposed", "API traffic growth", "percent")
    assert claim.confidence <= 0.6  # never bulk-accepted without a look


def test_mapping_moves_the_figures_and_teaches_the_phrase(session, proposed):
    claim, attribute = proposed
    target = session.exec(select(Attribute).where(Attribute.name == "revenue_growth")).one()
    vocabulary.map_attribute(session=session, attribute_id=attribute.id, target_id=target.id, actor_id=None)
    session.commit()
    assert session.get(Claim, claim.id).attribute_id == target.id
    assert session.get(Attribute, attribute.id) is None
    assert "API traffic growth" in session.get(Attribute, target.id).synonyms
    assert session.exec(select(Event).where(Event.object_type == "attribute", Event.action == "map")).one()
    # The next article that says it is filed under the target directly.
    result = ingest_bytes(session=session, data=b"Beta Pro's API traffic grew by 12% in May.", name="b.txt",
                          meta=SourceMeta(), actor_id=None)
    (later,) = review.proposals_of(session=session, source_id=result.source_id)
    assert later.attribute_id == target.id


def test_mapping_onto_another_dimension_is_refused(session, proposed):
    _, attribute = proposed
    headcount = session.exec(select(Attribute).where(Attribute.name == "headcount")).one()
    with pytest.raises(InvalidInput, match="same kind"):
        vocabulary.map_attribute(session=session, attribute_id=attribute.id, target_id=headcount.id, actor_id=None)


def test_renaming_accepts_and_keeps_the_text_phrase_as_a_synonym(session, proposed):
    _, attribute = proposed
    vocabulary.rename_attribute(session=session, attribute_id=attribute.id, label="API traffic growth, quarterly",
                                actor_id=None)
    session.commit()
    renamed = session.get(Attribute, attribute.id)
    assert (renamed.status, renamed.label, renamed.name) == (
        "accepted", "API traffic growth, quarterly", "api_traffic_growth_quarterly")
    assert renamed.synonyms == ["API traffic growth"]
    with pytest.raises(InvalidInput, match="already part"):
        vocabulary.accept_attribute(session=session, attribute_id=attribute.id, actor_id=None)


def test_accepting_the_figure_accepts_its_attribute(session, proposed):
    claim, attribute = proposed
    review.accept(session=session, claim_id=claim.id, base_version=claim.version, actor_id=None)
    session.commit()
    assert session.get(Attribute, attribute.id).status == "accepted"


def test_the_review_page_marks_the_new_attribute_and_maps_it(settings, engine):
    with Session(engine) as session:
        add_small_kb(session)
        session.add(Attribute(name="revenue_growth", label="Year-over-year revenue growth", dimension="percent", unit="%"))
        make_users(session)
        session.commit()
    with TestClient(app=create_app(settings)) as client:
        token = login(client, "editor")
        response = client.post("/ingest", data={"_csrf_token": token},
                               files={"file": ("a.txt", ARTICLE.encode(), "text/plain")}, follow_redirects=False)
        review_url = response.headers["location"]
        page = client.get(review_url).text
        assert "New attribute" in page and "API traffic growth" in page and "Year-over-year revenue growth" in page
        with Session(engine) as session:
            new = session.exec(select(Attribute).where(Attribute.status == "proposed")).one()
            target = session.exec(select(Attribute).where(Attribute.name == "revenue_growth")).one()
        mapped = client.post(f"{review_url}/review", data={
            "_csrf_token": token, "action": "attribute_map", "attribute_id": new.id, "target": target.id},
            follow_redirects=True)
        assert mapped.status_code == 200 and "synonyms" in mapped.text
        with Session(engine) as session:
            assert session.get(Attribute, new.id) is None
