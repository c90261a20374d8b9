"""Check every Word document govern builds from the demo data, the way a recipient opens it.

1. loads the demo into a fresh SQLite database in a temporary directory (or copies the one an
   earlier check of the same CI run prepared, see `prepare_demo`);
2. downloads, through the app's own routes (logged in as the demo secretariat, or as the demo
   administrator for bodies the secretariat does not prepare), the innkalling and referat of
   every meeting, the toppnotat of every case on an agenda and every meeting pack
   (sakspapirer.zip, unpacked: its .docx files are checked too), each in its internal and
   its public version;
3. validates each .docx against the Office Open XML schema (0 errors required);
4. renders them all to PDF with LibreOffice in one batch and checks with pdftotext that each
   says what it should (headings, dates, page numbers …).

Exits 1 with a report of every problem, 0 when everything passed.

    .venv/bin/python .ci/check_documents.py [--keep DIR] [--validator PATH]

`make check-documents` installs the validator (npm, into .ci/node/) and runs this.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_VALIDATOR = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "ooxml-validator"
SECRETARIAT = "sekretariat@example.no"
ADMIN = "admin@example.no"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: Every document is checked in both versions (?versjon=): the internal and the public one.
VERSIONS = ("intern", "offentlig")

#: Text every document of a kind must contain ({number} is the meeting or case number).
COMMON = {
    "innkalling": ["Innkalling og dagsorden", "{number}", "Side 1 av"],
    "referat": ["Referat", "{number}", "Side 1 av"],
    "toppnotat": [
        "Saksnummer",
        "{number}",
        "Vedtak fra tidligere behandlinger i rådsmodellen",
        "Side 1 av",
    ],
}

#: Text particular documents of the demo must contain: (body slug, number, kind) → texts.
SPECIFIC = {
    ("fagradet", "2/26", "innkalling"): [
        "Møte i Fagrådet 2/26",
        "29. – 30. april 2026",
        "Thon Partner Hotel, Kristiansand",
        "Medlemmer",
        "Sak Agenda Tidspunkt Sakstype",
        "Dag 1",
        "Dag 2",
        "Lunsj",
        "Slutt dag 1",
        "Middag",
        "Onsdag 29. april 2026",
        "Torsdag 30. april 2026",
        "10/26",
        "17/26",
        "Vedlegg 2",
        "Forslag til vedtak",
    ],
    ("fagradet", "1/26", "referat"): [
        "Referat fra møte i Fagrådet 1/26",
        "21. – 22. januar 2026",
        "Ikke til stede",
        "Stedfortreder",
        "Saksnr",
        "Tittel på sak",
        "Innspill:",
        "Vedtak:",
        "Det kom ingen saker til eventuelt.",
        # Structured text: innspill under headings (6/26), a nested list (7/26).
        "Generelle tilbakemeldinger fra medlemmene:",
        "Indikatorer fra helsepersonell- og innbyggerundersøkelsene",
        "Erfaringer og nærliggende behov rundt PDS prosjektene",
    ],
    ("fagradet", "9/26", "toppnotat"): [
        "Saken har ikke vært til behandling i rådsmodellen tidligere.",
    ],
    ("fagradet", "10/26", "toppnotat"): [
        "Til",
        "Møte 2/26",
        "29.04.2026",
        "Innretning",
        "Drøfting",
        "Sakseier",
        "Saksbehandler",
        "Jon Tysdahl",
        "Forslag til vedtak",
        "Utvalg og dato",
        "Tittel på sak",
        "NUFA",
        "Fagutvalget (NUFA)",
        "Steg 1 – minimal konverteringsløsning",
        "Steg 2 – omskrivning av norsk e-resept",
    ],
    ("fagradet", "16/26", "toppnotat"): [
        "Felles forventning til alle innlegg før lunsj:",
        "Hvilken del av utfordringsbildet blir belyst?",
        "Hvilket konkret brudd",
        "Innlegg 0 – Bedre tilgang til helsedata",
    ],
}


@dataclass
class Document:
    """One .docx to check: where it came from, where it lies, what it must say."""

    label: str
    path: Path
    expect: list[str]
    problems: list[str] = field(default_factory=list)
    pages: int = 0


@dataclass
class Run:
    documents: list[Document] = field(default_factory=list)
    #: Problems not tied to one .docx (HTTP errors, a broken zip …).
    problems: list[str] = field(default_factory=list)


def slug(text: str) -> str:
    """A file-name-safe form of a label."""
    text = text.translate(
        str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})
    )
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60]


# --- downloading -----------------------------------------------------------------------------


def make_app(tmp: Path):
    from govern import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "check-documents",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'check.sqlite'}",
            "PAGE_CACHE_SIZE": 0,
        }
    )


def prepare_demo(app) -> None:
    """Migrate the app's fresh SQLite database and load the demo, as `make run` does.

    With CHECK_DEMO_DATABASE naming a file (.ci/run names one per run), the first check keeps
    the prepared database there and the next ones start from a copy of it.
    """
    from sqlalchemy.engine import make_url

    from govern.cli import prepare_demo_database
    from govern.extensions import db

    database = Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    kept = os.environ.get("CHECK_DEMO_DATABASE")
    if kept and Path(kept).exists():
        shutil.copyfile(kept, database)
        return
    prepare_demo_database(app)
    if kept:
        with app.app_context():
            db.engine.dispose()
        shutil.copyfile(database, f"{kept}.part")
        os.replace(f"{kept}.part", kept)


def logged_in(app, email: str):
    from govern.services.accounts import DEMO_PASSWORD

    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"Could not log in as {email}: HTTP {response.status_code}")
    return client


def word_settings(content: bytes) -> list[str]:
    """What makes Word treat a built document as Norwegian and current: the language in the
    styles' docDefaults, no compatibility mode, govern as the application."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
        settings = archive.read("word/settings.xml").decode("utf-8")
        app = archive.read("docProps/app.xml").decode("utf-8")
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S)
    if not defaults or not re.search(r'<w:lang w:val="n[bn]-NO"', defaults.group(0)):
        problems.append("no nb-NO/nn-NO language in the styles' docDefaults")
    if set(re.findall(r'<w:lang w:val="([^"]+)"', styles)) - {"nb-NO", "nn-NO"}:
        problems.append("a style has a language other than Norwegian")
    if not re.search(r'w:name="compatibilityMode"[^>]*w:val="15"', settings):
        problems.append("compatibility mode: compatibilityMode is not 15")
    if "<Application>govern</Application>" not in app:
        problems.append("docProps/app.xml does not name govern as the application")
    return problems


