"""eInnsyn's Moetemappe as govern sends it (felleslosninger/einnsyn-api-spec): the fields
eInnsyn takes in a request body, so none of its readOnly ones (id, entity, utvalgObjekt …).
Names are eInnsyn's own. A field left empty is left out of the JSON."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from govern.api.schemas import Response


class Moetesaksbeskrivelse(Response):
    tekstInnhold: str
    tekstFormat: str = Field("tekst", description="«tekst»: ren tekst")


class Vedtak(Response):
    vedtakstekst: Moetesaksbeskrivelse
    dato: date


class Dokumentobjekt(Response):
    referanseDokumentfil: str = Field(description="Adressen filen lastes ned fra")
    format: str | None = None


class Dokumentbeskrivelse(Response):
    tittel: str
    tittelSensitiv: str
    dokumentnummer: int
    tilknyttetRegistreringSom: Literal["hoveddokument", "vedlegg"]
    dokumentobjekt: list[Dokumentobjekt] = []


class Moetesak(Response):
    externalId: str
    offentligTittel: str = Field(description="Tittelen slik offentligheten kan se den")
    offentligTittelSensitiv: str = Field(
        description="Hele tittelen for den som kan se den; ellers den offentlige tittelen"
    )
    moetesakstype: Literal[
        "moete", "politisk", "delegert", "interpellasjon", "godkjenning", "orientering",
        "referat", "annet",
    ]  # fmt: skip
    moetesaksaar: int
    moetesakssekvensnummer: int
    utvalg: str
    innstilling: Moetesaksbeskrivelse | None = Field(None, description="Forslag til vedtak")
    vedtak: Vedtak | None = None
    dokumentbeskrivelse: list[Dokumentbeskrivelse] | None = None


class Moetedokument(Response):
    externalId: str
    offentligTittel: str
    offentligTittelSensitiv: str
    moetedokumenttype: str
    dokumentbeskrivelse: list[Dokumentbeskrivelse] = []


class Moetemappe(Response):
    externalId: str
    offentligTittel: str
    offentligTittelSensitiv: str
    moetenummer: str
    utvalg: str
    moetedato: str = Field(description="Første møtedags start, dato og klokkeslett med sone")
    moetested: str | None = None
    moetesak: list[Moetesak]
    moetedokument: list[Moetedokument]
