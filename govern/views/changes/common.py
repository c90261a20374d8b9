"""What the pages of the changes area share: the blueprint, lookups and the reader's rights."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy import select

from govern.extensions import db
from govern.forms.base import choices
from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.models.bodies import Body
from govern.models.changes import change_status_label, release_status_label
from govern.models.meetings import Meeting
from govern.policy import is_body_reader
from govern.policy import visible_events as policy_visible_events
from govern.services import change_decisions as decisions
from govern.services import changes
from govern.views.guard import require_body_reader

bp = Blueprint("changes", __name__, template_folder="../../../templates")


def body_or_404(slug: str) -> Body:
    return db.session.scalar(select(Body).where(Body.slug == slug)) or abort(404)


@bp.app_template_global()
def may_read_changes(body: Body) -> bool:
    """Members of the endringsråd (and admins) read its product area and change requests."""
    return is_body_reader(current_user, body, on=date.today())


@bp.app_template_global("change_status_label")
def _change_status_label(status: str | None) -> str:
    """A change request's status as the reader's language shows it."""
    return change_status_label(status)


@bp.app_template_global("release_status_label")
def _release_status_label(status: str | None) -> str:
    return release_status_label(status)


def require_member(body: Body) -> None:
    """Members of the body (and admins) read its product area; others are refused."""
    require_body_reader(body)


def visible_events(request) -> list:
    """The request's history as the reader may see it (policy.visible_events)."""
    return policy_visible_events(current_user, request.events, on=date.today())


def area_or_404(body: Body):
    return changes.area_of(db.session, body) or abort(404)


#: What a refused stale save is about.
WHAT = lazy_gettext("Endringsønsket")


def open_meetings(body: Body) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.body_id == body.id, Meeting.status.in_(decisions.OPEN_MEETING_STATUSES))
            .order_by(Meeting.year, Meeting.seq)
        )
    )


def meeting_choices(meetings: list[Meeting]):
    return choices(
        [
            (0, _("– velg møte –")),
            *((m.id, _("Møte %(number)s", number=m.number)) for m in meetings),
        ]
    )
