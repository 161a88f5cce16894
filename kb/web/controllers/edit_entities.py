"""Editors' entity forms: create, edit, add aliases and relations, merge two into one."""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar import Request, Response, get, post
from sqlmodel import Session, select

from kb.models import Alias, Entity, Event, Relation, Role
from kb.models.base import ENTITY_KINDS, RELATION_TYPES
from kb.services.entities import (
    EntityFields, add_alias, add_relation, create_entity, edit_entity, entity_choices, merge_entities,
    resolve_entity,
)
from kb.services.errors import InvalidInput
from kb.services.versioning import StaleEdit
from kb.web.controllers._shared import get_or_404
from kb.web.auth import CurrentUser, requires_role
from kb.web.controllers.edit_pages import StaleView, entity_ref_text, stale_view, user_names
from kb.web.forms import CONFLICT, INVALID, Form, FormBody, page, see_other
from kb.web.urls import entity_url

EDITOR = [requires_role(Role.EDITOR)]
TEMPLATE = "edit/entity_form.html"


@dataclass
class EntityFormPage:
    action: str
    form: dict[str, str]
    errors: dict[str, str]
    kinds: list[tuple[str, str]]
    relation_types: list[tuple[str, str]]
    entities: list[tuple[str, str]]
    entity: Entity | None = None
    aliases: list[str] = field(default_factory=list)
    relations: list[tuple[str, str, str]] = field(default_factory=list)
    history: list[Event] = field(default_factory=list)
    users: dict = field(default_factory=dict)
    stale: StaleView | None = None

    @property
    def page_url(self) -> str:
        return entity_url(self.entity.kind, self.entity.slug) if self.entity else ""


def _page(session: Session, *, action: str, form: dict[str, str], errors=None, entity: Entity | None = None,
          stale: StaleView | None = None) -> EntityFormPage:
    context = EntityFormPage(
        action=action, form=form, errors=errors or {}, kinds=[(k, k) for k in ENTITY_KINDS],
        relation_types=[(t, t.replace("_", " ")) for t in RELATION_TYPES], entities=entity_choices(session),
        entity=entity, stale=stale)
    if entity is not None:
        context.aliases = list(session.exec(select(Alias.name).where(Alias.entity_id == entity.id)
                                            .order_by(Alias.name)).all())
        names = {e.id: f"{e.name} ({e.kind})" for e in session.exec(select(Entity)).all()}
        rels = session.exec(select(Relation).where((Relation.subject_id == entity.id)
                                                   | (Relation.object_id == entity.id))).all()
        context.relations = [(names[r.subject_id], r.type.replace("_", " "), names[r.object_id]) for r in rels]
        context.history = list(session.exec(select(Event).where(Event.object_type == "entity",
                                                                Event.object_id == entity.id).order_by(Event.id)).all())
        context.users = user_names(session, context.history)
    return context


def _fields(session: Session, form: Form) -> EntityFields:
    parent_id = None
    if form.text("parent").strip():
        try:
            parent_id = resolve_entity(session, form.text("parent"), field="parent").id
        except InvalidInput as exc:
            form.errors.update(exc.errors)
    return EntityFields(kind=form.text("kind"), name=form.text("name"), slug=form.text("slug"),
                        description=form.text("description"), parent_id=parent_id)



def _values(session: Session, entity: Entity) -> dict[str, str]:
    return {"kind": entity.kind, "name": entity.name, "slug": entity.slug, "description": entity.description,
            "parent": entity_ref_text(session, entity.parent_id), "base_version": str(entity.version)}


@get("/entities/new", name="entities:new", guards=EDITOR, sync_to_thread=True)
def new_entity(session: Session, kind: str = "lab", name: str = "") -> Response:
    form = {"kind": kind if kind in ENTITY_KINDS else "lab", "name": name[:200]}
    return page(TEMPLATE, {"page": _page(session, action="/entities", form=form)})


