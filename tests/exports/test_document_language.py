"""A body writes its documents in bokmål or nynorsk (Body.document_language): Word is told
nb-NO or nn-NO in the styles of every document of the body; the body form, the audit log
and the exchange format carry the setting."""

from __future__ import annotations

import copy
from datetime import date
from io import BytesIO
from types import SimpleNamespace

import icalendar
import pytest
from docx import Document
from sqlalchemy import select

from govern.domain.cycle_plan import Occurrence
from govern.exports.arshjul import build_arshjul
from govern.exports.calendar_deadlines import deadline_event
from govern.exports.docx_common import sakstype_column
from govern.exports.exchange import build_exchange
from govern.exports.versions import Version
from govern.i18n import gettext, use_language
from govern.models import Body
from govern.models.cases import sakstype_label
from govern.services.exchange import ExchangeError, import_exchange
from tests.api.helpers import assert_problem, bearer, user_with_token
from tests.conftest import make_body, make_meeting
from tests.exports.test_documents import docx_of, facts, rows, treatment
from tests.exports.test_structured_text import lang
from tests.services.test_exchange import approve_demo_january, example
from tests.views.test_body_admin import (  # noqa: F401 (fixtures)
    _edit_data,
    body,
    login,
    make_user,
    secretary,
)
from tests.views.test_pages import meeting_id, text_of


def _body(session, slug: str) -> Body:
    return session.scalar(select(Body).where(Body.slug == slug))


def test_a_nynorsk_body_gets_nn_no_in_every_document(client, session, demo):
    approve_demo_january(session)
    _body(session, "fagradet").document_language = "nn"
    session.commit()
    january, april = (meeting_id(session, "fagradet", n) for n in ("1/26", "2/26"))
    urls = [
        f"/meetings/{april}/innkalling.docx",
        f"/meetings/{january}/referat.docx",
        f"/treatments/{treatment(session, '10/26').id}/toppnotat.docx",
    ]
    for url in urls:
        assert lang(docx_of(client.get(url))) == "nn-NO", url
    # A bokmål body's documents stay nb-NO (the administrator reads the members-only body).
    make_user(session, "Ada Admin", "ada@example.no", is_admin=True)
    session.commit()
    login(client, "ada@example.no")
    other = meeting_id(session, "produktrad-dips-arena", "1/26")
    assert lang(docx_of(client.get(f"/meetings/{other}/innkalling.docx"))) == "nb-NO"


def test_the_secretariat_chooses_the_document_language(client, session, secretary, body):  # noqa: F811
    login(client, "siri@example.no")
    form = client.get("/bodies/fagradet/edit")
    assert "Dokumentspråk" in text_of(form) and "Nynorsk" in text_of(form)
    saved = client.post(
        "/bodies/fagradet/edit",
        data=_edit_data(form.get_data(as_text=True), document_language="nn"),
    )
    assert saved.status_code == 302
    session.expire_all()
    assert _body(session, "fagradet").document_language == "nn"
    assert "Dokumentspråk" in text_of(client.get("/bodies/fagradet/audit"))
    refused = client.post(
        "/bodies/fagradet/edit",
        data=_edit_data(
            client.get("/bodies/fagradet/edit").get_data(as_text=True), document_language="sv"
        ),
    )
    assert refused.status_code == 400
    session.expire_all()
    assert _body(session, "fagradet").document_language == "nn"


def test_the_exchange_carries_nynorsk_and_refuses_other_languages(session):
    document = copy.deepcopy(example())
    document["bodies"][0]["document_language"] = "nn"
    import_exchange(session, document)
    session.commit()
    slug = document["bodies"][0]["slug"]
    assert _body(session, slug).document_language == "nn"
    exported = {b["slug"]: b for b in build_exchange(session)["bodies"]}
    assert exported[slug]["document_language"] == "nn"
    assert all("document_language" not in b for s, b in exported.items() if s != slug)


def test_the_exchange_refuses_another_language(session):
    broken = copy.deepcopy(example())
    broken["bodies"][0]["document_language"] = "sv"
    with pytest.raises(ExchangeError) as caught:
        import_exchange(session, broken)
    session.rollback()
    assert caught.value.field.startswith("bodies[0]")
    assert "dokumentspråk" in caught.value.message


def test_the_api_reads_and_sets_the_document_language(client, session):
    admin = user_with_token(session, "Ada Admin", "ada@example.no", is_admin=True)
    new = {"slug": "nynorsk-rad", "name": "Nynorskrådet", "short_name": "NR", "kind": "annet"}
    created = client.post(
        "/api/v1/bodies", json=new | {"document_language": "nn"}, headers=bearer(admin)
    )
    assert created.status_code == 201 and created.get_json()["document_language"] == "nn"
    update = {k: v for k, v in new.items() if k != "slug"} | {
        "version": created.get_json()["version"]
    }
    kept = client.put("/api/v1/bodies/nynorsk-rad", json=update, headers=bearer(admin))
    assert kept.get_json()["document_language"] == "nn"  # left out: as it is
    refused = client.put(
        "/api/v1/bodies/nynorsk-rad",
        json=update | {"version": kept.get_json()["version"], "document_language": "sv"},
        headers=bearer(admin),
    )
    assert_problem(refused, 422, "document_language")


