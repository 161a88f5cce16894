"""Every protected route: no CSRF token, 403; anonymous, 403 or a login redirect; the wrong role, 403;
the right role with a token, success; and a refused request changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pytest
from litestar.testing import TestClient
from sqlmodel import Session, func, select

from kb.models import Event, Role
from kb.services.citations import CitationInput
from kb.services.claims import ClaimFields, create_claim, edit_claim
from kb.web.app import create_app
from tests.accounts import csrf_token, login, make_users
from tests.web_factories import make_attribute, make_contradiction, make_entity, make_source

TEXT = "Acme AI said its Acme-1 model cost $5.5 million to train. A rival estimate put it at $8 million."
ARTICLE = b"Acme AI raised $100 million in 2025, according to the company.\n"


@dataclass
class World:
    ids: dict[str, int]
    users: dict[str, Any]


@pytest.fixture
def world(engine) -> World:
    with Session(engine) as session:
        users = make_users(session)
        attribute = make_attribute(session)
        lab = make_entity(session, "Acme AI", slug="acme-ai")
        model = make_entity(session, "Acme-1", kind="model", slug="acme-1", parent_id=lab.id)
        twin = make_entity(session, "Acme Labs", slug="acme-labs")
        source = make_source(session, text=TEXT)
        editor = users["editor"].id
        a = create_claim(session=session, fields=ClaimFields(model.id, attribute.id, "Acme-1 cost $5.5 million.",
                                                            "$5.5 million"),
                         citation=CitationInput(source.id, "cost $5.5 million to train"), author_id=editor)
        b = create_claim(session=session, fields=ClaimFields(model.id, attribute.id, "Acme-1 cost $8 million.",
                                                            "$8 million"),
                         citation=CitationInput(source.id, "put it at $8 million"), author_id=editor)
        edit_claim(session=session, claim_id=a.id, base_version=1, actor_id=editor,
                   fields=ClaimFields(model.id, attribute.id, "Acme-1 cost about $5.5 million.", "$5.5 million"))
        contradiction = make_contradiction(session, [a, b])
        # Someone else holds both, so that assigning and unassigning each change something.
        a.assigned_to_id = contradiction.assigned_to_id = users["fact_checker"].id
        session.commit()
        ids = {"lab": lab.id, "model": model.id, "twin": twin.id, "source": source.id, "claim": a.id,
               "other": b.id, "contradiction": contradiction.id, "attribute": attribute.id,
               "reader": users["reader"].id}
        return World(ids, users)


def _version(session: Session, model, row_id: int) -> str:
    return str(session.get(model, row_id).version)


def claim_data(w: World, s: Session) -> dict:
    return {"subject": "model:acme-1", "attribute": w.ids["attribute"], "statement": "Acme-1 cost $6 million.",
            "figure_text": "$6 million", "method": "reported", "source": w.ids["source"],
            "quote": "Acme AI said its Acme-1 model", "step": "save"}


def claim_edit(w: World, s: Session) -> dict:
    from kb.models import Claim
    return {**claim_data(w, s), "base_version": _version(s, Claim, w.ids["claim"])}


def versioned(model_name: str, key: str, **extra):
    def build(w: World, s: Session) -> dict:
        import kb.models as models
        return {"base_version": _version(s, getattr(models, model_name), w.ids[key]), **extra}
    return build


def constant(**data):
    return lambda w, s: data


@dataclass
class Route:
    method: str
    path: str  # with {claim}, {source}... filled from the world's ids
    role: Role
    data: Callable[[World, Session], dict] | None = None
    upload: bool = False
    changes: bool = True  # success records an event

    def url(self, w: World) -> str:
        return self.path.format(**w.ids)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


EDITOR, FACT_CHECKER, ADMIN = Role.EDITOR, Role.FACT_CHECKER, Role.ADMIN
ROUTES = [
    Route("GET", "/claims/new", EDITOR),
    Route("POST", "/claims", EDITOR, claim_data),
    Route("GET", "/claims/{claim}/edit", EDITOR),
    Route("POST", "/claims/{claim}", EDITOR, claim_edit),
    Route("POST", "/claims/{claim}/citations", EDITOR,
          versioned("Claim", "claim", source=None, quote="A rival estimate")),
    Route("POST", "/claims/{claim}/restore", EDITOR, versioned("Claim", "claim", version="1")),
    Route("POST", "/claims/{claim}/status", FACT_CHECKER,
          versioned("Claim", "claim", status="verified", note="Matches the company's filing.")),
    Route("POST", "/claims/{claim}/rank", FACT_CHECKER, versioned("Claim", "claim", rank="preferred")),
    Route("POST", "/contradictions/{contradiction}/resolve", FACT_CHECKER,
          versioned("Contradiction", "contradiction", preferred=None, status="resolved",
                    note="The company's own figure.")),
    Route("POST", "/rates", FACT_CHECKER, constant(currency="CNY", dated="2025-06-30", rate="7.1")),
    Route("GET", "/verify", EDITOR),
    Route("GET", "/verify/claims/{claim}", EDITOR),
    Route("GET", "/verify/contradictions/{contradiction}", EDITOR),
    Route("POST", "/verify/claims/{claim}/assign", EDITOR, constant()),
    Route("POST", "/verify/claims/{claim}/unassign", EDITOR, constant()),
    Route("POST", "/verify/contradictions/{contradiction}/assign", EDITOR, constant()),
    Route("POST", "/verify/contradictions/{contradiction}/unassign", EDITOR, constant()),
    Route("GET", "/entities/new", EDITOR),
    Route("POST", "/entities", EDITOR, constant(kind="lab", name="Beta Labs", aliases="Beta, BetaLab")),
    Route("GET", "/entities/{lab}/edit", EDITOR),
    Route("POST", "/entities/{lab}", EDITOR,
          versioned("Entity", "lab", kind="lab", name="Acme AI", slug="acme-ai", description="A lab.")),
    Route("POST", "/entities/{lab}/aliases", EDITOR, constant(alias="ACME")),
    Route("POST", "/entities/{lab}/relations", EDITOR, constant(type="subsidiary_of", object="lab:acme-labs")),
    Route("POST", "/entities/{lab}/merge", EDITOR, versioned("Entity", "lab", merge="lab:acme-labs")),
    Route("GET", "/sources/new", EDITOR),
    Route("POST", "/sources", EDITOR, constant(title="A new report", kind="article", published="2025-02")),
    Route("GET", "/sources/{source}/edit", EDITOR),
    Route("POST", "/sources/{source}", EDITOR,
          versioned("Source", "source", title="An article, retitled", kind="article")),
    Route("GET", "/ingest", EDITOR),
    Route("POST", "/ingest", EDITOR, constant(title="Acme raises"), upload=True),
    Route("GET", "/ingest/{source}", EDITOR),
    Route("POST", "/ingest/{source}/review", EDITOR, constant(action="bulk_accept"), changes=False),
    Route("GET", "/users", ADMIN),
    Route("POST", "/users", ADMIN, constant(username="newbie", password="long enough pw", role="editor")),
    Route("POST", "/users/{reader}", ADMIN, constant(role="editor")),
    Route("POST", "/users/{reader}/sessions", ADMIN, constant()),
]
# Routes any visitor may use; they still need a CSRF token (tested in test_auth.py).
OPEN = {"POST /login", "POST /logout"}
BELOW = {EDITOR: "reader", FACT_CHECKER: "editor", ADMIN: "fact_checker"}


def _fill(route: Route, w: World, session: Session) -> dict:
    data = {k: v for k, v in (route.data(w, session) if route.data else {}).items()}
    for key in ("source", "preferred"):
        if key in data and data[key] is None:
            data[key] = w.ids["source"] if key == "source" else w.ids["claim"]
    return {k: str(v) for k, v in data.items()}


def _send(client, route: Route, w: World, data: dict | None, token: str | None):
    url = route.url(w)
    if route.method == "GET":
        return client.get(url, follow_redirects=False)
    body = dict(data or {})
    if token:
        body["_csrf_token"] = token
    if route.upload:
        return client.post(url, data=body, files={"file": ("acme.txt", ARTICLE, "text/plain")},
                           follow_redirects=False)
    return client.post(url, data=body, follow_redirects=False)


def _events(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Event)).one()


def test_every_state_changing_route_is_in_the_table(settings):
    app = create_app(settings)
    found = {f"{method} {route.path}" for route in app.routes for method in getattr(route, "methods", ())
             if method not in ("GET", "HEAD", "OPTIONS")}
    # The app's paths name parameters ({claim_id:int}); the table's use world keys ({claim}).
    import re
    normal = {re.sub(r"\{[^}]+\}", "{}", p) for p in found}
    listed = {re.sub(r"\{[^}]+\}", "{}", r.id) for r in ROUTES if r.method != "GET"} | OPEN
    assert normal == listed


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_route_is_guarded(route, settings, engine, world):
    app = create_app(settings)
    before = _events(engine)
    with Session(engine) as session:
        data = _fill(route, world, session)
    # Anonymous: pages send to the login form, writes are refused.
    with TestClient(app=app) as anonymous:
        token = csrf_token(anonymous)
        response = _send(anonymous, route, world, data, token)
        if route.method == "GET":
            assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
        else:
            assert response.status_code == 403
    # Signed in, but a role below the one needed (a reader for editors' routes).
    with TestClient(app=app) as below:
        token = login(below, BELOW[route.role].replace("_", "-"))
        assert _send(below, route, world, data, token).status_code == 403
        if route.role is not EDITOR:
            with TestClient(app=app) as reader:
                assert _send(reader, route, world, data, login(reader, "reader")).status_code == 403
    with TestClient(app=app) as allowed:
        token = login(allowed, route.role.value.replace("_", "-"))
        if route.method == "POST":
            assert _send(allowed, route, world, data, None).status_code == 403
            assert _send(allowed, route, world, data, "0" * 128).status_code == 403
            assert _events(engine) == before, "a refused request changed something"
        response = _send(allowed, route, world, data, token)
        expected = 200 if route.method == "GET" else 303
        assert response.status_code == expected, response.text[:2000]
    if route.method == "POST" and route.changes:
        assert _events(engine) > before


def test_handlers_sharing_a_path_are_not_wrapped_twice():
    """Litestar 2.25 re-registers a path's handlers when another joins it; SingleThreadWrap undoes the damage."""
    from litestar import Litestar, get, post

    from kb.web.registration import SingleThreadWrap

    @get("/thing", sync_to_thread=True)
    def read() -> str:
        return "read"

    @post("/thing", sync_to_thread=True)
    def write() -> str:
        return "written"

    with TestClient(app=Litestar([read, write], plugins=[SingleThreadWrap()])) as client:
        assert client.get("/thing").text == "read"
        assert client.post("/thing").text == "written"
