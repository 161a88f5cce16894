"""The Litestar application factory."""

from __future__ import annotations

import gc

from litestar import Litestar
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from kb.config import PROJECT_ROOT, Settings, get_settings
from kb.db import make_engine
from kb.nlp.language import check_installed
from kb.web import auth, edge, errors, templating
from kb.web.arenas import limit_arenas
from kb.web.controllers import discover
from kb.web.deps import provide_session, reading
from kb.web.registration import SingleThreadWrap

STATIC_DIR = PROJECT_ROOT / "kb" / "web" / "static"
TEMPLATE_DIR = PROJECT_ROOT / "templates"


def _template_helpers(engine: JinjaTemplateEngine, settings: Settings) -> None:
    auth.install_template_helpers(engine)
    templating.install(engine, reload=settings.is_development)


def _settle_heap() -> None:
    """Keep the cycle collector off the objects every request shares (the ORM's, the templates').

    A page allocates a few thousand short-lived objects; with the default thresholds the collector
    runs twice a page and now and then walks every long-lived object, which shows as a slow request.
    Frozen, the startup objects are never walked again; collections stay, only less often.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the web app for `settings` (the environment's by default); connects lazily."""
    settings = settings or get_settings()
    check_installed()  # a missing spaCy pipeline stops the server here, not at the first upload
    engine = make_engine(settings)

    def on_startup(app: Litestar) -> None:
        app.state.engine = engine
        app.state.read_engine = reading(engine)
        app.state.settings = settings
        if not settings.is_development:  # tests build many apps in one process: leave its heap alone
            limit_arenas()   # before the first request starts a worker thread
            _settle_heap()

    def on_shutdown(app: Litestar) -> None:
        engine.dispose()

    app = Litestar(
        route_handlers=[
            *discover(),
            create_static_files_router(path="/static", directories=[STATIC_DIR], name="static"),
        ],
        dependencies={
            "session": Provide(provide_session),
            "current_user": Provide(auth.provide_current_user),
        },
        middleware=[auth.session_config(settings).middleware, auth.CurrentUserMiddleware()],
        csrf_config=auth.csrf_config(settings),
        exception_handlers={**errors.EXCEPTION_HANDLERS, **auth.EXCEPTION_HANDLERS},
        template_config=TemplateConfig(
            directory=TEMPLATE_DIR, engine=JinjaTemplateEngine,
            engine_callback=lambda engine: _template_helpers(engine, settings),
        ),
        # The document only: a viewer would load scripts from elsewhere, which the CSP forbids.
        openapi_config=OpenAPIConfig(title="kb", version="1", render_plugins=[JsonRenderPlugin()]),
        before_request=edge.check_request,
        plugins=[SingleThreadWrap()],
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        debug=False,
    )
    app.asgi_handler = edge.Edge(app.asgi_handler, https=not settings.is_development)
    return app
