"""Editors' claim forms: create and edit with a preview step, cite, restore an earlier version."""

from __future__ import annotations

from litestar import Request, Response, get, post
from sqlmodel import Session

from kb.models import Attribute, Claim, Role, Source
from kb.services.citations import CitationInput, QuoteNotFound, check_quote
from kb.services.claims import ClaimFields, claim_values, cite, create_claim, edit_claim, restore_version
from kb.services.entities import resolve_entity
from kb.services.errors import InvalidInput
from kb.services.versioning import StaleEdit
from kb.web.controllers._shared import get_or_404
from kb.web.auth import CurrentUser, requires_role
from kb.web.controllers.edit_pages import (
    claim_form_page, claim_form_values, figure_preview, quote_preview, stale_view,
)
from kb.web.forms import CONFLICT, INVALID, Form, FormBody, page, see_other

EDITOR = [requires_role(Role.EDITOR)]
TEMPLATE = "edit/claim_form.html"


def _read(session: Session, form: Form, *, with_citation: bool) -> tuple[ClaimFields, CitationInput | None]:
    """The submitted claim; unresolvable names and numbers go to form.errors by their fields."""
    subject_id = model_id = None
    try:
        subject_id = resolve_entity(session, form.text("subject"), field="subject").id
    except InvalidInput as exc:
        form.errors.update(exc.errors)
    if form.text("model").strip():
        try:
            model_id = resolve_entity(session, form.text("model"), field="model", kinds=("model",)).id
        except InvalidInput as exc:
            form.errors.update(exc.errors)
    fields = ClaimFields(
        subject_id=subject_id, attribute_id=form.number("attribute"), statement=form.text("statement"),
        figure_text=form.text("figure_text"), method=form.text("method") or "reported",
        period=form.text("period"), scope=form.text("scope"), model_id=model_id,
        asserted_by=form.text("asserted_by"), note=form.text("note"))
    citation = None
    if with_citation:
        if form.text("use_suggestion"):
            form.data["quote"] = form.text("use_suggestion")
        source_id = form.number("source")
        citation = CitationInput(source_id=source_id, quote=form.text("quote")) if source_id else None
    return fields, citation


def _check(session: Session, form: Form, fields: ClaimFields, citation: CitationInput | None,
           *, need_citation: bool, current: Claim | None = None) -> dict:
    """Everything the preview shows; raises InvalidInput with every field's message at once."""
    errors = dict(form.errors)
    values, anchor, suggestion = None, None, None
    try:
        values = claim_values(session, fields, current=current)
    except InvalidInput as exc:
        errors = {**exc.errors, **errors}
    source = session.get(Source, citation.source_id) if citation else None
    if need_citation and source is None:
        errors["source"] = "cite the source that states the claim"
    elif source is not None:
        try:
            anchor = check_quote(source, citation.quote)
        except QuoteNotFound as exc:
            errors.update(exc.errors)
            suggestion = exc.suggestion
        except InvalidInput as exc:
            errors.update(exc.errors)
    if errors:
        error = InvalidInput(errors)
        error.suggestion = suggestion
        raise error
    attribute = session.get(Attribute, values["attribute_id"])
    return {"figure": figure_preview(values, attribute),
            "quote": quote_preview(source, citation.quote, anchor) if source else None}


@get("/claims/new", name="claims:new", guards=EDITOR, sync_to_thread=True)
def new_claim(session: Session, subject: str = "", source: str = "") -> Response:
    form = {"subject": subject[:200], "source": source[:20], "method": "reported"}
    return page(TEMPLATE, {"page": claim_form_page(session, action="/claims", form=form)})


