"""Ingestion pages: upload or paste an article, then review what kb proposes from it."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException
from litestar.params import Body
from sqlmodel import Session

from kb.models import Role, Source
from kb.services import review, vocabulary
from kb.services.claims import ClaimFields
from kb.services.entities import resolve_entity
from kb.services.errors import InvalidInput
from kb.services.ingestions import new_names_of
from kb.services.sources import check_url
from kb.services.versioning import StaleEdit
from kb.web.auth import CurrentUser, requires_role
from kb.web.controllers._shared import get_or_404
from kb.web.controllers.edit_pages import stale_view
from kb.web.controllers.ingest_pages import ingest_form_page, review_page
from kb.web.edge import parse_id
from kb.web.forms import CONFLICT, INVALID, Form, FormBody, page, see_other

# Every ingestion route is for editors; the guard list lives here, in one place.
GUARDS = [requires_role(Role.EDITOR)]
# Room for the form fields around the largest article the settings accept (10 MiB by default).
MAX_BODY = 12 * 1024 * 1024
UploadBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def _max_bytes(request: Request) -> int:
    return request.app.state.settings.max_upload_bytes


def too_large(request: Request, exc: HTTPException) -> Response:
    """A body over the server's limit is refused before it is read: say so on the form."""
    with Session(request.app.state.engine) as session:
        context = ingest_form_page(session, max_bytes=_max_bytes(request), errors={
            "file": f"the upload is larger than the {_max_bytes(request) / 2**20:.0f} MB limit; "
                    "nothing was stored"})
    return page("ingest/new.html", {"page": context}, status_code=413)


@get("/ingest", name="ingest:new", guards=GUARDS, sync_to_thread=True)
def new(request: Request, session: Session) -> Response:
    return page("ingest/new.html", {"page": ingest_form_page(session, max_bytes=_max_bytes(request))})


def _upload(data: dict[str, Any]) -> tuple[bytes, str] | None:
    upload = data.get("file")
    if isinstance(upload, list):
        upload = upload[0] if upload else None
    if isinstance(upload, UploadFile) and upload.filename:
        return upload.file.read(), upload.filename
    return None


@post("/ingest", name="ingest:create", guards=GUARDS, sync_to_thread=True,
      request_max_body_size=MAX_BODY, exception_handlers={413: too_large})
def create(request: Request, session: Session, data: UploadBody, current_user: CurrentUser) -> Response:
    # The text pipeline (spaCy, numpy, the readers) loads with the first upload, not with the server.
    from kb.ingest import IngestError, SourceMeta, ingest_bytes

    fields = {k: v for k, v in data.items() if isinstance(v, str) and k != "_csrf_token"}
    form = Form(fields)
    meta = SourceMeta(title=form.text("title").strip(), publisher=form.text("publisher").strip(),
                      url=form.text("url").strip(), published=form.text("published").strip())
    uploaded = _upload(data)
    pasted = form.text("text")
    errors: dict[str, str] = {}
    if url_problem := check_url(meta.url):   # the same rule as the source form's
        errors["url"] = url_problem
    if uploaded is None and not pasted.strip():
        errors["file"] = "choose a file to upload or paste the article's text"
    if uploaded is not None and pasted.strip():
        errors["text"] = "upload a file or paste text, not both"
    result = None
    if not errors:
        body, name = uploaded or (pasted.encode("utf-8"), meta.title or "pasted text")
        try:
            result = ingest_bytes(session=session, data=body, name=name, meta=meta,
                                  actor_id=current_user.id, max_bytes=_max_bytes(request),
                                  fmt=form.text("format") or (None if uploaded else "text"))
        except IngestError as exc:
            errors["file" if uploaded else "text"] = str(exc)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if errors:
        session.rollback()  # nothing stored half-way
        kept = {k: v for k, v in form.kept().items() if k != "text" or len(v) < 200_000}
        context = ingest_form_page(session, form=kept, errors=errors, max_bytes=_max_bytes(request))
        return page("ingest/new.html", {"page": context}, status_code=INVALID)
    notice = result.message or (f"{result.proposed} claims proposed and {result.verify_items} [VERIFY] "
                                f"items sent to the fact-checkers, from {result.sentences} sentences")
    return see_other(f"/ingest/{result.source_id}", request=request, notice=notice)



@get("/ingest/{source_id:int}", name="ingest:review", guards=GUARDS, sync_to_thread=True)
def show(source_id: int, session: Session, done: str = "") -> Response:
    source = get_or_404(session, Source, source_id)
    context = review_page(session, source, new_names=new_names_of(session, source_id),
                          message=done[:300])
    return page("ingest/review.html", {"page": context})


def _fields(session: Session, form: Form) -> ClaimFields:
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
    return ClaimFields(
        subject_id=subject_id, attribute_id=form.number("attribute"), statement=form.text("statement"),
        figure_text=form.text("figure_text"), method=form.text("method") or "reported",
        period=form.text("period"), scope=form.text("scope"), model_id=model_id,
        asserted_by=form.text("asserted_by"), note=form.text("note"))


