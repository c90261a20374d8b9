"""WTForms' own messages ("This field is required.") in the reader's language.

WTForms ships bokmål and English but no nynorsk. Bokmål readers get WTForms' bokmål
catalog (as before), English readers WTForms' own English; for nynorsk the messages a govern
form can show are listed here in bokmål, as msgids of govern's catalogs, which hold their
nynorsk. A message not listed falls back to WTForms' bokmål.
"""

from __future__ import annotations

from functools import cache

from wtforms.i18n import DummyTranslations, get_translations

from govern.i18n import current_language
from govern.i18n import lazy_gettext as _l

#: WTForms' messages (its English msgids) in bokmål, translated by govern's catalogs.
MESSAGES = {
    "This field is required.": _l("Dette feltet er påkrevd."),
    "Not a valid choice.": _l("Ikke et gyldig valg"),
    "Not a valid integer value.": _l("Ikke en gyldig heltallsverdi"),
    "Not a valid decimal value.": _l("Ikke en gyldig desimalverdi"),
    "Not a valid float value.": _l("Ikke en gyldig flyttallsverdi"),
    "Not a valid date value.": _l("Ikke en gyldig datoverdi"),
    "Not a valid time value.": _l("Ikke en gyldig tidsverdi"),
    "Not a valid datetime value.": _l("Ikke en gyldig dato- og tidsverdi"),
    "Invalid email address.": _l("Ugyldig e-postadresse."),
    "Invalid input.": _l("Ugyldig verdi."),
    "Invalid URL.": _l("Ugyldig URL."),
    "Invalid Choice: could not coerce.": _l("Ugyldig valg"),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l("Ugyldig valg"),
    "Field must be equal to %(other_name)s.": _l("Feltet må være likt %(other_name)s."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Feltet må være mellom %(min)d og %(max)d tegn langt."
    ),
    "Number must be at least %(min)s.": _l("Tallet må være minst %(min)s."),
    "Number must be at most %(max)s.": _l("Tallet kan være høyst %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Tallet må være mellom %(min)s og %(max)s."),
    # Plural messages, by their singular (the same words for one and many in Norwegian).
    "Field must be at least %(min)d character long.": _l(
        "Feltet må være minst %(min)d tegn langt."
    ),
    "Field cannot be longer than %(max)d character.": _l(
        "Feltet kan ikke være lenger enn %(max)d tegn."
    ),
    "Field must be exactly %(max)d character long.": _l(
        "Feltet må være nøyaktig %(max)d tegn langt."
    ),
    "'%(value)s' is not a valid choice for this field.": _l(
        "«%(value)s» er ikke et gyldig valg for dette feltet."
    ),
}


class _Listed:
    """The listed messages through govern's catalogs, the rest through WTForms' bokmål."""

    def __init__(self, fallback) -> None:
        self.fallback = fallback

    def gettext(self, string: str) -> str:
        text = MESSAGES.get(string)
        return str(text) if text is not None else self.fallback.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        text = MESSAGES.get(singular)
        return str(text) if text is not None else self.fallback.ngettext(singular, plural, n)


@cache
def _bokmal():
    return get_translations(["nb_NO", "nb"])


def builtin_translations():
    """The translations object WTForms' messages are looked up in for the current language."""
    language = current_language()
    if language == "en":
        return DummyTranslations()
    if language == "nn":
        return _Listed(_bokmal())
    return _bokmal()