class Fetcher:
    """Downloads documents into a directory, recording every problem on the run."""

    def __init__(self, run: Run, clients: dict, outdir: Path):
        self.run = run
        self.clients = clients
        self.outdir = outdir

    def _save(self, label: str, content: bytes, expect: list[str]) -> Document:
        path = self.outdir / f"{len(self.run.documents) + 1:03d}-{slug(label)}.docx"
        path.write_bytes(content)
        document = Document(label, path, expect)
        self.run.documents.append(document)
        return document

    def get(self, who: str, url: str, label: str, mimetype: str):
        """The response's bytes, or None (and a problem) unless it is a 200 of that type."""
        response = self.clients[who].get(url)
        if response.status_code != 200:
            self.run.problems.append(f"{label}: GET {url} answered HTTP {response.status_code}")
            return None
        if response.mimetype != mimetype:
            self.run.problems.append(f"{label}: GET {url} served {response.mimetype}")
            return None
        return response.get_data()

    def docx(self, who: str, url: str, label: str, expect: list[str]) -> None:
        content = self.get(who, url, label, DOCX_TYPE)
        if content is not None:
            document = self._save(label, content, expect)
            document.problems.extend(word_settings(content))

    def pack(self, who: str, url: str, label: str, expect_inside: dict[str, list[str]]) -> None:
        """Unpack a meeting pack; its .docx files are checked like the others.

        expect_inside maps the start of an entry's name ("Toppnotat 10-26", after any
        "Vedlegg 2 – ") to what it must say; each such entry must be present.
        """
        content = self.get(who, url, label, "application/zip")
        if content is None:
            return
        try:
            package = zipfile.ZipFile(io.BytesIO(content))
        except zipfile.BadZipFile as error:
            self.run.problems.append(f"{label}: not a zip file ({error})")
            return
        with package:
            if (bad := package.testzip()) is not None:
                self.run.problems.append(f"{label}: damaged entry {bad!r}")
                return
            names = package.namelist()
            if not names:
                self.run.problems.append(f"{label}: empty")
            for name in names:
                pure = PurePosixPath(name)
                if pure.is_absolute() or ".." in pure.parts or "\\" in name:
                    self.run.problems.append(f"{label}: unsafe entry name {name!r}")
                    continue
                if not name.lower().endswith(".docx"):
                    continue
                expect = next((e for key, e in expect_inside.items() if named(name, key)), [])
                self._save(f"{label} / {name}", package.read(name), expect)
            for key in expect_inside:
                if not any(named(name, key) for name in names):
                    self.run.problems.append(
                        f"{label}: no entry named like «{key}» (entries: {', '.join(names)})"
                    )


