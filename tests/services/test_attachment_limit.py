"""A meeting's uploaded attachments have a total limit; a file that would pass it is refused
with a message saying so, and nothing is saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from govern.models import Attachment
from govern.services import attachments
from govern.services.attachments import UploadInput
from govern.services.errors import InvalidInput
from tests.services.test_attachments import (  # noqa: F401 (fixtures)
    meeting,
    secretary,
    small_pdf,
    stored_files,
    upload,
    uploads,
)
from tests.views.test_pages import text_of


def _add(session, meeting, uploads, content: bytes, limit: int):  # noqa: F811
    data = UploadInput(filename="notat.pdf", content=content)
    return attachments.add_attachment(session, meeting, data, uploads, total_limit=limit)


def test_an_upload_over_the_meeting_total_is_refused_and_nothing_is_saved(
    session,
    meeting,  # noqa: F811
    uploads,  # noqa: F811
):
    pdf = small_pdf()
    limit = 2 * len(pdf) + 10
    _add(session, meeting, uploads, pdf, limit)
    _add(session, meeting, uploads, pdf, limit)
    session.commit()
    with pytest.raises(InvalidInput) as refused:
        _add(session, meeting, uploads, pdf, limit)
    assert refused.value.field == "file"
    assert refused.value.message.startswith(
        f"Vedleggene til møte {meeting.number} kan til sammen være høyst "
    )
    assert "Slett eller bytt ut et vedlegg først." in refused.value.message
    session.rollback()
    assert len(stored_files(uploads)) == 2
    assert session.scalar(select(func.count(Attachment.id))) == 2
    # A reference without a file takes no room; no limit means none.
    reference = UploadInput(filename="", content=b"", title="Kommer")
    attachments.add_attachment(session, meeting, reference, uploads, total_limit=limit)
    _add(session, meeting, uploads, pdf, None)


def test_a_replaced_file_no_longer_counts(session, meeting, uploads):  # noqa: F811
    pdf = small_pdf()
    first = _add(session, meeting, uploads, pdf, len(pdf))
    session.commit()
    bigger = small_pdf("Et lengre toppnotat med mer tekst")
    with pytest.raises(InvalidInput, match="kan til sammen være høyst"):
        attachments.attach_file(session, first, "ny.pdf", bigger, uploads, total_limit=len(pdf))
    session.rollback()
    attachments.attach_file(session, first, "ny.pdf", pdf, uploads, total_limit=len(pdf))


def test_the_upload_page_says_why_and_keeps_nothing(
    app,
    client,
    session,
    meeting,  # noqa: F811
    uploads,  # noqa: F811
    secretary,  # noqa: F811
):
    app.config["MEETING_ATTACHMENTS_MAX_MB"] = 0.001  # about 1 kB
    assert upload(client, meeting, "a.pdf", small_pdf()).status_code == 302
    refused = upload(client, meeting, "b.pdf", small_pdf())
    assert refused.status_code == 400
    page = text_of(refused)
    assert f"Vedleggene til møte {meeting.number} kan til sammen være høyst 1 kB" in page
    assert len(stored_files(uploads)) == 1
    assert session.scalar(select(func.count(Attachment.id))) == 1
