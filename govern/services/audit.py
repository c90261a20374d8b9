"""Recording changes in the audit log, and refusing edits made on stale data."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext as _l
from govern.models.accounts import User
from govern.models.audit import AuditEntry
from govern.models.bodies import Body
from govern.services.errors import Conflict


class StaleEdit(Conflict):
    """Someone else saved the same thing after this form was opened."""


#: What callers call the thing edited ("Saken ble endret av noen andre …"), so the catalogs
#: hold them; `stale_edit` shows them in the reader's language.
WHAT = (
    _l("Dette"),
    _l("Saken"),
    _l("Møtet"),
    _l("Fristen"),
    _l("Forfallet"),
    _l("Svaret"),
    _l("Oppmøtet"),
    _l("Spørsmålet"),
    _l("Punktet"),
    _l("Punktet på dagsordenen"),
    _l("Endringsønsket"),
    _l("Organet"),
    _l("Behandlingen"),
    _l("Den innmeldte saken"),
    _l("Oppfølgingen"),
    _l("Toppnotatet"),
)


def stale_edit(what: str = "Dette") -> StaleEdit:
    """The one refusal of an edit someone else saved first, whether the form's version
    was old or the database refused the update. `what` is one of WHAT (in bokmål, or
    already translated)."""
    return StaleEdit(
        _(
            "%(what)s ble endret av noen andre mens du redigerte. Endringene dine er ikke "
            "lagret; de står under slik du skrev dem. Se over den nye versjonen og lagre på nytt.",
            what=_(str(what)),
        ),
        field="version",
    )


def check_version(obj: Any, submitted: int | None, what: str = "Dette") -> None:
    """Refuse a save whose form was opened on an older version of the object.

    The form carries the version it was opened with; if someone saved in between, the
    second save is refused (and the view shows the user their text again).
    """
    if submitted is None or submitted != obj.version:
        raise stale_edit(what)


def record(
    session: Session,
    user: User | None,
    action: str,
    obj: Any,
    summary: str,
    *,
    body: Body | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one line to the audit log: who did what to which object."""
    entry = AuditEntry(
        user_id=user.id if user is not None and getattr(user, "is_authenticated", False) else None,
        body_id=body.id if body is not None else None,
        action=action,
        entity=type(obj).__name__.lower(),
        entity_id=getattr(obj, "id", None),
        summary=summary,
        changes=changes or None,
    )
    session.add(entry)
    return entry


def diff(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply values to obj and return {field: [before, after]} for what changed."""
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [_jsonable(old), _jsonable(new)]
            setattr(obj, name, new)
    return changes


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
