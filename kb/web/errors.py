"""Error pages in the site's style (HTML), or JSON for the API; nothing internal is shown."""

from __future__ import annotations

import logging

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Template

from kb.textcheck import BadText

log = logging.getLogger("kb.web")


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.startswith("/schema") or path.endswith(".json")


def not_found(request: Request, exc: Exception) -> Response:
    detail = getattr(exc, "detail", "") or "Not Found"
    if _wants_json(request):
        return Response({"status_code": 404, "detail": detail}, status_code=404, media_type=MediaType.JSON)
    return Template("errors/404.html", context={"detail": detail, "path": request.url.path}, status_code=404)


def bad_request(request: Request, exc: HTTPException) -> Response:
    extra = getattr(exc, "extra", None)
    if _wants_json(request):
        body = {"status_code": 400, "detail": exc.detail}
        if extra:
            body["extra"] = extra
        return Response(body, status_code=400, media_type=MediaType.JSON)
    return Template("errors/400.html", context={"detail": exc.detail, "extra": extra or []}, status_code=400)


def bad_text(request: Request, exc: BadText) -> Response:
    """Text kb refuses to store (kb.textcheck), from a form, an upload or the URL: a 400 that says where."""
    return bad_request(request, ValidationException(detail=f"{exc.where} {exc.problem}; nothing was saved"))


def server_error(request: Request, exc: Exception) -> Response:
    log.exception("error serving %s", request.url.path, exc_info=exc)
    if _wants_json(request):
        return Response({"status_code": 500, "detail": "Internal Server Error"}, status_code=500,
                        media_type=MediaType.JSON)
    return Template("errors/500.html", context={}, status_code=500)


EXCEPTION_HANDLERS = {404: not_found, 400: bad_request, 500: server_error, BadText: bad_text}
