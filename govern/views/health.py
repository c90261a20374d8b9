"""For load balancers and monitoring: /healthz, /readyz and /metrics.

/healthz answers as long as the process serves requests (no database). /readyz answers 200
when the database answers and its schema is at the migrations' head, else 503 with the
reason as JSON. /metrics is Prometheus' text format, for allowed addresses or with the
token (govern/operations/metrics.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, jsonify, send_from_directory
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from govern.extensions import db
from govern.i18n import gettext as _
from govern.models.mail import OutgoingMail
from govern.operations import metrics, readiness

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for it on every site: the icon, not a 404 in every log."""
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=86400)


@bp.route("/readyz")
def readyz():
    state = readiness.check(db.engine)
    if not state.ready:
        return jsonify(status="unavailable", reason=state.reason, detail=state.detail), 503
    return jsonify(status="ok", revision=state.revision)


def _mail_queue() -> tuple[int, float] | None:
    """How many messages wait, and the oldest one's age in seconds (None when the database
    cannot say: the other metrics are still worth having)."""
    try:
        count, oldest = db.session.execute(
            select(func.count(OutgoingMail.id), func.min(OutgoingMail.created_at)).where(
                OutgoingMail.status == "queued"
            )
        ).one()
    except SQLAlchemyError:
        db.session.rollback()
        return None
    if oldest is None:
        return int(count), 0.0
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return int(count), max(0.0, (datetime.now(UTC) - oldest).total_seconds())


@bp.route("/metrics")
def metrics_page():
    if not metrics.may_read_metrics():
        return Response(_("Ingen tilgang til målingene.") + "\n", 403, content_type="text/plain")
    return metrics.render(_mail_queue())