# -- the documents' texts in the body's language ---------------------------------------------


def _all_text(doc) -> str:
    """Every text of a document: body paragraphs, tables (nested too), page header and footer."""
    parts = [p.text for p in doc.paragraphs]

    def cells(tables):
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    cells(cell.tables)

    cells(doc.tables)
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def _english_reader(client, url: str):
    return docx_of(client.get(url, headers={"Accept-Language": "en-GB,en;q=0.9"}))


def test_a_nynorsk_bodys_documents_are_in_nynorsk_whatever_the_readers_language(
    client, session, demo
):
    approve_demo_january(session)
    _body(session, "fagradet").document_language = "nn"
    session.commit()
    january, april = (meeting_id(session, "fagradet", n) for n in ("1/26", "2/26"))

    innkalling = _english_reader(client, f"/meetings/{april}/innkalling.docx")
    header = facts(innkalling.tables[0])
    assert list(header) == ["Møte", "Dato", "Tid", "Stad", "Medlemer"]
    assert header["Dato"] == "29. – 30. april 2026"
    assert header["Tid"] == "29. april kl. 10.00 – 16.00 og 30. april kl. 08.00 – 14.30"
    agenda = rows(innkalling.tables[1])
    assert agenda[0] == ["Sak", "Agenda", "Tidspunkt", "Sakstype"]
    assert ["", "Dag 1", "", ""] in agenda and agenda[-1] == ["", "Slutt dag 2", "14:30", ""]
    assert {r[3] for r in agenda if r[0] in ("14/26", "17/26")} == {"Tilråding"}
    text = _all_text(innkalling)
    assert "omsorgssektoren – Innkalling og dagsorden" in text and "Offentleg versjon" in text
    with use_language("nn"):
        proposal = gettext("Forslag til vedtak")  # «Framlegg til vedtak»
    assert f"{proposal}:" in text and "Start dag 1" in text and "Side " in text
    for other in ("Medlemmer", "Sted", "Offentlig versjon", "Notice of meeting", "Public"):
        assert other not in text, other

    referat = _english_reader(client, f"/meetings/{january}/referat.docx")
    text = _all_text(referat)
    assert referat.paragraphs[0].text == "Referat frå møte i Fagrådet 1/26"
    header = facts(referat.tables[0])
    assert "Ikkje til stades" in header and "Stadfortredar" in header
    assert any(name.endswith(" – dag 1") for name in header["Ikkje til stades"])
    assert rows(referat.tables[1])[0] == ["Saksnr.", "Tittel på sak", "Sakstype"]
    assert "Vedtak:" in text and "omsorgssektoren – Referat" in text
    for other in ("Ikke til stede", "Referat fra møte", "Minutes", "Decision"):
        assert other not in text, other

    toppnotat = _english_reader(
        client, f"/treatments/{treatment(session, '10/26').id}/toppnotat.docx"
    )
    header = facts(toppnotat.tables[0])
    assert list(header) == [
        "Til", "Dato", "Saksnummer", "Innretning", "Sakseigar", "Sakshandsamar",
    ]  # fmt: skip
    assert header["Til"] == "Møte 2/26" and header["Dato"] == "29.04.2026"
    headings = [p.text for p in toppnotat.paragraphs if p.style.name == "Heading 2"]
    assert proposal in headings
    assert "Vedtak frå tidlegare handsamingar i rådsmodellen" in headings
    text = _all_text(toppnotat)
    assert "omsorgssektoren – Toppnotat" in text and "Case" not in text
    assert "Vedtak fra tidligere" not in text and "Saksbehandler" not in text


def test_a_nynorsk_body_gets_nynorsk_weekdays_and_sakstyper(client, session, demo):
    _body(session, "endringsrad-medikasjon").document_language = "nn"
    make_user(session, "Ada Admin", "ada@example.no", is_admin=True)
    session.commit()
    login(client, "ada@example.no")
    meeting = meeting_id(session, "endringsrad-medikasjon", "1/26")
    innkalling = _english_reader(client, f"/meetings/{meeting}/innkalling.docx")
    day = rows(innkalling.tables[2])
    assert day[0] == ["Sak", "Tysdag 17. februar 2026", "Sakstype"]
    sakstyper = {r[3] for r in rows(innkalling.tables[1])[1:]}
    assert {"Godkjenning", "Drøfting", "Avgjerd", "Tilråding"} <= sakstyper
    assert "Intern versjon – unnateke frå offentlegheit" in _all_text(innkalling)
    referat = _english_reader(client, f"/meetings/{meeting}/referat.docx")
    text = _all_text(referat)
    assert "Det kom ingen saker til eventuelt." in text and "Innspel:" in text
    assert "Tysdag 17. februar 2026" in text and "Tirsdag" not in text
    four = treatment(session, "4/26", "endringsrad-medikasjon")
    toppnotat = _english_reader(client, f"/treatments/{four.id}/toppnotat.docx")
    assert facts(toppnotat.tables[0])["Innretning"] == "Tilråding"


