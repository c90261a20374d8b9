"""Keeping the catalogs in govern/translations/ in step with the code (`make translations`).

The texts are extracted from govern/**.py and templates/**.html (gettext, ngettext,
pgettext and their lazy forms; `_()` and `{% trans %}` in templates). Each catalog is written
sorted by message, without source locations and with a fixed header, so that the same code
always gives the same file and two changes that add different texts touch different lines.
Translations already made are kept; a text no longer in the code is dropped; the bokmål
catalog's texts are the messages themselves (the source), so it is complete by construction.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.checkers import python_format
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from govern.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalog_path

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "lazy_gettext": None,
    "lazy_pgettext": ((1, "c"), 2),
    "_l": None,
}
SOURCES = (
    ("govern", [("**.py", "python")], {}),
    (
        "templates",
        [("**.html", "jinja2.ext:babel_extract"), ("**.txt", "jinja2.ext:babel_extract")],
        {"**.html": {"trimmed": "true"}, "**.txt": {"trimmed": "true"}},
    ),
)
#: Fixed, so that the header does not change with the day the catalog was written.
HEADER_DATE = datetime(2026, 1, 1)


@dataclass(frozen=True)
class Source:
    """Where a text was found (for messages about it)."""

    path: str
    line: int


def extract() -> dict[tuple[str | None, str | tuple[str, ...]], list[Source]]:
    """Every text in the code: (context, message) to the places it is used."""
    found: dict[tuple, list[Source]] = {}
    for folder, method_map, options_map in SOURCES:
        for filename, line, message, _comments, context in extract_from_dir(
            str(ROOT / folder), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
        ):
            if not message or (isinstance(message, tuple) and not message[0]):
                continue
            found.setdefault((context, message), []).append(Source(f"{folder}/{filename}", line))
    return found


def _new_catalog(language: str) -> Catalog:
    catalog = Catalog(
        locale=language,
        project="govern",
        version="1",
        copyright_holder="govern",
        creation_date=HEADER_DATE,
        revision_date=HEADER_DATE,
        language_team=language,
        fuzzy=False,
    )
    return catalog


def read_catalog(language: str) -> Catalog | None:
    path = catalog_path(language)
    if not path.exists():
        return None
    with path.open("rb") as po:
        return read_po(po, locale=language)


def updated_catalog(language: str, found: dict) -> Catalog:
    """The catalog of `language` for the texts `found`, with the translations kept."""
    old = read_catalog(language)
    catalog = _new_catalog(language)
    for (context, message), _sources in found.items():
        kept = (
            old.get(message[0] if isinstance(message, tuple) else message, context) if old else None
        )
        if kept is not None and kept.fuzzy:
            kept = None
        if language == DEFAULT_LANGUAGE:
            string = message if kept is None or not _filled(kept.string) else kept.string
        elif kept is not None:
            string = kept.string
        else:
            string = ("", "") if isinstance(message, tuple) else ""
        if isinstance(message, tuple) and not isinstance(string, tuple):
            string = (string, string)
        if not isinstance(message, tuple) and isinstance(string, tuple):
            string = string[0]
        catalog.add(message, string, context=context)
    return catalog


def render(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, sort_output=True, no_location=True, ignore_obsolete=True, width=100)
    text = out.getvalue().decode()
    # Babel writes its own version into the header; leave it out, as the dates.
    text = "\n".join(line for line in text.split("\n") if not line.startswith('"Generated-By:'))
    return text.encode()


def update_catalogs() -> list[Path]:
    """Write every language's catalog; returns the files that changed."""
    found = extract()
    changed = []
    for language in LANGUAGES:
        path = catalog_path(language)
        content = render(updated_catalog(language, found))
        if not path.exists() or path.read_bytes() != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            changed.append(path)
    return changed


def _filled(string) -> bool:
    if isinstance(string, tuple):
        return all(part.strip() for part in string)
    return bool(string and string.strip())


def problems() -> list[str]:
    """What is wrong with the catalogs on disk: out of date, untranslated, or a translation
    whose %(name)s placeholders differ from the message's."""
    found = extract()
    out = []
    for language in LANGUAGES:
        path = catalog_path(language)
        expected = render(updated_catalog(language, found))
        if not path.exists() or path.read_bytes() != expected:
            out.append(f"{language}: the catalog is not up to date (run `make translations`)")
        catalog = read_catalog(language)
        if catalog is None:
            continue
        for (context, message), sources in sorted(found.items(), key=str):
            msgid = message[0] if isinstance(message, tuple) else message
            entry = catalog.get(msgid, context)
            where = f"{sources[0].path}:{sources[0].line}"
            if entry is None or not _filled(entry.string):
                out.append(f"{language}: untranslated {msgid!r} ({where})")
                continue
            try:
                python_format(catalog, entry)
            except Exception as error:  # babel's TranslationError
                out.append(f"{language}: {msgid!r}: {error} ({where})")
    return out