def _apply(session: Session, form: Form, source: Source, actor: CurrentUser) -> str:
    """Carry out one review action; the message to show, or InvalidInput / StaleEdit."""
    action = form.text("action")
    if action == "bulk_accept":
        accepted = review.bulk_accept(session=session, source_id=source.id, actor_id=actor.id)
        return f"accepted {len(accepted)} confident proposals"
    if action in ("attribute_accept", "attribute_rename", "attribute_map"):
        return _vocabulary(session, form, action, actor)
    if form.text("one") or action in ("accept_selected", "reject_selected"):
        return _decide(session, form, action, actor)
    claim_id = form.number("claim_id", label="claim")
    base = form.number("base_version", label="version")
    if claim_id is None or base is None or form.errors:
        raise InvalidInput({"claim_id": "the form lost which proposal it was about; reload the page",
                            **form.errors})
    if action == "accept":
        review.accept(session=session, claim_id=claim_id, base_version=base, actor_id=actor.id)
        return f"claim {claim_id} accepted"
    if action == "corroborate":
        target = form.number("target", label="claim to corroborate")
        if target is None:
            raise InvalidInput("target", "choose the claim this one corroborates")
        review.accept_as_corroboration(session=session, claim_id=claim_id, base_version=base,
                                       target_id=target, actor_id=actor.id)
        return f"claim {claim_id} added as a citation to claim {target}"
    if action == "reject":
        review.reject(session=session, claim_id=claim_id, base_version=base, actor_id=actor.id,
                      reason=form.text("reason"))
        return f"claim {claim_id} rejected"
    if action == "edit":
        fields = _fields(session, form)
        if form.errors:
            raise InvalidInput(form.errors)
        review.edit_proposal(session=session, claim_id=claim_id, base_version=base, fields=fields,
                             actor_id=actor.id)
        return f"claim {claim_id} saved; it still awaits acceptance"
    raise InvalidInput("action", "choose accept, accept as corroboration, edit, reject or bulk accept")


def _decide(session: Session, form: Form, action: str, actor: CurrentUser) -> str:
    """Accept or reject from the review table: one row ("one" = "accept:ID:VERSION") or every
    selected row ("selected" = "ID:VERSION" each). All or nothing: one stale row saves none."""
    if form.text("one"):
        verb, _, rest = form.text("one").partition(":")
        picked, action = [rest], f"{verb}_selected"
    else:
        picked = form.values("selected")
    rows = []
    for item in picked:
        claim_id, _, version = item.partition(":")
        claim, base = parse_id(claim_id), parse_id(version)
        if claim is None or base is None:
            raise InvalidInput("selected", "the form lost which proposals it was about; reload the page")
        rows.append((claim, base))
    if not rows:
        raise InvalidInput("selected", "select the proposals to accept or reject")
    if action == "accept_selected":
        for claim, base in rows:
            review.accept(session=session, claim_id=claim, base_version=base, actor_id=actor.id)
        return f"accepted {len(rows)} proposal{'s' if len(rows) != 1 else ''}"
    if action == "reject_selected":
        reason = form.text("bulk_reason")
        for claim, base in rows:
            review.reject(session=session, claim_id=claim, base_version=base, actor_id=actor.id, reason=reason)
        return f"rejected {len(rows)} proposal{'s' if len(rows) != 1 else ''}"
    raise InvalidInput("action", "choose accept or reject")


def _vocabulary(session: Session, form: Form, action: str, actor: CurrentUser) -> str:
    """Accept, rename or map an attribute the extractor named from the text."""
    attribute_id = form.number("attribute_id", label="attribute")
    if attribute_id is None or form.errors:
        raise InvalidInput({"attribute_id": "the form lost which attribute it was about; reload the page",
                            **form.errors})
    if action == "attribute_accept":
        attribute = vocabulary.accept_attribute(session=session, attribute_id=attribute_id, actor_id=actor.id)
        return f"“{attribute.label}” is now part of the vocabulary"
    if action == "attribute_rename":
        attribute = vocabulary.rename_attribute(session=session, attribute_id=attribute_id,
                                                label=form.text("label"), actor_id=actor.id)
        return f"attribute renamed “{attribute.label}” and accepted"
    target = form.number("target", label="attribute to map onto")
    if target is None:
        raise InvalidInput("target", "choose the attribute to map onto")
    attribute = vocabulary.map_attribute(session=session, attribute_id=attribute_id, target_id=target,
                                         actor_id=actor.id)
    return f"mapped onto “{attribute.label}”; the phrase is now one of its synonyms"


@post("/ingest/{source_id:int}/review", name="ingest:review-action", guards=GUARDS, sync_to_thread=True)
def act(source_id: int, request: Request, session: Session, data: FormBody,
        current_user: CurrentUser) -> Response:
    source = get_or_404(session, Source, source_id)
    form = Form(data)
    try:
        message = _apply(session, form, source, current_user)
    except StaleEdit as stale:
        session.rollback()
        context = review_page(session, source, new_names=new_names_of(session, source_id),
                              stale=stale_view(session, stale))
        return page("ingest/review.html", {"page": context}, status_code=CONFLICT)
    except InvalidInput as exc:
        session.rollback()
        claim_id = form.number("claim_id") or 0
        context = review_page(session, source, new_names=new_names_of(session, source_id),
                              overrides={claim_id: (form.kept(), exc.errors)},
                              message="; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in exc.errors.items()))
        return page("ingest/review.html", {"page": context}, status_code=INVALID)
    return see_other(f"/ingest/{source_id}", request=request, notice=message[:300])


ROUTES = [new, create, show, act]
