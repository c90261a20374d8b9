"""Import of the exchange format (govern/1): all-or-nothing, with errors that name the place.

The caller commits only when import_exchange returns; any GovernError leaves the session to
be rolled back. See docs/exchange-format.md for the format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.models.bodies import Body
from govern.models.cases import Case, Treatment
from govern.models.meetings import ATTACHMENT_SOURCES, Meeting
from govern.models.people import Organisation, Person
from govern.services import agenda, bodies, cases, meetings, memos
from govern.services.errors import GovernError, InvalidInput, NotFound
from govern.text_rules import ControlCharacter, clean_text, has_line_break

FORMAT = "govern/1"
TOP_KEYS = {
    "follow_ups",
    "format", "organisations", "people", "bodies", "cases", "external_treatments", "meetings",
    "cycles", "prioritisation_rounds",
    "product_areas",
}  # fmt: skip


class ExchangeError(GovernError):
    """Bad input in an exchange file; `field` is the place in the file."""


class Node:
    """A JSON object at a known place in the file, read with checks."""

    def __init__(self, value: Any, path: str, allowed: set[str]) -> None:
        if not isinstance(value, dict):
            raise ExchangeError("skal være et objekt ({…})", field=path)
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise ExchangeError(
                f"ukjent felt «{unknown[0]}» (tillatt her: {', '.join(sorted(allowed))})",
                field=path,
            )
        self.value = value
        self.path = path

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return self.value.get(key) not in (None, "", [])

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        raw = self.value.get(key)
        if raw is None or raw == "":
            if required:
                raise ExchangeError("mangler", field=self.where(key))
            return default
        if not isinstance(raw, str):
            raise ExchangeError("skal være tekst", field=self.where(key))
        if key in SINGLE_LINE and has_line_break(raw):
            raise ExchangeError(
                "kan ikke ha linjeskift; skriv alt på én linje", field=self.where(key)
            )
        return _clean(raw, self.where(key))

    def flag(self, key: str) -> bool:
        raw = self.value.get(key, False)
        if not isinstance(raw, bool):
            raise ExchangeError("skal være true eller false", field=self.where(key))
        return raw

    def integer(self, key: str, default: int) -> int:
        raw = self.value.get(key, default)
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise ExchangeError("skal være et heltall", field=self.where(key))
        return raw

    def day(self, key: str, *, required: bool = True) -> date | None:
        raw = self.text(key, required=required)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ExchangeError(
                f"«{raw}» er ikke en gyldig dato (skriv ÅÅÅÅ-MM-DD)", field=self.where(key)
            ) from None

    def clock(self, key: str, *, required: bool = True) -> time | None:
        raw = self.text(key, required=required)
        if not raw:
            return None
        try:
            parsed = time.fromisoformat(raw)
        except ValueError:
            parsed = None
        if parsed is None or len(raw) != 5:
            raise ExchangeError(
                f"«{raw}» er ikke et gyldig klokkeslett (skriv TT:MM)", field=self.where(key)
            )
        return parsed

    def items(self, key: str, allowed: set[str]) -> list[Node]:
        return [Node(v, f"{self.where(key)}[{i}]", allowed) for i, v in enumerate(self.array(key))]

    def array(self, key: str) -> list:
        raw = self.value.get(key, [])
        if not isinstance(raw, list):
            raise ExchangeError("skal være en liste ([…])", field=self.where(key))
        return raw

    def strings(self, key: str) -> list[str]:
        values = self.array(key)
        for i, v in enumerate(values):
            if not isinstance(v, str):
                raise ExchangeError("skal være tekst", field=f"{self.where(key)}[{i}]")
        return [_clean(v, f"{self.where(key)}[{i}]") for i, v in enumerate(values)]


#: Keys whose text is one line wherever they occur in the format (names, titles, places,
#: references): the same fields the forms and the API keep on one line.
SINGLE_LINE = frozenset(
    [
        "name",
        "short_name",
        "slug",
        "kind",
        "status",
        "role",
        "email",
        "organisation",
        "title",
        "sakseier",
        "saksbehandler",
        "key",
        "number",
        "location",
        "presenter",
        "heading",
        "responsible",
        "recipient",
        "type",
        "sakstype",
        "source",
        "release",
        "actor",
        "submitted_by",
        "note",
        "period",
        "meeting",
        "entry",
        "occurrence",
        "at",
        "date",
        "planned",
        # references to people, bodies and cases by their names and keys
        "person",
        "by",
        "for",
        "deputy_for",
        "body",
        "case",
        "follows",
        "escalates_to",
        "case_number",
        "code",
        "criterion",
    ]
)


def _clean(text: str, where: str) -> str:
    """Text as the forms take it: vertical tab and form feed as line breaks; NUL and other
    control characters refused with the path of the field."""
    try:
        return clean_text(text)
    except ControlCharacter:
        raise ExchangeError(
            "har et kontrolltegn (for eksempel en NUL-byte) som ikke kan lagres", field=where
        ) from None


@dataclass
class ImportResult:
    """What an import created, for the command's summary line."""

    organisations: int = 0
    people: int = 0
    bodies: int = 0
    cases: int = 0
    meetings: int = 0
    treatments: int = 0
    cycles: int = 0
    names: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.organisations} organisasjoner, {self.people} personer, {self.bodies} organer, "
            f"{self.cases} saker, {self.meetings} møter, {self.treatments} behandlinger, "
            f"{self.cycles} årshjul"
        )


