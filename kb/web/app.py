"""The Litestar application factory."""

from __future__ import annotations

from litestar import Litestar, get
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.di import Provide
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlmodel import Session, func, select

from kb.config import PROJECT_ROOT, Settings, get_settings
from kb.db import make_engine
from kb.models import Claim, Entity, Source
from kb.web.deps import provide_session


@get("/", name="home")
def home(session: Session) -> Template:
    counts = {
        "entities": session.exec(select(func.count()).select_from(Entity)).one(),
        "claims": session.exec(select(func.count()).select_from(Claim)).one(),
        "sources": session.exec(select(func.count()).select_from(Source)).one(),
    }
    return Template("home.html", context={"counts": counts})


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the web app for `settings` (the environment's by default); connects lazily."""
    settings = settings or get_settings()
    engine = make_engine(settings)

    def on_startup(app: Litestar) -> None:
        app.state.engine = engine
        app.state.settings = settings

    def on_shutdown(app: Litestar) -> None:
        engine.dispose()

    return Litestar(
        route_handlers=[home, create_static_files_router(path="/static", directories=[PROJECT_ROOT / "kb" / "web" / "static"])],
        dependencies={"session": Provide(provide_session)},
        template_config=TemplateConfig(directory=PROJECT_ROOT / "templates", engine=JinjaTemplateEngine),
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        debug=False,
    )
