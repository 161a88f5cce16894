"""Charts: an attribute compared across entities, as SVG with a table beside it."""

from __future__ import annotations

from litestar import get
from litestar.response import Template
from sqlmodel import Session

from kb.web.contexts.charts import chart_page


@get("/charts", name="charts:index", sync_to_thread=True, include_in_schema=False)
def index(session: Session, attribute: str = "") -> Template:
    return Template("charts/index.html", context={"page": chart_page(session, attribute or None)})


ROUTES = [index]
