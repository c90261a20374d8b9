"""Uploaded files in views: where they go, reading them, and committing without leftovers."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from govern.extensions import db
from govern.services import attachments


def upload_dir() -> Path:
    """The folder uploaded files are stored in (instance/uploads)."""
    return Path(current_app.instance_path) / "uploads"


def meeting_total_limit() -> int:
    """The most a meeting's uploaded attachments may take together, in bytes."""
    return int(float(current_app.config["MEETING_ATTACHMENTS_MAX_MB"]) * 1024 * 1024)


def read_upload(upload) -> bytes:
    """The uploaded file's bytes, at most one more than the limit (so too big shows)."""
    return upload.stream.read(attachments.MAX_SIZE + 1) if upload else b""


def commit_or_remove(stored_name: str | None) -> None:
    """Commit, and remove the file just written if the commit fails."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        attachments.remove_file(upload_dir(), stored_name)
        raise


def remove_upload(stored_name: str | None) -> None:
    """Remove a file that is no longer used (replaced or deleted), after the commit."""
    attachments.remove_file(upload_dir(), stored_name)
