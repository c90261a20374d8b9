"""The secretariat's archive package (Noark 5 arkivmelding) and eInnsyn document of a meeting.

«Lag arkivpakke» (POST) records a package once the minutes are approved, and again after a
correction of them; /meetings/<id>/arkivpakke.zip sends the latest one, built from the
meeting (PDF/A renderings come from the cache after the first time). /meetings/<id>/
einnsyn.json is the meeting as eInnsyn's Moetemappe, for the secretariat to hand on.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_login import current_user

from govern import queries
from govern.exports.docx_common import safe_filename
from govern.exports.einnsyn import MEMBERS_ONLY, build_moetemappe
from govern.exports.pdfa import RenderError
from govern.extensions import db
from govern.i18n import gettext as _
from govern.i18n import use_language
from govern.services import archive
from govern.views.documents import send_document
from govern.views.guard import require
from govern.views.unit_of_work import attempt

bp = Blueprint("archive", __name__, template_folder="../../templates")


def _prepared(meeting_id: int):
    meeting = queries.meeting_documents(db.session, meeting_id) or abort(404)
    require("prepare", meeting)
    return meeting


@bp.post("/meetings/<int:meeting_id>/arkivpakke")
def make_package(meeting_id: int):
    meeting = _prepared(meeting_id)
    done = attempt(lambda: archive.make_package(db.session, meeting, current_user), what=_("Møtet"))
    if done.ok:
        flash(
            _(
                "Arkivpakke %(number)s er laget. Last den ned og send den til arkivet.",
                number=done.value.number,
            ),
            "success",
        )
    return redirect(url_for("meetings.view_meeting", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>/arkivpakke.zip")
def package_zip(meeting_id: int):
    meeting = _prepared(meeting_id)
    package = archive.latest_package(db.session, meeting)
    if package is None:
        abort(404)
    try:
        files = archive.build_files(
            db.session, meeting, package, Path(current_app.instance_path), current_app.config
        )
    except RenderError as error:
        flash(_("Arkivpakken kunne ikke lages: %(error)s", error=error), "error")
        return redirect(url_for("meetings.view_meeting", meeting_id=meeting.id))
    with use_language(meeting.body.document_language):
        name = _(
            "Arkivpakke %(number)s – %(body)s %(meeting)s",
            number=package.number,
            body=meeting.body.short_name,
            meeting=meeting.number,
        )
    content = archive.package_zip(files, package)
    return send_document(content, safe_filename(name) + ".zip", "application/zip")


@bp.get("/meetings/<int:meeting_id>/einnsyn.json")
def einnsyn_json(meeting_id: int):
    meeting = _prepared(meeting_id)
    if meeting.body.members_only:
        flash(MEMBERS_ONLY.format(body=meeting.body.short_name), "error")
        return redirect(url_for("meetings.view_meeting", meeting_id=meeting.id))
    document = build_moetemappe(meeting, _base_url())
    content = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    name = f"eInnsyn – {meeting.body.short_name} {meeting.number}"
    return send_document(content, safe_filename(name) + ".json", "application/json")


def _base_url() -> str:
    return str(current_app.config.get("BASE_URL") or "").rstrip("/")
