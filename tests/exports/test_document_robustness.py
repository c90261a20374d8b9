"""The Word documents survive whatever text people type, through the download routes.

Control characters, XML's special characters, endless words, emoji, Nordic and German
letters, long agendas, empty memos and empty meetings: every document comes back 200 as a
.docx that python-docx opens and whose XML is well-formed, with the text in it (control
characters stripped). The same data gives the same bytes, and an ETag.
"""

from __future__ import annotations

import io
import re
import time as clock
import zipfile
from datetime import date, time
from pathlib import Path, PurePosixPath

import docx
import pytest
from lxml import etree

from govern.extensions import db
from govern.models import Meeting
from govern.models.memos import Memo, MemoSection
from govern.services import accounts, attachments
from govern.services.agenda import EntryInput, add_agenda_entry
from govern.services.attachment_numbers import add_attachment_reference
from govern.services.meetings import record_attendance
from govern.services.memberships import MembershipInput, add_membership
from tests.conftest import add_case, is_postgres, make_body, make_meeting, make_person

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PASSWORD = "riktig-passord-123"
#: Characters XML 1.0 cannot hold, plus DEL; tab, newline and carriage return are allowed.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
CHAR_REF = re.compile(r"&#(x[0-9a-fA-F]+|[0-9]+);")
TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


def control_characters() -> str:
    """C0 controls except tab and newline, DEL, and the non-characters U+FFFE and U+FFFF."""
    codes = [c for c in range(0x20) if c not in (0x09, 0x0A)] + [0x7F, 0xFFFE, 0xFFFF]
    if is_postgres():
        codes.remove(0x00)  # PostgreSQL's text type cannot hold NUL at all
    return "".join(map(chr, codes))


def visible(text: str) -> str:
    """What a reader should find: control characters gone, whitespace ignored."""
    return re.sub(r"\s+", "", FORBIDDEN.sub("", text))


# -- reading what came back ------------------------------------------------------------------


def check_package(content: bytes, what: str) -> str:
    """Assert a .docx is sound; return the text of its body, headers and footers."""
    assert content[:2] == b"PK", f"{what} is not a zip package"
    docx.Document(io.BytesIO(content))  # python-docx opens it
    texts = []
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert package.testzip() is None, f"{what} has a damaged entry"
        for name in package.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            raw = package.read(name)
            text = raw.decode("utf-8")
            bad = FORBIDDEN.search(text)
            assert bad is None, f"{what}: {name} holds {bad.group()!r}"
            for ref in CHAR_REF.findall(text):
                code = int(ref[1:], 16) if ref.startswith("x") else int(ref)
                assert not FORBIDDEN.match(chr(code)), f"{what}: {name} holds &#{ref};"
            root = etree.fromstring(raw)  # well-formed, or this raises
            if TEXT_PARTS.fullmatch(name):
                texts.append("".join(t.text or "" for t in root.iter(W_T)))
    return "\n".join(texts)


def has(document_text: str, wanted: str) -> bool:
    return visible(wanted) in re.sub(r"\s+", "", document_text)


def download(client, url: str, mimetype: str = DOCX):
    response = client.get(url)
    assert response.status_code == 200, f"GET {url}: HTTP {response.status_code}"
    assert response.mimetype == mimetype, f"GET {url}: {response.mimetype}"
    return response


