"""A meeting's `minutes_sendings` in the exchange format: each sending of the minutes to the
members (the draft for comments with its deadline, the final version) and the members'
comments (merknader) kept with the draft they were made on; the inverse of
exports.exchange_minutes."""

from __future__ import annotations

from sqlalchemy import select

from govern.i18n import gettext as _
from govern.models.cases import Treatment
from govern.models.meetings import Meeting
from govern.models.minutes import COMMENT_STATUSES, SENDING_KINDS, MinutesComment, MinutesSending
from govern.services.exchange_reader import ExchangeError, ImportContext, Node
from govern.services.minutes_comments import MAX_TEXT

SENDING_KEYS = {"kind", "sent_at", "deadline", "recipients", "comments"}
COMMENT_KEYS = {"person", "case", "text", "at", "status", "answer", "answered_at"}
#: The meeting statuses (as the file writes them) whose minutes may have been sent.
HELD = ("gjennomført", "referat godkjent")


def import_minutes_sendings(
    importer: ImportContext, meeting: Meeting, node: Node, status: str
) -> None:
    """The meeting's sendings, numbered in the file's order, with their comments."""
    rows = node.items("minutes_sendings", SENDING_KEYS)
    if rows and status not in HELD:
        raise ExchangeError(
            _("referatet til et møte som ikke er holdt, kan ikke være sendt"),
            field=node.where("minutes_sendings"),
        )
    found = importer.session.scalars(select(Treatment).where(Treatment.meeting_id == meeting.id))
    cases = {t.number: t for t in found}
    for number, row in enumerate(rows, 1):
        kind = row.choice("kind", SENDING_KINDS)
        deadline = row.day("deadline", required=False)
        if deadline is not None and kind != "merknader":
            raise ExchangeError(
                _("bare et utkast sendt til merknader har frist"), field=row.where("deadline")
            )
        sending = MinutesSending(
            meeting=meeting,
            number=number,
            kind=kind,
            sent_at=row.moment("sent_at"),
            deadline=deadline,
            recipients=row.integer("recipients", 0),
        )
        importer.session.add(sending)
        comments = row.items("comments", COMMENT_KEYS)
        if comments and kind != "merknader":
            raise ExchangeError(
                _("merknader hører til et utkast sendt til merknader"),
                field=row.where("comments"),
            )
        for comment in comments:
            sending.comments.append(_comment(importer, comment, cases))
    importer.session.flush()


def _comment(importer: ImportContext, node: Node, cases: dict) -> MinutesComment:
    treatment = None
    if node.has("case"):
        number = node.text("case")
        treatment = cases.get(number)
        if treatment is None:
            raise ExchangeError(
                _("møtet har ingen sak %(number)s", number=number), field=node.where("case")
            )
    text = node.text("text")
    if len(text) > MAX_TEXT:
        raise ExchangeError(
            _("Merknaden kan ha høyst %(max)s tegn", max=MAX_TEXT), field=node.where("text")
        )
    status = node.choice("status", COMMENT_STATUSES, "ny")
    answer = node.text("answer", required=False)
    if status == "besvart" and not answer:
        raise ExchangeError(_("en besvart merknad trenger et svar"), field=node.where("answer"))
    answered = node.has("answered_at")
    if answered == (status == "ny"):
        raise ExchangeError(
            _("«answered_at» hører til en merknad som er tatt inn eller besvart"),
            field=node.where("answered_at" if answered else "status"),
        )
    return MinutesComment(
        person=importer.person_ref(node, "person"),
        treatment=treatment,
        text=text,
        created_at=node.moment("at"),
        status=status,
        answer=answer,
        answered_at=node.moment("answered_at") if answered else None,
    )
