"""Meetings (read): a body's meetings and one meeting with its agenda.

Round 1 keeps the read-only shapes of serializers.py; the response models allow further
fields until meetings get their own full schemas.
"""

from __future__ import annotations

from flask_login import current_user
from pydantic import ConfigDict, Field

from govern import queries
from govern.api import schemas as s
from govern.api import serializers
from govern.api.bodies import body_or_404
from govern.api.common import page_of
from govern.api.errors import ApiProblem
from govern.api.registry import api_operation
from govern.extensions import db
from govern.permissions import can, visible_meeting_filter

TAG = "Møter"


class MeetingQuery(s.PageQuery):
    year: int | None = Field(None, ge=1900, le=2200)


class MeetingSummary(s.Response):
    model_config = ConfigDict(extra="allow")
    id: int
    body: str
    number: str
    year: int
    status: str
    url: str


class MeetingDetail(MeetingSummary):
    title: str
    agenda: list[dict]
    attendance: list[dict]


@api_operation(
    "GET",
    "/bodies/<slug>/meetings",
    tag=TAG,
    summary="Et organs møter",
    query=MeetingQuery,
    response=s.Page[MeetingSummary],
    errors=(404,),
)
def list_body_meetings(slug: str, query: MeetingQuery):
    """Møtene du kan se (utkast bare for sekretariatet). Filter: `year`."""
    body = body_or_404(slug)
    stmt = queries.meetings_of_stmt(body, query.year).where(
        visible_meeting_filter(current_user, body)
    )
    return page_of(stmt, query, serializers.meeting_summary)


@api_operation(
    "GET",
    "/meetings/<int:meeting_id>",
    tag=TAG,
    summary="Ett møte med dagsorden",
    response=MeetingDetail,
    errors=(404,),
)
def get_meeting(meeting_id: int):
    """Innspill, vedtak og frammøte bare der referatet kan leses."""
    meeting = queries.meeting_full(db.session, meeting_id)
    if meeting is None or not can(current_user, "read", meeting):
        raise ApiProblem(404, "Møtet finnes ikke.")
    return serializers.meeting_detail(meeting, minutes=can(current_user, "read_minutes", meeting))
