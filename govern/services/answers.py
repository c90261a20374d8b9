"""Answers to a meeting's invitation: the signed "Jeg kommer" / "Jeg kommer ikke" links of
the e-mail, kept per person and day, and what the secretariat and the member see of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.models.answers import ANSWER_SOURCES, ANSWERS, Absence, MeetingAnswer
from govern.models.base import utcnow
from govern.models.meetings import Meeting, MeetingDay
from govern.models.people import Person
from govern.services.errors import Conflict, InvalidInput

#: The two answers a link can carry, and their PARTSTAT.
LINK_ANSWERS = {"kommer": "ACCEPTED", "kommer-ikke": "DECLINED"}
#: The answer a PARTSTAT stands for (the keys `my_answers` gives; `answer_label` shows them).
ANSWER_LABELS = {"ACCEPTED": "kommer", "DECLINED": "kommer ikke", "TENTATIVE": "kanskje"}
#: How each of `my_answers`' answers reads on the pages, in the reader's language.
_ANSWER_TEXTS = {
    "forfall": lazy_gettext("forfall"),
    "kommer": lazy_gettext("kommer"),
    "kommer ikke": lazy_gettext("kommer ikke"),
    "kanskje": lazy_gettext("kanskje"),
    "delvis": lazy_gettext("delvis"),
}


def answer_label(answer: str | None) -> str:
    """An answer of `my_answers` ("kommer ikke") as the current language writes it."""
    if answer is None:
        return ""
    text = _ANSWER_TEXTS.get(answer)
    return str(text) if text is not None else answer


#: The links are signed for this purpose only: a token of another kind never opens them.
_SALT = "govern.meeting-answer"


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=_SALT)


def answer_token(secret: str, meeting_id: int, person_id: int, answer: str) -> str:
    """A signed token for one person's one answer to one meeting."""
    if answer not in LINK_ANSWERS:
        raise ValueError(f"unknown answer {answer!r}")
    return _serializer(secret).dumps([meeting_id, person_id, answer])


def answer_links(secret: str, base_url: str, meeting: Meeting, person: Person) -> list[str]:
    """The e-mail's lines with the two links, "Jeg kommer" and "Jeg kommer ikke"."""
    base = base_url.rstrip("/")
    yes = base + "/svar/" + answer_token(secret, meeting.id, person.id, "kommer")
    no = base + "/svar/" + answer_token(secret, meeting.id, person.id, "kommer-ikke")
    return [
        _("Svar på innkallingen (ingen innlogging trengs):"),
        _("Jeg kommer: %(link)s", link=yes),
        _("Jeg kommer ikke: %(link)s", link=no),
    ]


@dataclass(frozen=True)
class LinkAnswer:
    """What a valid link says: who answers what to which meeting."""

    meeting: Meeting
    person: Person
    answer: str  # "kommer" or "kommer-ikke"

    @property
    def partstat(self) -> str:
        return LINK_ANSWERS[self.answer]


def read_token(session: Session, secret: str, token: str, today: date) -> LinkAnswer:
    """The answer a link carries; refused when forged or when the meeting is over."""
    try:
        meeting_id, person_id, answer = _serializer(secret).loads(token)
    except (BadSignature, ValueError, TypeError):
        raise InvalidInput(
            _(
                "Lenken er ikke gyldig. Bruk lenken i e-posten slik den er, eller kontakt "
                "sekretariatet."
            )
        ) from None
    meeting = session.get(Meeting, meeting_id) if isinstance(meeting_id, int) else None
    person = session.get(Person, person_id) if isinstance(person_id, int) else None
    if meeting is None or person is None or answer not in LINK_ANSWERS:
        raise InvalidInput(_("Lenken er ikke gyldig, eller møtet finnes ikke lenger."))
    if meeting.status == "avlyst":
        raise Conflict(_("%(meeting)s er avlyst; det trengs ikke noe svar.", meeting=meeting.title))
    if meeting.last_date is None or meeting.last_date < today or meeting.status != "innkalt":
        raise Conflict(
            _("Lenken gjaldt til %(meeting)s var holdt, og er utløpt.", meeting=meeting.title)
        )
    return LinkAnswer(meeting, person, answer)


def answer_in_person(meeting: Meeting, person: Person, answer: str, today: date) -> LinkAnswer:
    """The same answer as a link's, given by a person logged in on the meeting's page."""
    if answer not in LINK_ANSWERS:
        raise InvalidInput(_("Velg «Jeg kommer» eller «Jeg kommer ikke»."))
    if meeting.status == "avlyst":
        raise Conflict(_("%(meeting)s er avlyst; det trengs ikke noe svar.", meeting=meeting.title))
    if meeting.last_date is None or meeting.last_date < today or meeting.status != "innkalt":
        raise Conflict(_("Det kan bare svares på innkallingen til kommende møter."))
    return LinkAnswer(meeting, person, answer)


