""" "Mine møter": what a member sees after logging in. The next meetings of his or her bodies,
what is new since the last visit (documents published, the innkalling sent, minutes sent
for comment, minutes approved, from the audit log), the draft minutes open for comments
(merknader) with their deadlines, and the cases he or she has submitted.

The reader's permissions are asked of govern.policy / govern.openness by the caller through
`may_read` and `may_see` functions, so this module stays free of flask. The last visit is
kept in PageVisit (bookkeeping that leaves the page caches be): a visit that comes more than
VISIT_GAP after the one before makes that one's time the new "since", so reloading the page
during a visit keeps showing the same news.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext as _l
from govern.models.accounts import User
from govern.models.audit import AuditEntry
from govern.models.bodies import Body
from govern.models.cases import Treatment
from govern.models.meetings import Attachment, Meeting
from govern.models.minutes import MinutesSending
from govern.models.submissions import PageVisit
from govern.policy import READER_ROLES

PAGE = "mine-moter"
#: A new visit begins after this long away from the page.
VISIT_GAP = timedelta(minutes=30)
#: On the first visit, what is new is what happened in these days.
FIRST_VISIT_DAYS = 14
#: How many meetings and news lines the page shows at most.
MEETINGS_SHOWN = 10
NEWS_SHOWN = 30
NEWS_ACTIONS = ("attachment.add", "attachment.file", "meeting.status", "minutes.send",
                "minutes.send_for_comments", "minutes.send_final", "minutes.approve")  # fmt: skip
#: Sending the minutes, as news.
MINUTES_NEWS = {
    "minutes.send": _l("Referatet er sendt til medlemmene: %(meeting)s"),
    "minutes.send_for_comments": _l("Referatet er sendt til medlemmene for merknader: %(meeting)s"),
    "minutes.send_final": _l("Den endelige versjonen av referatet er sendt: %(meeting)s"),
}


@dataclass(frozen=True)
class CommentDeadline:
    """Draft minutes sent for comments (merknader) whose deadline has not passed."""

    meeting: Meeting
    #: None: the secretariat set no deadline.
    deadline: date | None
    #: How many comments the reader has made on this draft.
    own_comments: int


@dataclass(frozen=True)
class NewsRow:
    at: datetime
    text: str
    meeting: Meeting


def note_visit(session: Session, user: User, now: datetime, page: str = PAGE) -> datetime:
    """Record a visit of the page; returns the moment after which things count as new."""
    visit = session.get(PageVisit, (user.id, page))
    if visit is None:
        session.add(PageVisit(user_id=user.id, page=page, seen_at=now, since=None))
        session.flush()
        return now - timedelta(days=FIRST_VISIT_DAYS)
    if now - visit.seen_at > VISIT_GAP:
        visit.since = visit.seen_at
    visit.seen_at = now
    session.flush()
    return visit.since or now - timedelta(days=FIRST_VISIT_DAYS)


def member_bodies(user: User, today: date) -> list[Body]:
    """The bodies the user is a member of (any role that reads the body) today."""
    found = {
        m.body.id: m.body
        for m in user.person.memberships
        if m.role in READER_ROLES and m.active_on(today) and not m.body.external
    }
    return sorted(found.values(), key=lambda b: b.name)


def next_meetings(
    session: Session, bodies: Sequence[Body], today: date, may_read: Callable[[Meeting], bool]
) -> list[Meeting]:
    """The bodies' coming meetings (planned or called, not past) the reader may read."""
    if not bodies:
        return []
    meetings = session.scalars(
        select(Meeting)
        .where(
            Meeting.body_id.in_([b.id for b in bodies]),
            Meeting.status.in_(("planlagt", "innkalt")),
        )
        .options(joinedload(Meeting.body), selectinload(Meeting.days))
    ).all()
    coming = [
        m for m in meetings if m.last_date is not None and m.last_date >= today and may_read(m)
    ]
    coming.sort(key=lambda m: (m.first_date, m.id))
    return coming[:MEETINGS_SHOWN]