def pack_entries(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert package.testzip() is None
        return {name: package.read(name) for name in package.namelist()}


# -- the data --------------------------------------------------------------------------------


@pytest.fixture
def uploads(app, tmp_path) -> Path:
    """Uploaded files go to a temporary instance folder."""
    app.instance_path = str(tmp_path)
    return tmp_path / "uploads"


def secretariat_client(app, session, body):
    person = make_person("Siv Sekretær", "Helsedirektoratet")
    add_membership(session, body, person, MembershipInput("sekretariat"))
    accounts.create_account(session, person, "siv@example.no", password=PASSWORD)
    session.commit()
    client = app.test_client()
    response = client.post("/login", data={"email": "siv@example.no", "password": PASSWORD})
    assert response.status_code == 302
    return client


def write_memo(session, treatment, text: str, long_text: str) -> Memo:
    memo = Memo(
        treatment=treatment,
        purpose=f"Hensikt: {text}",
        background=f"Bakgrunn: {long_text}\n\n- punkt {text}\n- {long_text}",
        questions=f"Spørsmål: {text}?",
        next_steps=f"Videre: {text}",
    )
    memo.sections = [MemoSection(position=1, heading=f"Drøfting {text}", text=long_text)]
    session.add(memo)
    session.flush()
    return memo


class Meeting2:
    """A held two-day meeting where `text` appears in every field a user can type into."""

    def __init__(self, app, session, text: str, long_text: str | None = None, uploads=None):
        long_text = long_text or text
        title = text[:500]
        self.text, self.long_text, self.title = text, long_text, title
        self.body = body = make_body()
        member = make_person(f"Medlem {text}"[:200], f"Org {text}"[:200])
        absent = make_person(f"Borte {text}"[:200], "Helse Vest RHF")
        add_membership(session, body, member, MembershipInput("medlem"))
        add_membership(session, body, absent, MembershipInput("medlem"))
        self.client = secretariat_client(app, session, body)
        self.meeting = meeting = make_meeting(
            body, date(2026, 4, 29), date(2026, 4, 30), location=f"Sted {text}"[:300]
        )
        case_fields = dict(
            summary=f"Sammendrag: {long_text}",
            proposed_decision=f"Forslag: {long_text}",
            presenter=f"Innleder {text}"[:300],
            presentation=f"Presentert: {long_text}",
            inputs=(f"Innspill {text}", long_text),
            decision=f"Vedtatt: {long_text}",
        )
        self.item = add_case(meeting, title, sakstype="Drøfting", **case_fields)
        self.treatment = treatment = self.item.treatment
        treatment.case.sakseier = f"Eier {text}"
        treatment.case.saksbehandler = f"Behandler {text}"
        add_agenda_entry(session, meeting, EntryInput("point", f"Underpunkt {text}"[:500]))
        add_agenda_entry(session, meeting, EntryInput("break", f"Lunsj {text}"[:500], day=1))
        add_agenda_entry(session, meeting, EntryInput("heading", f"Tema {text}"[:500], day=2))
        add_case(meeting, "Eventuelt", sakstype="Eventuelt", day=2)
        add_attachment_reference(session, meeting, treatment, "1", f"Vedlegg {text}"[:500])
        if uploads is not None:
            attachments.add_attachment(
                session,
                meeting,
                attachments.UploadInput(
                    filename=f"fil {text}.pdf"[-200:],
                    content=b"%PDF-1.4\n%%EOF\n",
                    title=f"Opplastet {text}"[:500],
                    number="2",
                    treatment_id=treatment.id,
                ),
                uploads,
            )
        write_memo(session, treatment, text, long_text)
        record_attendance(session, meeting, member, "present")
        record_attendance(session, meeting, absent, "absent")
        meeting.status = "gjennomført"
        session.commit()

    def documents(self) -> dict[str, str]:
        m, t = self.meeting.id, self.treatment.id
        return {
            "innkalling": f"/meetings/{m}/innkalling.docx",
            "referat": f"/meetings/{m}/referat.docx",
            "toppnotat": f"/treatments/{t}/toppnotat.docx",
        }

    def check_all(self) -> dict[str, str]:
        """Download every document; each must be sound. Returns their texts."""
        texts = {
            kind: check_package(download(self.client, url).get_data(), kind)
            for kind, url in self.documents().items()
        }
        pack = download(
            self.client, f"/meetings/{self.meeting.id}/sakspapirer.zip", "application/zip"
        )
        entries = pack_entries(pack.get_data())
        assert entries, "the meeting pack is empty"
        texts["pack"] = "\n".join(
            check_package(content, f"sakspapirer.zip/{name}")
            for name, content in entries.items()
            if name.lower().endswith(".docx")
        )
        return texts


TEXTS = {
    "kontrolltegn": lambda: f"Før{control_characters()}etter",
    "xml-tegn": "Kryss <b>&amp; \"sitat\" 'apostrof' ]]> <!-- a<b && c>d </w:t>",
    "emoji": "Emoji 👩🏽‍⚕️ 👨‍👩‍👧‍👦 🏳️‍🌈 🇳🇴 😀 ❤️",
    "bokstaver": "Ærlig Østre Åsane æøå Ärger Öl Übel äöü ß é ñ ł",
}


@pytest.mark.parametrize("name", TEXTS)
def test_awkward_text_comes_through(app, session, uploads, name):
    text = TEXTS[name]() if callable(TEXTS[name]) else TEXTS[name]
    data = Meeting2(app, session, text, uploads=uploads)
    texts = data.check_all()
    for kind in ("innkalling", "referat", "toppnotat", "pack"):
        assert has(texts[kind], data.title), f"the title is missing from the {kind}"
    assert has(texts["innkalling"], f"Sammendrag: {text}")
    assert has(texts["innkalling"], f"Forslag: {text}")
    assert has(texts["innkalling"], f"Sted {text}")
    assert has(texts["referat"], f"Vedtatt: {text}")
    assert has(texts["referat"], f"Innspill {text}")
    assert has(texts["toppnotat"], f"Hensikt: {text}")
    assert has(texts["toppnotat"], f"Drøfting {text}")
    for kind, content in texts.items():
        assert "\ufffd" not in content, f"a replacement character in the {kind}"


def test_endless_words_and_long_titles(app, session, uploads):
    word = "Langord" + "x" * 4993  # 5000 characters without a space
    data = Meeting2(app, session, word, long_text=f"Før {word} etter", uploads=uploads)
    texts = data.check_all()
    for kind in ("innkalling", "referat", "toppnotat"):
        assert has(texts[kind], word[:500]), f"the 500-character title is missing from the {kind}"
    assert has(texts["innkalling"], f"Sammendrag: Før {word} etter")
    assert has(texts["referat"], f"Vedtatt: Før {word} etter")
    assert has(texts["toppnotat"], word)


def test_long_title_of_many_words(app, session):
    title = " ".join(["Interregional"] * 38)[:500]
    data = Meeting2(app, session, title)
    texts = data.check_all()
    for kind in ("innkalling", "referat", "toppnotat"):
        assert has(texts[kind], title)


def test_pack_entry_names_are_safe_on_every_system(app, session, uploads):
    text = f'a/b\\c:d*e?f"g<h>i|j ..{control_characters()} '
    data = Meeting2(app, session, text, uploads=uploads)
    long_title = text + "ø" * 400
    attachments.add_attachment(
        session,
        data.meeting,
        attachments.UploadInput("notat.pdf", b"%PDF-1.4\n%%EOF\n", long_title, "3"),
        uploads,
    )
    session.commit()
    pack = download(data.client, f"/meetings/{data.meeting.id}/sakspapirer.zip", "application/zip")
    for name in pack_entries(pack.get_data()):
        path = PurePosixPath(name)
        assert not path.is_absolute() and ".." not in path.parts, name
        for part in path.parts:
            assert not re.search(r'[\\:*?"<>|]', part), f"unsafe character in {part!r}"
            assert not FORBIDDEN.search(part), f"control character in {part!r}"
            assert len(part.encode("utf-8")) <= 255, f"name longer than 255 bytes: {part!r}"


def test_sixty_item_agenda(app, session):
    body = make_body()
    client = secretariat_client(app, session, body)
    meeting = make_meeting(body, date(2026, 4, 29), date(2026, 4, 30), start=time(8), end=time(18))
    titles = []
    for n in range(60):
        title = f"Sak nummer {n + 1} om æøå & <tema>"
        titles.append(title)
        add_case(
            meeting,
            title,
            day=1 + n // 30,
            duration_minutes=15,
            proposed_decision=f"Forslag {n + 1}",
            decision=f"Vedtak {n + 1}",
        )
    meeting.status = "gjennomført"
    session.commit()
    innkalling = check_package(
        download(client, f"/meetings/{meeting.id}/innkalling.docx").get_data(), "innkalling"
    )
    referat = check_package(
        download(client, f"/meetings/{meeting.id}/referat.docx").get_data(), "referat"
    )
    for n, title in enumerate(titles, start=1):
        assert has(innkalling, title) and has(referat, title)
        assert has(innkalling, f"{n}/26")
        assert has(innkalling, f"Forslag {n}") and has(referat, f"Vedtak {n}")
    pack = download(client, f"/meetings/{meeting.id}/sakspapirer.zip", "application/zip")
    for name, content in pack_entries(pack.get_data()).items():
        if name.endswith(".docx"):
            check_package(content, name)


def test_empty_memo_sections(app, session):
    body = make_body()
    client = secretariat_client(app, session, body)
    meeting = make_meeting(body)
    treatment = add_case(meeting, "Sak uten notat").treatment
    bare = add_case(meeting, "Sak med tomt notat").treatment
    memo = Memo(treatment=bare)
    memo.sections = [
        MemoSection(position=1, heading="Drøfting", text=""),
        MemoSection(position=2, heading="   ", text="  \n\n  "),
        MemoSection(position=3, heading="", text="Tekst uten overskrift"),
    ]
    session.add(memo)
    session.commit()
    for target in (treatment, bare):
        text = check_package(
            download(client, f"/treatments/{target.id}/toppnotat.docx").get_data(), "toppnotat"
        )
        assert has(text, target.display_title)
    assert has(text, "Tekst uten overskrift")
    pack = download(client, f"/meetings/{meeting.id}/sakspapirer.zip", "application/zip")
    for name, content in pack_entries(pack.get_data()).items():
        if name.endswith(".docx"):
            check_package(content, name)


def test_meeting_without_agenda(app, session):
    body = make_body()
    client = secretariat_client(app, session, body)
    meeting = make_meeting(body, status="gjennomført")
    session.commit()
    for kind in ("innkalling", "referat"):
        text = check_package(
            download(client, f"/meetings/{meeting.id}/{kind}.docx").get_data(), kind
        )
        assert has(text, meeting.number)
    download(client, f"/meetings/{meeting.id}/sakspapirer.zip", "application/zip")


def test_meeting_without_days(app, session):
    body = make_body()
    client = secretariat_client(app, session, body)
    meeting = Meeting(body=body, year=2026, seq=7, status="innkalt", location="")
    session.add(meeting)
    session.commit()
    for kind in ("innkalling", "referat"):
        text = check_package(
            download(client, f"/meetings/{meeting.id}/{kind}.docx").get_data(), kind
        )
        assert has(text, "7/26")
    download(client, f"/meetings/{meeting.id}/sakspapirer.zip", "application/zip")


def test_same_data_same_bytes(app, session, uploads):
    data = Meeting2(app, session, "Helt vanlig tekst", uploads=uploads)
    urls = [*data.documents().values(), f"/meetings/{data.meeting.id}/sakspapirer.zip"]
    first = {url: data.client.get(url) for url in urls}
    # Zip entries carry times in two-second steps, and core properties in seconds: a build
    # that took the clock's time would differ after this.
    clock.sleep(2.1)
    db.session.expire_all()
    for url in urls:
        again = data.client.get(url)
        assert again.status_code == first[url].status_code == 200, url
        assert again.get_data() == first[url].get_data(), f"{url} differs between downloads"
        etag, _weak = again.get_etag()
        assert etag, f"{url} has no ETag"
        assert again.get_etag() == first[url].get_etag(), f"{url}: ETag changed"
        unchanged = data.client.get(url, headers={"If-None-Match": again.headers["ETag"]})
        assert unchanged.status_code == 304, url
