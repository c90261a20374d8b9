"""The meeting pack (sakspapirer): the innkalling, every toppnotat and every uploaded Vedlegg
in one zip, named and numbered as in the innkalling ("Vedlegg 2 – Toppnotat 10-26 ….docx").

A pack is of one version (exports.versions): the public pack has the public versions of the
documents, and neither exempt Vedlegg nor the toppnotat of what is held back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from govern.exports.docx_common import safe_filename
from govern.exports.docx_package import zip_time
from govern.exports.innkalling import build_innkalling
from govern.exports.referat import build_referat
from govern.exports.toppnotat import build_toppnotat, held_back
from govern.exports.versions import PUBLIC, Version
from govern.exports.zipfiles import Entry, StoredFile, stored, stored_file, write_zip
from govern.i18n import gettext as _
from govern.i18n import use_language
from govern.models.cases import Treatment
from govern.models.meetings import Attachment, Meeting
from govern.presentation import HistoryRow

#: Sakstyper whose items have no toppnotat (the meeting page offers none).
NO_TOPPNOTAT = ("Godkjenning", "Eventuelt")


@dataclass(frozen=True)
class PackSources:
    """What the pack needs beyond the meeting, supplied by the caller (files, permissions)."""

    #: The bytes of an uploaded file (a Vedlegg's or an uploaded toppnotat's), or None.
    read_file: Callable[[Attachment | object], bytes | None]
    #: The toppnotat's history table for a treatment, as the reader may see it.
    history: Callable[[Treatment], list[HistoryRow]]
    #: The meeting whose referat a "referat" Vedlegg stands for (None: left out).
    previous: Meeting | None = None
    template: str | Path | None = None
    #: Where an uploaded Vedlegg's file is on disk, so the pack copies it from there instead
    #: of reading it into memory (None: `read_file` is used).
    file_path: Callable[[Attachment], Path | None] | None = None
    #: The version of every document in the pack (public unless the caller says otherwise).
    version: Version = PUBLIC
    #: The version of the previous meeting's referat (a "referat" Vedlegg).
    previous_version: Version = PUBLIC


def toppnotat_name(treatment: Treatment, version: Version = PUBLIC) -> str:
    """'Toppnotat 10-26 EHDS på legemiddelområdet ….docx' (without the Vedlegg prefix), with
    the title the version shows, in the body's document language."""
    with use_language(treatment.body.document_language):
        return _(
            "Toppnotat %(number)s %(title)s",
            number=treatment.number.replace("/", "-"),
            title=version.title(treatment),
        )


def toppnotat_bytes(treatment: Treatment, sources: PackSources) -> bytes:
    """An uploaded toppnotat unchanged (unless the version holds its content back), else
    the one written in govern (its history, dates included, in the body's language too)."""
    memo = treatment.memo
    if memo is not None and memo.uploaded and not held_back(treatment, sources.version):
        uploaded = sources.read_file(memo)
        if uploaded is not None:
            return uploaded
    with use_language(treatment.body.document_language):
        history = sources.history(treatment)
    return build_toppnotat(treatment, history, sources.template, sources.version)


def pack_entries(meeting: Meeting, sources: PackSources) -> list[tuple[str, bytes | Path]]:
    """The pack's files in order: innkalling, the Vedlegg by number, the other toppnotater
    (every case's but Godkjenning's and Eventuelt's, as the meeting page offers them).

    An uploaded Vedlegg is its path on disk when `sources.file_path` gives one. The names
    are in the body's document language, as the documents are."""
    with use_language(meeting.body.document_language):
        return _pack_entries(meeting, sources)


def _pack_entries(meeting: Meeting, sources: PackSources) -> list[tuple[str, bytes | Path]]:
    version = sources.version
    innkalling = _(
        "Innkalling og dagsorden – %(body)s %(number)s",
        body=meeting.body.short_name,
        number=meeting.number,
    )
    content = build_innkalling(meeting, sources.template, version)
    entries = [(innkalling.replace("/", "-"), ".docx", content)]
    covered: set[int] = set()
    for attachment in meeting.attachments:
        t = attachment.treatment
        if not version.shows(attachment):
            if t is not None:
                covered.add(t.id)
            continue
        if attachment.source == "toppnotat" and t is not None:
            covered.add(t.id)
            name = _vedlegg_name(attachment, toppnotat_name(t, version))
            entries.append((name, ".docx", toppnotat_bytes(t, sources)))
        elif attachment.source == "referat" and sources.previous is not None:
            content = build_referat(sources.previous, sources.template, sources.previous_version)
            entries.append((_vedlegg_name(attachment, attachment.title), ".docx", content))
        elif attachment.stored_name:
            path = sources.file_path(attachment) if sources.file_path else None
            content = path if path is not None else sources.read_file(attachment)
            if content is not None:
                ext = PurePosixPath(attachment.filename or attachment.stored_name).suffix.lower()
                entries.append((_vedlegg_name(attachment, attachment.title), ext, content))
    for item in meeting.items:
        t = item.treatment
        # Every toppnotat the meeting page offers: each case but Godkjenning and Eventuelt,
        # one not written yet built from its summary and forslag til vedtak.
        if t is None or t.id in covered or t.sakstype in NO_TOPPNOTAT:
            continue
        if held_back(t, version):
            continue
        entries.append((toppnotat_name(t, version), ".docx", toppnotat_bytes(t, sources)))
    return _unique([(safe_filename(name) + ext, content) for name, ext, content in entries])


def _vedlegg_name(attachment: Attachment, name: str) -> str:
    """'Vedlegg 2 – Toppnotat 10-26 …' (before the extension)."""
    return _("Vedlegg %(number)s – %(name)s", number=attachment.number, name=name)


def pack_archive(
    meeting: Meeting, sources: PackSources
) -> tuple[list[Entry | StoredFile], datetime]:
    """The pack's zip entries, uploads left on disk, and the date every entry carries."""
    # Word files, PDFs and spreadsheets are compressed already: stored as they are.
    entries = [
        stored_file(name, content) if isinstance(content, Path) else stored(name, content)
        for name, content in pack_entries(meeting, sources)
    ]
    return entries, zip_time(meeting.updated_at)


def build_meeting_pack(meeting: Meeting, sources: PackSources) -> bytes:
    """The meeting pack as a zip; the same data gives the same bytes."""
    return write_zip(*pack_archive(meeting, sources))


def _unique(entries: list[tuple[str, bytes | Path]]) -> list[tuple[str, bytes | Path]]:
    """Number repeated file names: 'Notat.pdf', 'Notat (2).pdf'."""
    seen: dict[str, int] = {}
    out = []
    for name, content in entries:
        count = seen.get(name.lower(), 0) + 1
        seen[name.lower()] = count
        if count > 1:
            stem, dot, ext = name.rpartition(".")
            name = f"{stem} ({count}).{ext}" if dot else f"{name} ({count})"
        out.append((name, content))
    return out
