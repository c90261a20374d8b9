"""Uploaded files in the database (the default on PostgreSQL): content-addressed by
SHA-256, once however many owners share it, in chunks; and the command that moves the
folder's files in."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from govern.models import Attachment, StoredFile, StoredFileChunk
from govern.models.files import CHUNK_SIZE
from govern.services import accounts, attachments
from govern.services.attachments import UploadInput
from govern.services.file_store import DatabaseStore, FolderStore, storage_kind, store_for
from govern.services.memberships import MembershipInput, add_membership
from tests.conftest import add_case, make_body, make_meeting, make_person
from tests.services.test_attachments import PASSWORD, small_pdf
from tests.views.test_pages import text_of


def big_pdf(size: int) -> bytes:
    """Content that passes as a PDF and spans several chunks."""
    return b"%PDF-1.4\n" + os.urandom(size - 9)


def test_the_default_follows_the_database():
    assert storage_kind({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://h/db"}) == "database"
    assert storage_kind({"SQLALCHEMY_DATABASE_URI": "sqlite:///x.sqlite"}) == "folder"
    assert storage_kind({"SQLALCHEMY_DATABASE_URI": "sqlite://", "FILE_STORAGE": "database"}) == (
        "database"
    )
    assert (
        storage_kind({"SQLALCHEMY_DATABASE_URI": "postgresql://h/db", "FILE_STORAGE": "Folder"})
        == "folder"
    )
    with pytest.raises(RuntimeError, match="GOVERN_FILE_STORAGE: «s3» er ikke"):
        storage_kind({"FILE_STORAGE": "s3"})
    assert isinstance(store_for({"FILE_STORAGE": "folder"}, "/srv/x", None), FolderStore)


@pytest.fixture
def meeting(session):
    meeting = make_meeting(make_body(), date(2026, 4, 29))
    add_case(meeting, "Strategisk retning kjernejournal")
    return meeting


@pytest.fixture
def in_database(app, tmp_path):
    app.config["FILE_STORAGE"] = "database"
    app.instance_path = str(tmp_path)
    return tmp_path / "uploads"


@pytest.fixture
def secretary(client, session, meeting):
    person = make_person("Siv Ingebrigtsen", email="siv@example.no")
    add_membership(session, meeting.body, person, MembershipInput(role="sekretariat"))
    accounts.create_account(session, person, "siv@example.no", password=PASSWORD)
    session.commit()
    client.post("/login", data={"email": "siv@example.no", "password": PASSWORD})


def upload(client, meeting, name, content):
    return client.post(
        f"/meetings/{meeting.id}/attachments",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def stored(session) -> dict[str, tuple[int, int]]:
    """sha256 -> (size, chunks in the chunk table)."""
    session.expire_all()
    rows = session.execute(
        select(StoredFile.sha256, StoredFile.size, func.count(StoredFileChunk.number))
        .join(StoredFileChunk, StoredFileChunk.sha256 == StoredFile.sha256, isouter=True)
        .group_by(StoredFile.sha256, StoredFile.size)
    ).all()
    return {sha: (size, chunks) for sha, size, chunks in rows}


def test_uploads_are_kept_once_per_content_and_read_back_byte_for_byte(
    client, session, meeting, in_database, secretary
):
    content = big_pdf(2 * CHUNK_SIZE + 12345)
    sha = hashlib.sha256(content).hexdigest()
    assert upload(client, meeting, "stor.pdf", content).status_code == 302
    assert upload(client, meeting, "samme.pdf", content).status_code == 302
    assert stored(session) == {sha: (len(content), 3)}
    assert not in_database.exists()  # nothing on this host's disk
    first, second = session.scalars(select(Attachment).order_by(Attachment.seq)).all()
    assert first.sha256 == second.sha256 == sha and first.stored_name != second.stored_name
    download = client.get(f"/attachments/{second.id}")
    assert download.status_code == 200
    assert download.headers["Content-Length"] == str(len(content))
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.data == content
    # Deleting one keeps the content the other still names; deleting both removes it.
    client.post(f"/attachments/{first.id}/delete")
    assert stored(session) == {sha: (len(content), 3)}
    client.post(f"/attachments/{second.id}/delete")
    assert stored(session) == {}


def test_a_replaced_file_is_removed_and_the_pack_holds_the_new_one(
    client, session, meeting, in_database, secretary
):
    old, new = small_pdf("Gammel"), small_pdf("Ny")
    upload(client, meeting, "notat.pdf", old)
    attachment = session.scalar(select(Attachment))
    response = client.post(
        f"/attachments/{attachment.id}/file",
        data={"file": (io.BytesIO(new), "notat.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text_of(response)
    assert set(stored(session)) == {hashlib.sha256(new).hexdigest()}
    assert client.get(f"/attachments/{attachment.id}").data == new


def test_a_refused_upload_stores_nothing(client, session, meeting, in_database, secretary, app):
    app.config["MEETING_ATTACHMENTS_MAX_MB"] = 0.01
    response = upload(client, meeting, "stor.pdf", big_pdf(50_000))
    assert response.status_code == 400
    assert "kan til sammen være høyst" in text_of(response)
    assert stored(session) == {}


def test_the_service_with_the_database_store(session, meeting):
    store = DatabaseStore(session)
    content = small_pdf()
    added = attachments.add_attachment(session, meeting, UploadInput("a.pdf", content), store)
    assert attachments.read_stored(store, added) == content
    assert attachments.stored_path(store, added) is None
    session.commit()  # a stream reads on a connection of its own: what is committed
    assert b"".join(store.stream(added)) == content


def test_moving_the_folder_into_the_database(app, session, meeting, tmp_path):
    app.instance_path = str(tmp_path)
    folder = tmp_path / "uploads"
    one, two = small_pdf("En"), small_pdf("To")
    for name, content in (("en.pdf", one), ("to.pdf", two), ("igjen.pdf", one)):
        attachments.add_attachment(session, meeting, UploadInput(name, content), folder)
    session.commit()
    assert len(list(folder.iterdir())) == 3
    app.config["FILE_STORAGE"] = "database"
    result = app.test_cli_runner().invoke(args=["files-to-database", "--remove"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"Flyttet til databasen: 2 filer; 1 var der fra før; 3 slettet fra {folder}."
    )
    assert list(folder.iterdir()) == []
    assert set(stored(session)) == {hashlib.sha256(c).hexdigest() for c in (one, two)}
    store = DatabaseStore(session)
    contents = [store.read(a) for a in session.scalars(select(Attachment).order_by(Attachment.seq))]
    assert contents == [one, two, one]
    again = app.test_cli_runner().invoke(args=["files-to-database"])
    assert again.output.strip() == "Flyttet til databasen: 0 filer; 3 var der fra før."


def test_a_damaged_file_stops_the_move_and_nothing_moves(app, session, meeting, tmp_path):
    app.instance_path = str(tmp_path)
    folder = tmp_path / "uploads"
    good = attachments.add_attachment(session, meeting, UploadInput("a.pdf", small_pdf()), folder)
    bad = attachments.add_attachment(session, meeting, UploadInput("b.pdf", small_pdf("B")), folder)
    session.commit()
    (folder / bad.stored_name).write_bytes(b"%PDF-endret")
    result = app.test_cli_runner().invoke(args=["files-to-database", "--remove"])
    assert result.exit_code == 1
    assert "b.pdf: innholdet stemmer ikke med SHA-256" in result.output
    assert stored(session) == {}
    assert Path(folder / good.stored_name).is_file()