@post("/entities", name="entities:create", guards=EDITOR, sync_to_thread=True)
def create(request: Request, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    form = Form(data)
    fields = _fields(session, form)
    aliases = [a.strip() for a in form.text("aliases").replace("\n", ",").split(",") if a.strip()]
    try:
        if form.errors:
            raise InvalidInput(form.errors)
        entity = create_entity(session=session, fields=fields, aliases=aliases, actor_id=current_user.id)
    except InvalidInput as exc:
        context = _page(session, action="/entities", form=form.kept(), errors=exc.errors)
        return page(TEMPLATE, {"page": context}, status_code=INVALID)
    return see_other(entity_url(entity.kind, entity.slug), request=request, notice=f"{entity.name} created.")


@get("/entities/{entity_id:int}/edit", name="entities:edit", guards=EDITOR, sync_to_thread=True)
def edit_form(entity_id: int, session: Session) -> Response:
    entity = get_or_404(session, Entity, entity_id)
    context = _page(session, action=f"/entities/{entity_id}", form=_values(session, entity), entity=entity)
    return page(TEMPLATE, {"page": context})


@post("/entities/{entity_id:int}", name="entities:update", guards=EDITOR, sync_to_thread=True)
def update(request: Request, entity_id: int, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    entity = get_or_404(session, Entity, entity_id)
    form = Form(data)
    fields = _fields(session, form)
    base = form.number("base_version", label="version") or 0
    action = f"/entities/{entity_id}"
    try:
        if form.errors:
            raise InvalidInput(form.errors)
        entity = edit_entity(session=session, entity_id=entity_id, base_version=base, fields=fields,
                             actor_id=current_user.id)
    except StaleEdit as stale:
        kept = dict(form.kept(), base_version=str(stale.current_version))
        context = _page(session, action=action, form=kept, entity=entity, stale=stale_view(session, stale))
        return page(TEMPLATE, {"page": context}, status_code=CONFLICT)
    except InvalidInput as exc:
        context = _page(session, action=action, form=form.kept(), entity=entity, errors=exc.errors)
        return page(TEMPLATE, {"page": context}, status_code=INVALID)
    return see_other(entity_url(entity.kind, entity.slug), request=request, notice=f"{entity.name} saved.")


def _side_form(session: Session, entity: Entity, form: Form, errors: dict[str, str]) -> Response:
    values = dict(_values(session, entity), **{k: v for k, v in form.kept().items() if k != "base_version"})
    context = _page(session, action=f"/entities/{entity.id}", form=values, entity=entity, errors=errors)
    return page(TEMPLATE, {"page": context}, status_code=INVALID)


@post("/entities/{entity_id:int}/aliases", name="entities:alias", guards=EDITOR, sync_to_thread=True)
def alias(request: Request, entity_id: int, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    entity = get_or_404(session, Entity, entity_id)
    form = Form(data)
    try:
        add_alias(session=session, entity_id=entity_id, name=form.text("alias"), actor_id=current_user.id)
    except InvalidInput as exc:
        return _side_form(session, entity, form, exc.errors)
    return see_other(f"/entities/{entity_id}/edit", request=request, notice="Alias added.")


@post("/entities/{entity_id:int}/relations", name="entities:relation", guards=EDITOR, sync_to_thread=True)
def relation(request: Request, entity_id: int, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    entity = get_or_404(session, Entity, entity_id)
    form = Form(data)
    claim_id = form.number("claim", label="claim number")
    try:
        if form.errors:
            raise InvalidInput(form.errors)
        other = resolve_entity(session, form.text("object"), field="object")
        add_relation(session=session, subject_id=entity_id, type=form.text("type"), object_id=other.id,
                     actor_id=current_user.id, claim_id=claim_id)
    except InvalidInput as exc:
        return _side_form(session, entity, form, exc.errors)
    return see_other(f"/entities/{entity_id}/edit", request=request, notice="Relation added.")


@post("/entities/{entity_id:int}/merge", name="entities:merge", guards=EDITOR, sync_to_thread=True)
def merge(request: Request, entity_id: int, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    """Merge the named entity into this one."""
    entity = get_or_404(session, Entity, entity_id)
    form = Form(data)
    try:
        other = resolve_entity(session, form.text("merge"), field="merge")
        keep = merge_entities(session=session, keep_id=entity_id, merge_id=other.id,
                              keep_version=form.number("base_version") or 0, merge_version=other.version,
                              actor_id=current_user.id)
    except StaleEdit as stale:
        session.rollback()
        entity = get_or_404(session, Entity, entity_id)
        context = _page(session, action=f"/entities/{entity_id}", form=_values(session, entity),
                        entity=entity, stale=stale_view(session, stale))
        return page(TEMPLATE, {"page": context}, status_code=CONFLICT)
    except InvalidInput as exc:
        return _side_form(session, entity, form, exc.errors)
    return see_other(entity_url(keep.kind, keep.slug), request=request, notice=f"Merged into {keep.name}.")


ROUTES = [new_entity, create, edit_form, update, alias, relation, merge]
