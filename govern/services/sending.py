"""What sending would do, shown before it is done: who gets it, the message, the documents,
and what looks wrong. For the innkalling: past dates, no place, cases without forslag til
vedtak, exempt cases without a public title, Vedlegg without a file. For the minutes (the
draft for comments, and the final version): no attendance, cases without vedtak, a deadline
that is not a date, comments not dealt with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import ngettext, use_language
from govern.models.bodies import ROLE_NAMES
from govern.models.meetings import Meeting
from govern.presentation import active_members, meeting_dates
from govern.services.errors import InvalidInput
from govern.services.invitations import INVITED_ROLES, innkalling_message
from govern.services.minutes_comments import (
    check_deadline,
    comments_message,
    final_message,
    latest_sending,
    mail_text,
    waiting_comments,
)
from govern.services.minutes_locking import SendCheck, check_send
from govern.timeutil import long_date

#: Sakstyper that carry no forslag til vedtak of their own.
_NO_PROPOSAL = ("Eventuelt",)


@dataclass(frozen=True)
class Recipient:
    name: str
    role: str
    email: str | None


@dataclass(frozen=True)
class Document:
    title: str
    #: Why the document is not complete yet, or "".
    problem: str = ""


class _Addressed:
    """A preview's recipients, split by whether the e-mail reaches them."""

    recipients: list[Recipient]

    @property
    def reached(self) -> list[Recipient]:
        return [r for r in self.recipients if r.email]

    @property
    def unreachable(self) -> list[Recipient]:
        return [r for r in self.recipients if not r.email]


@dataclass(frozen=True)
class InnkallingPreview(_Addressed):
    recipients: list[Recipient]
    subject: str
    text: str
    documents: list[Document]
    warnings: list[str]


def recipients(meeting: Meeting) -> list[Recipient]:
    """Members and deputies active on the meeting's first day, each once (first role)."""
    seen: dict[int, Recipient] = {}
    on = meeting.first_date or date.today()
    for m in active_members(meeting.body, on, INVITED_ROLES):
        if m.person_id not in seen:
            role = str(ROLE_NAMES.get(m.role, m.role))
            seen[m.person_id] = Recipient(m.person.label, role, m.person.email)
    return list(seen.values())


def documents(meeting: Meeting) -> list[Document]:
    """The innkalling, the Vedlegg by number and the other toppnotater, as the pack has them
    (their names in the body's document language, what is missing in the reader's)."""
    language = meeting.body.document_language
    with use_language(language):
        name = _(
            "Innkalling og dagsorden – %(body)s %(number)s",
            body=meeting.body.short_name,
            number=meeting.number,
        )
    docs = [Document(name)]
    covered: set[int] = set()
    for a in meeting.attachments:
        if a.treatment_id is not None and a.source == "toppnotat":
            covered.add(a.treatment_id)
        missing = a.source == "file" and not a.stored_name
        with use_language(language):
            name = _("Vedlegg %(number)s – %(title)s", number=a.number, title=a.title)
        docs.append(Document(name, _("filen er ikke lastet opp") if missing else ""))
    for item in meeting.items:
        t = item.treatment
        if t is None or t.id in covered or t.sakstype in ("Godkjenning", "Eventuelt"):
            continue
        empty = t.memo is None or t.memo.is_empty
        with use_language(language):
            name = _("Toppnotat %(number)s %(title)s", number=t.number, title=t.display_title)
        problem = _("ikke skrevet ennå (bare oppsummering og forslag til vedtak)")
        docs.append(Document(name, problem if empty else ""))
    return docs


def warnings(meeting: Meeting, today: date) -> list[str]:
    """What the secretariat should look at before the innkalling goes out."""
    found: list[str] = []
    if meeting.first_date is not None and meeting.first_date < today:
        found.append(
            _(
                "Møtedatoen har passert (%(dates)s). Sjekk datoene under «Rediger møte» før du "
                "sender.",
                dates=meeting_dates(meeting),
            )
        )
    if not (meeting.location or "").strip():
        found.append(_("Møtet har ikke noe sted. Fyll inn sted under «Rediger møte»."))
    cases = [i.treatment for i in meeting.items if i.kind == "case" and i.treatment is not None]
    without = [
        f"{t.number} {t.display_title}"
        for t in cases
        if t.sakstype not in _NO_PROPOSAL and not (t.proposed_decision or "").strip()
    ]
    if without:
        found.append(_("Saker uten forslag til vedtak: %(cases)s.", cases="; ".join(without)))
    untitled = [t.number for t in cases if t.case.exempt_basis and not t.case.public_title]
    if untitled:
        found.append(
            _(
                "Unntatt offentlighet uten offentlig tittel: sak %(cases)s. Den offentlige "
                "versjonen viser da ingen tittel.",
                cases=", ".join(untitled),
            )
        )
    return found


