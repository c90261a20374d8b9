"""The referat of a whole meeting saved at once: every case's presentation, innspill and
vedtak in one transaction, by the rules of services.minutes, or nothing at all.

Each case is checked first (its form's version, the vedtak a held meeting needs, the
Godkjenning item's postponement); any refusal refuses the whole save, with each message
placed at its case ('cases[2].decision'), so the secretariat sees every problem at once
and nothing is half saved. Then each case is recorded through `minutes.record_minutes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import ngettext
from govern.models.accounts import User
from govern.models.cases import Treatment
from govern.models.meetings import Meeting
from govern.services.audit import StaleEdit
from govern.services.errors import Conflict, GovernError, InvalidInput, NotFound
from govern.services.minutes import (
    MinutesInput,
    MinutesResult,
    check_minutes,
    ensure_minutes_open,
    record_minutes,
)


@dataclass(frozen=True)
class CaseMinutes:
    """What the page posts for one case: which treatment, and its texts."""

    treatment_id: int
    data: MinutesInput


class _Several:
    """A refusal of the whole save, with a message per case field (`errors`, placed by
    forms.base.show_refusal) and the numbers of the cases someone else saved meanwhile."""

    def __init__(self, message: str, errors: dict[str, str], stale: list[str]) -> None:
        super().__init__(message)  # type: ignore[call-arg]
        self.errors = errors
        self.stale = stale


class CasesChanged(_Several, Conflict):
    """Someone else saved one or more of the cases after the page was opened."""


class CasesInvalid(_Several, InvalidInput):
    """One or more of the cases break a rule (a held meeting's case without vedtak)."""


def cases_of(meeting: Meeting) -> list[Treatment]:
    """The meeting's cases in agenda order."""
    return [i.treatment for i in meeting.items if i.kind == "case" and i.treatment is not None]


def record_meeting_minutes(
    session: Session, user: User | None, meeting: Meeting, cases: Sequence[CaseMinutes]
) -> list[MinutesResult]:
    """Record the minutes of every case posted, all or none.

    Refused as a whole when the minutes are approved (locked) or the meeting is cancelled;
    refused with a message at each case that breaks a rule or was saved by someone else
    since the page was opened. Returns each case's result, in the order posted.
    """
    ensure_minutes_open(meeting)
    if meeting.status == "avlyst":
        raise InvalidInput(_("Møtet er avlyst; det føres ikke referat"))
    by_id = {t.id: t for t in cases_of(meeting)}
    errors: dict[str, str] = {}
    stale: list[str] = []
    for n, entry in enumerate(cases):
        treatment = by_id.get(entry.treatment_id)
        if treatment is None:
            raise NotFound(_("Saken finnes ikke i dette møtet"))
        try:
            check_minutes(session, treatment, entry.data)
        except StaleEdit as error:
            errors[f"cases[{n}].version"] = error.message
            stale.append(treatment.number)
        except GovernError as error:
            errors[f"cases[{n}].{error.field or 'decision'}"] = error.message
    if stale:
        raise CasesChanged(_changed_message(stale), errors, stale)
    if errors:
        raise CasesInvalid(
            _("Referatet er ikke lagret. Rett det som står ved sakene under, og lagre på nytt."),
            errors,
            stale,
        )
    return [record_minutes(session, user, by_id[e.treatment_id], e.data) for e in cases]


def _changed_message(numbers: list[str]) -> str:
    return ngettext(
        "Sak %(cases)s ble endret av noen andre mens du redigerte. Ingenting er lagret; det du "
        "skrev, står under. Se over det som er lagret nå, og lagre på nytt.",
        "Sakene %(cases)s ble endret av noen andre mens du redigerte. Ingenting er lagret; det "
        "du skrev, står under. Se over det som er lagret nå, og lagre på nytt.",
        len(numbers),
        cases=", ".join(numbers),
    )
