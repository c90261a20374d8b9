"""Word documents and the meeting pack for download: innkalling, referat, toppnotat, sakspapirer.

Documents are built on each request from the current data; the same data gives the same
bytes, so the ETag is a hash of the content and a repeated download can answer 304. The
meeting pack is written to a file once per content and sent from there (views.pack_files).
"""

from __future__ import annotations

from hashlib import sha256
from io import BytesIO
from pathlib import Path

from flask import Blueprint, abort, current_app, send_file
from flask_login import current_user

from govern import queries
from govern.exports.docx_common import safe_filename
from govern.exports.innkalling import build_innkalling
from govern.exports.pack import PackSources, toppnotat_bytes, toppnotat_name
from govern.exports.referat import build_referat
from govern.extensions import db
from govern.models.cases import Treatment
from govern.policy import can, visible_treatments
from govern.presentation import earlier_treatments, history_rows
from govern.services.attachments import read_stored, stored_path
from govern.views.guard import require
from govern.views.pack_files import meeting_pack_file
from govern.views.uploads import upload_dir

bp = Blueprint("documents", __name__, template_folder="../../templates")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def send_document(content: bytes | Path, name: str, mimetype: str = DOCX, etag: str = ""):
    """Send a built file (bytes, or a file with its ETag) as a download, answering
    If-None-Match with 304."""
    response = send_file(
        content if isinstance(content, Path) else BytesIO(content),
        mimetype=mimetype,
        as_attachment=True,
        download_name=name,
        etag=etag or sha256(content).hexdigest()[:40],
        conditional=True,
        max_age=0,
    )
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response


def _meeting(meeting_id: int, load=queries.meeting_documents):
    """The meeting as `load` reads it: the agenda only (meeting_full) for the innkalling and
    the referat, with memos and each case's history (meeting_documents) for the pack."""
    meeting = load(db.session, meeting_id) or abort(404)
    require("read", meeting)
    return meeting


def _sources(meeting=None) -> PackSources:
    store = upload_dir()

    def file_path(owner) -> Path | None:
        return stored_path(store, owner)

    def read_file(owner):
        return read_stored(store, owner)

    def decision_shown(t: Treatment) -> bool:
        return t.meeting is None or can(current_user, "read_minutes", t.meeting)

    def history(treatment):
        # Treatments of meetings the reader may not see (drafts of another body) stay out.
        earlier = visible_treatments(current_user, earlier_treatments(treatment))
        return history_rows(earlier, decision_shown)

    # The previous meeting (loaded in full) is needed only for a Vedlegg that is its referat.
    wants_referat = meeting is not None and any(a.source == "referat" for a in meeting.attachments)
    previous = queries.previous_meeting(db.session, meeting) if wants_referat else None
    if previous is not None and not can(current_user, "read_minutes", previous):
        previous = None
    template = current_app.config.get("DOCX_TEMPLATE")
    return PackSources(read_file, history, previous, template, file_path)


@bp.get("/meetings/<int:meeting_id>/innkalling.docx")
def innkalling(meeting_id: int):
    meeting = _meeting(meeting_id, queries.meeting_full)
    content = build_innkalling(meeting, current_app.config.get("DOCX_TEMPLATE"))
    name = f"Innkalling og dagsorden – {meeting.body.short_name} {meeting.number}"
    return send_document(content, safe_filename(name) + ".docx")


@bp.get("/meetings/<int:meeting_id>/referat.docx")
def referat(meeting_id: int):
    meeting = _meeting(meeting_id, queries.meeting_full)
    require("read_minutes", meeting)
    content = build_referat(meeting, current_app.config.get("DOCX_TEMPLATE"))
    draft = " (utkast)" if meeting.minutes_status == "utkast" else ""
    name = f"Referat – {meeting.body.short_name} {meeting.number}{draft}"
    return send_document(content, safe_filename(name) + ".docx")


@bp.get("/meetings/<int:meeting_id>/sakspapirer.zip")
def meeting_pack(meeting_id: int):
    meeting = _meeting(meeting_id)
    path, etag = meeting_pack_file(meeting, _sources(meeting))
    name = f"Sakspapirer – {meeting.body.short_name} {meeting.number}"
    return send_document(path, safe_filename(name) + ".zip", "application/zip", etag)


@bp.get("/treatments/<int:treatment_id>/toppnotat.docx")
def toppnotat(treatment_id: int):
    treatment = db.session.get(Treatment, treatment_id) or abort(404)
    if treatment.meeting is not None and not can(current_user, "edit_memo", treatment):
        require("read", treatment.meeting)
    content = toppnotat_bytes(treatment, _sources())
    return send_document(content, safe_filename(toppnotat_name(treatment)) + ".docx")
