"""The conversion-rates page: readers see the rates, fact-checkers record them, bad input is refused."""

from litestar.testing import TestClient
from sqlmodel import Session, select

from kb.models import ConversionRate, Event
from kb.web.app import create_app
from tests.accounts import login, make_users


def test_rates_are_listed_recorded_and_refused_when_wrong(engine, settings):
    with Session(engine) as session:
        make_users(session)
        session.commit()
    with TestClient(app=create_app(settings)) as client:
        page = client.get("/rates")
        assert page.status_code == 200 and "No rates recorded yet" in page.text
        assert "Record a rate" not in page.text   # readers do not get the form
        token = login(client, "fact-checker")
        assert "Record a rate" in client.get("/rates").text
        bad = client.post("/rates", data={"_csrf_token": token, "currency": "CNY", "dated": "30/06/2025",
                                          "rate": "seven", "note": "<script>x</script>"})
        assert bad.status_code == 422
        assert "a date as YYYY-MM-DD" in bad.text and "a number of units per USD" in bad.text
        assert "<script>x</script>" not in bad.text and "&lt;script&gt;" in bad.text
        worse = client.post("/rates", data={"_csrf_token": token, "currency": "USD", "dated": "2025-06-30",
                                            "rate": "1"})
        assert worse.status_code == 422 and "rates are stated against USD" in worse.text
        ok = client.post("/rates", data={"_csrf_token": token, "currency": "CNY", "dated": "2025-06-30",
                                         "rate": "7.1", "note": "PBoC central parity"}, follow_redirects=False)
        assert ok.status_code == 303 and ok.headers["location"] == "/rates"
        listed = client.get("/rates").text
        assert "2025-06-30" in listed and "7.1" in listed and "PBoC central parity" in listed
    with Session(engine) as session:
        [rate] = session.exec(select(ConversionRate)).all()
        assert (rate.currency, rate.rate) == ("CNY", 7.1)
        assert session.exec(select(Event).where(Event.object_type == "rate")).one().action == "create"
