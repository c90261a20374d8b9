"""The languages govern speaks: bokmål (the source), nynorsk and English.

Every string a user sees is written in bokmål in the code and the templates and goes through
`gettext` (`_`), `ngettext` or `lazy_gettext` here; the catalogs in `govern/translations/`
(`<language>/LC_MESSAGES/messages.po`, kept up to date by `make translations`) hold the
nynorsk and English texts. The catalogs are read straight from the .po files, once per
process, so there is no compiled file to forget.

The language of the text being made is kept in a context variable: the web layer sets it to
the reader's language for each request (govern/views/language.py), and `use_language` sets
it while a document, an e-mail or a calendar text is made in the body's document language.
This module never imports flask, so services, exports and search translate the same way.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, Translations

#: The interface languages, the source language first.
LANGUAGES = ("nb", "nn", "en")
DEFAULT_LANGUAGE = "nb"
#: Each language's name in itself, for the language choice.
LANGUAGE_NAMES = {"nb": "Norsk bokmål", "nn": "Norsk nynorsk", "en": "English"}
#: The languages a body can write its documents in.
DOCUMENT_LANGUAGES = ("nb", "nn")
#: The language tags written into Word documents and calendar files.
LANGUAGE_TAGS = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB"}

TRANSLATIONS_DIR = Path(__file__).parent / "translations"

_current: ContextVar[str] = ContextVar("govern_language", default=DEFAULT_LANGUAGE)


def catalog_path(language: str) -> Path:
    return TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"


@cache
def translations(language: str) -> Translations:
    """The catalog of one language (an empty one, so the bokmål text shows, if it is missing)."""
    path = catalog_path(language)
    if not path.exists():
        return Translations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def current_language() -> str:
    return _current.get()


def normalise(language: str | None) -> str | None:
    """One of LANGUAGES for a tag such as 'nn-NO', 'no' or 'en_GB' (None if not spoken)."""
    if not language:
        return None
    tag = language.replace("_", "-").split("-")[0].lower()
    if tag in ("no", "nob"):
        tag = "nb"
    elif tag == "nno":
        tag = "nn"
    return tag if tag in LANGUAGES else None


def set_language(language: str | None) -> object:
    """Make `language` current; returns the token `reset_language` takes."""
    return _current.set(normalise(language) or DEFAULT_LANGUAGE)


def reset_language(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


@contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Make text in `language` inside the block (a body's document language, a recipient's)."""
    token = set_language(language)
    try:
        yield current_language()
    finally:
        reset_language(token)


def locale() -> Locale:
    """The Babel locale of the current language (for dates and numbers)."""
    return _locale(current_language())


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(LANGUAGE_TAGS[language], sep="-")


def gettext(message: str, **variables) -> str:
    """`message` (bokmål) in the current language, with `%(name)s` filled from `variables`."""
    text = translations(current_language()).ugettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The singular or plural form for `num`; `%(num)s` is `num` unless given."""
    variables.setdefault("num", num)
    text = translations(current_language()).ungettext(singular, plural, num)
    return text % variables


def pgettext(context: str, message: str, **variables) -> str:
    """`message` in the sense `context` names (the same bokmål word, two meanings)."""
    text = translations(current_language()).upgettext(context, message)
    return text % variables if variables else text


def lazy_gettext(message: str, **variables) -> LazyProxy:
    """A text translated when it is shown (form labels and other module-level texts)."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


def lazy_pgettext(context: str, message: str, **variables) -> LazyProxy:
    return LazyProxy(pgettext, context, message, enable_cache=False, **variables)


_ = gettext
