"""Meeting packs written once into the instance folder and sent from there.

A pack can hold hundreds of megabytes of uploads. Built in memory it cost a worker about
three times its size per download in flight; written to a file it costs a few megabytes
(the generated Word documents) whatever its size or the number of downloads.

A file is named by the meeting and a hash of everything its bytes are made of (names,
contents, date), so readers who get the same pack share one file, a change of data gives
a new file, and the hash is the ETag. It is written to a temporary file and renamed into
place, so nobody ever sends a half-written pack. Packs not sent for `KEEP_SECONDS` are
removed when the next pack is written.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

from flask import current_app

from govern.exports.pack import PackSources, pack_archive
from govern.exports.zipfiles import Entry, StoredFile, archive_digest, write_zip_to
from govern.models.meetings import Meeting

#: How long a pack nobody downloads is kept.
KEEP_SECONDS = 600

_locks_guard = threading.Lock()
_locks: dict[Path, threading.Lock] = {}


def pack_folder() -> Path:
    """The folder of written packs in the instance folder."""
    return Path(current_app.instance_path) / "packs"


def meeting_pack_file(meeting: Meeting, sources: PackSources) -> tuple[Path, str]:
    """The meeting pack as a file, written now unless it is there already, and its ETag."""
    entries, when = pack_archive(meeting, sources)
    digest = archive_digest(entries, when)[:40]
    folder = pack_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"m{meeting.id}-{digest}.zip"
    with _lock_for(path):
        try:
            os.utime(path)  # in use: not removed by the clean-up
        except FileNotFoundError:
            _write(path, entries, when)
            remove_old_packs(folder, keep=path)
    return path, digest


def _lock_for(path: Path) -> threading.Lock:
    """One writer per pack in this process; simultaneous downloads wait for its file."""
    with _locks_guard:
        if len(_locks) > 256:
            _locks.clear()  # locks of packs long written; one in use is held by its caller
        return _locks.setdefault(path, threading.Lock())


def _write(path: Path, entries: list[Entry | StoredFile], when) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            write_zip_to(out, entries, when)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_old_packs(folder: Path, keep: Path | None = None) -> None:
    """Remove packs (and leftovers of interrupted writes) nobody has sent for a while."""
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.iterdir():
        try:
            if old != keep and old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:
            pass  # removed by another worker at the same moment
