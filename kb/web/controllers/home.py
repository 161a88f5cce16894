"""The home page."""

from __future__ import annotations

from litestar import get
from litestar.response import Template
from sqlmodel import Session

from kb.web.contexts.home import home_page


@get("/", name="home", sync_to_thread=True, include_in_schema=False)
def home(session: Session) -> Template:
    return Template("home.html", context={"page": home_page(session)})


ROUTES = [home]
