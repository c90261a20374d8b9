"""Beslutningsdyktighet (quorum): whether a deciding body had enough members present.

A body's rule (Body.quorum_rule) counts the members with voting right (leder, nestleder,
medlem) active on the meeting's first day; one is present on a day when he or she is
registered present that day, or a vara stands in for him or her that day. The rule is
checked day by day; the attendance page and the referat state the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.models.bodies import QUORUM_RULES
from govern.models.meetings import Meeting

#: The roles with voting right.
VOTING_ROLES = ("leder", "nestleder", "medlem")
#: How the rule reads in the referat's sentence ("krav: mer enn halvparten").
RULE_WORDS = {
    "over_half": lazy_gettext("mer enn halvparten"),
    "half": lazy_gettext("minst halvparten"),
    "two_thirds": lazy_gettext("minst to tredjedeler"),
}
#: How the referat names the body, in the language being written.
SUBJECTS = {"Rådet": lazy_gettext("Rådet"), "Utvalget": lazy_gettext("Utvalget")}


def required(rule: str, voting: int) -> int:
    """How many of `voting` members must be present under the rule."""
    if rule == "over_half":
        return voting // 2 + 1
    if rule == "half":
        return ceil(voting / 2)
    if rule == "two_thirds":
        return ceil(2 * voting / 3)
    return 0


def _on_day(days: list[int] | None, day: int) -> bool:
    return not days or day in days


def present_on(meeting: Meeting, voting_ids: set[int], day: int) -> set[int]:
    """The members with voting right present on the day (1-based), a vara counting for the
    member he or she stands in for."""
    present: set[int] = set()
    for a in meeting.attendance:
        if a.status == "present" and _on_day(a.days, day):
            present.add(a.person_id)
        elif a.status == "absent" and a.days and day not in a.days:
            present.add(a.person_id)  # away only on other days
        elif a.status == "deputy" and _on_day(a.days, day) and a.deputy_for_id is not None:
            present.add(a.deputy_for_id)
    return present & voting_ids


@dataclass(frozen=True)
class Quorum:
    """The outcome of a body's quorum rule for one meeting."""

    rule: str
    voting: int
    required: int
    #: Members with voting right present, per day (1-based order).
    present: tuple[int, ...]
    #: "Rådet" or "Utvalget": how the referat names the body.
    subject: str = "Rådet"

    @property
    def label(self) -> str:
        return QUORUM_RULES[self.rule]

    @property
    def met_by_day(self) -> tuple[bool, ...]:
        return tuple(n >= self.required for n in self.present)

    @property
    def met(self) -> bool:
        return all(self.met_by_day)

    def _counts(self) -> str:
        if len(set(self.present)) == 1:
            shown = str(self.present[0])
        else:
            shown = ", ".join(
                _("dag %(day)s: %(count)s", day=i, count=n) for i, n in enumerate(self.present, 1)
            )
        return _(
            "%(present)s av %(voting)s medlemmer med stemmerett til stede, vara medregnet; "
            "krav: %(rule)s, det vil si %(required)s",
            present=shown,
            voting=self.voting,
            rule=RULE_WORDS[self.rule],
            required=self.required,
        )

    @property
    def sentence(self) -> str:
        """'Rådet var beslutningsdyktig (7 av 12 medlemmer med stemmerett til stede, vara
        medregnet; krav: mer enn halvparten, det vil si 7).'"""
        met = self.met_by_day
        subject = SUBJECTS.get(self.subject, self.subject)
        if all(met):
            return _(
                "%(subject)s var beslutningsdyktig (%(counts)s).",
                subject=subject,
                counts=self._counts(),
            )
        if not any(met):
            return _(
                "%(subject)s var ikke beslutningsdyktig (%(counts)s).",
                subject=subject,
                counts=self._counts(),
            )
        yes = _(" og ").join(str(i) for i, ok in enumerate(met, 1) if ok)
        no = _(" og ").join(str(i) for i, ok in enumerate(met, 1) if not ok)
        return _(
            "%(subject)s var beslutningsdyktig dag %(yes)s, men ikke dag %(no)s (%(counts)s).",
            subject=subject,
            yes=yes,
            no=no,
            counts=self._counts(),
        )


def quorum_of(meeting: Meeting) -> Quorum | None:
    """The quorum of a meeting whose body has a rule and whose attendance is registered;
    None otherwise (nothing to state)."""
    body = meeting.body
    if not body.quorum_rule or not meeting.attendance or not meeting.days:
        return None
    on = meeting.first_date
    voting_ids = {
        m.person_id for m in body.memberships if m.role in VOTING_ROLES and m.active_on(on)
    }
    present = tuple(
        len(present_on(meeting, voting_ids, day)) for day in range(1, len(meeting.days) + 1)
    )
    return Quorum(
        rule=body.quorum_rule,
        voting=len(voting_ids),
        required=required(body.quorum_rule, len(voting_ids)),
        present=present,
        subject="Utvalget" if body.kind == "utvalg" else "Rådet",
    )
