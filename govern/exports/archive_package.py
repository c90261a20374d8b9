"""The archive package of a meeting whose minutes are approved: arkivmelding messages and
every document file they name (see arkivmelding.py for the messages).

- arkivmelding.xml creates the meeting's moetemappe (møtenummer, utvalg, møtedato, møtested,
  the participants from the attendance, the package's revision note);
- arkivmelding-1.xml the innkalling (moetedokument MI) with the meeting's Vedlegg that
  belong to no case; then one moetesak per case on the agenda, with its toppnotat and its
  Vedlegg; last the referat (moetedokument MP).

Documents govern makes are archived as .docx (produksjonsformat) beside a PDF/A-2b rendering
(arkivformat); an uploaded Vedlegg as it is, and a Word Vedlegg also as PDF/A. Every .docx of
the package is rendered in one call of `render` (exports.pdfa.render_pdfa with a cache).
systemIDs are UUIDs derived from the package's identity, so the same package is the same
bytes when it is built again.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath

from govern.exports import arkivmelding as am
from govern.exports.docx_common import safe_filename
from govern.exports.innkalling import build_innkalling
from govern.exports.pack import PackSources, toppnotat_bytes, toppnotat_name
from govern.exports.pdfa import pdfa_identification
from govern.exports.referat import build_referat
from govern.i18n import gettext as _
from govern.i18n import use_language
from govern.models.cases import Case, Treatment
from govern.models.meetings import Attachment, Meeting
from govern.openness import is_exempt, public_title

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: File formats by extension: (PRONOM id, description), MIME type.
FORMATS = {
    ".docx": (("fmt/412", "Microsoft Word (DOCX)"), DOCX_MIME),
    ".pdf": (("fmt/276", "PDF"), "application/pdf"),
    ".xlsx": (
        ("fmt/214", "Microsoft Excel (XLSX)"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ".pptx": (
        ("fmt/215", "Microsoft PowerPoint (PPTX)"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
PDFA = ("fmt/477", "PDF/A-2b")
#: PRONOM ids of the PDF/A variants an uploaded PDF may claim.
PDFA_PUIDS = {
    ("1", "A"): "fmt/95",
    ("1", "B"): "fmt/354",
    ("2", "A"): "fmt/476",
    ("2", "B"): "fmt/477",
    ("2", "U"): "fmt/478",
    ("3", "A"): "fmt/479",
    ("3", "B"): "fmt/480",
    ("3", "U"): "fmt/481",
}
#: govern's sakstype → the kodeliste moetesakstype (PS politisk sak, RS referatsak, AN annet).
CASE_TYPES = {
    "Beslutning": ("PS", "Politisk sak"),
    "Anbefaling": ("PS", "Politisk sak"),
    "Godkjenning": ("PS", "Politisk sak"),
    "Drøfting": ("PS", "Politisk sak"),
    "Orientering": ("RS", "Referatsak"),
    "Eventuelt": ("AN", "Annet"),
}
FUNCTIONS = {
    "leder": ("LEDER", "Leder"),
    "nestleder": ("NESTL", "Nestleder"),
    "medlem": ("MEDL", "Medlem"),
    "vara": ("VARA", "Varamedlem"),
    "observatør": ("MEDL", "Medlem"),
    "sekretariat": ("SEKR", "Sekretær"),
}
Render = Callable[[list[bytes]], list[bytes]]


@dataclass(frozen=True)
class PackageInfo:
    """Who made the package, when, which one it is, and what makes its systemIDs unique."""

    number: int
    made_at: datetime
    made_by: str
    #: A stable name of the meeting in this installation: "https://govern.example/meetings/7".
    identity: str
    notes: tuple[str, ...] = ()
    system: str = "govern"


@dataclass
class _Pending:
    """A document before rendering: its title, role and source files (name, content)."""

    title: str
    role: str
    sources: list[tuple[str, str, bytes]]
    exempt_basis: str | None = None


def _ascii(text: str, limit: int = 60) -> str:
    """'sak-9-26-toppnotat' from anything: the package's own file names."""
    flat = unicodedata.normalize("NFKD", text.replace("æ", "ae").replace("ø", "o"))
    flat = flat.replace("Æ", "Ae").replace("Ø", "O").encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", flat).strip("-").lower()[:limit] or "dokument"


def exempt_basis(case: Case, on: date | None = None) -> str | None:
    """The legal basis of a case exempt on the day (None when public, or when its exemption
    has lifted by its date)."""
    return case.exempt_basis if is_exempt(case, on) else None