def named(entry: str, key: str) -> bool:
    """Whether a pack entry is the document `key` names, with or without a Vedlegg prefix."""
    return re.sub(r"^Vedlegg \w+ – ", "", entry).startswith(key + " ")


def expected(slug_: str, number: str, kind: str) -> list[str]:
    texts = [t.format(number=number) for t in COMMON[kind]]
    return texts + [t for t in SPECIFIC.get((slug_, number, kind), []) if t not in texts]


def toppnotat_texts(slug_: str, treatment) -> list[str]:
    """What a toppnotat written in govern must say: its headings follow its memo."""
    from govern.models.memos import FIXED_SECTIONS

    texts = expected(slug_, treatment.number, "toppnotat")
    if treatment.proposed_decision.strip():
        texts.append("Forslag til vedtak")
    memo = treatment.memo
    if memo is not None:
        texts += [heading for name, heading in FIXED_SECTIONS if getattr(memo, name).strip()]
        texts += [s.heading for s in memo.sections if s.heading.strip() and s.text.strip()]
    return list(dict.fromkeys(texts))


def fetch_all(tmp: Path, outdir: Path) -> Run:
    """Load the demo and download every document it gives."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from govern.extensions import db
    from govern.models import Body, Meeting, Treatment
    from govern.models.meetings import AgendaItem
    from govern.models.memos import Memo

    run = Run()
    app = make_app(tmp)
    prepare_demo(app)
    with app.app_context():
        clients = {SECRETARIAT: logged_in(app, SECRETARIAT), ADMIN: logged_in(app, ADMIN)}
        fetch = Fetcher(run, clients, outdir)
        meetings = db.session.scalars(
            select(Meeting)
            .join(Body)
            .options(
                selectinload(Meeting.attachments),
                selectinload(Meeting.items)
                .selectinload(AgendaItem.treatment)
                .selectinload(Treatment.memo)
                .selectinload(Memo.sections),
            )
            .order_by(Body.slug, Meeting.year, Meeting.seq)
        ).all()
        for meeting in meetings:
            for version in VERSIONS:
                fetch_meeting(fetch, meeting, version)
    return run


def fetch_meeting(fetch: Fetcher, meeting, version: str) -> None:
    """The meeting's innkalling, referat, toppnotater and pack in one version (?versjon=)."""
    from govern.exports.toppnotat import held_back
    from govern.exports.versions import INTERNAL_LABEL, PUBLIC, PUBLIC_LABEL

    public = version == "offentlig"
    label_text = PUBLIC_LABEL if public else INTERNAL_LABEL
    body = meeting.body.slug
    # The demo secretariat prepares Fagrådet; the other bodies are checked as admin.
    who = SECRETARIAT if body == "fagradet" else ADMIN
    name = f"{meeting.body.short_name} {meeting.number} ({version})"
    base = f"/meetings/{meeting.id}"
    query = f"?versjon={version}"
    innkalling = [*expected(body, meeting.number, "innkalling"), label_text]
    fetch.docx(who, f"{base}/innkalling.docx{query}", f"{name} innkalling", innkalling)
    referat = [*expected(body, meeting.number, "referat"), label_text]
    fetch.docx(who, f"{base}/referat.docx{query}", f"{name} referat", referat)
    # The pack holds the innkalling and the toppnotat of every case with a written memo or
    # a toppnotat Vedlegg; an uploaded memo is passed through as it came. The public pack
    # leaves out the toppnotat of what it holds back (and exempt Vedlegg).
    inside = {"Innkalling og dagsorden": innkalling}
    toppnotat_vedlegg = {a.treatment_id for a in meeting.attachments if a.source == "toppnotat"}
    for item in meeting.items:
        treatment = item.treatment
        if treatment is None:
            continue
        number, memo = treatment.number, treatment.memo
        held = held_back(treatment, PUBLIC) if public else None
        if held:
            texts = ["Saksnummer", number, held.split(",")[0], "Side 1 av", label_text]
        elif memo and memo.uploaded:
            texts = []
        else:
            texts = [*toppnotat_texts(body, treatment), label_text]
        fetch.docx(
            who,
            f"/treatments/{treatment.id}/toppnotat.docx{query}",
            f"{name} toppnotat {number}",
            texts,
        )
        if held:
            continue
        if (memo and not memo.is_empty) or treatment.id in toppnotat_vedlegg:
            inside[f"Toppnotat {number.replace('/', '-')}"] = texts
    fetch.pack(who, f"{base}/sakspapirer.zip{query}", f"{name} sakspapirer.zip", inside)


