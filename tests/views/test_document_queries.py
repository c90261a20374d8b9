"""Each document loads what it uses: the innkalling and the referat read the agenda, not
every memo and each case's whole history (only the meeting pack needs those)."""

from __future__ import annotations

from sqlalchemy import event

from govern.extensions import db
from tests.conftest import add_case, make_body, make_meeting


def statements_of(client, url: str) -> list[str]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def test_the_innkalling_and_the_referat_read_no_memo(client, session):
    meeting = make_meeting(make_body())
    add_case(meeting, "Felles journal")
    meeting.minutes_status = "godkjent"
    session.commit()
    for document in ("innkalling.docx", "referat.docx"):
        statements = statements_of(client, f"/meetings/{meeting.id}/{document}")
        assert not [s for s in statements if "FROM memos" in s or "memo_sections" in s]