def test_a_bokmal_bodys_documents_stay_bokmal_for_a_nynorsk_or_english_reader(
    client, session, demo
):
    april = meeting_id(session, "fagradet", "2/26")
    for language in ("nn", "en"):
        doc = docx_of(
            client.get(f"/meetings/{april}/innkalling.docx", headers={"Accept-Language": language})
        )
        assert list(facts(doc.tables[0])) == ["Møte", "Dato", "Tid", "Sted", "Medlemmer"]
        assert "Offentlig versjon" in _all_text(doc)
        assert {r[3] for r in rows(doc.tables[1]) if r[0] == "14/26"} == {"Anbefaling"}


def test_calendar_texts_are_in_the_bodys_language_and_say_so(client, session, demo):
    _body(session, "fagradet").document_language = "nn"
    session.commit()
    april = meeting_id(session, "fagradet", "2/26")
    answer = client.get(f"/meetings/{april}.ics", headers={"Accept-Language": "en"})
    assert answer.status_code == 200
    events = icalendar.Calendar.from_ical(answer.data).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [
        "Møte i Fagrådet 2/26 – dag 1/2",
        "Møte i Fagrådet 2/26 – dag 2/2",
    ]
    for event in events:
        for name in ("SUMMARY", "LOCATION", "DESCRIPTION"):
            assert event[name].params["LANGUAGE"] == "nn-NO", name
    assert b"SUMMARY;LANGUAGE=nn-NO:M" in answer.data
    # A bokmål body's events say nb-NO, whoever asks.
    other = meeting_id(session, "fagradet", "1/26")
    _body(session, "fagradet").document_language = "nb"
    session.commit()
    answer = client.get(f"/meetings/{other}.ics", headers={"Accept-Language": "nn"})
    events = icalendar.Calendar.from_ical(answer.data).walk("VEVENT")
    assert {e["SUMMARY"].params["LANGUAGE"] for e in events} == {"nb-NO"}


def test_deadlines_are_worded_in_the_cycles_bodys_language():
    nynorsk = SimpleNamespace(document_language="nn")
    entry = SimpleNamespace(
        id=7, title="Leveranseplan", responsible="NHN", recipient="HOD", description="",
        cycle=SimpleNamespace(body=nynorsk),
    )  # fmt: skip
    found = Occurrence(entry, "y2027", date(2027, 2, 1), date(2027, 2, 1), "1. februar", False)
    with use_language("en"):
        event = deadline_event(found)
    assert str(event["SUMMARY"]) == "Frist: Leveranseplan"
    assert str(event["DESCRIPTION"]) == "Når: 1. februar\nAnsvarleg: NHN\nTil: HOD"
    assert event["SUMMARY"].params["LANGUAGE"] == "nn-NO"
    entry.cycle = SimpleNamespace(body=None)  # a shared cycle: bokmål
    with use_language("nn"):
        event = deadline_event(found)
    assert str(event["DESCRIPTION"]).startswith("Når: 1. februar\nAnsvarlig: NHN")
    assert event["DESCRIPTION"].params["LANGUAGE"] == "nb-NO"


def test_the_footer_and_labels_follow_the_language_they_are_made_in():
    with use_language("en"):
        assert "Page " in _all_text(Document(BytesIO(_english_arshjul())))
    with use_language("nn"):
        assert sakstype_label("Beslutning") == "Avgjerd"
        assert sakstype_column("Eventuelt") == ""
        assert Version(public=True).label == "Offentleg versjon"
    assert sakstype_label("Beslutning") == "Beslutning"
    assert sakstype_label("Noe annet") == "Noe annet"


def _english_arshjul() -> bytes:
    return build_arshjul("Fagrådet", 2027, [])


def test_a_nynorsk_bodys_feed_words_its_deadlines_in_nynorsk(client, session):
    from govern.services import cycles

    year = date.today().year
    fagradet = make_body()
    fagradet.document_language = "nn"
    make_meeting(fagradet, date(year, 5, 6))
    cycle = cycles.create_cycle(session, cycles.CycleInput("Årshjul for Fagrådet"), body=fagradet)
    cycles.add_entry(
        session,
        cycle,
        cycles.EntryInput("Leveranseplan", "date", month=2, day=1, responsible="NHN"),
    )
    session.commit()
    answer = client.get("/bodies/fagradet/calendar.ics", headers={"Accept-Language": "en"})
    deadline = next(
        e
        for e in icalendar.Calendar.from_ical(answer.data).walk("VEVENT")
        if str(e["UID"]).startswith("frist-")
    )
    assert str(deadline["SUMMARY"]) == "Frist: Leveranseplan"
    assert "Ansvarleg: NHN" in str(deadline["DESCRIPTION"])
    assert deadline["DESCRIPTION"].params["LANGUAGE"] == "nn-NO"
    meeting = next(
        e
        for e in icalendar.Calendar.from_ical(answer.data).walk("VEVENT")
        if not str(e["UID"]).startswith("frist-")
    )
    assert meeting["SUMMARY"].params["LANGUAGE"] == "nn-NO"