def record_answer(
    session: Session,
    meeting: Meeting,
    person: Person,
    answer: str,
    source: str,
    days: Iterable[MeetingDay] | None = None,
) -> list[MeetingAnswer]:
    """Keep `answer` (a PARTSTAT) for the given days (all days of the meeting by default)."""
    days = list(meeting.days if days is None else days)
    existing = {
        row.day_id: row
        for row in session.scalars(
            select(MeetingAnswer).where(
                MeetingAnswer.meeting_id == meeting.id, MeetingAnswer.person_id == person.id
            )
        )
    }
    rows = []
    for day in days:
        row = existing.get(day.id)
        if row is None:
            row = MeetingAnswer(meeting_id=meeting.id, day=day, person=person)
            session.add(row)
        row.answer, row.source = answer, source
        row.answered_at = utcnow()
        rows.append(row)
    session.flush()
    return rows


def import_answer(
    session: Session, meeting: Meeting, person: Person, day: int, answer: str, source: str
) -> MeetingAnswer:
    """An answer as the exchange format carries it: day number, PARTSTAT and source."""
    if not 1 <= day <= len(meeting.days):
        raise InvalidInput(_("Møtet har ingen dag %(day)s", day=day), field="day")
    if answer not in ANSWERS:
        raise InvalidInput(
            _("«%(value)s» er ukjent; skriv %(known)s", value=answer, known=", ".join(ANSWERS)),
            field="answer",
        )
    if source not in ANSWER_SOURCES:
        raise InvalidInput(
            _(
                "«%(value)s» er ukjent; skriv %(known)s",
                value=source,
                known=", ".join(ANSWER_SOURCES),
            ),
            field="source",
        )
    day_row = meeting.days[day - 1]
    if any(r.day_id == day_row.id for r in _answers_of(session, meeting, person)):
        raise InvalidInput(
            _("%(name)s har to svar for dag %(day)s", name=person.name, day=day), field="day"
        )
    return record_answer(session, meeting, person, answer, source, [day_row])[0]


def _answers_of(session: Session, meeting: Meeting, person: Person) -> list[MeetingAnswer]:
    return list(
        session.scalars(
            select(MeetingAnswer).where(
                MeetingAnswer.meeting_id == meeting.id, MeetingAnswer.person_id == person.id
            )
        )
    )


def forget_answers(session: Session, meeting: Meeting, person: Person, *sources: str) -> None:
    """Remove a person's answers of the given sources (a forfall withdrawn takes its answers
    along)."""
    for row in session.scalars(
        select(MeetingAnswer).where(
            MeetingAnswer.meeting_id == meeting.id,
            MeetingAnswer.person_id == person.id,
            MeetingAnswer.source.in_(sources),
        )
    ):
        session.delete(row)
    session.flush()


def answers_by_day(session: Session, meeting: Meeting) -> dict[int, dict[int, MeetingAnswer]]:
    """{person id: {day number: answer}} for the attendance page."""
    numbers = {day.id: n for n, day in enumerate(meeting.days, 1)}
    result: dict[int, dict[int, MeetingAnswer]] = {}
    for row in session.scalars(select(MeetingAnswer).where(MeetingAnswer.meeting_id == meeting.id)):
        if row.day_id in numbers:
            result.setdefault(row.person_id, {})[numbers[row.day_id]] = row
    return result


def my_answers(session: Session, person_id: int, meeting_ids: Iterable[int]) -> dict[int, str]:
    """{meeting id: "forfall" | "kommer" | "kommer ikke" | "kanskje" | "delvis"} for one
    person, for the meetings he or she has answered (pages like "Mine møter" show it)."""
    ids = list(meeting_ids)
    if not ids:
        return {}
    result: dict[int, str] = {}
    for absence in session.scalars(
        select(Absence).where(Absence.person_id == person_id, Absence.meeting_id.in_(ids))
    ):
        result[absence.meeting_id] = "forfall"
    given: dict[int, set[str]] = {}
    for row in session.scalars(
        select(MeetingAnswer).where(
            MeetingAnswer.person_id == person_id, MeetingAnswer.meeting_id.in_(ids)
        )
    ):
        given.setdefault(row.meeting_id, set()).add(row.answer)
    for meeting_id, answers in given.items():
        if meeting_id not in result:
            result[meeting_id] = ANSWER_LABELS[answers.pop()] if len(answers) == 1 else "delvis"
    return result


def answer_texts(session: Session, meeting: Meeting) -> dict[int, str]:
    """{person id: "kommer" | "dag 1: kommer, dag 2: kommer ikke"} for the attendance page."""
    texts = {}
    several = len(meeting.days) > 1
    for person_id, by_day in answers_by_day(session, meeting).items():
        labels = {n: answer_label(ANSWER_LABELS[row.answer]) for n, row in sorted(by_day.items())}
        if several and (len(set(labels.values())) > 1 or len(labels) < len(meeting.days)):
            texts[person_id] = ", ".join(
                _("dag %(day)s: %(answer)s", day=n, answer=label) for n, label in labels.items()
            )
        else:
            texts[person_id] = next(iter(labels.values()))
    return texts
