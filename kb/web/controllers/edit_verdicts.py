"""Fact-checkers' decisions: a claim's status and rank, and resolving a contradiction."""

from __future__ import annotations

from litestar import Request, Response, post
from sqlmodel import Session

from kb.models import Claim, Contradiction, Role
from kb.services.citations import CitationInput
from kb.services.claims import change_status, set_rank
from kb.services.errors import InvalidInput
from kb.services.versioning import StaleEdit, hold_version
from kb.web.controllers._shared import get_or_404
from kb.web.auth import CurrentUser, requires_role
from kb.web.controllers.edit_pages import claim_review_page, contradiction_review_page, stale_view
from kb.web.forms import CONFLICT, INVALID, Form, FormBody, page, see_other

FACT_CHECKER = [requires_role(Role.FACT_CHECKER)]



def _review(session: Session, claim_id: int, user: CurrentUser, form: Form, *, errors=None, stale=None,
            status_code: int) -> Response:
    kept = form.kept()
    if stale is not None:
        kept["base_version"] = str(stale.current_version)
    context = claim_review_page(session, claim_id, user, form=kept, errors=errors,
                                stale=stale_view(session, stale) if stale else None)
    return page("verify/claim.html", {"page": context}, status_code=status_code)


@post("/claims/{claim_id:int}/status", name="claims:status", guards=FACT_CHECKER, sync_to_thread=True)
def status(request: Request, claim_id: int, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    get_or_404(session, Claim, claim_id)
    form = Form(data)
    if form.text("use_suggestion"):
        form.data["quote"] = form.text("use_suggestion")
    base = form.number("base_version", label="version") or 0
    evidence_id = form.number("evidence")
    source_id = form.number("source")
    citation = CitationInput(source_id, form.text("quote")) if source_id else None
    try:
        if form.errors:
            raise InvalidInput(form.errors)
        change_status(session=session, claim_id=claim_id, base_version=base, status=form.text("status"),
                      actor_id=current_user.id, note=form.text("note"), evidence_citation_id=evidence_id,
                      citation=citation)
    except StaleEdit as stale:
        return _review(session, claim_id, current_user, form, stale=stale, status_code=CONFLICT)
    except InvalidInput as exc:
        return _review(session, claim_id, current_user, form, errors=exc.errors, status_code=INVALID)
    return see_other(f"/verify/claims/{claim_id}", form.text("next"), request=request,
                     notice=f"Verdict recorded: claim #{claim_id} is now {form.text('status').replace('_', ' ')}.")


@post("/claims/{claim_id:int}/rank", name="claims:rank", guards=FACT_CHECKER, sync_to_thread=True)
def rank(request: Request, claim_id: int, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    get_or_404(session, Claim, claim_id)
    form = Form(data)
    base = form.number("base_version", label="version") or 0
    try:
        set_rank(session=session, claim_id=claim_id, base_version=base, rank=form.text("rank"),
                 reason=form.text("rank_reason"), actor_id=current_user.id)
    except StaleEdit as stale:
        return _review(session, claim_id, current_user, form, stale=stale, status_code=CONFLICT)
    except InvalidInput as exc:
        return _review(session, claim_id, current_user, form, errors=exc.errors, status_code=INVALID)
    return see_other(f"/verify/claims/{claim_id}", form.text("next"), request=request,
                     notice=f"Rank set: claim #{claim_id} is now {form.text('rank')}.")


@post("/contradictions/{contradiction_id:int}/resolve", name="contradictions:resolve", guards=FACT_CHECKER,
      sync_to_thread=True)
def resolve(request: Request, contradiction_id: int, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    from kb.contradictions import ResolutionError, resolve_contradiction
    contradiction = get_or_404(session, Contradiction, contradiction_id)
    form = Form(data)
    base = form.number("base_version", label="version") or 0
    preferred = form.number("preferred", label="preferred claim")
    decision = form.text("status") or "resolved"

    def again(status_code: int, errors=None, stale=False) -> Response:
        kept = form.kept()
        if stale:
            kept["base_version"] = str(contradiction.version)
        context = contradiction_review_page(session, contradiction_id, current_user, form=kept,
                                            errors=errors, stale=stale)
        return page("verify/contradiction.html", {"page": context}, status_code=status_code)

    if form.errors:
        return again(INVALID, form.errors)
    if contradiction.version != base or not hold_version(session, Contradiction, row_id=contradiction_id,
                                                         base_version=base):
        session.refresh(contradiction)
        return again(CONFLICT, stale=True)
    try:
        resolve_contradiction(session=session, contradiction=contradiction, preferred_claim_id=preferred,
                              status=decision, note=form.text("note")[:5000], actor_id=current_user.id)
    except ResolutionError as exc:
        session.rollback()
        message = str(exc)
        field = "preferred" if "claim" in message else "note" if "note" in message else "status"
        return again(INVALID, {field: message})
    done = {"explained": "marked as explained"}.get(decision, decision)
    return see_other(f"/verify/contradictions/{contradiction_id}", form.text("next"), request=request,
                     notice=f"Contradiction #{contradiction_id} {done}.")


ROUTES = [status, rank, resolve]
