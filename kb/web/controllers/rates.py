"""Conversion rates: the dated rates that let figures in two currencies be compared.

Anyone can read them (a reader sees why a yuan price and a dollar price were or were not compared);
fact-checkers record them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from litestar import Request, Response, get, post
from sqlmodel import Session, select

from kb.conflicts.intervals import CURRENCIES
from kb.conflicts.rates import BASE
from kb.models import ConversionRate, Role, Source
from kb.services.errors import InvalidInput
from kb.services.rates import record_rate
from kb.web.auth import CurrentUser, requires_role
from kb.web.controllers.edit_pages import source_options
from kb.web.forms import INVALID, Form, FormBody, page, see_other

FACT_CHECKER = [requires_role(Role.FACT_CHECKER)]


@dataclass
class RatesPage:
    rates: list[tuple[ConversionRate, Source | None]]
    currencies: list[tuple[str, str]]
    sources: list[tuple[str, str]]
    form: dict[str, str]
    errors: dict[str, str]


def _page(session: Session, form: dict[str, str], errors: dict[str, str]) -> RatesPage:
    rows = session.exec(select(ConversionRate, Source).outerjoin(Source, Source.id == ConversionRate.source_id)
                        .order_by(ConversionRate.currency, ConversionRate.dated.desc())).all()
    return RatesPage(rates=[(r, s) for r, s in rows], currencies=[(c, c) for c in sorted(CURRENCIES - {BASE})],
                     sources=source_options(session), form=form, errors=errors)


@get("/rates", name="rates:index", sync_to_thread=True)
def index(session: Session) -> Response:
    return page("rates/index.html", {"page": _page(session, {}, {})})


@post("/rates", name="rates:create", guards=FACT_CHECKER, sync_to_thread=True)
def create(request: Request, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    form = Form(data)
    dated = rate = None
    try:
        dated = date.fromisoformat(form.text("dated").strip())
    except ValueError:
        form.errors["dated"] = "a date as YYYY-MM-DD"
    try:
        rate = float(form.text("rate").replace(",", "").strip())
    except ValueError:
        form.errors["rate"] = f"a number of units per {BASE}"
    source_id = form.number("source")
    try:
        if form.errors:
            raise InvalidInput(form.errors)
        record_rate(session, currency=form.text("currency"), dated=dated, rate=rate, source_id=source_id,
                    note=form.text("note").strip(), actor_id=current_user.id)
    except InvalidInput as exc:
        session.rollback()
        return page("rates/index.html", {"page": _page(session, form.kept(), exc.errors)}, status_code=INVALID)
    return see_other("/rates", request=request, notice="Conversion rate recorded.")


ROUTES = [index, create]

