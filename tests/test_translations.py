"""The interface in bokmål, nynorsk and English: complete catalogs, the reader's choice."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from govern import i18n, timeutil
from govern.extensions import db
from govern.i18n_catalog import problems
from govern.models.accounts import User
from govern.services import accounts
from tests.conftest import make_person


def test_every_text_in_the_code_is_translated_in_every_catalog():
    """The catalogs hold exactly the texts of the code (extracted afresh), each translated,
    with the same %(name)s placeholders as the bokmål text."""
    found = problems()
    assert found == [], "\n".join(found[:50]) + f"\n… {len(found)} in all (run `make translations`)"


def test_the_language_follows_the_browser_then_bokmal(app, client):
    page = client.get("/vedtak", headers={"Accept-Language": "nn-NO,nn;q=0.9,en;q=0.5"}).text
    assert '<html lang="nn">' in page
    page = client.get("/vedtak", headers={"Accept-Language": "en-GB,en;q=0.8"}).text
    assert '<html lang="en">' in page
    page = client.get("/vedtak", headers={"Accept-Language": "no"}).text
    assert '<html lang="nb">' in page
    page = client.get("/vedtak", headers={"Accept-Language": "de-DE,fr;q=0.5"}).text
    assert '<html lang="nb">' in page
    page = client.get("/vedtak").text
    assert '<html lang="nb">' in page


def test_the_choice_at_the_foot_of_the_page_is_kept_in_a_cookie(app, client):
    page = client.get("/vedtak").text
    assert 'href="/sprak/nn?neste=/vedtak"' in page
    answer = client.get("/sprak/en?neste=/vedtak")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/vedtak")
    page = client.get("/vedtak", headers={"Accept-Language": "nn"}).text
    assert '<html lang="en">' in page
    assert '<strong lang="en">English</strong>' in page
    # Somewhere else than this site is never where the switch goes back to.
    for target in ("https://example.com/", "//example.com/", "javascript:alert(1)"):
        answer = client.get("/sprak/nb", query_string={"neste": target})
        assert answer.headers["Location"] == "/bodies"


def test_the_profiles_language_wins_and_the_switch_updates_it(app, client):
    person = make_person("Kari Nordmann", email="kari@example.no")
    user = accounts.create_account(
        db.session, person, "kari@example.no", password="et langt passord 123"
    )
    db.session.commit()
    client.post("/login", data={"email": "kari@example.no", "password": "et langt passord 123"})
    answer = client.post("/profile/language", data={"language": "nn"}, follow_redirects=True)
    assert '<html lang="nn">' in answer.text
    assert db.session.get(User, user.id).language == "nn"
    page = client.get("/vedtak", headers={"Accept-Language": "en"}).text
    assert '<html lang="nn">' in page
    client.get("/sprak/en?neste=/vedtak")
    assert db.session.get(User, user.id).language == "en"
    # An unknown language changes nothing.
    answer = client.post("/profile/language", data={"language": "sv"}, follow_redirects=True)
    assert db.session.get(User, user.id).language == "en"
    # Back to the browser's choice.
    client.post("/profile/language", data={"language": ""})
    assert db.session.get(User, user.id).language is None


def test_a_visitors_cached_page_is_kept_per_language(app, client):
    app.config["PAGE_CACHE_SIZE"] = 50
    first = client.get("/bodies", headers={"Accept-Language": "nn"})
    second = client.get("/bodies", headers={"Accept-Language": "en"})
    again = client.get("/bodies", headers={"Accept-Language": "nn"})
    assert '<html lang="nn">' in first.text and '<html lang="en">' in second.text
    assert again.text == first.text
    assert first.headers["ETag"] != second.headers["ETag"]
    assert "Accept-Language" in first.headers["Vary"]
    assert first.headers["Content-Language"] == "nn"


def test_dates_in_each_language():
    first, last = date(2026, 4, 29), date(2026, 4, 30)
    days = [(first, time(10), time(16)), (last, time(9), time(15))]
    with i18n.use_language("nb"):
        assert timeutil.date_span(first, last) == "29. – 30. april 2026"
        assert timeutil.weekday_date(first) == "Onsdag 29. april 2026"
        assert timeutil.time_span(days[:1]) == "kl. 10.00 – 16.00"
    with i18n.use_language("nn"):
        assert timeutil.date_span(first, last) == "29. – 30. april 2026"
        assert timeutil.weekday_date(date(2026, 4, 27)) == "Måndag 27. april 2026"
        assert timeutil.date_span(last, date(2026, 5, 1)) == "30. april – 1. mai 2026"
    with i18n.use_language("en"):
        assert timeutil.date_span(first, last) == "29–30 April 2026"
        assert timeutil.date_span(last, date(2026, 5, 1)) == "30 April – 1 May 2026"
        assert timeutil.weekday_date(first) == "Wednesday 29 April 2026"
        assert timeutil.short_date(first) == "29/04/2026"
        assert timeutil.time_span(days) == "29 April 10:00–16:00 and 30 April 09:00–15:00"
        assert timeutil.short_moment(datetime(2026, 11, 23, 13, 5, tzinfo=UTC)) == (
            "23/11/2026 at 14:05"
        )
    assert i18n.current_language() == "nb"


def test_texts_in_python_follow_the_current_language():
    with i18n.use_language("en"):
        assert i18n.gettext("Språket er lagret.") == "The language has been saved."
    with i18n.use_language("nn"):
        assert i18n.gettext("Språket er lagret.") == "Språket er lagra."
    assert i18n.gettext("Språket er lagret.") == "Språket er lagret."
    assert i18n.normalise("nn-NO") == "nn" and i18n.normalise("no") == "nb"
    assert i18n.normalise("sv") is None


def test_amounts_in_each_language():
    from govern.presentation import kroner

    assert kroner(1_400_000) == "1\u00a0400\u00a0000\u00a0kr"
    with i18n.use_language("nn"):
        assert kroner(1_400_000) == "1\u00a0400\u00a0000\u00a0kr"
    with i18n.use_language("en"):
        assert kroner(1_400_000) == "NOK\u00a01,400,000"
