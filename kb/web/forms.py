"""Reading submitted HTML forms and sending them back with messages by the fields."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from kb.textcheck import check_text
from kb.web.auth import safe_next
from kb.web.edge import MAX_ID, parse_id

# The annotation every form handler uses for its body.
FormBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
INVALID = 422
CONFLICT = 409


class Form:
    """A submitted form: text values trimmed of nothing, repeated fields as lists."""

    def __init__(self, data: dict[str, Any] | None):
        self.data = dict(data or {})
        self.data.pop("_csrf_token", None)
        self.errors: dict[str, str] = {}
        for name, value in self.data.items():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str):
                    check_text(item, f"the field {name!r}")

    def text(self, name: str, default: str = "") -> str:
        value = self.data.get(name, default)
        if isinstance(value, list):
            value = value[0] if value else default
        return value if isinstance(value, str) else default

    def values(self, name: str) -> list[str]:
        value = self.data.get(name, [])
        return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]

    def number(self, name: str, *, label: str = "") -> int | None:
        """An id or version field; blank is None, anything else not a number in range is an error by the field."""
        value = self.text(name).strip()
        if not value:
            return None
        number = parse_id(value)
        if number is None:
            self.errors[name] = f"{label or name.replace('_', ' ')} must be a whole number from 1 to {MAX_ID}"
        return number

    def flag(self, name: str) -> bool:
        return self.text(name) in ("1", "on", "true", "yes")

    def kept(self) -> dict[str, str]:
        """The user's input, as the form shows it again."""
        return {k: self.text(k) for k in self.data}


def page(template: str, context: dict[str, Any], status_code: int = 200) -> Template:
    return Template(template, context=context, status_code=status_code)


MAX_NOTICES = 3


def see_other(target: str, next_url: str | None = None, *, request: Request | None = None,
              notice: str = "") -> Redirect:
    """The redirect after a successful POST (303, so the browser GETs the result), carrying
    `notice` in the session to the page it lands on: the confirmation that the write happened."""
    if request is not None and notice:
        if not isinstance(request.scope.get("session"), dict):   # just cleared, as at logout
            request.set_session({})
        flash(request, notice, "success")
        # The messages wait in the signed session cookie until a page shows them; a client that
        # never follows its redirects would grow the cookie past what browsers keep.
        messages = request.session.get("_messages")
        if isinstance(messages, list) and len(messages) > MAX_NOTICES:
            del messages[:-MAX_NOTICES]
    return Redirect(safe_next(next_url, target), status_code=303)
