"""Norwegian public holidays and the days a council does not meet.

Public holidays (helligdager and høytidsdager, lov om helligdager og helligdagsfred and lov
om 1. og 17. mai) follow Easter, computed with the anonymous Gregorian algorithm. Besides
them, a secretariat avoids julaften, nyttårsaften, the first days of Holy Week (many take
them off) and the summer holiday, here ISO weeks 27–31 (July, with fellesferien).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext as _l

#: ISO weeks of the summer holiday.
SUMMER_WEEKS = range(27, 32)


def easter_sunday(year: int) -> date:
    """Første påskedag (the anonymous Gregorian algorithm, valid for every Gregorian year)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> dict[date, str]:
    """The public holidays of a year, by date (names in the language current when read)."""
    easter = easter_sunday(year)
    moving = {
        -3: _l("skjærtorsdag"),
        -2: _l("langfredag"),
        0: _l("første påskedag"),
        1: _l("andre påskedag"),
        39: _l("Kristi himmelfartsdag"),
        49: _l("første pinsedag"),
        50: _l("andre pinsedag"),
    }
    fixed = {
        date(year, 1, 1): _l("første nyttårsdag"),
        date(year, 5, 1): _l("offentlig høytidsdag 1. mai"),
        date(year, 5, 17): _l("grunnlovsdagen 17. mai"),
        date(year, 12, 25): _l("første juledag"),
        date(year, 12, 26): _l("andre juledag"),
    }
    days = {easter + timedelta(days=offset): name for offset, name in moving.items()}
    for day, name in fixed.items():
        # Two on one day (andre pinsedag on 17 May 2027) are named together.
        days[day] = (
            _l("%(first)s og %(second)s", first=name, second=days[day]) if day in days else name
        )
    return dict(sorted(days.items()))


def why_not_meet(day: date) -> str | None:
    """Why a council would not meet on a day ('Kristi himmelfartsdag', 'sommerferien'),
    or None for an ordinary working day."""
    if day.weekday() >= 5:
        return _("lørdag") if day.weekday() == 5 else _("søndag")
    holiday = public_holidays(day.year).get(day)
    if holiday:
        return str(holiday)
    if (day.month, day.day) == (12, 24):
        return _("julaften")
    if (day.month, day.day) == (12, 31):
        return _("nyttårsaften")
    if 0 < (easter_sunday(day.year) - day).days <= 6:
        return _("påskeuken")
    if day.isocalendar().week in SUMMER_WEEKS:
        return _("sommerferien")
    return None
