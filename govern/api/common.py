"""Helpers the resource modules share: pagination, lookups that answer 404, permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request, url_for
from flask_login import current_user

from govern import queries
from govern.api.errors import ApiProblem
from govern.api.schemas import PageQuery
from govern.extensions import db
from govern.i18n import gettext as _
from govern.policy import can


def page_of(stmt, query: PageQuery, serialize: Callable[[Any], Any]) -> dict[str, Any]:
    """One page of `stmt` as {items, page, per_page, total, pages, next}."""
    rows, total = queries.paginate(db.session, stmt, query.page, query.per_page)
    pages = max(1, -(-total // query.per_page))
    args = {**(request.view_args or {}), **request.args.to_dict()}
    following = None
    if query.page < pages:
        following = url_for(request.endpoint, **{**args, "page": query.page + 1}, _external=True)
    return {
        "items": [serialize(r) for r in rows],
        "page": query.page,
        "per_page": query.per_page,
        "total": total,
        "pages": pages,
        "next": following,
    }


def get_or_404(model, ident: int, detail: str | None = None):
    """The object, else 404 with `detail` (a translated text: «Personen finnes ikke.»)."""
    obj = db.session.get(model, ident)
    if obj is None:
        raise ApiProblem(404, detail or _("Dette finnes ikke."))
    return obj


def require_api(action: str, target=None) -> None:
    """policy.can for the API: 401 when not logged in, 403 when logged in."""
    if can(current_user, action, target):
        return
    if not current_user.is_authenticated:
        from govern.api.errors import need_token

        raise need_token()
    raise ApiProblem(403)
