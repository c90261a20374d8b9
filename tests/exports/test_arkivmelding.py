"""The archive package of the demo's meeting 1/26 (Noark 5 arkivmelding, KS Fiks Arkiv v1):
every message validates against the published XSD, names files that are there with their
checksum and size, and describes the meeting, its cases and documents; the documents govern
makes are PDF/A-2b renderings whose text pdftotext finds.

LibreOffice is slow: renderings are cached by the .docx's sha256 in a folder shared by the
module, so the package is rendered once; only the tests that need it run soffice."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from lxml import etree
from sqlalchemy import select

from govern.exports.pdfa import pdfa_identification, soffice
from govern.extensions import db
from govern.models import ArchivePackage, Meeting, Treatment
from govern.services import archive
from govern.services.attachments import UploadInput, add_attachment, read_stored
from govern.services.file_store import store_for
from tests.services.test_exchange import approve_demo_january
from tests.views.test_pages import meeting_id

SPECS = Path(__file__).resolve().parents[1] / "data" / "specs" / "fiks-arkiv"
NS = {
    "a": "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1",
    "m": "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1",
}
needs_soffice = pytest.mark.skipif(
    soffice() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and pdftotext are needed to render and read PDF/A "
    "(Debian: libreoffice-writer-nogui poppler-utils)",
)


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    path = SPECS / "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


@pytest.fixture(scope="module")
def pdfa_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pdfa-cache")


def word_file(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PDF_VEDLEGG = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: A PDF that says in its XMP metadata that it is PDF/A-1a.
PDF_A_VEDLEGG = (
    b"%PDF-1.4\n<x:xmpmeta><rdf:Description><pdfaid:part>1</pdfaid:part>"
    b"<pdfaid:conformance>A</pdfaid:conformance></rdf:Description></x:xmpmeta>\n%%EOF\n"
)


@pytest.fixture
def january(app, session, demo, tmp_path, pdfa_cache):  # noqa: F811 (the demo fixture)
    """Meeting 1/26 with a Word and a PDF Vedlegg on case 3/26, its minutes approved."""
    app.instance_path = str(tmp_path)
    app.config["PDFA_CACHE"] = str(pdfa_cache)
    meeting = session.get(Meeting, meeting_id(session, "fagradet", "1/26"))
    case = next(i.treatment for i in meeting.items if i.treatment and i.treatment.seq == 3)
    uploads = store_for(app.config, app.instance_path, session)
    for name, content in (
        ("Innspill fra helseforetakene.docx", word_file("Innspill om veiledningen fra HF-ene")),
        ("Notat.pdf", PDF_VEDLEGG),
        ("Arkivert.pdf", PDF_A_VEDLEGG),
    ):
        data = UploadInput(filename=name, content=content, treatment_id=case.id)
        add_attachment(session, meeting, data, uploads)
    session.commit()
    approve_demo_january(session)
    return session.get(Meeting, meeting.id)


def fake_render(documents: list[bytes]) -> list[bytes]:
    return [b"%PDF-rendering of " + hashlib.sha256(d).hexdigest().encode() for d in documents]


def package_of(session, meeting, render=fake_render) -> dict[str, bytes]:
    package = archive.make_package(session, meeting, None)
    sources = archive.archive_sources(session, meeting, _reader(meeting), None)
    files = archive.package_files(session, meeting, package, sources, render, "https://x/m/1")
    return dict(files)


def _reader(meeting):
    from flask import current_app

    store = store_for(current_app.config, current_app.instance_path, db.session)
    return lambda owner: read_stored(store, owner)


def messages(files: dict[str, bytes]) -> list[etree._Element]:
    names = ["arkivmelding.xml"] + sorted(
        (n for n in files if n.startswith("arkivmelding-")), key=lambda n: int(n[13:-4])
    )
    return [etree.fromstring(files[n]) for n in names]


def texts(element, path: str) -> list[str]:
    return [e.text for e in element.xpath(path, namespaces=NS)]


def test_every_message_validates_and_names_files_that_are_there(session, january, schema):
    files = package_of(session, january)
    parsed = messages(files)
    assert len(parsed) == len(files) - sum(
        len(m.xpath("//a:dokumentobjekt", namespaces=NS)) for m in parsed
    )
    named = set()
    for message in parsed:
        schema.assertValid(message)
        objects = message.xpath("//a:dokumentobjekt", namespaces=NS)
        assert int(texts(message, "a:antallFiler")[0]) == len(objects)
        for obj in objects:
            name = texts(obj, "a:referanseDokumentfil")[0]
            content = files[name]
            assert texts(obj, "a:sjekksum")[0] == hashlib.sha256(content).hexdigest()
            assert texts(obj, "a:sjekksumAlgoritme") == ["SHA-256"]
            assert int(texts(obj, "a:filstoerrelse")[0]) == len(content)
            named.add(name)
    assert named == {n for n in files if not n.startswith("arkivmelding")}


def test_the_folder_and_the_registrations_describe_the_meeting(session, january):
    files = package_of(session, january)
    folder, *registrations = messages(files)
    mappe = folder.xpath("a:mappe", namespaces=NS)[0]
    assert mappe.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "moetemappe"
    assert texts(mappe, "a:moetenummer") == ["1/26"]
    assert texts(mappe, "a:utvalg/m:navn") == [january.body.name]
    assert texts(mappe, "a:moetedato") == [january.first_date.isoformat()]
    assert texts(mappe, "a:moetested") == ["Clarion Hotel Oslo"]
    present = [a for a in january.attendance if a.status != "absent"]
    assert len(texts(mappe, "a:moetedeltaker/m:identifikator/m:navn")) == len(present)
    folder_id = texts(mappe, "a:systemID")[0]
    kinds = []
    for message in registrations:
        reg = message.xpath("a:registrering", namespaces=NS)[0]
        assert texts(reg, "a:referanseForelderMappe/m:systemID") == [folder_id]
        kinds.append(reg.get("{http://www.w3.org/2001/XMLSchema-instance}type"))
    cases = [i.treatment for i in january.items if i.treatment is not None]
    assert kinds == ["moetedokument"] + ["moetesak"] * len(cases) + ["moetedokument"]
    first, last = registrations[0], registrations[-1]
    assert texts(first, "//a:moetedokumenttype/m:kode") == ["MI"]
    assert texts(last, "//a:moetedokumenttype/m:kode") == ["MP"]
    for message, t in zip(registrations[1:-1], cases, strict=True):
        assert texts(message, "//a:moetesaksaar") == [str(t.year)]
        assert texts(message, "//a:moetesakssekvensnummer") == [str(t.seq)]
        assert texts(message, "//a:registrering/a:tittel") == [f"{t.number} {t.display_title}"]
        if t.proposed_decision.strip():
            assert texts(message, "//a:innstilling/m:tekstInnhold") == [t.proposed_decision.strip()]
        if t.decision.strip():
            assert texts(message, "//a:vedtak/a:vedtakstekst/m:tekstInnhold") == [
                t.decision.strip()
            ]


def test_a_word_vedlegg_is_kept_and_rendered_a_pdf_vedlegg_kept_as_it_is(session, january):
    files = package_of(session, january)
    case = messages(files)[4]  # the folder, innkalling, 1/26, 2/26, then 3/26
    documents = case.xpath("//a:dokumentbeskrivelse", namespaces=NS)
    by_title = {texts(d, "a:tittel")[0]: d for d in documents}
    word = next(d for t, d in by_title.items() if "Innspill fra helseforetakene" in t)
    assert texts(word, "a:dokumentobjekt/a:variantformat/m:kode") == ["P", "A"]
    assert texts(word, "a:dokumentobjekt/a:filnavn") == [
        "Innspill fra helseforetakene.docx",
        "Innspill fra helseforetakene.pdf",
    ]
    pdf = next(d for t, d in by_title.items() if "Notat" in t)
    (name,) = texts(pdf, "a:dokumentobjekt/a:referanseDokumentfil")
    assert files[name] == PDF_VEDLEGG
    assert texts(pdf, "a:dokumentobjekt/a:variantformat/m:kode") == ["P"]
    pdfa = next(d for t, d in by_title.items() if "Arkivert" in t)
    assert texts(pdfa, "a:dokumentobjekt/a:variantformat/m:kode") == ["A"]
    assert texts(pdfa, "a:dokumentobjekt/a:format/m:beskrivelse") == ["PDF/A-1a"]


def test_the_package_needs_approved_minutes(session, demo):  # noqa: F811
    second = session.get(Meeting, meeting_id(session, "fagradet", "2/26"))
    with pytest.raises(archive.Conflict, match="når referatet er godkjent"):
        archive.make_package(session, second, None)
    assert session.scalar(select(ArchivePackage.id)) is None


@needs_soffice
def test_the_command_writes_pdf_a_whose_text_pdftotext_finds(
    app, session, january, schema, tmp_path
):
    folder = tmp_path / "arkiv"
    result = app.test_cli_runner().invoke(args=["arkiv", str(january.id), str(folder)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in folder.iterdir())
    assert f": {len(written)} filer skrevet til" in result.output
    files = {name: (folder / name).read_bytes() for name in written}
    for message in messages(files):
        schema.assertValid(message)
    pdfs = [
        n for n in written if n.endswith(".pdf") and files[n] not in (PDF_VEDLEGG, PDF_A_VEDLEGG)
    ]
    assert pdfs
    for name in pdfs:
        assert pdfa_identification(files[name]) == ("2", "B"), name
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(folder / name), "-"],
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert text.strip(), name
    referat = next(n for n in pdfs if "referat" in n)
    assert "Referat fra møte i Fagrådet 1/26" in _pdf_text(folder / referat)
    vedlegg = next(n for n in pdfs if "vedlegg" in n)
    assert "Innspill om veiledningen fra HF-ene" in _pdf_text(folder / vedlegg)
    package = session.scalars(select(ArchivePackage)).one()
    assert (package.number, package.made_by) == (1, "kommandolinjen")


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True)
    return " ".join(done.stdout.decode().split())


def test_an_unknown_meeting_is_refused_in_norwegian(app, demo):  # noqa: F811
    result = app.test_cli_runner().invoke(args=["arkiv", "99999", "/nonexistent/x"])
    assert result.exit_code != 0 and "Møte 99999 finnes ikke." in result.output


def test_a_correction_of_the_minutes_calls_for_a_new_package(session, january):
    first = archive.make_package(session, january, None)
    assert not archive.needs_new_package(session, january, first)
    t = session.scalars(
        select(Treatment).where(Treatment.meeting_id == january.id, Treatment.seq == 3)
    ).one()
    _correct(session, january, t)
    assert archive.needs_new_package(session, january, first)
    second = archive.make_package(session, january, None)
    assert second.number == 2 and second.note.startswith(
        "Erstatter arkivpakke 1. Rettet i revisjon 2"
    )
    files = package_of(session, january)
    assert "Erstatter arkivpakke 2" in files["arkivmelding.xml"].decode()


def _correct(session, meeting, t) -> None:
    from govern.services import minutes_corrections

    minutes_corrections.correct_minutes(
        session,
        None,
        meeting,
        t,
        minutes_corrections.CorrectionInput(
            version=t.version,
            reason="Skrivefeil i vedtaket",
            decision=t.decision + " Rettet.",
            inputs=tuple(i.text for i in t.inputs),
            presentation=t.presentation,
        ),
    )
    session.flush()


def test_exempt_items_carry_skjerming_and_their_public_title(session, january, schema):
    t = next(i.treatment for i in january.items if i.treatment and i.treatment.seq == 3)
    t.case.exempt_basis = "Offl. § 23 første ledd"
    t.case.public_title = "Innspill om veiledning"
    notat = next(a for a in january.attachments if a.filename == "Notat.pdf")
    notat.exempt_basis = "Offl. § 15 første ledd"
    closed = next(i.treatment for i in january.items if i.treatment and i.treatment.seq == 4)
    closed.closed_basis = "Offl. § 14"
    session.flush()
    files = package_of(session, january)
    for message in messages(files):
        schema.assertValid(message)
    case = messages(files)[4]
    reg = case.xpath("a:registrering", namespaces=NS)[0]
    assert texts(reg, "a:skjerming/a:skjermingshjemmel") == ["Offl. § 23 første ledd"]
    assert texts(reg, "a:skjerming/a:tilgangsrestriksjon/m:kode") == ["UO"]
    assert texts(reg, "a:offentligTittel") == ["3/26 Innspill om veiledning"]
    assert texts(reg, "a:tittel") == [f"3/26 {t.display_title}"]
    documents = {
        texts(d, "a:tittel")[0]: d for d in reg.xpath("a:dokumentbeskrivelse", namespaces=NS)
    }
    exempt = next(d for title, d in documents.items() if "Notat" in title)
    assert texts(exempt, "a:skjerming/a:skjermingshjemmel") == ["Offl. § 15 første ledd"]
    other = messages(files)[5]
    assert texts(other, "a:registrering/a:skjerming/a:skjermingshjemmel") == ["Offl. § 14"]
    assert texts(other, "a:registrering/a:offentligTittel") == [f"4/26 {closed.display_title}"]
    public = messages(files)[2]
    assert public.xpath("//a:skjerming", namespaces=NS) == []


def test_the_command_refuses_unapproved_minutes_in_norwegian(app, session, demo, tmp_path):  # noqa: F811
    mid = meeting_id(session, "fagradet", "2/26")
    result = app.test_cli_runner().invoke(args=["arkiv", str(mid), str(tmp_path / "x")])
    assert result.exit_code != 0
    assert "Arkivpakken lages når referatet er godkjent" in result.output
    assert not (tmp_path / "x").exists()