@post("/claims", name="claims:create", guards=EDITOR, sync_to_thread=True)
def create(request: Request, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    form = Form(data)
    fields, citation = _read(session, form, with_citation=True)
    step = form.text("step") or "preview"
    try:
        if step == "edit":
            raise InvalidInput({})
        if step != "save":
            preview = _check(session, form, fields, citation, need_citation=True)
            kept = dict(form.kept(), step="preview")
            return page(TEMPLATE, {"page": claim_form_page(session, action="/claims", form=kept, **preview)})
        if form.errors:
            raise InvalidInput(form.errors)
        claim = create_claim(session=session, fields=fields, citation=citation, author_id=current_user.id)
    except InvalidInput as exc:
        context = claim_form_page(session, action="/claims", form=dict(form.kept(), step=""),
                                  errors=exc.errors, suggestion=getattr(exc, "suggestion", None))
        return page(TEMPLATE, {"page": context}, status_code=INVALID if exc.errors else 200)
    return see_other(f"/claims/{claim.id}", request=request, notice=f"Claim #{claim.id} created.")



@get("/claims/{id:int}/edit", name="claims:edit", guards=EDITOR, sync_to_thread=True)
def edit_form(id: int, session: Session) -> Response:
    claim = get_or_404(session, Claim, id)
    context = claim_form_page(session, action=f"/claims/{id}", form=claim_form_values(session, claim), claim=claim)
    return page(TEMPLATE, {"page": context})


# The reader's GET /claims/{claim_id} shares this URL; a different parameter name keeps the two
# handlers on separate routes.
@post("/claims/{id:int}", name="claims:update", guards=EDITOR, sync_to_thread=True)
def update(request: Request, id: int, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    claim = get_or_404(session, Claim, id)
    form = Form(data)
    fields, _ = _read(session, form, with_citation=False)
    base = form.number("base_version", label="version") or 0
    step = form.text("step") or "preview"
    action = f"/claims/{id}"
    try:
        if step == "edit":
            raise InvalidInput({})
        if step != "save":
            preview = _check(session, form, fields, None, need_citation=False, current=claim)
            kept = dict(form.kept(), step="preview")
            return page(TEMPLATE, {"page": claim_form_page(session, action=action, form=kept, claim=claim, **preview)})
        if form.errors:
            raise InvalidInput(form.errors)
        edit_claim(session=session, claim_id=id, base_version=base, fields=fields, actor_id=current_user.id,
                   note=form.text("change_note")[:500])
    except StaleEdit as stale:
        # Keep what the editor typed, now based on the current version: saving again is a choice
        # made after seeing what changed, never a silent overwrite.
        kept = dict(form.kept(), step="", base_version=str(stale.current_version))
        context = claim_form_page(session, action=action, form=kept, claim=claim, stale=stale_view(session, stale))
        return page(TEMPLATE, {"page": context}, status_code=CONFLICT)
    except InvalidInput as exc:
        context = claim_form_page(session, action=action, form=dict(form.kept(), step=""), claim=claim,
                                  errors=exc.errors)
        return page(TEMPLATE, {"page": context}, status_code=INVALID if exc.errors else 200)
    return see_other(f"/claims/{id}", request=request, notice=f"Claim #{id} saved.")


@post("/claims/{id:int}/citations", name="claims:cite", guards=EDITOR, sync_to_thread=True)
def add_citation(request: Request, id: int, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    claim = get_or_404(session, Claim, id)
    form = Form(data)
    if form.text("use_suggestion"):
        form.data["quote"] = form.text("use_suggestion")
    source_id = form.number("source")
    base = form.number("base_version", label="version") or 0
    action = f"/claims/{id}"
    try:
        if source_id is None:
            raise InvalidInput("source", "choose the source to cite")
        cite(session=session, claim_id=id, base_version=base, citation=CitationInput(source_id, form.text("quote")),
             actor_id=current_user.id)
    except StaleEdit as stale:
        context = claim_form_page(session, action=action, form=claim_form_values(session, claim), claim=claim,
                                  stale=stale_view(session, stale))
        return page(TEMPLATE, {"page": context}, status_code=CONFLICT)
    except InvalidInput as exc:
        values = dict(claim_form_values(session, claim), source=form.text("source"), quote=form.text("quote"))
        context = claim_form_page(session, action=action, form=values, claim=claim, errors=exc.errors,
                                  suggestion=getattr(exc, "suggestion", None))
        return page(TEMPLATE, {"page": context}, status_code=INVALID)
    return see_other(f"/claims/{id}/edit", request=request, notice="Citation added.")


@post("/claims/{id:int}/restore", name="claims:restore", guards=EDITOR, sync_to_thread=True)
def restore(request: Request, id: int, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    claim = get_or_404(session, Claim, id)
    form = Form(data)
    version = form.number("version")
    base = form.number("base_version", label="version") or 0
    action = f"/claims/{id}"
    try:
        if version is None:
            raise InvalidInput("version", "choose the version to restore")
        restore_version(session=session, claim_id=id, base_version=base, version=version, actor_id=current_user.id)
    except StaleEdit as stale:
        context = claim_form_page(session, action=action, form=claim_form_values(session, claim), claim=claim,
                                  stale=stale_view(session, stale))
        return page(TEMPLATE, {"page": context}, status_code=CONFLICT)
    except InvalidInput as exc:
        context = claim_form_page(session, action=action, form=claim_form_values(session, claim), claim=claim,
                                  errors=exc.errors)
        return page(TEMPLATE, {"page": context}, status_code=INVALID)
    return see_other(f"/claims/{id}", request=request, notice=f"Version {version} of claim #{id} restored.")


ROUTES = [new_claim, create, edit_form, update, add_citation, restore]
