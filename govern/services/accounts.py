"""Accounts: creating them, passwords (argon2), one-time links, login with lockout, sessions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.i18n import LANGUAGES, gettext
from govern.i18n import gettext as _
from govern.models.accounts import PasswordToken, User
from govern.models.base import utcnow
from govern.models.people import Person
from govern.services import audit, login_limits
from govern.services.errors import Conflict, GovernError, InvalidInput
from govern.services.people import EMAIL_RE

HASHER = PasswordHasher()
#: Failed logins in a row before the account is locked for LOCK_TIME (see login_limits).
MAX_FAILED_LOGINS = login_limits.MAX_FAILED_LOGINS
LOCK_TIME = login_limits.LOCK_TIME
TOKEN_LIFETIME = timedelta(hours=48)
MIN_PASSWORD_LENGTH = 10
#: Verified against when the e-mail is unknown, so a wrong address takes as long as a wrong
#: password and does not reveal which addresses have accounts.
_DUMMY_HASH = HASHER.hash("govern-no-such-account")


class LoginFailed(GovernError):
    """Wrong e-mail or password, or a locked or inactive account."""


def hash_password(password: str) -> str:
    """An argon2 hash of a password."""
    return HASHER.hash(password)


def check_password_rules(password: str, field: str = "password") -> None:
    """Refuse passwords that are too short or too long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _("Passordet må ha minst %(count)s tegn", count=MIN_PASSWORD_LENGTH), field=field
        )
    if len(password) > 200:
        raise InvalidInput(_("Passordet kan ha høyst %(count)s tegn", count=200), field=field)


def create_account(
    session: Session,
    person: Person,
    email: str,
    *,
    is_admin: bool = False,
    password: str | None = None,
) -> User:
    """Give a person an account; without a password they set one from a one-time link."""
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email):
        raise InvalidInput(
            _("«%(email)s» er ikke en gyldig e-postadresse", email=email), field="email"
        )
    if session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise Conflict(_("Det finnes allerede en konto for %(email)s", email=email), field="email")
    if session.scalar(select(User.id).where(User.person_id == person.id)):
        raise Conflict(_("%(name)s har allerede en konto", name=person.name), field="person")
    user = User(person=person, email=email, is_admin=is_admin)
    if password is not None:
        check_password_rules(password)
        user.password_hash = hash_password(password)
    session.add(user)
    session.flush()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_password_link(
    session: Session, user: User, now: datetime | None = None, *, reset: bool = False
) -> str:
    """A new one-time token for setting the password; earlier unused ones stop working.

    A reset (an administrator's new link for an existing account) also ends every session
    of the account: whoever asked for it may not be the only one holding a session.
    """
    now = now or utcnow()
    if reset:
        user.end_sessions()
    for old in session.scalars(
        select(PasswordToken).where(
            PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None)
        )
    ):
        old.used_at = now
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordToken(user=user, token_hash=_digest(token), expires_at=now + TOKEN_LIFETIME)
    )
    session.flush()
    return token


def user_for_token(session: Session, token: str, now: datetime | None = None) -> User:
    """The account a valid, unused, unexpired token belongs to."""
    now = now or utcnow()
    row = session.scalar(select(PasswordToken).where(PasswordToken.token_hash == _digest(token)))
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise InvalidInput(_("Lenken er ugyldig, brukt eller utløpt. Be om en ny."), field="token")
    return row.user


def set_password_with_token(session: Session, token: str, password: str) -> User:
    """Set a new password from a one-time link, and use the link up."""
    user = user_for_token(session, token)
    check_password_rules(password)
    now = utcnow()
    row = session.scalar(select(PasswordToken).where(PasswordToken.token_hash == _digest(token)))
    row.used_at = now
    user.password_hash = hash_password(password)
    user.end_sessions()
    login_limits.clear_failures(session, user.email)
    session.flush()
    return user


def change_password(
    session: Session, user: User, current: str, password: str, now: datetime | None = None
) -> User:
    """A logged-in person's new password; every session of the account ends.

    A wrong current password counts as a failed login (and is refused while the address is
    locked), so a borrowed session cannot be used to guess the password.
    """
    now = now or utcnow()
    if login_limits.locked_until(session, user.email, now) is not None:
        raise InvalidInput(
            _("For mange mislykkede forsøk. Vent litt og prøv igjen."), field="current"
        )
    if not _verify(user.password_hash or _DUMMY_HASH, current):
        login_limits.note_failure(session, user.email, now)
        session.flush()
        raise InvalidInput(_("Feil passord"), field="current")
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.end_sessions()
    login_limits.clear_failures(session, user.email)
    session.flush()
    audit.record(session, user, "account.password", user, "Passordet ble endret")
    return user


def choose_language(user: User, language: str | None) -> User:
    """The interface language the person chose (None: the browser's)."""
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(gettext("Velg bokmål, nynorsk eller engelsk."), field="language")
    user.language = language
    return user


def set_active(session: Session, user: User, active: bool) -> User:
    """Activate or deactivate an account; deactivating ends every session of it at once."""
    if user.active and not active:
        user.end_sessions()
    user.active = active
    session.flush()
    return user


def end_sessions(session: Session, user: User) -> None:
    """Log the account out everywhere: every session and "remember me" cookie stops working."""
    user.end_sessions()
    session.flush()


def authenticate(session: Session, email: str, password: str, now: datetime | None = None) -> User:
    """The account for these credentials; counts failures and locks after too many.

    An unknown address is answered exactly as a wrong password is, locks included, and takes
    as long (a dummy hash is verified), so the answers do not tell which addresses exist.
    """
    now = now or utcnow()
    email = (email or "").strip().lower()
    until = login_limits.locked_until(session, email, now)
    if until is not None:
        minutes = max(1, int((until - now).total_seconds() // 60) + 1)
        raise LoginFailed(
            _(
                "For mange mislykkede forsøk. Kontoen er låst i %(minutes)s minutter til.",
                minutes=minutes,
            )
        )
    user = None
    if EMAIL_RE.match(email) and email.isprintable():  # nothing else can be an account
        user = session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None or not user.password_hash:
        _verify(_DUMMY_HASH, password)
        user = None
    elif not _verify(user.password_hash, password):
        user = None
    if user is None:
        login_limits.note_failure(session, email, now)
        session.flush()
        raise LoginFailed(_("Feil e-postadresse eller passord"))
    if not user.active:
        raise LoginFailed(_("Kontoen er deaktivert"))
    login_limits.clear_failures(session, email)
    user.last_login_at = now
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return user


def _verify(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


DEMO_PASSWORD = "govern-demo"
#: (e-mail, name of the demo person, administrator?) — created by `flask demo` only.
DEMO_ACCOUNTS = (
    ("admin@example.no", "Demo Administrator", True),
    ("sekretariat@example.no", "Siv Ingebrigtsen", False),
    ("medlem@example.no", "Jon Gupta", False),
    ("saksbehandler@example.no", "Jon Tysdahl", False),
    ("medlem2@example.no", "Stine Slørdal", False),
    ("vara@example.no", "Marthe Kristine Striger Dingen", False),
)


def ensure_demo_accounts(session: Session) -> list[User]:
    """The demo's accounts, all with the password DEMO_PASSWORD (idempotent)."""
    users = []
    for email, name, is_admin in DEMO_ACCOUNTS:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            person = session.scalar(select(Person).where(Person.name == name))
            if person is None:
                person = Person(name=name)
                session.add(person)
                session.flush()
            user = create_account(session, person, email, is_admin=is_admin, password=DEMO_PASSWORD)
        users.append(user)
    return users
