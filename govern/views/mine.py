""" "Mine møter": where a member lands after logging in (the secretariat keeps its own front
page): the next meetings of his or her bodies, what is new since the last visit, and the
cases he or she has submitted."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from govern import policy
from govern.extensions import db
from govern.models.base import utcnow
from govern.models.bodies import Body
from govern.models.cases import Case, Treatment
from govern.models.meetings import MEETING_STATUS_LABELS
from govern.openness import may_see_attachment
from govern.services import answers, my_meetings, submissions
from govern.services.forfall import called_in_for, is_member
from govern.views import submissions as submission_views
from govern.views.guard import require_login
from govern.views.unit_of_work import attempt

bp = Blueprint("mine", __name__, template_folder="../../templates")


def _submit_bodies(member_of: list[Body]) -> list[Body]:
    """The bodies the user may submit a case to: his or her own, and as a case owner the
    bodies that treat his or her cases."""
    found = {b.id: b for b in member_of}
    if submission_views.owns_cases(current_user.person_id):
        person = current_user.person_id
        owned = (
            select(Treatment.body_id)
            .join(Case)
            .where((Case.sakseier_id == person) | (Case.saksbehandler_id == person))
        )
        for body in db.session.scalars(select(Body).where(Body.id.in_(owned))):
            if policy.may_submit_case(
                current_user, body, submission_views.today(), owns_cases=True
            ):
                found[body.id] = body
    return sorted(found.values(), key=lambda b: b.name)


@bp.get("/mine-moter")
def my_meetings_page():
    require_login()
    day = submission_views.today()
    since = attempt(lambda: my_meetings.note_visit(db.session, current_user, utcnow())).value
    bodies = my_meetings.member_bodies(current_user, day)
    read = lambda m: policy.can(current_user, "read", m, day)  # noqa: E731
    minutes = lambda m: policy.can(current_user, "read_minutes", m, day)  # noqa: E731
    see = lambda a: may_see_attachment(current_user, a, day)  # noqa: E731
    coming = my_meetings.next_meetings(db.session, bodies, day, read)
    person = current_user.person
    return render_template(
        "mine/my_meetings.html",
        bodies=bodies,
        meetings=coming,
        answers=answers.my_answers(db.session, person.id, [m.id for m in coming]),
        may_report={m.id for m in coming if m.status == "innkalt" and is_member(m, person)},
        standing_in=called_in_for(db.session, person.id, [m.id for m in coming]),
        news=my_meetings.news_since(db.session, bodies, since, read, see, minutes),
        since=since,
        comments=my_meetings.comment_deadlines(
            db.session, bodies, day, current_user.person_id, minutes
        ),
        submitted=submissions.submissions_by(db.session, current_user.person),
        submit_to=_submit_bodies(bodies),
        meeting_status_labels=MEETING_STATUS_LABELS,
    )
