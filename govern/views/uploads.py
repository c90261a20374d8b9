"""Uploaded files in views: where they go, reading them, and no leftovers whether the
request's transaction commits or not."""

from __future__ import annotations

from flask import Response, current_app, send_file

from govern.extensions import db
from govern.services import attachments
from govern.services.file_store import DatabaseStore, FileStore, collect_garbage, store_for
from govern.views.unit_of_work import after_commit, on_rollback


def upload_dir() -> FileStore:
    """The store uploaded files are kept in: the database (the default on PostgreSQL) or
    the folder instance/uploads (GOVERN_FILE_STORAGE; services/file_store.py)."""
    return store_for(current_app.config, current_app.instance_path, db.session)


def meeting_total_limit() -> int:
    """The most a meeting's uploaded attachments may take together, in bytes."""
    return int(float(current_app.config["MEETING_ATTACHMENTS_MAX_MB"]) * 1024 * 1024)


def read_upload(upload) -> bytes:
    """The uploaded file's bytes, at most one more than the limit (so too big shows)."""
    return upload.stream.read(attachments.MAX_SIZE + 1) if upload else b""


def keep_or_remove(stored_name: str | None) -> None:
    """Keep the file just written if the request's transaction commits; else remove it (in
    the database it goes with the rolled-back transaction)."""
    store = upload_dir()
    if not isinstance(store, DatabaseStore):
        on_rollback(lambda: attachments.remove_file(store, stored_name))


def _collect_garbage() -> None:
    with db.engine.begin() as connection:
        collect_garbage(connection)


def remove_when_committed(stored_name: str | None) -> str | None:
    """Remove a file that is no longer used (replaced or deleted) once the change that
    stopped using it is committed; returns the name."""
    store = upload_dir()
    if isinstance(store, DatabaseStore):
        after_commit(_collect_garbage)
    else:
        after_commit(lambda: attachments.remove_file(store, stored_name))
    return stored_name


def send_stored(owner, download_name: str) -> Response | None:
    """A download of an owner's file, streamed from its store; None when it has none."""
    store = upload_dir()
    path = store.path(owner)
    if path is None and isinstance(store, DatabaseStore):
        chunks = store.stream(owner, db.engine)
        if chunks is None:
            return None
        source, size = _Chunks(chunks), owner.size
    elif path is None:
        return None
    else:
        source, size = path, None
    response = send_file(
        source, mimetype=owner.content_type, as_attachment=True, download_name=download_name
    )
    if size is not None:
        response.content_length = size
    return response


class _Chunks:
    """A file-like object over the store's chunks, which werkzeug streams without reading it
    whole (send_file wraps it with wrap_file)."""

    def __init__(self, chunks) -> None:
        self._chunks = iter(chunks)
        self._rest = b""

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            return self._rest + b"".join(self._chunks)
        while len(self._rest) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._rest += chunk
        out, self._rest = self._rest[:size], self._rest[size:]
        return out

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
