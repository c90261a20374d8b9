"""The change log (Endringslogg) in the words of the pages: what each changed field is
called on the form where it is changed, and its values as the pages show them."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from govern.timeutil import short_date

#: A changed field's name in the log, as the page that changes it calls it.
FIELD_LABELS = {
    # bodies and memberships
    "name": "Navn",
    "short_name": "Kortnavn",
    "kind": "Type",
    "status": "Status",
    "mandate": "Mandat",
    "external": "Eksternt organ",
    "members_only": "Bare for medlemmer",
    "minutes_approved_when": "Forrige referat godkjennes",
    "quorum_rule": "Beslutningsdyktig når",
    "recusal_withholds": "Inhabile medlemmer uten tilgang til sakens interne dokumenter",
    "document_language": "Dokumentspråk",
    "escalates_to": "Eskalerer til",
    "role": "Rolle",
    "starts_on": "Fra og med",
    "ends_on": "Til og med",
    "deputy_for": "Vara for",
    "email": "E-post",
    "organisation": "Organisasjon",
    "active": "Aktiv",
    # meetings
    "location": "Sted",
    "days": "Møtedager",
    "agenda_shared": "Del dagsorden med medlemmene",
    "minutes_status": "Referat",
    "minutes_approved_by": "Referatet godkjent i",
    "minutes_postponed": "Godkjenning av forrige referat utsatt",
    "attendance": "Oppmøte",
    # the agenda and the cases
    "title": "Tittel",
    "sakstype": "Sakstype",
    "summary": "Sammendrag",
    "proposed_decision": "Forslag til vedtak",
    "presenter": "Innleder",
    "duration_minutes": "Varighet (minutter)",
    "start_time": "Starttid",
    "number": "Saksnummer",
    "seq": "Nummer",
    "year": "År",
    "follows": "Fortsetter saken",
    "follows_id": "Fortsetter saken",
    "body_id": "Organ",
    # the minutes
    "presentation": "Hva ble lagt frem",
    "inputs": "Innspill",
    "decision": "Vedtak",
    "change_outcome": "Endringsønsket",
    # the toppnotat
    "purpose": "Hensikt med saken",
    "background": "Bakgrunn",
    "questions": "Spørsmål til drøfting",
    "next_steps": "Videre saksprosess",
    "sections": "Avsnitt",
    # openness
    "exempt_basis": "Unntatt offentlighet, hjemmel",
    "exempt_until": "Unntatt til og med",
    "public_title": "Offentlig tittel",
    "closed_basis": "Lukket behandling, hjemmel",
    # Vedlegg
    "source": "Vedlegget er",
    "filename": "Fil",
    "file": "Fil",
    "note": "Merknad",
    "text": "Tekst",
    # follow-ups and deadlines
    "responsible": "Ansvarlig",
    "due_on": "Frist",
    "description": "Beskrivelse",
    "recipient": "Til",
    "completed_by": "Utført av seg selv",
}

#: Stored values the pages show in other words.
VALUE_LABELS = {
    "present": "til stede",
    "absent": "ikke til stede",
    "deputy": "stedfortreder",
    "file": "opplastet fil",
    "toppnotat": "toppnotatet for saken",
    "referat": "referat fra forrige møte",
    "each": "hvert møte",
    "next": "neste møte",
}

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CLOCK = re.compile(r"^(\d{2}):(\d{2})(:\d{2})?$")


def field_label(name: str) -> str:
    """'minutes_status' -> 'Referat'; 'case.title' -> 'Sakens tittel'; unknown: plain words."""
    if name.startswith("case."):
        inner = field_label(name[5:])
        return f"Sakens {inner[0].lower()}{inner[1:]}"
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    if "_" in name or name.islower():
        words = name.replace(".", " ").replace("_", " ")
        return words[:1].upper() + words[1:]
    return name  # already words ("Sak 9/26")


def shown_value(value: Any) -> str:
    """A value from the log's changes as the pages show it."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, list):
        return "; ".join(shown_value(v) for v in value)
    if isinstance(value, str):
        if _ISO_DAY.match(value):
            return short_date(date.fromisoformat(value))
        clock = _CLOCK.match(value)
        if clock:
            return f"{clock[1]}.{clock[2]}"
        value = VALUE_LABELS.get(value, value)
    text = str(value)
    return text if len(text) <= 200 else text[:200] + " …"
