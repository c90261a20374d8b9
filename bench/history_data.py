"""Ten years of Fagrådet's meetings before the demo's year, as an exchange document (govern/1).

The demo holds one year (2026). `history_document()` builds what a secretariat would import
to bring a body's older meetings in: 80 meetings of Fagrådet from 2016 to 2025 (eight a year),
each held and its minutes approved, with about 1,000 treatments in all (decisions, inputs,
attendance), some cases treated again and again over the years (a few of them the demo's own
cases), and a follow-up on some decisions. It refers to the demo's body, people,
organisations and cases by name, so it is imported after the demo, through the normal
importer (`flask --app govern import FILE`, or `load_history`).

Deterministic: the same document every time (a fixed seed, no clock). Write it with

    .venv/bin/python bench/history_data.py history.json
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_FILE = ROOT / "govern" / "demo" / "demo.json"

BODY = "fagradet"
FIRST_YEAR, LAST_YEAR = 2016, 2025
#: The months of a year's eight meetings (none in the summer holiday or in December).
MONTHS = (1, 2, 3, 4, 6, 9, 10, 11)
#: Case items per meeting beyond Godkjenning and Eventuelt: 10 or 11, so 12.5 on average.
MIDDLE_ITEMS = (10, 11)
#: Cases that come back over the years (keys of the demo's cases among them).
RECURRING = (
    ("nasjonal-e-helsestrategi", "Nasjonal e-helsestrategi og handlingsplan"),
    ("kjernejournal-retning", None),
    ("pasientoppsummering", None),
    ("veiledning-godkjenning", None),
    ("felles-kodeverk", "Felles kodeverk og terminologi"),
    ("helsenorge-tjenester", "Videreutvikling av tjenester på Helsenorge"),
    ("e-resept-videre", "E-resept – videre utvikling"),
    ("velferdsteknologi-program", "Nasjonalt velferdsteknologiprogram"),
    ("informasjonssikkerhet", "Informasjonssikkerhet i sektoren"),
    ("digital-samhandling", "Digital samhandling mellom nivåene"),
    ("helsedata-tilgang", "Tilgang til helsedata for forskning"),
    ("standardisering", "Standardiseringsarbeidet i e-helse"),
)
TOPICS = (
    "Status for {what}",
    "Innspill til {what}",
    "Veikart for {what}",
    "Gevinstrealisering i {what}",
    "Finansiering av {what}",
    "Erfaringer med {what}",
)
WHATS = (
    "digital hjemmeoppfølging", "kjernejournal", "pasientens legemiddelliste",
    "meldingsutveksling", "dokumentdeling", "helseanalyseplattformen",
    "kunstig intelligens i klinikken", "velferdsteknologi i kommunene", "e-konsultasjon",
    "felles journal i Midt-Norge", "bildedeling", "kritisk informasjon",
    "nasjonal tjenesteplattform", "grunndata", "helsenettet", "personvern i helsetjenesten",
)  # fmt: skip
SAKSTYPER = ("Orientering", "Drøfting", "Drøfting", "Anbefaling", "Beslutning")
DECISIONS = {
    "Orientering": "Fagrådet tar saken til orientering.",
    "Drøfting": "Fagrådet drøftet saken. Innspillene tas med i det videre arbeidet.",
    "Anbefaling": "Fagrådet anbefaler at arbeidet videreføres som foreslått.",
    "Beslutning": "Fagrådet slutter seg til forslaget.",
}
INPUTS = (
    "Kommunene må involveres tidlig i arbeidet.",
    "Det er behov for tydeligere nasjonale føringer.",
    "Gevinstene må dokumenteres bedre før videre utrulling.",
    "Brukerbehovet må ligge til grunn for prioriteringene.",
    "Finansieringen må avklares før neste fase.",
    "Det bør ses hen til arbeidet i EU.",
    "Fastlegene ønsker en tettere dialog om utviklingen.",
    "Personvern og informasjonssikkerhet må ivaretas fra starten.",
)  # fmt: skip
LOCATIONS = ("Clarion Hotel Oslo", "Helsedirektoratet, Oslo", "Teams", "Scandic Bergen City")
FOLLOW_UP_STATUSES = ("fullført", "fullført", "bortfalt", "pågår")


def _meeting_day(year: int, month: int) -> date:
    """The second Wednesday of the month."""
    first = date(year, month, 1)
    return first + timedelta(days=(2 - first.weekday()) % 7 + 7)


def _members(demo: dict) -> list[str]:
    body = next(b for b in demo["bodies"] if b["slug"] == BODY)
    return [m["person"] for m in body["members"] if m["role"] == "medlem"]


class _Year:
    """One year's meetings: numbers the treatments "1/16", "2/16" … in agenda order."""

    def __init__(self, year: int, rng: random.Random, members: list[str]) -> None:
        self.year, self.yy, self.rng, self.members = year, year % 100, rng, members
        self.seq = 0
        self.follow_ups: list[dict] = []

    def meeting(self, n: int, month: int) -> dict:
        day = _meeting_day(self.year, month)
        days = [{"date": day.isoformat(), "start": "10:00", "end": "15:30"}]
        if n % 4 == 1:  # the first and fifth meeting of a year take two days
            second = (day + timedelta(days=1)).isoformat()
            days.append({"date": second, "start": "09:00", "end": "13:00"})
        agenda = [
            self.item(
                n,
                "Godkjenning",
                title="Godkjenning av innkalling og dagsorden, samt referat fra forrige møte",
            )
        ]
        middle = MIDDLE_ITEMS[(self.year + n) % 2]
        for i in range(middle):
            sakstype = self.rng.choice(SAKSTYPER)
            day_no = 2 if len(days) == 2 and i >= middle // 2 else 1
            inputs = (
                self.rng.sample(INPUTS, self.rng.randint(0, 3)) if sakstype == "Drøfting" else []
            )
            if i % 4 == 0:  # every fourth item: a case that comes back
                key = RECURRING[(self.seq + self.year) % len(RECURRING)][0]
                item = self.item(n, sakstype, case=key, day=day_no, inputs=inputs)
            else:
                title = self.rng.choice(TOPICS).format(what=self.rng.choice(WHATS))
                item = self.item(n, sakstype, title=title, day=day_no, inputs=inputs)
            agenda.append(item)
            if i == 1:
                agenda.append({"type": "break", "day": 1, "title": "Lunsj"})
            if i % 5 == 2:
                self.follow_up(item["number"])
        agenda.append(self.item(n, "Eventuelt", title="Eventuelt", day=len(days)))
        attendance = [
            {"person": name, "status": "absent" if self.rng.random() < 0.15 else "present"}
            for name in self.members
        ]
        return {
            "body": BODY,
            "number": f"{n}/{self.yy:02d}",
            "location": LOCATIONS[(self.year + n) % len(LOCATIONS)],
            "status": "referat godkjent",
            "days": days,
            "agenda": agenda,
            "attendance": attendance,
        }

    def item(self, n, sakstype, *, title=None, case=None, day=1, inputs=()) -> dict:
        self.seq += 1
        item = {
            "type": "case",
            "day": day,
            "number": f"{self.seq}/{self.yy:02d}",
            "sakstype": sakstype,
            **({"case": case} if case else {}),
            **({"title": title} if title else {}),
            "presentation": f"Saken ble lagt fram for Fagrådet i møte {n}/{self.yy:02d}.",
            **({"input": list(inputs)} if inputs else {}),
            "decision": DECISIONS.get(sakstype, "Fagrådet godkjenner."),
        }
        return item

    def follow_up(self, number: str) -> None:
        self.follow_ups.append(
            {
                "body": BODY,
                "case_number": number,
                "title": "Følge opp innspillene fra Fagrådet",
                "status": self.rng.choice(FOLLOW_UP_STATUSES),
                "organisation": "Helsedirektoratet",
                "due": date(self.year, 12, 31).isoformat(),
            }
        )


