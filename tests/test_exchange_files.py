"""Uploaded files travel with the data: `flask export backup.json` writes them into
backup-filer/ (named by SHA-256, with SHA256SUMS), `flask import backup.json` reads them back
into the new server's uploads; export → import into an empty database → export keeps every
file byte for byte. A file that is missing or changed stops the import, and nothing stays."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from sqlalchemy import func, select, update

from govern.extensions import db
from govern.models import Attachment, Base, CycleEntry, Meeting, Memo
from govern.models.files import StoredFile
from govern.services import memos
from govern.services.attachments import UploadInput, add_attachment, read_stored
from govern.services.file_store import store_for
from tests.views.test_pages import meeting_id

PDF = b"%PDF-1.4\n" + os.urandom(4096) + b"\n%%EOF\n"


def docx(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Tall"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def store(app):
    """The store the app is configured with (a folder, or the database)."""
    return store_for(app.config, app.instance_path, db.session)


@pytest.fixture(params=["folder", "database"])
def uploads(request, app, session, demo, tmp_path):  # noqa: F811 (the demo fixture)
    """Three Vedlegg and an uploaded toppnotat on Fagrådet's 2/26, under server A, in each
    kind of file store."""
    app.config["FILE_STORAGE"] = request.param
    app.instance_path = str(tmp_path / "server-a")
    folder = store(app)
    mid = meeting_id(session, "fagradet", "2/26")
    meeting = session.get(Meeting, mid)
    cases = [i.treatment for i in meeting.items if i.treatment is not None]
    files = {"Vurdering.pdf": PDF, "Innspill.docx": docx("Innspill"), "Tall.xlsx": xlsx()}
    for (name, content), case in zip(files.items(), cases[1:], strict=False):
        add_attachment(session, meeting, UploadInput(name, content, treatment_id=case.id), folder)
    memos.upload_memo(session, None, cases[2], "Toppnotat.docx", docx("Eget toppnotat"), folder)
    session.commit()
    return {**files, "Toppnotat.docx": None}


def empty_database() -> None:
    db.session.execute(update(CycleEntry).values(relative_to_id=None))
    for table in reversed(Base.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def stored_files(app) -> dict[str, bytes]:
    """Every uploaded file as the database names it: '<Vedlegg n or memo>: name' → bytes."""
    files = store(app)
    out = {}
    for a in db.session.scalars(select(Attachment).where(Attachment.stored_name.is_not(None))):
        out[f"Vedlegg {a.number}: {a.filename}"] = read_stored(files, a)
    for m in db.session.scalars(select(Memo).where(Memo.stored_name.is_not(None))):
        out[f"Toppnotat {m.treatment.number}: {m.filename}"] = read_stored(files, m)
    return out


def test_export_import_export_keeps_every_uploaded_file_byte_for_byte(app, tmp_path, uploads):
    before = stored_files(app)
    assert len(before) == 4
    first = tmp_path / "ut" / "backup.json"
    first.parent.mkdir()
    result = run(app, "export", str(first))
    assert result.exit_code == 0, result.output
    assert "og 4 opplastede filer til" in result.output
    folder = first.parent / "backup-filer"
    sums = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(sums) == 4
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    document = json.loads(first.read_text(encoding="utf-8"))
    named = [
        a["file"]
        for m in document["meetings"]
        for i in m["agenda"]
        for a in i.get("attachments", [])
        if "file" in a
    ]
    assert sorted(f["name"] for f in named) == ["Innspill.docx", "Tall.xlsx", "Vurdering.pdf"]

    empty_database()
    app.instance_path = str(tmp_path / "server-b")
    result = run(app, "import", str(first))
    assert result.exit_code == 0, result.output
    assert stored_files(app) == before

    second = tmp_path / "igjen" / "backup.json"
    second.parent.mkdir()
    assert run(app, "export", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    again = second.parent / "backup-filer"
    assert sorted(p.name for p in again.iterdir()) == sorted(p.name for p in folder.iterdir())
    for path in folder.iterdir():
        assert (again / path.name).read_bytes() == path.read_bytes()


def test_a_changed_or_missing_file_stops_the_import_and_nothing_stays(app, tmp_path, uploads):
    out = tmp_path / "backup.json"
    assert run(app, "export", str(out)).exit_code == 0
    folder = tmp_path / "backup-filer"
    victim = next(p for p in folder.iterdir() if p.suffix == ".pdf")
    victim.write_bytes(b"%PDF-1.4 endret")
    empty_database()
    app.instance_path = str(tmp_path / "server-b")
    result = run(app, "import", str(out))
    assert result.exit_code != 0
    assert "Importen ble avbrutt, ingenting er lagret." in result.output
    assert "«Vurdering.pdf» har ikke sjekksummen JSON-filen oppgir" in result.output
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    uploaded = Path(app.instance_path) / "uploads"
    assert not uploaded.exists() or list(uploaded.iterdir()) == []
    assert db.session.scalar(select(func.count(StoredFile.sha256))) == 0

    victim.unlink()
    result = run(app, "import", str(out))
    assert result.exit_code != 0 and "mangler i mappen med filer" in result.output


def test_stdout_export_names_no_files_and_imports_without_them(app, tmp_path, uploads):
    result = run(app, "export", "-")
    assert result.exit_code == 0
    assert '"file"' not in result.output


def test_an_import_without_the_folder_of_files_says_so(app, tmp_path, uploads):
    out = tmp_path / "backup.json"
    assert run(app, "export", str(out)).exit_code == 0
    moved = tmp_path / "flyttet.json"
    out.rename(moved)  # its folder backup-filer/ stays behind under the old name
    empty_database()
    result = run(app, "import", str(moved))
    assert result.exit_code != 0
    assert "er ikke med: importer fra en fil med mappen med filer ved siden av" in result.output
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
