"""What the prioritisation pages share: the blueprint and the lookups that answer 404."""

from __future__ import annotations

from flask import Blueprint, abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from govern.extensions import db
from govern.models.bodies import Body
from govern.models.priorities import ROUND_STATUS_LABELS, PrioritisationRound
from govern.views.guard import require

bp = Blueprint("priorities", __name__, template_folder="../../../templates")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_template_global()
def round_status_label(status: str) -> str:
    """A round's status ('åpen', 'lukket') as the reader's language shows it."""
    return str(ROUND_STATUS_LABELS.get(status, status))


def body_or_404(slug: str) -> Body:
    return db.session.scalar(select(Body).where(Body.slug == slug)) or abort(404)


def round_or_404(round_id: int) -> PrioritisationRound:
    """The round with its questions, measures and body; 404 if the reader may not see it."""
    round_ = db.session.scalar(
        select(PrioritisationRound)
        .where(PrioritisationRound.id == round_id)
        .options(
            selectinload(PrioritisationRound.questions),
            selectinload(PrioritisationRound.measures),
            selectinload(PrioritisationRound.body),
        )
    )
    if round_ is None:
        abort(404)
    require("read", round_.body)
    return round_
