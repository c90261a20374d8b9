"""Uploaded files in views: where they go, reading them, and no leftovers on disk whether
the request's transaction commits or not."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from govern.services import attachments
from govern.views.unit_of_work import after_commit, on_rollback


def upload_dir() -> Path:
    """The folder uploaded files are stored in (instance/uploads)."""
    return Path(current_app.instance_path) / "uploads"


def meeting_total_limit() -> int:
    """The most a meeting's uploaded attachments may take together, in bytes."""
    return int(float(current_app.config["MEETING_ATTACHMENTS_MAX_MB"]) * 1024 * 1024)


def read_upload(upload) -> bytes:
    """The uploaded file's bytes, at most one more than the limit (so too big shows)."""
    return upload.stream.read(attachments.MAX_SIZE + 1) if upload else b""


def keep_or_remove(stored_name: str | None) -> None:
    """Keep the file just written if the request's transaction commits; else remove it."""
    folder = upload_dir()
    on_rollback(lambda: attachments.remove_file(folder, stored_name))


def remove_when_committed(stored_name: str | None) -> str | None:
    """Remove a file that is no longer used (replaced or deleted) once the change that
    stopped using it is committed; returns the name."""
    folder = upload_dir()
    after_commit(lambda: attachments.remove_file(folder, stored_name))
    return stored_name