class Importer:
    """Reads one exchange document into the session, resolving names as it goes."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.result = ImportResult()
        self.people: dict[str, Person] = {}
        self.bodies: dict[str, Body] = {}
        self.cases: dict[str, Case] = {}

    def run(self, document: Any) -> ImportResult:
        root = Node(document, "", TOP_KEYS)
        if root.value.get("format") != FORMAT:
            raise ExchangeError(f"skal være «{FORMAT}»", field="format")
        for node in root.items("organisations", {"name"}):
            self._call(node, bodies.get_or_create_organisation, self.session, node.text("name"))
            self.result.organisations += 1
        for node in root.items("people", {"name", "organisation", "email"}):
            self._person(node)
        body_nodes = root.items(
            "bodies",
            {"slug", "name", "short_name", "kind", "status", "mandate", "external",
             "escalates_to", "members", "minutes_approved_when"},
        )  # fmt: skip
        for node in body_nodes:
            self._body(node)
        for node in body_nodes:
            self._body_links(node)
        case_nodes = root.items("cases", {"key", "title", "sakseier", "saksbehandler", "follows"})
        for node in case_nodes:
            self._case(node)
        for node in case_nodes:
            if node.has("follows"):
                earlier = self._case_ref(node, "follows")
                self._call(node, cases.set_follows, self.cases[node.text("key")], earlier)
        for node in root.items(
            "external_treatments",
            {"case", "body", "number", "date", "title", "sakstype", "decision"},
        ):
            self._external(node)
        for node in root.items(
            "meetings",
            {"body", "number", "location", "status", "minutes", "days", "agenda", "attendance"},
        ):
            self._meeting(node)
        from govern.services.exchange_followups import import_follow_ups

        import_follow_ups(self, root)
        # Imported here: the cycles section builds on this module's Node and ExchangeError.
        from govern.services.exchange_cycles import import_cycles

        self.result.cycles = import_cycles(self, root)
        from govern.services.exchange_priorities import import_rounds

        import_rounds(self, root)
        from govern.services.exchange_changes import import_product_areas

        import_product_areas(self, root)
        return self.result

    # -- helpers ---------------------------------------------------------------------------

    def _call(self, node: Node, func, *args, **kwargs):
        """Call a service, placing its error at this node of the file."""
        try:
            return func(*args, **kwargs)
        except ExchangeError:
            raise
        except GovernError as error:
            where = node.where(error.field) if error.field else node.path
            raise ExchangeError(error.message, field=where) from None

    def _organisation(self, node: Node, key: str) -> str | None:
        name = node.text(key, required=False)
        if name and not self.session.scalar(
            select(Organisation.id).where(Organisation.name == name)
        ):
            raise ExchangeError(f"ukjent organisasjon «{name}»", field=node.where(key))
        return name or None

    def _person_ref(self, node: Node, key: str, *, required: bool = True) -> Person | None:
        name = node.text(key, required=required)
        if not name:
            return None
        if name in self.people:
            return self.people[name]
        found = self.session.scalars(select(Person).where(Person.name == name)).all()
        if len(found) == 1:
            return found[0]
        if found:
            raise ExchangeError(f"flere personer heter «{name}»", field=node.where(key))
        raise ExchangeError(f"ukjent person «{name}»", field=node.where(key))

    def _body_ref(self, node: Node, key: str) -> Body:
        slug = node.text(key)
        body = self.bodies.get(slug) or self.session.scalar(select(Body).where(Body.slug == slug))
        if body is None:
            raise ExchangeError(f"ukjent organ «{slug}»", field=node.where(key))
        return body

    def _case_ref(self, node: Node, key: str) -> Case:
        name = node.text(key)
        case = self.cases.get(name) or self.session.scalar(select(Case).where(Case.key == name))
        if case is None:
            raise ExchangeError(f"ukjent sak «{name}»", field=node.where(key))
        return case

    # -- sections --------------------------------------------------------------------------

    def _person(self, node: Node) -> None:
        name = node.text("name")
        if name in self.people:
            raise ExchangeError(
                f"personen «{name}» står to ganger i filen", field=node.where("name")
            )
        data = bodies.PersonInput(
            name=name,
            organisation=self._organisation(node, "organisation"),
            email=node.text("email", required=False) or None,
        )
        self.people[name] = self._call(node, bodies.create_person, self.session, data)
        self.result.people += 1

    def _body(self, node: Node) -> None:
        data = bodies.BodyInput(
            slug=node.text("slug"),
            name=node.text("name"),
            short_name=node.text("short_name"),
            kind=node.text("kind"),
            status=node.text("status", required=False, default="Etablert"),
            mandate=node.text("mandate", required=False),
            external=node.flag("external"),
            minutes_approved_when=node.text(
                "minutes_approved_when", required=False, default="held"
            ),
        )
        self.bodies[data.slug] = self._call(node, bodies.create_body, self.session, data)
        self.result.bodies += 1

    def _body_links(self, node: Node) -> None:
        body = self.bodies[node.text("slug")]
        if node.has("escalates_to"):
            target = self._body_ref(node, "escalates_to")
            self._call(node, bodies.set_escalation, body, target)
        for member in node.items("members", {"person", "role", "from", "to", "deputy_for"}):
            data = bodies.MembershipInput(
                role=member.text("role"),
                starts_on=member.day("from", required=False),
                ends_on=member.day("to", required=False),
            )
            self._call(
                member,
                bodies.add_membership,
                self.session,
                body,
                self._person_ref(member, "person"),
                data,
                deputy_for=self._person_ref(member, "deputy_for", required=False),
            )

    def _case(self, node: Node) -> None:
        key = node.text("key")
        if key in self.cases:
            raise ExchangeError(f"saken «{key}» står to ganger i filen", field=node.where("key"))
        data = cases.CaseInput(
            key=key,
            title=node.text("title"),
            sakseier=node.text("sakseier", required=False),
            saksbehandler=node.text("saksbehandler", required=False),
        )
        self.cases[key] = self._call(node, cases.create_case, self.session, data)
        self.result.cases += 1

    def _external(self, node: Node) -> None:
        data = cases.ExternalTreatmentInput(
            number=node.text("number"),
            decided_on=node.day("date", required=False),
            title=node.text("title", required=False) or None,
            sakstype=node.text("sakstype", required=False) or None,
            decision=node.text("decision", required=False),
        )
        case = self._case_ref(node, "case")
        body = self._body_ref(node, "body")
        self._call(node, cases.register_external_treatment, self.session, case, body, data)
        self.result.treatments += 1

    def _meeting(self, node: Node) -> None:
        body = self._body_ref(node, "body")
        days = []
        for day in node.items("days", {"date", "start", "end"}):
            days.append(meetings.DayInput(day.day("date"), day.clock("start"), day.clock("end")))
        status = node.text("status", required=False, default="planlagt")
        # Approved minutes lock what they report: the record is built first, then closed.
        data = meetings.MeetingInput(
            days=tuple(days),
            location=node.text("location", required=False),
            status="gjennomført" if status == "referat godkjent" else status,
            number=node.text("number", required=False) or None,
        )
        order = [d.date for d in days]
        if order != sorted(order):
            raise ExchangeError("dagene skal stå i datorekkefølge", field=node.where("days"))
        meeting = self._call(node, meetings.schedule_meeting, self.session, body, data)
        self.result.meetings += 1
        for item in node.items("agenda", AGENDA_KEYS):
            self._agenda_item(meeting, item)
        for row in node.items("attendance", {"person", "status", "for", "days"}):
            self._call(
                row,
                meetings.record_attendance,
                self.session,
                meeting,
                self._person_ref(row, "person"),
                row.text("status"),
                deputy_for=self._person_ref(row, "for", required=False),
                days=self._day_numbers(row),
            )
        minutes_status = node.text("minutes", required=False, default="")
        self._call(
            node, meetings.close_imported_minutes, self.session, meeting, status, minutes_status
        )

    def _day_numbers(self, node: Node) -> list[int]:
        numbers = node.array("days")
        for i, n in enumerate(numbers):
            if not isinstance(n, int) or isinstance(n, bool):
                raise ExchangeError(
                    "skal være et dagnummer (1, 2 …)", field=f"{node.where('days')}[{i}]"
                )
        return numbers

    def _agenda_item(self, meeting: Meeting, node: Node) -> None:
        kind = node.text("type")
        day = node.integer("day", 1)
        start = node.clock("time", required=False)
        if kind != "case":
            extra = sorted(set(node.value) - {"type", "day", "time", "title"})
            if extra:
                raise ExchangeError(f"feltet «{extra[0]}» hører bare til saker", field=node.path)
            data = agenda.EntryInput(kind=kind, title=node.text("title"), day=day, start_time=start)
            self._call(node, agenda.add_agenda_entry, self.session, meeting, data)
            return
        case = self._case_ref(node, "case") if node.has("case") else None
        if case is None and not node.has("title"):
            raise ExchangeError("en sak trenger «case» eller «title»", field=node.path)
        data = agenda.CaseItemInput(
            sakstype=node.text("sakstype"),
            day=day,
            start_time=start,
            title=node.text("title", required=False) or None,
            number=node.text("number", required=False) or None,
            summary=node.text("summary", required=False),
            proposed_decision=node.text("proposed_decision", required=False),
            presenter=node.text("presenter", required=False),
            presentation=node.text("presentation", required=False),
            inputs=tuple(node.strings("input")),
            decision=node.text("decision", required=False),
        )
        item = self._call(node, agenda.put_case_on_agenda, self.session, meeting, data, case)
        item.treatment.minutes_postponed = node.flag("minutes_postponed")
        self.result.treatments += 1
        if "memo" in node.value:
            self._memo(item.treatment, Node(node.value["memo"], node.where("memo"), MEMO_KEYS))
        for attachment in node.items("attachments", {"number", "title", "source"}):
            source = attachment.text("source", required=False, default="file")
            if source not in ATTACHMENT_SOURCES:
                raise ExchangeError(
                    f"«{source}» er ukjent; skriv «toppnotat» eller «referat», eller utelat "
                    "feltet for en fil",
                    field=attachment.where("source"),
                )
            self._call(
                attachment,
                agenda.add_attachment_reference,
                self.session,
                meeting,
                item.treatment,
                attachment.text("number"),
                attachment.text("title"),
                source=source,
            )

    def _memo(self, treatment: Treatment, node: Node) -> None:
        sections = tuple(
            memos.SectionInput(section.text("heading"), section.text("text", required=False))
            for section in node.items("sections", {"heading", "text"})
        )
        data = memos.MemoInput(
            version=None,
            purpose=node.text("purpose", required=False),
            background=node.text("background", required=False),
            sections=sections,
            questions=node.text("questions", required=False),
            next_steps=node.text("next_steps", required=False),
        )
        self._call(node, memos.import_memo, self.session, treatment, data)


AGENDA_KEYS = {
    "type", "day", "time", "title", "case", "number", "sakstype", "summary", "proposed_decision",
    "presenter", "presentation", "input", "decision", "memo", "attachments", "minutes_postponed",
}  # fmt: skip
MEMO_KEYS = {"purpose", "background", "sections", "questions", "next_steps"}


def import_exchange(session: Session, document: Any) -> ImportResult:
    """Load a parsed exchange document; raises ExchangeError naming the place of bad input."""
    try:
        return Importer(session).run(document)
    except NotFound as error:  # pragma: no cover - services raise these only for ids
        raise ExchangeError(error.message, field=error.field) from None
    except InvalidInput as error:
        raise ExchangeError(error.message, field=error.field) from None
