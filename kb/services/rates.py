"""Recording a dated conversion rate, and rechecking the figures it lets kb compare."""

from __future__ import annotations

import math
from datetime import date

from sqlmodel import Session, or_, select

from kb.conflicts.intervals import CURRENCIES
from kb.conflicts.rates import BASE
from kb.contradictions import update_for_claims
from kb.models import Claim, ConversionRate, Source
from kb.services.errors import InvalidInput
from kb.services.history import record_event


def record_rate(session: Session, *, currency: str, dated: date, rate: float, source_id: int | None = None,
                note: str = "", actor_id: int | None = None) -> ConversionRate:
    """Store how many units of `currency` one US dollar bought on `dated` (a later call for the same
    currency and date replaces the rate), then recheck every figure stated in that currency."""
    currency = currency.strip().upper()
    errors = {}
    if currency == BASE:
        errors["currency"] = f"rates are stated against {BASE}; give the other currency"
    elif currency not in CURRENCIES:
        errors["currency"] = f"choose one of {', '.join(sorted(CURRENCIES - {BASE}))}"
    if not (isinstance(rate, (int, float)) and math.isfinite(rate) and rate > 0):
        errors["rate"] = f"a positive number of {currency or 'units'} per {BASE}"
    if source_id is not None and session.get(Source, source_id) is None:
        errors["source_id"] = f"no source {source_id}"
    if errors:
        raise InvalidInput(errors)
    row = session.exec(select(ConversionRate).where(ConversionRate.currency == currency,
                                                    ConversionRate.dated == dated)).first()
    before = None if row is None else {"rate": row.rate, "source_id": row.source_id, "note": row.note}
    if row is None:
        row = ConversionRate(currency=currency, dated=dated, rate=float(rate))
    row.rate, row.source_id, row.note = float(rate), source_id, note
    session.add(row)
    session.flush()
    record_event(session, object_type="rate", object_id=row.id, action="create" if before is None else "edit",
                 actor_id=actor_id, note=f"{currency} {dated.isoformat()}: {rate:g} per {BASE}",
                 before=before, after={"rate": row.rate, "source_id": source_id, "note": note})
    ids = session.exec(select(Claim.id).where(or_(Claim.unit == currency,
                                                  Claim.unit.startswith(currency + "/")))).all()
    update_for_claims(session=session, claim_ids=ids)
    return row
