"""Every export survives every character a user can type or paste, old data included.

Text saved before the input rules (or written to the database some other way) may hold a
vertical tab (Word's Shift+Enter), other control characters and, on SQLite, a NUL byte. The
demo's texts get such characters appended directly in the database, and then every download
route of the URL map is fetched as the administrator and parsed: .docx with python-docx,
.xlsx with openpyxl, .ics with icalendar, .zip entry by entry, CSV as UTF-8. Each answers
200, holds none of the characters its format cannot hold, and has the text without them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import icalendar
import openpyxl
from lxml import etree
from sqlalchemy import select, update

from govern import models
from govern.extensions import db
from govern.services.accounts import DEMO_PASSWORD
from tests.conftest import is_postgres
from tests.exports.test_document_robustness import check_package
from tests.views.test_crawl import demo  # noqa: F401  (the demo fixture)
from tests.views.test_url_map_fuzz import real_values

#: Appended to every text below: what old rows may hold.
PASTED = " Før\x0bEtter\x01\x08\x0c\x1b\x1f\x7f«slutt»"
#: What must be found in every export (whitespace ignored).
VISIBLE = "FørEtter«slutt»"
#: Characters none of the formats can hold.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
POISONED = {
    "FollowUp": ("title", "responsible", "notes"),
    "Case": ("title", "sakseier", "saksbehandler"),
    "Treatment": ("title", "summary", "proposed_decision", "presenter", "presentation", "decision"),
    "TreatmentInput": ("text",),
    "Person": ("name",),
    "Body": ("name", "short_name", "mandate"),
    "Meeting": ("location",),
    "AgendaItem": ("title",),
    "Attachment": ("title",),
    "Cycle": ("name", "description"),
    "CycleEntry": ("title", "responsible", "recipient", "description"),
    "PrioritisationRound": ("title", "description"),
    "PriorityQuestion": ("text",),
    "Measure": ("title", "description"),
    "ProductArea": ("name", "description"),
    "ChangeRequest": ("title", "description", "need"),
    "ChangeRequestEvent": ("note",),
}
EXPORT = re.compile(r"\.(docx|xlsx|csv|ics|zip)$")


def poison(pasted: str) -> None:
    """Append `pasted` to every text column above, straight in the database."""
    for model_name, columns in POISONED.items():
        model = getattr(models, model_name)
        values = {getattr(model, c): getattr(model, c) + pasted for c in columns}
        db.session.execute(update(model).values(values))
    person = db.session.scalars(select(models.Person).order_by(models.Person.id)).first()
    person.feed_token = person.feed_token or "feed-token-for-test"
    db.session.commit()


def demo_values() -> dict[str, str]:
    """The demo's values for path arguments; the body is one with change requests."""
    area = db.session.scalars(select(models.ProductArea).order_by(models.ProductArea.id)).first()
    return {**real_values(), "slug": area.body.slug}


def export_urls(app) -> list[str]:
    """Every download route of the URL map, filled with the demo's values."""
    values = demo_values()
    decided = db.session.scalars(
        select(models.Treatment)
        .where(models.Treatment.meeting_id.is_not(None), models.Treatment.decision != "")
        .order_by(models.Treatment.id)
    ).first()
    values.update(meeting_id=str(decided.meeting_id), treatment_id=str(decided.id))
    urls = []
    for rule in app.url_map.iter_rules():
        if EXPORT.search(rule.rule) and not rule.rule.startswith("/api/"):
            path = rule.rule
            for argument in rule.arguments:
                path = re.sub(r"<(?:[^<>:]+:)?" + argument + ">", values[argument], path)
            urls.append(path)
    return urls


def text_of(url: str, content: bytes) -> str:
    """The text of a download, checked to be sound for its format."""
    if url.endswith(".docx"):
        return check_package(content, url)
    if url.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(content)) as pack:
            # The archive package's arkivmelding messages are XML too: parsed, so a
            # character XML cannot hold fails here.
            return "\n".join(
                check_package(pack.read(name), f"{url}:{name}")
                if name.endswith(".docx")
                else "".join(etree.fromstring(pack.read(name)).itertext())
                for name in pack.namelist()
                if name.endswith((".docx", ".xml"))
            )
    if url.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(content))
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    if url.endswith(".csv"):
        text = content.decode("utf-8-sig")
        return "\n".join(";".join(row) for row in csv.reader(io.StringIO(text), delimiter=";"))
    calendar = icalendar.Calendar.from_ical(content)
    return "\n".join(str(value) for c in calendar.walk() for _key, value in c.property_items())


def archive_the_meeting(meeting_id: str, monkeypatch) -> None:
    """The archive package is made of approved minutes: approve them and make one (its PDF/A
    renderings stood in for: this test reads the .docx files)."""
    from govern.services import archive
    from tests.views.test_archive import fake_render

    monkeypatch.setattr(archive, "render_pdfa", lambda documents, cache: fake_render(documents))
    meeting = db.session.get(models.Meeting, int(meeting_id))
    meeting.status, meeting.minutes_status = "referat godkjent", "godkjent"
    db.session.flush()
    archive.make_package(db.session, meeting, None)
    db.session.commit()


def test_every_export_survives_pasted_control_characters(app, client, demo, monkeypatch):  # noqa: F811
    poison(PASTED if is_postgres() else PASTED + "\x00")
    client.post("/login", data={"email": "admin@example.no", "password": DEMO_PASSWORD})
    urls = export_urls(app)
    archive_the_meeting(next(u for u in urls if "arkivpakke" in u).split("/")[2], monkeypatch)
    assert len(urls) >= 14
    problems = {}
    for url in urls:
        response = client.get(url, follow_redirects=True)
        if response.status_code != 200:
            problems[url] = str(response.status_code)
            continue
        text = text_of(url, response.data)
        if FORBIDDEN.search(text):
            problems[url] = f"holds {FORBIDDEN.search(text).group()!r}"
        elif VISIBLE not in re.sub(r"\s+", "", text):
            problems[url] = "the pasted text is missing"
    assert problems == {}


def test_csv_downloads_name_one_charset(app, client, demo):  # noqa: F811
    client.post("/login", data={"email": "admin@example.no", "password": DEMO_PASSWORD})
    slug = demo_values()["slug"]
    for url in ("/vedtak.csv", f"/bodies/{slug}/endringsonsker.csv"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.data.startswith("\ufeff".encode())


def test_exchange_export_writes_what_its_import_takes(app, session, demo):  # noqa: F811
    import json

    from govern.domain.exchange_format import SINGLE_LINE
    from govern.exports.exchange import build_exchange, dump_exchange
    from govern.text_rules import has_line_break

    poison(PASTED if is_postgres() else PASTED + "\x00")
    document = json.loads(dump_exchange(build_exchange(session)))
    found, problems = [], []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, item in value.items():
                walk(item, k)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str):
            if FORBIDDEN.search(value):
                problems.append((key, value))
            if key in SINGLE_LINE and has_line_break(value):
                problems.append((key, value))
            if VISIBLE in re.sub(r"\s+", "", value):
                found.append(key)

    walk(document)
    assert problems == []
    assert {"name", "title", "decision", "notes"} <= set(found)
