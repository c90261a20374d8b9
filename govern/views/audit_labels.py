"""The change log (Endringslogg) in the words of the pages: what each changed field is
called on the form where it is changed, and its values as the pages show them."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext as _l
from govern.timeutil import short_date

#: A changed field's name in the log, as the page that changes it calls it.
FIELD_LABELS = {
    # bodies and memberships
    "name": _l("Navn"),
    "short_name": _l("Kortnavn"),
    "kind": _l("Type"),
    "status": _l("Status"),
    "mandate": _l("Mandat"),
    "external": _l("Eksternt organ"),
    "members_only": _l("Bare for medlemmer"),
    "minutes_approved_when": _l("Forrige referat godkjennes"),
    "quorum_rule": _l("Beslutningsdyktig når"),
    "recusal_withholds": _l("Inhabile medlemmer uten tilgang til sakens interne dokumenter"),
    "document_language": _l("Dokumentspråk"),
    "escalates_to": _l("Eskalerer til"),
    "role": _l("Rolle"),
    "starts_on": _l("Fra og med"),
    "ends_on": _l("Til og med"),
    "deputy_for": _l("Vara for"),
    "email": _l("E-post"),
    "organisation": _l("Organisasjon"),
    "active": _l("Aktiv"),
    # meetings
    "location": _l("Sted"),
    "days": _l("Møtedager"),
    "agenda_shared": _l("Del dagsorden med medlemmene"),
    "minutes_status": _l("Referat"),
    "minutes_approved_by": _l("Referatet godkjent i"),
    "minutes_postponed": _l("Godkjenning av forrige referat utsatt"),
    "attendance": _l("Oppmøte"),
    # the agenda and the cases
    "title": _l("Tittel"),
    "sakstype": _l("Sakstype"),
    "summary": _l("Sammendrag"),
    "proposed_decision": _l("Forslag til vedtak"),
    "presenter": _l("Innleder"),
    "duration_minutes": _l("Varighet (minutter)"),
    "start_time": _l("Starttid"),
    "number": _l("Saksnummer"),
    "seq": _l("Nummer"),
    "year": _l("År"),
    "follows": _l("Fortsetter saken"),
    "follows_id": _l("Fortsetter saken"),
    "body_id": _l("Organ"),
    # the minutes
    "presentation": _l("Hva ble lagt frem"),
    "inputs": _l("Innspill"),
    "decision": _l("Vedtak"),
    "change_outcome": _l("Endringsønsket"),
    # the toppnotat
    "purpose": _l("Hensikt med saken"),
    "background": _l("Bakgrunn"),
    "questions": _l("Spørsmål til drøfting"),
    "next_steps": _l("Videre saksprosess"),
    "sections": _l("Avsnitt"),
    # openness
    "exempt_basis": _l("Unntatt offentlighet, hjemmel"),
    "exempt_until": _l("Unntatt til og med"),
    "public_title": _l("Offentlig tittel"),
    "closed_basis": _l("Lukket behandling, hjemmel"),
    # Vedlegg
    "source": _l("Vedlegget er"),
    "filename": _l("Fil"),
    "file": _l("Fil"),
    "note": _l("Merknad"),
    "text": _l("Tekst"),
    # follow-ups and deadlines
    "responsible": _l("Ansvarlig"),
    "due_on": _l("Frist"),
    "description": _l("Beskrivelse"),
    "recipient": _l("Til"),
    "completed_by": _l("Utført av seg selv"),
}

#: Stored values the pages show in other words.
VALUE_LABELS = {
    "present": _l("til stede"),
    "absent": _l("ikke til stede"),
    "deputy": _l("stedfortreder"),
    "file": _l("opplastet fil"),
    "toppnotat": _l("toppnotatet for saken"),
    "referat": _l("referat fra forrige møte"),
    "each": _l("hvert møte"),
    "next": _l("neste møte"),
}

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CLOCK = re.compile(r"^(\d{2}):(\d{2})(:\d{2})?$")


def field_label(name: str) -> str:
    """'minutes_status' -> 'Referat'; 'case.title' -> 'Sakens tittel'; unknown: plain words."""
    if name.startswith("case."):
        inner = field_label(name[5:])
        return _("Sakens %(field)s", field=inner[0].lower() + inner[1:])
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    if "_" in name or name.islower():
        words = name.replace(".", " ").replace("_", " ")
        return words[:1].upper() + words[1:]
    return name  # already words ("Sak 9/26")


def shown_value(value: Any) -> str:
    """A value from the log's changes as the pages show it."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nei")
    if isinstance(value, list):
        return "; ".join(shown_value(v) for v in value)
    if isinstance(value, str):
        if _ISO_DAY.match(value):
            return short_date(date.fromisoformat(value))
        clock = _CLOCK.match(value)
        if clock:
            return f"{clock[1]}.{clock[2]}"
        value = str(VALUE_LABELS.get(value, value))
    text = str(value)
    return text if len(text) <= 200 else text[:200] + " …"
