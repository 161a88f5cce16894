"""Editors' source forms: create and edit sources, with their text and lineage."""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar import Request, Response, get, post
from sqlmodel import Session, select

from kb.models import Event, Role, Source
from kb.models.base import DATE_PRECISIONS, SOURCE_KINDS
from kb.services.errors import InvalidInput
from kb.services.sources import SourceFields, create_source, edit_source
from kb.services.versioning import StaleEdit
from kb.web.controllers._shared import get_or_404
from kb.web.auth import CurrentUser, requires_role
from kb.web.controllers.edit_pages import StaleView, source_options, stale_view, user_names
from kb.web.forms import CONFLICT, INVALID, Form, FormBody, page, see_other

EDITOR = [requires_role(Role.EDITOR)]
TEMPLATE = "edit/source_form.html"


@dataclass
class SourceFormPage:
    action: str
    form: dict[str, str]
    errors: dict[str, str]
    kinds: list[tuple[str, str]]
    precisions: list[tuple[str, str]]
    sources: list[tuple[str, str]]
    source: Source | None = None
    history: list[Event] = field(default_factory=list)
    users: dict = field(default_factory=dict)
    stale: StaleView | None = None


def _page(session: Session, *, action: str, form: dict[str, str], errors=None, source: Source | None = None,
          stale: StaleView | None = None) -> SourceFormPage:
    others = [(i, t) for i, t in source_options(session) if source is None or i != str(source.id)]
    context = SourceFormPage(action=action, form=form, errors=errors or {}, kinds=[(k, k.replace("_", " "))
                             for k in SOURCE_KINDS], precisions=[("", "as written")] + [(p, p) for p in DATE_PRECISIONS],
                             sources=others, source=source, stale=stale)
    if source is not None:
        context.history = list(session.exec(select(Event).where(Event.object_type == "source",
                                                                Event.object_id == source.id).order_by(Event.id)).all())
        context.users = user_names(session, context.history)
    return context


def _fields(form: Form, keep_text: str | None = None) -> SourceFields:
    text = form.text("text")
    return SourceFields(
        title=form.text("title"), kind=form.text("kind") or "article", publisher=form.text("publisher"),
        author=form.text("author"), url=form.text("url"), published=form.text("published"),
        date_precision=form.text("date_precision"), text=text if text.strip() else keep_text,
        derived_from_id=form.number("derived_from", label="derived from"), license=form.text("license"),
        locator=form.text("locator"))


def _values(source: Source) -> dict[str, str]:
    published = ""
    if source.published:
        published = {"year": f"{source.published:%Y}", "month": f"{source.published:%Y-%m}"}.get(
            source.date_precision, source.published.isoformat())
    return {"title": source.title, "kind": source.kind, "publisher": source.publisher, "author": source.author,
            "url": source.url, "published": published,
            "date_precision": source.date_precision if source.date_precision == "estimated" else "",
            "derived_from": str(source.derived_from_id or ""), "license": source.license,
            "locator": source.locator, "base_version": str(source.version)}


@get("/sources/new", name="sources:new", guards=EDITOR, sync_to_thread=True)
def new_source(session: Session) -> Response:
    return page(TEMPLATE, {"page": _page(session, action="/sources", form={"kind": "article"})})


@post("/sources", name="sources:create", guards=EDITOR, sync_to_thread=True)
def create(request: Request, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    form = Form(data)
    fields = _fields(form)
    try:
        if form.errors:
            raise InvalidInput(form.errors)
        source = create_source(session=session, fields=fields, actor_id=current_user.id)
    except InvalidInput as exc:
        context = _page(session, action="/sources", form=form.kept(), errors=exc.errors)
        return page(TEMPLATE, {"page": context}, status_code=INVALID)
    return see_other(f"/sources/{source.id}", request=request, notice=f"Source #{source.id} created.")



@get("/sources/{id:int}/edit", name="sources:edit", guards=EDITOR, sync_to_thread=True)
def edit_form(id: int, session: Session) -> Response:
    source = get_or_404(session, Source, id)
    return page(TEMPLATE, {"page": _page(session, action=f"/sources/{id}", form=_values(source), source=source)})


# A different parameter name from the reader's GET /sources/{source_id} keeps the handlers on separate routes.
@post("/sources/{id:int}", name="sources:update", guards=EDITOR, sync_to_thread=True)
def update(request: Request, id: int, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    source = get_or_404(session, Source, id)
    form = Form(data)
    # An empty text box keeps the stored text: the form never shows megabytes back.
    fields = _fields(form, keep_text=source.text)
    base = form.number("base_version", label="version") or 0
    action = f"/sources/{id}"
    try:
        if form.errors:
            raise InvalidInput(form.errors)
        edit_source(session=session, source_id=id, base_version=base, fields=fields, actor_id=current_user.id)
    except StaleEdit as stale:
        kept = dict(form.kept(), base_version=str(stale.current_version))
        context = _page(session, action=action, form=kept, source=source, stale=stale_view(session, stale))
        return page(TEMPLATE, {"page": context}, status_code=CONFLICT)
    except InvalidInput as exc:
        context = _page(session, action=action, form=form.kept(), source=source, errors=exc.errors)
        return page(TEMPLATE, {"page": context}, status_code=INVALID)
    return see_other(f"/sources/{id}", request=request, notice="Source saved.")


ROUTES = [new_source, create, edit_form, update]
