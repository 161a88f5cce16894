"""Every seeded claim saves unchanged through its edit form: what kb stored, its own form accepts."""

from __future__ import annotations

from litestar.testing import TestClient
from sqlmodel import Session, select

from kb.models import Claim
from kb.web.app import create_app
from kb.web.controllers.edit_pages import claim_form_values
from tests.accounts import login, make_user

KEPT = ("subject_id", "attribute_id", "statement", "figure_text", "low", "high", "unit", "bound", "precision",
        "method", "unparsed_reason", "period", "scope", "model_id", "asserted_by", "note")


def _stored(claim: Claim) -> dict:
    return {name: getattr(claim, name) for name in KEPT}


def test_every_seeded_claim_resaves_unchanged(seeded_settings, seeded_engine):
    with Session(seeded_engine) as session:
        make_user(session, "editor")
        claims = session.exec(select(Claim).where(Claim.merged_into_id.is_(None)) if hasattr(Claim, "merged_into_id")
                              else select(Claim)).all()
        before = {c.id: _stored(c) for c in claims}
        forms = {c.id: claim_form_values(session, c) for c in claims}
    assert len(forms) > 100
    failures = []
    with TestClient(app=create_app(seeded_settings)) as client:
        token = login(client, "editor")
        for claim_id, form in forms.items():
            response = client.post(f"/claims/{claim_id}", data={**form, "step": "save", "_csrf_token": token},
                                   follow_redirects=False)
            if response.status_code != 303:
                failures.append((claim_id, response.status_code))
    assert failures == []
    with Session(seeded_engine) as session:
        after = {c.id: _stored(c) for c in session.exec(select(Claim)).all()}
    changed = {i: {k: (before[i][k], after[i][k]) for k in KEPT if before[i][k] != after[i][k]}
               for i in before if before[i] != after[i]}
    assert changed == {}
