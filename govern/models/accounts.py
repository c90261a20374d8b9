"""Accounts: who may log in, and one-time links for setting a password."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.i18n import LANGUAGES
from govern.models.base import Base, UTCDateTime, in_check, utcnow
from govern.models.people import Person


class User(Base):
    """A person's account. Roles come from the person's memberships, per body."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(in_check("language", LANGUAGES), name="language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    #: Login name, stored in lower case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: argon2 hash; empty until the person sets a password from a one-time link.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Part of every session's and "remember me" cookie's id; a new value (logout, new
    #: password, deactivation) ends every session of the account at once.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: new_session_token())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The interface language the person chose (nb, nn, en); None: the browser's.
    language: Mapped[str | None] = mapped_column(String(2))

    person: Mapped[Person] = relationship()

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Make every session and "remember me" cookie of this account stop working."""
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.email}>"


def new_session_token() -> str:
    """A fresh random value for User.session_token."""
    return secrets.token_urlsafe(24)


class PasswordToken(Base):
    """A one-time link for setting a password (new account or reset)."""

    __tablename__ = "password_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token; the token itself is only ever in the link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<PasswordToken for {self.user_id}>"


class ApiToken(Base):
    """A personal API token (`Authorization: Bearer …`), acting with its owner's rights."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: What the owner called it ("Arkivuttrekk"), to tell tokens apart on the profile page.
    name: Mapped[str] = mapped_column(String(100))
    #: SHA-256 of the token; the token itself is shown once, when created.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The token's first characters, shown on the profile page to recognise it.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… of {self.user_id}>"


class LoginFailure(Base):
    """One failed (or still running) login from a client address, for the address limit.

    Rows older than the limit's window are pruned as new ones arrive.
    """

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_address_at", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The client address (behind trusted proxies, the one they forwarded).
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def __repr__(self) -> str:
        return f"<LoginFailure {self.address} {self.at:%H:%M:%S}>"


class LoginLock(Base):
    """Failed logins in a row for one e-mail address, and its lock.

    Kept for any address typed at login, whether or not it has an account, so a locked
    account answers exactly as an unknown address does. Untouched rows are pruned.
    """

    __tablename__ = "login_locks"

    #: SHA-256 of the e-mail address as typed (lower case), never the text itself.
    email_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Failed logins in a row; reaching the limit locks the address for a while.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def __repr__(self) -> str:
        return f"<LoginLock {self.email_digest[:8]} {self.failures}>"