def history_document(demo: dict | None = None) -> dict:
    """The exchange document of Fagrådet's meetings 2016–2025 (see the module's docstring)."""
    demo = demo or json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    rng = random.Random(2016)
    members = _members(demo)
    demo_cases = {c["key"] for c in demo["cases"]}
    cases = [{"key": key, "title": title} for key, title in RECURRING if key not in demo_cases]
    meetings, follow_ups = [], []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        one = _Year(year, rng, members)
        meetings += [one.meeting(n, month) for n, month in enumerate(MONTHS, start=1)]
        follow_ups += one.follow_ups
    return {"format": "govern/1", "cases": cases, "meetings": meetings, "follow_ups": follow_ups}


def load_history(app) -> str:
    """Import the history into `app`'s database (the demo already loaded) with the normal
    import command; returns its summary line."""
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as handle:
        json.dump(history_document(), handle, ensure_ascii=False)
        handle.flush()
        with app.app_context():
            result = app.test_cli_runner().invoke(args=["import", handle.name])
    if result.exit_code != 0:
        raise SystemExit(f"Importing the history failed:\n{result.output}")
    return result.output.strip()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    document = history_document()
    Path(argv[0]).write_text(
        json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    items = sum(1 for m in document["meetings"] for i in m["agenda"] if i["type"] == "case")
    print(f"{len(document['meetings'])} meetings, {items} treatments written to {argv[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
