"""The meeting pack is written once to a file and sent from there: the same bytes as built in
memory, a content ETag, one file per content, old files cleaned up."""

from __future__ import annotations

import os
import time
import zipfile
from dataclasses import replace
from io import BytesIO

import pytest
from sqlalchemy import select

from govern.exports.pack import build_meeting_pack
from govern.models import Attachment, Meeting
from govern.views import documents, pack_files
from tests.exports.test_documents import mark_generated_vedlegg
from tests.views.test_pages import meeting_id

BIG = os.urandom(3 << 20)  # larger than one copy block


@pytest.fixture
def pack(app, session, demo, tmp_path):  # noqa: F811 (the demo fixture)
    app.instance_path = str(tmp_path)
    mark_generated_vedlegg(session)
    mid = meeting_id(session, "fagradet", "2/26")
    vedlegg = session.scalars(select(Attachment).where(Attachment.meeting_id == mid)).all()
    upload = next(a for a in vedlegg if a.number == "6A")
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "stor-6a.pdf").write_bytes(BIG)
    upload.stored_name, upload.filename = "stor-6a.pdf", "vurdering.pdf"
    session.commit()
    return {"url": f"/meetings/{mid}/sakspapirer.zip", "id": mid, "folder": tmp_path / "packs"}


def _in_memory(app, session, mid: int) -> bytes:
    """The pack as the old code built it: every upload read into memory."""
    with app.test_request_context():
        meeting = session.get(Meeting, mid)
        sources = documents._sources(meeting)
        return build_meeting_pack(meeting, replace(sources, file_path=None))


def _etag(response) -> str:
    return response.headers["ETag"].strip('"')


def test_the_pack_file_is_byte_identical_to_the_pack_built_in_memory(app, client, session, pack):
    response = client.get(pack["url"])
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Sakspapirer" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(BytesIO(response.data))
    assert archive.testzip() is None
    assert archive.read("Vedlegg 6A – Vurdering kjernejournal portal.pdf") == BIG
    assert response.data == _in_memory(app, session, pack["id"])
    assert [p.name for p in pack["folder"].iterdir()] == [f"m{pack['id']}-{_etag(response)}.zip"]


def test_the_pack_is_written_once_and_answers_304(client, session, pack):
    first = client.get(pack["url"])
    written = next(pack["folder"].iterdir())
    stamp = written.stat().st_ino
    again = client.get(pack["url"])
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert written.stat().st_ino == stamp  # sent from the same file, not written again
    unchanged = client.get(pack["url"], headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304


def test_a_change_gives_a_new_file_and_packs_nobody_sends_are_removed(client, session, pack):
    first = client.get(pack["url"])
    old = next(pack["folder"].iterdir())
    long_ago = time.time() - pack_files.KEEP_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    (pack["folder"] / "m999-halvferdig.zip.tmp").write_bytes(b"avbrutt")
    os.utime(pack["folder"] / "m999-halvferdig.zip.tmp", (long_ago, long_ago))
    meeting = session.get(Meeting, pack["id"])
    meeting.location = "Et nytt sted"
    session.commit()
    changed = client.get(pack["url"])
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert changed.data != first.data
    assert [p.name for p in pack["folder"].iterdir()] == [f"m{pack['id']}-{_etag(changed)}.zip"]


def test_a_pack_in_use_is_kept(client, session, pack):
    client.get(pack["url"])
    kept = next(pack["folder"].iterdir())
    pack_files.remove_old_packs(pack["folder"])
    assert kept.exists()
