"""Errors a service raises, with a message a secretariat member understands."""

from __future__ import annotations


class GovernError(Exception):
    """A rule was broken; `message` is Norwegian and shown to the user as it is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: The form field or place in a file the message is about.
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class NotFound(GovernError):
    """Something referred to does not exist."""


class Conflict(GovernError):
    """The change collides with existing data (a number already in use, a duplicate date)."""


class InvalidInput(GovernError):
    """The input has the wrong shape or an impossible value."""