def innkalling_preview(meeting: Meeting, base_url: str, today: date) -> InnkallingPreview:
    """Everything the confirmation page shows before «Send innkalling»."""
    subject, text = innkalling_message(meeting, "<" + _("navn") + ">", base_url)
    return InnkallingPreview(
        recipients(meeting), subject, text, documents(meeting), warnings(meeting, today)
    )


@dataclass(frozen=True)
class MinutesPreview(_Addressed):
    """What «Referat: send til medlemmene» (kind "merknader") or «Send endelig referat»
    (kind "endelig") will send, shown before it is sent."""

    kind: str
    recipients: list[Recipient]
    subject: str
    text: str
    documents: list[Document]
    warnings: list[str]
    #: Why it cannot be sent now (a deadline not a date, comments not dealt with), or "".
    problem: str = ""
    #: The draft's deadline for comments.
    deadline: date | None = None
    #: What sending the draft leaves out and approves (minutes_locking.check_send).
    check: SendCheck | None = None


def _referat(meeting: Meeting, final: bool) -> Document:
    with use_language(meeting.body.document_language):
        if final:
            return Document(_("Referat – %(meeting)s", meeting=meeting.title))
        return Document(_("Referat – utkast – %(meeting)s", meeting=meeting.title))


def minutes_preview(
    session: Session, meeting: Meeting, deadline: date | None, base_url: str, today: date
) -> MinutesPreview:
    """Everything the confirmation page shows before the draft minutes go to the members
    for comments: to whom, the e-mail with its deadline, the referat, what is missing."""
    check = check_send(session, meeting)
    found = []
    if check.no_attendance:
        found.append(_("Oppmøtet er ikke registrert."))
    if check.missing_decisions:
        found.append(
            _("Vedtak mangler i sak %(numbers)s.", numbers=", ".join(check.missing_decisions))
        )
    problem = ""
    try:
        deadline = check_deadline(deadline, today)
    except InvalidInput as error:
        problem, deadline = error.message, None
    subject = text = ""
    with use_language(meeting.body.document_language):
        if deadline is not None:
            subject, lines = comments_message(meeting, deadline, base_url)
            text = mail_text(meeting, "<" + _("navn") + ">", lines)
    return MinutesPreview(
        "merknader",
        recipients(meeting),
        subject,
        text,
        [_referat(meeting, final=False)],
        found,
        problem,
        deadline,
        check,
    )


def final_preview(meeting: Meeting, base_url: str, today: date) -> MinutesPreview:
    """What «Send endelig referat» will send; it cannot while a comment is not dealt with."""
    waiting = waiting_comments(meeting)
    problem = ""
    if waiting:
        problem = ngettext(
            "%(num)s merknad er ikke behandlet ennå; ta dem inn eller svar på dem først",
            "%(num)s merknader er ikke behandlet ennå; ta dem inn eller svar på dem først",
            len(waiting),
        )
    found = []
    sending = latest_sending(meeting)
    if sending is not None and sending.deadline is not None and today <= sending.deadline:
        found.append(
            _(
                "Fristen for merknader (%(date)s) er ikke ute; medlemmene kan fortsatt gi "
                "merknader til utkastet.",
                date=long_date(sending.deadline),
            )
        )
    with use_language(meeting.body.document_language):
        subject, lines = final_message(meeting, base_url)
        text = mail_text(meeting, "<" + _("navn") + ">", lines)
    return MinutesPreview(
        "endelig",
        recipients(meeting),
        subject,
        text,
        [_referat(meeting, final=True)],
        found,
        problem,
    )