# --- checking --------------------------------------------------------------------------------


def same_content(documents: list[Document]) -> list[list[Document]]:
    """The documents grouped by identical bytes (a pack holds copies of the downloads)."""
    groups: dict[str, list[Document]] = {}
    for document in documents:
        digest = hashlib.sha256(document.path.read_bytes()).hexdigest()
        groups.setdefault(digest, []).append(document)
    return list(groups.values())


def note(group: list[Document], problem: str) -> None:
    for document in group:
        document.problems.append(problem)


def validate(validator: Path, group: list[Document]) -> None:
    """Schema-validate one .docx (for every document with its bytes)."""
    try:
        out = subprocess.run(
            [str(validator), str(group[0].path)],
            capture_output=True,
            text=True,
            timeout=180,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        note(group, "OOXML validator timed out")
        return
    try:
        report = json.loads(out.stdout)
    except json.JSONDecodeError:
        detail = (out.stderr or out.stdout).strip()
        note(group, f"OOXML validator failed (exit {out.returncode}): {detail}")
        return
    errors = report.get("errors") or []
    if report.get("ok") is not True or errors:
        note(group, f"OOXML validator: {len(errors)} error(s)")
        for error in errors[:20]:
            where = " ".join(
                f"{k}={error[k]}" for k in ("path", "xPath") if error.get(k) not in (None, "")
            )
            text = str(error.get("description"))
            text = text if len(text) <= 400 else text[:400] + " …"
            note(group, f"  [{error.get('errorType')}] {text} {where}".rstrip())
        if len(errors) > 20:
            note(group, f"  … and {len(errors) - 20} more")


def normalise(text: str) -> str:
    """Text as compared: ligatures unfolded, whitespace collapsed, hyphens dropped.

    pdftotext joins a word hyphenated at a line end ("Sør-" / "Øst" gives "SørØst"), so
    hyphens are left out on both sides; en dashes are kept.
    """
    text = unicodedata.normalize("NFKC", text).replace("-", "").replace("\u00ad", "")
    return re.sub(r"\s+", " ", text).strip()


def render(groups: list[list[Document]], workdir: Path) -> None:
    """Convert every .docx to PDF in one LibreOffice run, then check the text of each."""
    if not groups:
        return
    pdfdir = workdir / "pdf"
    pdfdir.mkdir()
    profile = workdir / "lo-profile"
    command = [
        "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(pdfdir),
        *(str(group[0].path) for group in groups),
    ]
    try:
        out = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=60 + 20 * len(groups),
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        for group in groups:
            note(group, "LibreOffice timed out converting the documents")
        return
    for group in groups:
        pdf = pdfdir / (group[0].path.stem + ".pdf")
        if not pdf.exists():
            tail = out.stderr.strip()[-300:]
            note(group, f"LibreOffice made no PDF (exit {out.returncode}): {tail}")
            continue
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        if text.returncode != 0:
            note(group, f"pdftotext failed: {text.stderr.decode(errors='replace')}")
            continue
        content = text.stdout.decode("utf-8", errors="replace")
        flat = normalise(content)
        for document in group:
            # pdftotext ends every page with a form feed.
            document.pages = content.count("\f")
            if document.pages == 0 or not flat:
                document.problems.append("the PDF has no text")
            for wanted in document.expect:
                if normalise(wanted) not in flat:
                    document.problems.append(f"missing text in the PDF: «{wanted}»")


def need(tool: str, hint: str) -> None:
    if shutil.which(tool) is None:
        raise SystemExit(f"{tool} not found; {hint}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--validator", type=Path, default=DEFAULT_VALIDATOR)
    parser.add_argument("--keep", type=Path, help="copy the .docx and .pdf files here")
    opts = parser.parse_args(argv)

    need("soffice", "install libreoffice-writer-nogui (Debian)")
    need("pdftotext", "install poppler-utils (Debian)")
    if not os.access(opts.validator, os.X_OK):
        raise SystemExit(
            f"OOXML validator not found at {opts.validator}; run `make check-documents`, which "
            "installs it with npm into .ci/node/"
        )

    font = ""
    if shutil.which("fc-match"):
        font = subprocess.run(
            ["fc-match", "-f", "%{family}", "Calibri"], capture_output=True, text=True
        ).stdout
    if "carlito" not in font.lower():
        print(
            f"note: Calibri (the documents' font) is rendered as {font or 'an unknown font'}, "
            "not the metric-compatible Carlito; lines may break differently from Word "
            "(install fonts-crosextra-carlito)"
        )

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="govern-docs-") as tmp:
        tmpdir = Path(tmp)
        docdir = tmpdir / "docx"
        docdir.mkdir()
        run = fetch_all(tmpdir, docdir)
        fetched = time.perf_counter()
        groups = same_content(run.documents)
        # The validator is one single-threaded process per file.
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            list(pool.map(lambda group: validate(opts.validator, group), groups))
        validated = time.perf_counter()
        render(groups, tmpdir)
        rendered = time.perf_counter()
        if opts.keep:
            opts.keep.mkdir(parents=True, exist_ok=True)
            for sub in ("docx", "pdf"):
                if (tmpdir / sub).exists():
                    shutil.copytree(tmpdir / sub, opts.keep / sub, dirs_exist_ok=True)

    failed = [d for d in run.documents if d.problems]
    for document in run.documents:
        mark = "FAIL" if document.problems else "ok  "
        print(f"{mark} {document.label} ({document.pages} p.)")
        for problem in document.problems:
            print(f"       {problem}")
    for problem in run.problems:
        print(f"FAIL {problem}")
    print(
        f"\n{len(run.documents)} documents ({len(groups)} different): "
        f"{len(run.documents) - len(failed)} passed, "
        f"{len(failed)} failed; {len(run.problems)} other problem(s). "
        f"Download {fetched - started:.1f} s, validation {validated - fetched:.1f} s, "
        f"rendering {rendered - validated:.1f} s."
    )
    return 1 if failed or run.problems or not run.documents else 0


if __name__ == "__main__":
    sys.exit(main())
