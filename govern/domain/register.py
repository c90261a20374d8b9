"""The decision register's read model: what the reader asked for and the rows shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from govern.i18n import lazy_gettext as _l
from govern.models.cases import Treatment
from govern.models.followups import FollowUp

#: The follow-up statuses as a reader sees them (the stored values are the keys).
FOLLOW_UP_STATUS_NAMES = {
    "ikke startet": _l("Ikke startet"),
    "pågår": _l("Pågår"),
    "fullført": _l("Fullført"),
    "bortfalt": _l("Bortfalt"),
}


def follow_up_label(status: str) -> str:
    """A follow-up status in the current language, in lower case as in a sentence."""
    name = FOLLOW_UP_STATUS_NAMES.get(status)
    return str(name).lower() if name is not None else status


@dataclass(frozen=True)
class RegisterFilter:
    """What the reader asked for; empty values mean "all"."""

    body: str = ""
    year: int | None = None
    sakstype: str = ""
    follow_up: str = ""

    def as_args(self) -> dict[str, str | int]:
        """The filter as query-string arguments (for links that keep it)."""
        args = {
            "organ": self.body,
            "ar": self.year,
            "sakstype": self.sakstype,
            "oppfolging": self.follow_up,
        }
        return {k: v for k, v in args.items() if v}


@dataclass
class RegisterRow:
    """One decision and its follow-ups, in the order they were registered."""

    treatment: Treatment
    follow_ups: list[FollowUp] = field(default_factory=list)
    #: The title the reader is shown: the public title of an exempt case they may not see.
    title: str = ""
    #: What stands instead of the decision when its content is held back from the reader
    #: ("Unntatt offentlighet, <basis>" or "Lukket behandling, <basis>"), else None.
    held_back: str | None = None

    def __post_init__(self) -> None:
        self.title = self.title or self.treatment.display_title

    @property
    def decision(self) -> str:
        """The decision as the reader may see it."""
        return self.held_back or self.treatment.decision.strip()


class FollowUpMark(NamedTuple):
    """A follow-up as the register page shows it: its status and due date."""

    status: str
    due_on: date | None
    overdue: bool


class RegisterLine(NamedTuple):
    """One decision as the register page shows it: plain values, no ORM objects."""

    id: int
    number: str
    body: str
    #: The meeting's number ('2/26'), or None for a treatment outside a meeting.
    meeting: str | None
    date: date | None
    case_id: int
    title: str
    sakstype: str
    decision: str
    follow_ups: list[FollowUpMark]


@dataclass
class RegisterPage:
    rows: list[RegisterRow] | list[RegisterLine]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
