"""Personal API tokens: created once, stored as SHA-256, revoked by their owner."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from hashlib import sha256

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.models.accounts import ApiToken, User
from govern.models.base import utcnow
from govern.services import audit
from govern.services.errors import InvalidInput, NotFound

#: Every token starts with this, so a leaked one is easy to recognise (and to scan for).
TOKEN_PREFIX = "gov_"
PREFIX_LENGTH = 12
#: last_used_at is written at most this often per token, not on every request.
TOUCH_INTERVAL = timedelta(minutes=1)


def _digest(secret: str) -> str:
    return sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the user; returns it and the secret, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Gi nøkkelen et navn, så du kjenner den igjen"), field="name")
    if len(name) > 100:
        raise InvalidInput(_("Navnet kan ha høyst %(count)s tegn", count=100), field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name, token_hash=_digest(secret), prefix=secret[:PREFIX_LENGTH]
    )
    session.add(token)
    session.flush()
    audit.record(session, user, "api_token.create", token, f"API-nøkkelen «{name}» ble laget")
    return token, secret


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked ones too, marked as such)."""
    stmt = select(ApiToken).where(ApiToken.user_id == user.id)
    return list(session.scalars(stmt.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; it stops working at once."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("API-nøkkelen finnes ikke"))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
        audit.record(
            session, user, "api_token.revoke", token, f"API-nøkkelen «{token.name}» ble trukket"
        )
    return token


def authenticate_token(session: Session, secret: str, now: datetime | None = None) -> User | None:
    """The active user behind a token, or None for an unknown, revoked or inactive one.

    Marks the token's last use (at most once a minute) without flushing: the caller commits
    it, also when the request only reads."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        token.last_used_at = now
    return token.user
