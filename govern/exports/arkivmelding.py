"""KS Fiks Arkiv v1 `arkivmelding` messages (no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett)
for a meeting's archive package.

One message holds at most one mappe and one registrering, so a package is a sequence: the
first message creates the meeting's folder (a moetemappe), each further one creates one
registration (a moetesak per case, a moetedokument for the innkalling and the referat) that
refers to the folder by its systemID. This module writes the XML from plain records
(archive_package.py gathers them from the meeting); each message's antallFiler is the
number of files its dokumentobjekt name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree

from govern.text_rules import export_text

NS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1"
MDK = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: NS, "n5mdk": MDK, "xsi": XSI}

#: The access restriction (tilgangsrestriksjon) of what is exempt from public access.
EXEMPT = ("UO", "Unntatt offentlighet")


@dataclass(frozen=True)
class FileObject:
    """One file of a document (dokumentobjekt): the production format or the archive format."""

    #: The file's name in the package (referanseDokumentfil): ASCII, unique.
    path: str
    #: The name a reader sees and downloads (filnavn).
    filename: str
    content: bytes
    #: "P" produksjonsformat (the .docx), "A" arkivformat (PDF/A).
    variant: str
    #: (PRONOM id, description): ("fmt/477", "PDF/A-2b").
    file_format: tuple[str, str]
    mime: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class Document:
    """A dokumentbeskrivelse: one document and its files."""

    title: str
    #: "H" hoveddokument, "V" vedlegg.
    role: str
    files: tuple[FileObject, ...]
    #: The legal basis when the document is exempt from public access.
    exempt_basis: str | None = None


@dataclass(frozen=True)
class Registration:
    """A moetesak (a case on the agenda) or a moetedokument (innkalling, referat)."""

    system_id: str
    title: str
    public_title: str
    documents: tuple[Document, ...]
    #: ("MI", "Møteinnkalling") for a moetedokument; None for a moetesak.
    document_type: tuple[str, str] | None = None
    #: A moetesak's type (kode, beskrivelse), year and sequence number (from "9/26").
    case_type: tuple[str, str] | None = None
    case_year: int | None = None
    case_seq: int | None = None
    proposal: str = ""
    decision: str = ""
    decided_at: datetime | None = None
    exempt_basis: str | None = None
    exempt_until: date | None = None
    description: str = ""

    @property
    def file_count(self) -> int:
        return sum(len(d.files) for d in self.documents)


@dataclass(frozen=True)
class Participant:
    name: str
    #: (kode, beskrivelse) from the kodeliste moetedeltakerfunksjon: ("MEDL", "Medlem").
    function: tuple[str, str]
    represents: str = ""


@dataclass(frozen=True)
class Folder:
    """The meeting as a moetemappe."""

    system_id: str
    title: str
    number: str
    body_name: str
    body_key: str
    meeting_date: date
    place: str
    created_at: datetime
    created_by: str
    participants: tuple[Participant, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    description: str = ""


def _sub(parent, name: str, text: str | None = None, ns: str = NS):
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        element.text = export_text(text)
    return element


def _code(parent, name: str, code: tuple[str, str], ns: str = NS) -> None:
    element = _sub(parent, name, ns=ns)
    _sub(element, "kode", code[0], MDK)
    _sub(element, "beskrivelse", code[1], MDK)


def _stamp(when: datetime) -> str:
    return when.replace(microsecond=0).isoformat()


def _message(file_count: int, system: str):
    root = etree.Element(f"{{{NS}}}arkivmelding", nsmap=NSMAP)
    _sub(root, "system", system)
    _sub(root, "antallFiler", str(file_count))
    return root


def _text_block(parent, name: str, text: str) -> None:
    """A moetesaksBeskrivelse: the text and its format (plain text)."""
    element = _sub(parent, name)
    _sub(element, "tekstInnhold", text, MDK)
    _code(element, "tekstFormat", ("tekst", "Tekst som tekstformat"), MDK)


def _skjerming(parent, basis: str, until: date | None = None) -> None:
    element = _sub(parent, "skjerming")
    _code(element, "tilgangsrestriksjon", EXEMPT)
    _sub(element, "skjermingshjemmel", basis)
    if until is not None:
        _sub(element, "skjermingOpphoererDato", until.isoformat())


def folder_message(folder: Folder, system: str = "govern") -> bytes:
    """arkivmelding.xml: creates the meeting's moetemappe (no files)."""
    root = _message(0, system)
    mappe = _sub(root, "mappe")
    mappe.set(f"{{{XSI}}}type", "moetemappe")
    _sub(mappe, "systemID", folder.system_id)
    _sub(mappe, "tittel", folder.title)
    _sub(mappe, "offentligTittel", folder.title)
    if folder.description:
        _sub(mappe, "beskrivelse", folder.description)
    _sub(mappe, "opprettetDato", _stamp(folder.created_at))
    _sub(mappe, "opprettetAv", folder.created_by)
    for note in folder.notes:
        merknad = _sub(mappe, "merknad")
        _sub(merknad, "merknadstekst", note, MDK)
    _sub(mappe, "moetenummer", folder.number)
    utvalg = _sub(mappe, "utvalg")
    _sub(utvalg, "navn", folder.body_name, MDK)
    _sub(utvalg, "identifikator", folder.body_key, MDK)
    _sub(mappe, "moetedato", folder.meeting_date.isoformat())
    if folder.place:
        _sub(mappe, "moetested", folder.place)
    for person in folder.participants:
        deltaker = _sub(mappe, "moetedeltaker")
        identifikator = _sub(deltaker, "identifikator", ns=MDK)
        _sub(identifikator, "navn", person.name, MDK)
        _code(deltaker, "funksjon", person.function, MDK)
        if person.represents:
            represents = _sub(deltaker, "representerer", ns=MDK)
            _sub(represents, "navn", person.represents, MDK)
    return _bytes(root)


