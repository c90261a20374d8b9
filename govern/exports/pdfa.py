"""PDF/A-2b renderings of Word documents, made by LibreOffice and kept by content.

LibreOffice takes seconds to start, so every document of a package is converted in one run,
and a rendering is kept in a cache folder under the sha256 of the .docx it was made from:
the same document (govern's documents are the same bytes for the same data) is rendered
once. A rendering carries PDF/A identification in its XMP metadata (pdfaid:part 2,
conformance B); one without it is refused rather than archived as PDF/A.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from govern.i18n import gettext as _

#: LibreOffice's PDF export with PDF/A-2 selected (its JSON filter options, LibreOffice 7.4+).
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
_PART = re.compile(rb"<pdfaid:part>\s*(\d)\s*</pdfaid:part>|pdfaid:part=[\"'](\d)[\"']")
_CONFORMANCE = re.compile(
    rb"<pdfaid:conformance>\s*([ABU])\s*</pdfaid:conformance>|pdfaid:conformance=[\"']([ABU])[\"']"
)


class RenderError(Exception):
    """LibreOffice is missing or made no (PDF/A) rendering; the message is Norwegian."""


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdfa_identification(pdf: bytes) -> tuple[str, str] | None:
    """('2', 'B') from the PDF's XMP metadata, or None when it claims no PDF/A."""
    part, conformance = _PART.search(pdf), _CONFORMANCE.search(pdf)
    if part is None or conformance is None:
        return None
    return (
        (part.group(1) or part.group(2)).decode(),
        (conformance.group(1) or conformance.group(2)).decode(),
    )


def render_pdfa(documents: list[bytes], cache: Path, timeout: int = 120) -> list[bytes]:
    """PDF/A-2b renderings of the .docx documents, in order; one LibreOffice run for all
    the documents not in `cache` yet."""
    cache.mkdir(parents=True, exist_ok=True)
    keys = [hashlib.sha256(d).hexdigest() for d in documents]
    missing = {
        k: d for k, d in zip(keys, documents, strict=True) if not (cache / f"{k}.pdf").exists()
    }
    if missing:
        _convert(missing, cache, timeout + 10 * len(missing))
    return [(cache / f"{k}.pdf").read_bytes() for k in keys]


def _convert(documents: dict[str, bytes], cache: Path, timeout: int) -> None:
    program = soffice()
    if program is None:
        raise RenderError(_("LibreOffice (soffice) er ikke installert; PDF/A kan ikke lages."))
    with tempfile.TemporaryDirectory(prefix="govern-pdfa-") as work:
        folder = Path(work)
        sources = []
        for key, content in documents.items():
            source = folder / f"{key}.docx"
            source.write_bytes(content)
            sources.append(str(source))
        out = folder / "out"
        command = [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            PDFA_FILTER,
            "--outdir",
            str(out),
            *sources,
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired:
            raise RenderError(_("LibreOffice brukte for lang tid på å lage PDF/A.")) from None
        for key in documents:
            pdf = out / f"{key}.pdf"
            if not pdf.exists():
                detail = done.stderr.decode(errors="replace").strip()[-200:]
                raise RenderError(
                    _(
                        "LibreOffice laget ingen PDF (kode %(code)s): %(detail)s",
                        code=done.returncode,
                        detail=detail,
                    )
                )
            if pdfa_identification(pdf.read_bytes()) != ("2", "B"):
                raise RenderError(_("LibreOffice laget en PDF uten PDF/A-2b-merking."))
            # Into the cache under a temporary name first: a reader never sees half a file.
            handle, temporary = tempfile.mkstemp(dir=cache, suffix=".tmp")
            os.close(handle)
            shutil.copyfile(pdf, temporary)
            os.replace(temporary, cache / f"{key}.pdf")
