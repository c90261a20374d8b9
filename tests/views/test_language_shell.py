"""The shell of the site in nynorsk and English: the layout, logging in, the error pages,
search, the front pages, «Min profil» and the administrator's accounts, with their flashes,
form labels, WTForms' own messages and the services' refusals."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from govern.extensions import _localize, login_manager
from govern.forms.auth import LoginForm
from govern.i18n import use_language
from govern.services.accounts import DEMO_PASSWORD
from govern.services.audit import stale_edit
from govern.views import submissions as submission_views
from govern.views.audit_labels import field_label, shown_value

NN = {"Accept-Language": "nn"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


def _text(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(text))


def _login(client, email: str, headers: dict, password: str = DEMO_PASSWORD):
    return client.post("/login", data={"email": email, "password": password}, headers=headers)


def test_the_login_page_and_its_messages_in_nynorsk(app, client, demo_with_accounts):
    page = _text(client.get("/login", headers=NN))
    assert "Logg inn" in page and "Hopp til innhaldet" in page
    assert "Har du gløymt passordet? Be administratoren om ei lenkje for å lage nytt." in page
    assert "Råd og utval" in page  # the menu
    refused = _text(client.post("/login", data={"email": "", "password": ""}, headers=NN))
    assert "Skriv e-postadressa di" in refused and "Skriv passordet ditt" in refused
    assert "Skjemaet har feil. Sjå meldingane ved felta under." in refused  # forms.html
    # WTForms' own messages: WTForms has no nynorsk, govern's catalogs give it.
    too_long = _text(_login(client, "a" * 250 + "@example.no", NN, "x"))
    assert "Feltet kan ikkje vere lenger enn 254 teikn." in too_long
    wrong = _text(_login(client, "medlem@example.no", NN, "feil passord"))
    assert "Feil e-postadresse eller passord" in wrong
    answer = _login(client, "medlem@example.no", NN)
    assert answer.status_code == 302
    page = _text(client.get("/mine-moter", headers=NN))
    assert "Du er logga inn som Jon Gupta." in page
    assert "Mine møte" in page and "Neste møte" in page and "Nytt sidan sist" in page
    assert "Meld inn ei sak til Fagrådet" in page
    page = _text(client.post("/logout", headers=NN, follow_redirects=True))
    assert "Du er logga ut." in page


def test_the_login_page_and_its_messages_in_english(app, client, demo_with_accounts, monkeypatch):
    monkeypatch.setattr(submission_views, "today", lambda: date(2026, 4, 20))
    page = _text(client.get("/login", headers=EN))
    assert "Log in" in page and "Skip to content" in page and "Email address" in page
    assert "Forgotten your password? Ask the administrator for a link" in page
    assert "Logg inn" not in page and "Passord" not in page
    refused = _text(client.post("/login", data={"email": "", "password": ""}, headers=EN))
    assert "Enter your email address" in refused and "Enter your password" in refused
    assert "The form has errors. See the messages by the fields below." in refused
    assert "Skjemaet har feil" not in refused
    too_long = _text(_login(client, "a" * 250 + "@example.no", EN, "x"))
    assert "Field cannot be longer than 254 characters." in too_long
    wrong = _text(_login(client, "medlem@example.no", EN, "wrong password"))
    assert "Wrong email address or password" in wrong
    _login(client, "medlem@example.no", EN)
    page = _text(client.get("/mine-moter", headers=EN))
    assert "You are logged in as Jon Gupta." in page
    assert "My meetings" in page and "Next meetings" in page and "New since last time" in page
    assert "Submit a case to Fagrådet" in page
    assert "Fagrådet – meeting 2/26" in page
    assert "Mine møter" not in page and "Neste møter" not in page


def test_bokmal_stays_the_default(app, client, demo_with_accounts):
    page = _text(client.get("/login"))
    assert "Har du glemt passordet?" in page and "E-postadresse" in page
    too_long = _text(_login(client, "a" * 250 + "@example.no", {}, "x"))
    assert "Feltet kan ikke være lenger enn 254 tegn." in too_long


@pytest.mark.parametrize(
    ("headers", "title", "text"),
    [
        (NN, "Sida finst ikkje", "Vi fann ikkje det du leitte etter. Sjekk adressa."),
        (EN, "Page not found", "We could not find what you were looking for. Check the address."),
        ({}, "Siden finnes ikke", "Vi fant ikke det du lette etter. Sjekk adressen."),
    ],
)
def test_the_error_page(app, client, headers, title, text):
    answer = client.get("/finnes-ikke", headers=headers)
    assert answer.status_code == 404
    page = _text(answer)
    assert title in page and text in page


def test_the_input_guards_message_follows_the_language(app, client):
    answer = client.get("/sok", query_string={"q": "a\x00b"}, headers=EN)
    assert answer.status_code == 400
    page = _text(answer)
    assert "Bad request" in page and "The request contains a control character" in page
    page = _text(client.get("/sok", query_string={"q": "a\x00b"}, headers=NN))
    assert "Førespurnaden inneheld eit kontrollteikn" in page


def test_the_search_page(app, client, demo):
    page = _text(client.get("/sok", query_string={"q": "ingenslikeord"}, headers=NN))
    assert "Søk i saker, toppnotat, innspel og vedtak" in page
    assert "Ingen treff på «ingenslikeord»." in page
    page = _text(client.get("/sok", query_string={"q": "ingenslikeord"}, headers=EN))
    assert "Search cases, memos, input and decisions" in page
    assert "No matches for “ingenslikeord”." in page
    answer = client.get("/sok", query_string={"q": "-bare"}, headers=EN)
    assert answer.status_code == 400
    assert "Enter at least one word to search for." in _text(answer)
    page = _text(client.get("/sok", query_string={"q": "referat"}, headers=EN))
    assert re.search(r"\d+ match(es)?[,.]", page)
    assert "Case " in page and "treff" not in page


def test_the_list_of_bodies_and_the_secretariats_front_page(app, client, demo_with_accounts):
    page = _text(client.get("/bodies", headers=EN))
    assert "Councils and committees" in page and "advisory council" in page
    assert "Established" in page
    page = _text(client.get("/bodies", headers=NN))
    assert "Råd og utval" in page
    _login(client, "sekretariat@example.no", EN)
    page = _text(client.get("/", headers=EN))
    assert "Front page" in page and "Deadlines" in page and "The next 60 days" in page
    assert "Your bodies" in page and "All councils and committees" in page
    page = _text(client.get("/", headers=NN))
    assert "Framside" in page and "Fristar" in page and "Dei neste 60 dagane" in page


def test_min_profil_in_nynorsk_and_english(app, client, demo_with_accounts):
    _login(client, "medlem@example.no", NN)
    page = _text(client.get("/profile", headers=NN))
    assert "Profilen min" in page and "Byt passord" in page and "API-nøklar" in page
    assert "Du har inga kalenderlenkje enno." in page and "Lag API-nøkkel" in page
    refused = _text(client.post("/profile/api-tokens", data={"name": ""}, headers=NN))
    assert "Gi nøkkelen eit namn, så du kjenner han att" in refused
    page = _text(client.post("/profile/feed-token", headers=NN, follow_redirects=True))
    assert "Kalenderlenkja er laga." in page
    page = _text(client.get("/profile", headers=EN))
    assert "My profile" in page and "Change password" in page and "Calendar" in page
    assert (
        "API keys" in page and "Create new link" in page and "The old link stops working." in page
    )
    assert "Min profil" not in page
    page = _text(client.get("/profile/password", headers=EN))
    assert "Your current password" in page and "At least 10 characters." in page
    refused = _text(
        client.post(
            "/profile/password",
            data={"current": "feil", "password": "et nytt passord 1", "confirm": "noe annet"},
            headers=EN,
        )
    )
    assert "The passwords do not match" in refused


def test_the_administrators_accounts_in_english(app, client, demo_with_accounts):
    _login(client, "admin@example.no", EN)
    page = _text(client.get("/admin/accounts", headers=EN))
    assert "Accounts" in page and "Create password link" in page and "Deactivate" in page
    page = _text(client.get("/admin/accounts/new", headers=EN))
    assert "New account" in page and "– choose –" in page
    assert "Administrator (manages bodies and accounts)" in page


def test_refusals_and_messages_outside_a_request_follow_the_language(app):
    with use_language("en"):
        message = stale_edit("Saken").message
        assert message.startswith("The case was changed by someone else while you were editing.")
        assert _localize(login_manager.login_message) == "Log in to see this page."
    with use_language("nn"):
        assert stale_edit().message.startswith("Dette vart endra av nokon andre")
        assert _localize(login_manager.login_message) == "Logg inn for å sjå denne sida."
    assert stale_edit("Møtet").message.startswith("Møtet ble endret av noen andre")
    with app.test_request_context(headers=EN), use_language("en"):
        form = LoginForm(meta={"csrf": False}, data={"email": "", "password": ""})
        assert form.email.label.text == "Email address"


def test_the_change_logs_words_follow_the_language(app):
    with use_language("en"):
        assert field_label("case.title") == "Case title"
        assert field_label("due_on") == "Deadline"
        assert shown_value(True) == "yes" and shown_value("absent") == "absent"
    with use_language("nn"):
        assert field_label("location") == "Stad"
        assert shown_value(False) == "nei" and shown_value("present") == "til stades"
    assert field_label("case.title") == "Sakens tittel" and shown_value("present") == "til stede"


def test_numbers_are_found_with_english_words_too(app):
    from govern.search.numbers import parse_number_query

    assert parse_number_query("case 12/26") == ("", "sak", 12, 2026)
    assert parse_number_query("Fagrådet meeting 2/26") == ("Fagrådet", "møte", 2, 2026)
    assert parse_number_query("møte 2/26") == ("", "møte", 2, 2026)