def _news_text(entry: AuditEntry, meeting: Meeting, attachment: Attachment | None) -> str | None:
    label = _("%(body)s møte %(number)s", body=meeting.body.short_name, number=meeting.number)
    if attachment is not None:
        return _(
            "Nytt dokument i %(meeting)s: Vedlegg %(number)s «%(title)s»",
            meeting=label,
            number=attachment.number,
            title=attachment.title,
        )
    if entry.action == "meeting.status":
        new = ((entry.changes or {}).get("status") or [None, None])[1]
        if new == "innkalt":
            return _("Innkalling og dagsorden sendt: %(meeting)s", meeting=label)
        if new == "avlyst":
            return _("Møtet er avlyst: %(meeting)s", meeting=label)
        return None
    if entry.action in MINUTES_NEWS:
        return MINUTES_NEWS[entry.action] % {"meeting": label}
    return _("Referatet er godkjent: %(meeting)s", meeting=label)


def news_since(
    session: Session,
    bodies: Sequence[Body],
    since: datetime,
    may_read: Callable[[Meeting], bool],
    may_see: Callable[[Attachment], bool],
    may_read_minutes: Callable[[Meeting], bool],
) -> list[NewsRow]:
    """What was published in the bodies after `since`, newest first, as the reader may see it."""
    if not bodies:
        return []
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.body_id.in_([b.id for b in bodies]),
            AuditEntry.action.in_(NEWS_ACTIONS),
            AuditEntry.at > since,
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(NEWS_SHOWN * 3)
    ).all()
    attachment_ids = {e.entity_id for e in entries if e.entity == "attachment"}
    meeting_ids = {e.entity_id for e in entries if e.entity == "meeting"}
    found = session.scalars(
        select(Attachment)
        .where(Attachment.id.in_(attachment_ids))
        .options(joinedload(Attachment.treatment).joinedload(Treatment.case))
    ).all()
    attachments = {a.id: a for a in found}
    meeting_ids |= {a.meeting_id for a in attachments.values()}
    meetings = {
        m.id: m
        for m in session.scalars(
            select(Meeting)
            .where(Meeting.id.in_(meeting_ids))
            .options(joinedload(Meeting.body), selectinload(Meeting.days))
        )
    }
    rows: list[NewsRow] = []
    seen: set[tuple] = set()
    for entry in entries:
        attachment = attachments.get(entry.entity_id) if entry.entity == "attachment" else None
        meeting_id = attachment.meeting_id if attachment else entry.entity_id
        meeting = meetings.get(meeting_id) if entry.entity in ("attachment", "meeting") else None
        if meeting is None or not may_read(meeting):
            continue
        if attachment is not None and not may_see(attachment):
            continue
        if entry.action in MINUTES_NEWS and not may_read_minutes(meeting):
            continue
        text = _news_text(entry, meeting, attachment)
        key = (entry.action.split(".")[0], entry.entity_id, text)
        if text is None or key in seen:
            continue
        seen.add(key)
        rows.append(NewsRow(entry.at, text, meeting))
    return rows[:NEWS_SHOWN]


def comment_deadlines(
    session: Session,
    bodies: Sequence[Body],
    today: date,
    person_id: int,
    may_read_minutes: Callable[[Meeting], bool],
) -> list[CommentDeadline]:
    """The bodies' draft minutes open for comments today (as minutes_comments.open_round: the
    latest sending of a meeting's minutes is for comments and its deadline, if any, has not
    passed), soonest deadline first."""
    if not bodies:
        return []
    sendings = session.scalars(
        select(MinutesSending)
        .join(Meeting, Meeting.id == MinutesSending.meeting_id)
        .where(Meeting.body_id.in_([b.id for b in bodies]), Meeting.minutes_status == "sendt")
        .options(selectinload(MinutesSending.comments))
        .order_by(MinutesSending.meeting_id, MinutesSending.number)
    ).all()
    latest = {s.meeting_id: s for s in sendings}  # the last of each meeting wins
    meetings = {
        m.id: m
        for m in session.scalars(
            select(Meeting)
            .where(Meeting.id.in_(latest))
            .options(joinedload(Meeting.body), selectinload(Meeting.days))
        )
    }
    rows = []
    for meeting_id, sending in latest.items():
        meeting = meetings[meeting_id]
        if sending.kind != "merknader" or (sending.deadline and sending.deadline < today):
            continue
        if not may_read_minutes(meeting):
            continue
        own = sum(1 for c in sending.comments if c.person_id == person_id)
        rows.append(CommentDeadline(meeting, sending.deadline, own))
    rows.sort(key=lambda r: (r.deadline is None, r.deadline or today, r.meeting.id))
    return rows
