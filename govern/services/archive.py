"""Archive packages (Noark 5 arkivmelding) of meetings whose minutes are approved.

make_package records a package (number, when, by whom, the minutes revision it holds);
package_files builds its files from the meeting as it is now (the approved minutes are
locked, so that is what was approved, with any corrections up to the recorded revision);
write_package writes them into a folder. A correction of the minutes after a package
calls for a new one (needs_new_package), which carries a revision note.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern import queries
from govern.exports.archive_package import PackageInfo, Render, build_package
from govern.exports.docx_package import zip_time
from govern.exports.pack import PackSources
from govern.exports.pdfa import render_pdfa
from govern.exports.versions import INTERNAL
from govern.exports.zipfiles import stored, write_zip
from govern.i18n import gettext as _
from govern.models.accounts import User
from govern.models.archive import ArchivePackage
from govern.models.cases import Treatment
from govern.models.meetings import Meeting
from govern.models.minutes import MinutesRevision
from govern.presentation import earlier_treatments, history_rows, revision_note
from govern.services import audit
from govern.services.attachments import read_stored
from govern.services.errors import Conflict
from govern.services.file_store import store_for

#: Who made a package from the command line.
COMMAND_LINE = "kommandolinjen"


def packages_of(session: Session, meeting: Meeting) -> list[ArchivePackage]:
    """The meeting's packages, oldest first."""
    stmt = (
        select(ArchivePackage)
        .where(ArchivePackage.meeting_id == meeting.id)
        .order_by(ArchivePackage.number)
    )
    return list(session.scalars(stmt))


def latest_package(session: Session, meeting: Meeting) -> ArchivePackage | None:
    packages = packages_of(session, meeting)
    return packages[-1] if packages else None


def revisions_of(session: Session, meeting: Meeting) -> list[MinutesRevision]:
    stmt = select(MinutesRevision).where(MinutesRevision.meeting_id == meeting.id)
    return list(session.scalars(stmt.order_by(MinutesRevision.number)))


def minutes_revision(session: Session, meeting: Meeting) -> int:
    """1 for the approved minutes, n after their correction in revision n."""
    return max([1, *(r.number for r in revisions_of(session, meeting))])


def needs_new_package(session: Session, meeting: Meeting, latest: ArchivePackage | None) -> bool:
    """Whether the approved minutes hold more than the latest package (or there is none)."""
    if not meeting.minutes_locked:
        return False
    return latest is None or latest.minutes_revision < minutes_revision(session, meeting)


def make_package(session: Session, meeting: Meeting, user: User | None) -> ArchivePackage:
    """Record a new package of the meeting; refused unless its minutes are approved."""
    if not meeting.minutes_locked:
        raise Conflict(
            _(
                "Arkivpakken lages når referatet er godkjent. Referatet fra møte %(number)s er "
                "ikke godkjent ennå.",
                number=meeting.number,
            )
        )
    latest = latest_package(session, meeting)
    number = (latest.number if latest else 0) + 1
    revision = minutes_revision(session, meeting)
    note = ""
    if latest is not None:
        newer = [r for r in revisions_of(session, meeting) if r.number > latest.minutes_revision]
        changes = "; ".join(revision_note(r) for r in newer)
        note = f"Erstatter arkivpakke {latest.number}" + (f". {changes}" if changes else ".")
    made_by = (
        user.person.name
        if user is not None and user.person
        else (user.email if user is not None else COMMAND_LINE)
    )
    package = ArchivePackage(
        meeting_id=meeting.id,
        number=number,
        user_id=user.id if user is not None else None,
        made_by=made_by,
        minutes_revision=revision,
        note=note,
    )
    session.add(package)
    session.flush()
    audit.record(session, user, "arkivpakke", meeting, f"Arkivpakke {number} laget")
    return package


def package_count(session: Session) -> int:
    return session.scalar(select(func.count(ArchivePackage.id))) or 0


def archive_sources(
    session: Session, meeting: Meeting, read_file: Callable, template: str | Path | None
) -> PackSources:
    """What the documents need: the whole record (the archive is not a reader), except
    decisions in minutes that are still drafts."""

    def decision_shown(t: Treatment) -> bool:
        return t.meeting is None or t.meeting.minutes_status in ("sendt", "godkjent")

    def history(treatment: Treatment):
        return history_rows(earlier_treatments(treatment), decision_shown)

    wants_referat = any(a.source == "referat" for a in meeting.attachments)
    previous = queries.previous_meeting(session, meeting) if wants_referat else None
    # The archive keeps the internal version; what is exempt is marked in its metadata.
    return PackSources(
        read_file, history, previous, template, version=INTERNAL, previous_version=INTERNAL
    )


def package_files(
    session: Session,
    meeting: Meeting,
    package: ArchivePackage,
    sources: PackSources,
    render: Render,
    identity: str,
) -> list[tuple[str, bytes]]:
    """The package's files (name in the package, content), messages first."""
    notes = (package.note,) if package.note else ()
    info = PackageInfo(
        number=package.number,
        made_at=package.created_at,
        made_by=package.made_by or COMMAND_LINE,
        identity=identity,
        notes=notes,
    )
    return build_package(meeting, sources, info, render)


def build_files(
    session: Session,
    meeting: Meeting,
    package: ArchivePackage,
    instance_path: Path,
    config: Mapping[str, Any],
) -> list[tuple[str, bytes]]:
    """The package's files as the app is configured: uploads under the instance folder,
    PDF/A renderings kept in `PDFA_CACHE` (default: the instance folder's pdfa/)."""
    store = store_for(config, instance_path, session)

    def read_file(owner) -> bytes | None:
        return read_stored(store, owner)

    cache = Path(config.get("PDFA_CACHE") or instance_path / "pdfa")
    base = str(config.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    sources = archive_sources(session, meeting, read_file, config.get("DOCX_TEMPLATE"))
    return package_files(
        session,
        meeting,
        package,
        sources,
        lambda documents: render_pdfa(documents, cache),
        f"{base}/meetings/{meeting.id}",
    )


def package_zip(files: list[tuple[str, bytes]], package: ArchivePackage) -> bytes:
    """The package as a zip, its files stored as they are (the same files, the same bytes)."""
    return write_zip(
        [stored(name, content) for name, content in files], zip_time(package.created_at)
    )


def write_package(files: list[tuple[str, bytes]], folder: Path) -> int:
    """Write the files into the folder (made if missing); the number of files written."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files:
        (folder / name).write_bytes(content)
    return len(files)