def registration_message(
    registration: Registration, folder_id: str, created_at: datetime, system: str = "govern"
) -> bytes:
    """arkivmelding-<n>.xml: creates one registration in the meeting's folder."""
    root = _message(registration.file_count, system)
    reg = _sub(root, "registrering")
    moetesak = registration.document_type is None
    reg.set(f"{{{XSI}}}type", "moetesak" if moetesak else "moetedokument")
    _sub(reg, "systemID", registration.system_id)
    _sub(reg, "opprettetDato", _stamp(created_at))
    parent = _sub(reg, "referanseForelderMappe")
    _sub(parent, "systemID", folder_id, MDK)
    if registration.exempt_basis:
        _skjerming(reg, registration.exempt_basis, registration.exempt_until)
    for number, document in enumerate(registration.documents, start=1):
        _document(reg, document, number, created_at)
    _sub(reg, "tittel", registration.title)
    _sub(reg, "offentligTittel", registration.public_title)
    if registration.description:
        _sub(reg, "beskrivelse", registration.description)
    if moetesak:
        _code(reg, "moetesakstype", registration.case_type or ("AN", "Annet"))
        _sub(reg, "moetesaksaar", str(registration.case_year))
        _sub(reg, "moetesakssekvensnummer", str(registration.case_seq))
        if registration.proposal:
            _text_block(reg, "innstilling", registration.proposal)
        if registration.decision and registration.decided_at is not None:
            vedtak = _sub(reg, "vedtak")
            _text_block(vedtak, "vedtakstekst", registration.decision)
            _sub(vedtak, "dato", _stamp(registration.decided_at))
    else:
        _code(reg, "moetedokumenttype", registration.document_type)
    return _bytes(root)


def _document(parent, document: Document, number: int, created_at: datetime) -> None:
    element = _sub(parent, "dokumentbeskrivelse")
    _code(element, "dokumentstatus", ("F", "Dokumentet er ferdigstilt"))
    _sub(element, "tittel", document.title)
    _sub(element, "opprettetDato", _stamp(created_at))
    role = ("H", "Hoveddokument") if document.role == "H" else ("V", "Vedlegg")
    _code(element, "tilknyttetRegistreringSom", role)
    _sub(element, "dokumentnummer", str(number))
    if document.exempt_basis:
        _skjerming(element, document.exempt_basis)
    for file in document.files:
        obj = _sub(element, "dokumentobjekt")
        _sub(obj, "versjonsnummer", "1")
        variant = ("A", "Arkivformat") if file.variant == "A" else ("P", "Produksjonsformat")
        _code(obj, "variantformat", variant)
        _code(obj, "format", file.file_format)
        _sub(obj, "mimeType", file.mime)
        _sub(obj, "filnavn", file.filename)
        _sub(obj, "referanseDokumentfil", file.path)
        _sub(obj, "sjekksum", file.sha256)
        _sub(obj, "sjekksumAlgoritme", "SHA-256")
        _sub(obj, "filstoerrelse", str(file.size))


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
