"""The meeting as eInnsyn's Moetemappe (exports/einnsyn.py): what may be public in the
public fields; the full title of an exempt case in offentligTittelSensitiv only for readers
who may see it."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from govern.api import schemas_einnsyn as e
from govern.api.errors import ApiProblem
from govern.api.meetings import TAG, readable_meeting
from govern.api.registry import api_operation
from govern.exports.einnsyn import build_moetemappe, openness_of
from govern.i18n import gettext as _
from govern.openness import may_see_case


@api_operation(
    "GET",
    "/meetings/<int:meeting_id>/einnsyn",
    tag=TAG,
    summary="Møtet som eInnsyns Moetemappe",
    response=e.Moetemappe,
    errors=(404, 409),
)
def get_einnsyn(meeting_id: int):
    """Møtet med møtesakene og møtedokumentene slik eInnsyn tar imot dem (`Moetemappe` med
    `moetesak` og `moetedokument`). Bare det som kan være offentlig står i de offentlige
    feltene; vedtak og referat når referatet er godkjent. Møter i organer som bare er for
    medlemmene, publiseres ikke (409)."""
    meeting = readable_meeting(meeting_id)
    if meeting.body.members_only:
        raise ApiProblem(
            409,
            _(
                "%(body)s er bare for medlemmene; møtene er ikke offentlige og publiseres ikke "
                "i eInnsyn.",
                body=meeting.body.short_name,
            ),
        )
    # The full title of an exempt case only for those who may see the case.
    openness = openness_of(
        meeting, lambda t: may_see_case(current_user, t.case), meeting.minutes_locked
    )
    base = str(current_app.config.get("BASE_URL") or "").rstrip("/")
    document = e.Moetemappe.model_validate(build_moetemappe(meeting, base, openness))
    return current_app.response_class(
        document.model_dump_json(exclude_none=True) + "\n", mimetype="application/json"
    )