def build_package(
    meeting: Meeting, sources: PackSources, info: PackageInfo, render: Render
) -> list[tuple[str, bytes]]:
    """The package's files in order: the messages first, then the documents. Titles are
    in the body's document language, as the documents are; Noark codes stay as they are."""
    with use_language(meeting.body.document_language):
        return _build_package(meeting, sources, info, render)


def _build_package(
    meeting: Meeting, sources: PackSources, info: PackageInfo, render: Render
) -> list[tuple[str, bytes]]:
    ids = _Ids(info.identity, info.number)
    plan: list[tuple[str, dict, list[_Pending]]] = []
    names = {"body": meeting.body.short_name, "number": meeting.number}
    heading = _("Innkalling og dagsorden – %(body)s %(number)s", **names)
    innkalling = _Pending(
        heading,
        "H",
        [
            (
                "innkalling.docx",
                heading,
                build_innkalling(meeting, sources.template, sources.version),
            )
        ],
    )
    loose = [_attachment(a, sources, "V") for a in meeting.attachments if a.treatment_id is None]
    plan.append(("innkalling", _meeting_document(("MI", "Møteinnkalling")), [innkalling, *loose]))
    for item in meeting.items:
        if item.treatment is not None:
            plan.append(_case(item.treatment, sources))
    referat = build_referat(meeting, sources.template, sources.version)
    title = _("Referat fra møte i %(body)s %(number)s", **names)
    plan.append(
        (
            "referat",
            _meeting_document(("MP", "Møteprotokoll")),
            [_Pending(title, "H", [("referat.docx", title, referat)])],
        )
    )
    return _assemble(meeting, info, ids, plan, render)


def _meeting_document(kind: tuple[str, str]) -> dict:
    return {"document_type": kind}


def _case(t: Treatment, sources: PackSources) -> tuple[str, dict, list[_Pending]]:
    """A case's registration: its toppnotat (main document) and its Vedlegg."""
    key = f"sak-{t.seq}-{t.year % 100:02d}"
    documents = []
    if t.memo is not None and not t.memo.is_empty:
        name = toppnotat_name(t, sources.version)
        documents.append(
            _Pending(name, "H", [(f"{key}-toppnotat.docx", name, toppnotat_bytes(t, sources))])
        )
    for attachment in t.attachments:
        if attachment.source == "toppnotat":
            continue  # the toppnotat above
        pending = _attachment(attachment, sources, "V" if documents else "H")
        if pending is not None:
            documents.append(pending)
    exempt = exempt_basis(t.case)
    fields = {
        "case_type": CASE_TYPES.get(t.sakstype or "", ("AN", "Annet")),
        "case_year": t.year,
        "case_seq": t.seq,
        "proposal": t.proposed_decision.strip(),
        "decision": t.decision.strip(),
        "decided_at": t.agenda_item.day.starts_at if t.agenda_item else None,
        # An exempt case, else an item treated in a closed session (its title stays public).
        "exempt_basis": exempt or t.closed_basis or None,
        "exempt_until": t.case.exempt_until if exempt else None,
        "title": f"{t.number} {t.display_title}",
        "public_title": f"{t.number} {public_title(t.case) if exempt else t.display_title}",
    }
    return key, fields, documents


def _attachment(a: Attachment, sources: PackSources, role: str) -> _Pending | None:
    """A Vedlegg as a document: the previous referat, or an uploaded file as it is."""
    title = _("Vedlegg %(number)s – %(name)s", number=a.number, name=a.title)
    key = f"vedlegg-{_ascii(a.number)}"
    if a.source == "referat" and sources.previous is not None:
        content = build_referat(sources.previous, sources.template, sources.previous_version)
        return _Pending(title, role, [(key + ".docx", title, content)], a.exempt_basis or None)
    if a.source == "file" and a.stored_name:
        content = sources.read_file(a)
        if content is None:
            return None
        ext = PurePosixPath(a.filename or a.stored_name).suffix.lower()
        return _Pending(
            title, role, [(key + ext, a.filename or title + ext, content)], a.exempt_basis or None
        )
    return None


class _Ids:
    def __init__(self, identity: str, number: int) -> None:
        self.base = f"{identity}/arkivpakke/{number}"

    def __call__(self, key: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.base}/{key}"))


