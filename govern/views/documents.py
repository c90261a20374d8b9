"""Word documents and the meeting pack for download: innkalling, referat, toppnotat, sakspapirer.

Each document is in the version the reader may read (exports.versions: members of the body
and case owners the internal one, everybody else the public one); `?versjon=offentlig` or
`?versjon=intern` asks for one explicitly, so the secretariat can download both (the internal
one only for those who may read it). Documents are built on each request from the current
data; the same data gives the same bytes, so the ETag is a hash of the content and a repeated download can answer 304. The
meeting pack is written to a file once per content and sent from there (views.pack_files).
"""

from __future__ import annotations

from dataclasses import replace
from hashlib import sha256
from io import BytesIO
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file
from flask_login import current_user

from govern import queries
from govern.exports.docx_common import safe_filename
from govern.exports.innkalling import build_innkalling
from govern.exports.pack import PackSources, toppnotat_bytes, toppnotat_name
from govern.exports.referat import build_referat
from govern.exports.versions import (
    INTERNAL,
    PUBLIC,
    Version,
    by_name,
    version_for_meeting,
    version_for_treatment,
)
from govern.extensions import db
from govern.i18n import gettext as _
from govern.i18n import use_language
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


def chosen_version(allowed: Version) -> Version:
    """The version to send: the one asked for with ?versjon= (the internal one only when the
    reader may read it, else 403), or the one the reader may read."""
    asked = request.args.get("versjon")
    if asked is None:
        return allowed
    version = by_name(asked) or abort(404)
    if version == INTERNAL and allowed != INTERNAL:
        abort(403)
    return version


def _suffix(version: Version) -> str:
    """' (offentlig versjon)' in the public version's file name."""
    return " (" + _("offentlig versjon") + ")" if version.public else ""


def _sources(meeting=None, version: Version = PUBLIC) -> PackSources:
    store = upload_dir()

    def file_path(owner) -> Path | None:
        return stored_path(store, owner)

    def read_file(owner):
        return read_stored(store, owner)

    def decision_shown(t: Treatment) -> bool:
        return t.meeting is None or can(current_user, "read_minutes", t.meeting)

    def history(treatment):
        # Treatments of meetings the reader may not see (drafts of another body) stay out;
        # in the public version an exempt case's title is its public title, without its vedtak.
        earlier = visible_treatments(current_user, earlier_treatments(treatment))
        rows = history_rows(earlier, lambda t: decision_shown(t) and not version.held(t))
        return [replace(row, title=version.title(t)) for row, t in zip(rows, earlier, strict=True)]

    # The previous meeting (loaded in full) is needed only for a Vedlegg that is its referat.
    wants_referat = meeting is not None and any(a.source == "referat" for a in meeting.attachments)
    previous = queries.previous_meeting(db.session, meeting) if wants_referat else None
    if previous is not None and not can(current_user, "read_minutes", previous):
        previous = None
    previous_version = PUBLIC
    if previous is not None and not version.public:
        previous_version = version_for_meeting(current_user, previous)
    template = current_app.config.get("DOCX_TEMPLATE")
    return PackSources(read_file, history, previous, template, file_path, version, previous_version)


@bp.get("/meetings/<int:meeting_id>/innkalling.docx")
def innkalling(meeting_id: int):
    meeting = _meeting(meeting_id, queries.meeting_full)
    version = chosen_version(version_for_meeting(current_user, meeting))
    content = build_innkalling(meeting, current_app.config.get("DOCX_TEMPLATE"), version)
    with use_language(meeting.body.document_language):
        name = _(
            "Innkalling og dagsorden – %(body)s %(number)s",
            body=meeting.body.short_name,
            number=meeting.number,
        )
        name += _suffix(version)
    return send_document(content, safe_filename(name) + ".docx")


@bp.get("/meetings/<int:meeting_id>/referat.docx")
def referat(meeting_id: int):
    meeting = _meeting(meeting_id, queries.meeting_full)
    require("read_minutes", meeting)
    version = chosen_version(version_for_meeting(current_user, meeting))
    content = build_referat(meeting, current_app.config.get("DOCX_TEMPLATE"), version)
    with use_language(meeting.body.document_language):
        name = _(
            "Referat – %(body)s %(number)s", body=meeting.body.short_name, number=meeting.number
        )
        if meeting.minutes_status == "utkast":
            name += " (" + _("utkast") + ")"
        name += _suffix(version)
    return send_document(content, safe_filename(name) + ".docx")


@bp.get("/meetings/<int:meeting_id>/sakspapirer.zip")
def meeting_pack(meeting_id: int):
    meeting = _meeting(meeting_id)
    version = chosen_version(version_for_meeting(current_user, meeting))
    path, etag = meeting_pack_file(meeting, _sources(meeting, version))
    with use_language(meeting.body.document_language):
        name = _(
            "Sakspapirer – %(body)s %(number)s", body=meeting.body.short_name, number=meeting.number
        )
        name += _suffix(version)
    return send_document(path, safe_filename(name) + ".zip", "application/zip", etag)


@bp.get("/treatments/<int:treatment_id>/toppnotat.docx")
def toppnotat(treatment_id: int):
    treatment = db.session.get(Treatment, treatment_id) or abort(404)
    if not can(current_user, "edit_memo", treatment):
        # Outside a meeting the body decides (a members-only body's treatment).
        require("read", treatment.meeting or treatment)
    version = chosen_version(version_for_treatment(current_user, treatment))
    content = toppnotat_bytes(treatment, _sources(version=version))
    body = treatment.body
    with use_language(body.document_language if body is not None else None):
        name = toppnotat_name(treatment, version) + _suffix(version)
    return send_document(content, safe_filename(name) + ".docx")
