"""The home page."""

from __future__ import annotations

from litestar import get
from litestar.response import Template
from sqlmodel import Session, func, select

from kb.models import Claim, Entity, Source


@get("/", name="home")
def home(session: Session) -> Template:
    counts = {
        "entities": session.exec(select(func.count()).select_from(Entity)).one(),
        "claims": session.exec(select(func.count()).select_from(Claim)).one(),
        "sources": session.exec(select(func.count()).select_from(Source)).one(),
    }
    return Template("home.html", context={"counts": counts})


ROUTES = [home]