def _assemble(
    meeting, info: PackageInfo, ids: _Ids, plan, render: Render
) -> list[tuple[str, bytes]]:
    """Render every .docx at once, then write the messages and list the files."""
    words = [
        content
        for _key, _fields, documents in plan
        for d in documents
        for name, _filename, content in d.sources
        if _extension(name) == ".docx"
    ]
    pdfs = iter(render(words))
    files: list[tuple[str, bytes]] = []
    used: set[str] = set()
    registrations = []
    for n, (key, fields, documents) in enumerate(plan, start=1):
        built = []
        for d in documents:
            objects = []
            for name, filename, content in d.sources:
                ext = _extension(name)
                path = _unique(f"{n:02d}-{_ascii(PurePosixPath(name).stem)}{ext}", used)
                variant, known = _variant(ext, content)
                name = safe_filename(_stem(filename)) + ext
                objects.append(_file(path, name, content, variant, ext, known))
                if ext == ".docx":
                    pdf_path = _unique(path[: -len(ext)] + ".pdf", used)
                    pdf_name = safe_filename(_stem(filename)) + ".pdf"
                    objects.append(_file(pdf_path, pdf_name, next(pdfs), "A", ".pdf", PDFA))
            built.append(am.Document(d.title, d.role, tuple(objects), d.exempt_basis))
        title = fields.pop("title", None) or built[0].title
        public = fields.pop("public_title", None) or title
        registrations.append(
            am.Registration(
                system_id=ids(key),
                title=title,
                public_title=public,
                documents=tuple(built),
                **fields,
            )
        )
    folder = _folder(meeting, info, ids("moetemappe"))
    messages = [("arkivmelding.xml", am.folder_message(folder, info.system))]
    for n, registration in enumerate(registrations, start=1):
        message = am.registration_message(registration, folder.system_id, info.made_at, info.system)
        messages.append((f"arkivmelding-{n}.xml", message))
        files += [(f.path, f.content) for d in registration.documents for f in d.files]
    return messages + files


def _variant(ext: str, content: bytes) -> tuple[str, tuple[str, str] | None]:
    """An uploaded PDF that says it is PDF/A (part 1-3, in its XMP metadata) is in archive
    format already; anything else is the production format."""
    claim = pdfa_identification(content) if ext == ".pdf" else None
    if claim is None:
        return "P", None
    part, conformance = claim
    return "A", (PDFA_PUIDS.get(claim, "fmt/276"), f"PDF/A-{part}{conformance.lower()}")


def _extension(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def _stem(filename: str) -> str:
    path = PurePosixPath(filename)
    return path.stem if path.suffix.lower() in FORMATS else filename


def _unique(path: str, used: set[str]) -> str:
    stem, dot, ext = path.rpartition(".")
    candidate, count = path, 1
    while candidate in used:
        count += 1
        candidate = f"{stem}-{count}.{ext}" if dot else f"{path}-{count}"
    used.add(candidate)
    return candidate


def _file(path, filename, content, variant, ext, file_format=None) -> am.FileObject:
    known, mime = FORMATS.get(
        ext, (("", ext.lstrip(".").upper() or "Ukjent"), "application/octet-stream")
    )
    return am.FileObject(
        path=path,
        filename=filename,
        content=content,
        variant=variant,
        file_format=file_format or known,
        mime=mime,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _folder(meeting: Meeting, info: PackageInfo, system_id: str) -> am.Folder:
    return am.Folder(
        system_id=system_id,
        title=f"Møte i {meeting.body.name} {meeting.number}",
        number=meeting.number,
        body_name=meeting.body.name,
        body_key=meeting.body.slug,
        meeting_date=meeting.first_date,
        place=meeting.location or "",
        created_at=info.made_at,
        created_by=info.made_by,
        participants=tuple(participants(meeting)),
        notes=info.notes,
        description=f"Arkivpakke {info.number} for {meeting.title}",
    )


def participants(meeting: Meeting) -> list[am.Participant]:
    """Who took part: the attendance's present members and deputies, with their roles."""
    on = meeting.first_date
    roles = {m.person_id: m.role for m in meeting.body.memberships if on is None or m.active_on(on)}
    out = []
    for a in sorted(meeting.attendance, key=lambda a: a.id):
        if a.status == "absent":
            continue
        role = roles.get(a.person_id, "medlem")
        represents = a.deputy_for.name if a.status == "deputy" and a.deputy_for else ""
        if a.status == "deputy":
            role = "vara"
        out.append(
            am.Participant(a.person.name, FUNCTIONS.get(role, FUNCTIONS["medlem"]), represents)
        )
    return out
