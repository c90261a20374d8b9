"""A meeting as eInnsyn's Moetemappe (felleslosninger/einnsyn-api-spec), its cases inline as
Moetesak and its innkalling and referat as Moetedokument.

Only what may be public goes into the public fields: an exempt case (or one treated in a
closed session) shows its public title and no innstilling or vedtak, an exempt Vedlegg is
left out. offentligTittelSensitiv carries the full title for those who may see it (the
secretariat's download, which eInnsyn keeps from the public); for anyone else it is the
public title too. Fields eInnsyn fills in itself (readOnly: id, entity, utvalgObjekt …)
are left out, as in a request body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from govern.models.cases import Treatment
from govern.models.meetings import Attachment, Meeting
from govern.openness import is_exempt, public_title
from govern.timeutil import local

#: Why a members-only body's meeting has no eInnsyn document.
MEMBERS_ONLY = (
    "{body} er bare for medlemmene; møtene er ikke offentlige og publiseres ikke i eInnsyn."
)
#: govern's sakstype → eInnsyn's moetesakstype.
CASE_TYPES = {
    "Godkjenning": "godkjenning",
    "Orientering": "orientering",
    "Beslutning": "politisk",
    "Anbefaling": "politisk",
    "Drøfting": "moete",
    "Eventuelt": "annet",
}


@dataclass(frozen=True)
class Openness:
    """What the document may show, decided by the caller (govern.openness / policy)."""

    #: Whether a case's content (full title, innstilling, vedtak) may be published.
    case_public: Callable[[Treatment], bool]
    #: Whether a Vedlegg may be published.
    attachment_public: Callable[[Attachment], bool]
    #: Whether offentligTittelSensitiv may carry the full title (the reader may see it).
    sensitive: Callable[[Treatment], bool]
    #: Whether the minutes (vedtak, the referat) are published.
    minutes: bool


def content_public(t: Treatment, on: date | None = None) -> bool:
    """Whether a case's content may be published: not exempt on the day (an exemption lifts
    on its exempt_until), not treated in a closed session."""
    return not is_exempt(t.case, on) and not t.closed_basis


def attachment_public(a: Attachment) -> bool:
    """Whether a Vedlegg may be published: not exempt on its own (its case is asked too)."""
    return not a.exempt_basis


def openness_of(
    meeting: Meeting, sensitive: Callable[[Treatment], bool], minutes: bool
) -> Openness:
    """The rules of openness as recorded on the cases and Vedlegg; `sensitive` says whose
    full title the reader may see, `minutes` whether the minutes are published."""
    return Openness(content_public, attachment_public, sensitive, minutes)


def _text(text: str) -> dict[str, str]:
    return {"tekstInnhold": text, "tekstFormat": "tekst"}


def _moment(meeting: Meeting) -> str:
    """The meeting's start as date-time with offset: '2026-04-29T09:00:00+02:00'."""
    if meeting.days:
        return local(meeting.days[0].starts_at).replace(microsecond=0).isoformat()
    return datetime.combine(meeting.created_at.date(), time()).isoformat() + "Z"


def build_moetemappe(
    meeting: Meeting, base_url: str, openness: Openness | None = None
) -> dict[str, Any]:
    """The meeting as an eInnsyn Moetemappe (a JSON-ready dict); by default as the
    secretariat hands it on: full titles in offentligTittelSensitiv, the approved minutes."""
    openness = openness or openness_of(meeting, lambda t: True, meeting.minutes_locked)
    url = f"{base_url}/meetings/{meeting.id}"
    title = f"Møte i {meeting.body.name} {meeting.number}"
    documents = [
        _moetedokument(
            f"Innkalling og dagsorden – {meeting.body.short_name} {meeting.number}",
            "saksliste",
            f"{url}/innkalling.docx",
            "docx",
            url,
        )
    ]
    if openness.minutes:
        documents.append(
            _moetedokument(
                f"Referat fra møte i {meeting.body.short_name} {meeting.number}",
                "moeteprotokoll",
                f"{url}/referat.docx",
                "docx",
                url,
            )
        )
    out: dict[str, Any] = {
        "externalId": url,
        "offentligTittel": title,
        "offentligTittelSensitiv": title,
        "moetenummer": meeting.number,
        "utvalg": meeting.body.name,
        "moetedato": _moment(meeting),
        "moetesak": [
            _moetesak(item.treatment, meeting, base_url, openness)
            for item in meeting.items
            if item.treatment is not None
        ],
        "moetedokument": documents,
    }
    if meeting.location:
        out["moetested"] = meeting.location
    return out


def _moetedokument(title: str, kind: str, link: str, fmt: str, url: str) -> dict[str, Any]:
    return {
        "externalId": f"{url}#{kind}",
        "offentligTittel": title,
        "offentligTittelSensitiv": title,
        "moetedokumenttype": kind,
        "dokumentbeskrivelse": [_dokumentbeskrivelse(title, 1, "hoveddokument", link, fmt)],
    }


def _dokumentbeskrivelse(title: str, number: int, role: str, link: str, fmt: str) -> dict:
    return {
        "tittel": title,
        "tittelSensitiv": title,
        "dokumentnummer": number,
        "tilknyttetRegistreringSom": role,
        "dokumentobjekt": [{"referanseDokumentfil": link, "format": fmt}],
    }


def _moetesak(t: Treatment, meeting: Meeting, base_url: str, openness: Openness) -> dict:
    public = openness.case_public(t)
    # An item treated in a closed session keeps its title; an exempt case shows its public one.
    shown = t.display_title if public or not is_exempt(t.case) else public_title(t.case)
    sensitive = t.display_title if openness.sensitive(t) else shown
    case: dict[str, Any] = {
        "externalId": f"{base_url}/treatments/{t.id}",
        "offentligTittel": f"{t.number} {shown}",
        "offentligTittelSensitiv": f"{t.number} {sensitive}",
        "moetesakstype": CASE_TYPES.get(t.sakstype or "", "annet"),
        "moetesaksaar": t.year,
        "moetesakssekvensnummer": t.seq,
        "utvalg": meeting.body.name,
    }
    if public and t.proposed_decision.strip():
        case["innstilling"] = _text(t.proposed_decision.strip())
    if public and openness.minutes and t.decision.strip() and t.date is not None:
        case["vedtak"] = {"vedtakstekst": _text(t.decision.strip()), "dato": t.date.isoformat()}
    documents = []
    for a in t.attachments:
        if a.source == "file" and not a.stored_name:
            continue  # registered, its file not uploaded
        if not (public and openness.attachment_public(a)):
            continue
        link = f"{base_url}/attachments/{a.id}"
        fmt = (a.filename or "").rpartition(".")[2].lower() if a.source == "file" else "docx"
        title = f"Vedlegg {a.number} – {a.title}"
        role = "vedlegg"
        documents.append(_dokumentbeskrivelse(title, len(documents) + 1, role, link, fmt or "docx"))
    if documents:
        case["dokumentbeskrivelse"] = documents
    return case
