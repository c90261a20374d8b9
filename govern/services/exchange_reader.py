"""Reading an exchange document (govern/1): objects read with checks whose errors name the
place in the file, and the references to people, bodies and cases resolved as the import
goes. services.exchange and the section importers (exchange_cycles, exchange_followups,
exchange_priorities, exchange_changes) build on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.domain.exchange_format import SINGLE_LINE
from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.models.cases import Case, Treatment
from govern.models.people import Organisation, Person
from govern.services.errors import GovernError
from govern.services.numbering import parse_number
from govern.text_rules import ControlCharacter, clean_text, has_line_break


class ExchangeError(GovernError):
    """Bad input in an exchange file; `field` is the place in the file."""


class Node:
    """A JSON object at a known place in the file, read with checks."""

    def __init__(self, value: Any, path: str, allowed: set[str]) -> None:
        if not isinstance(value, dict):
            raise ExchangeError(_("skal være et objekt ({…})"), field=path)
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise ExchangeError(
                _(
                    "ukjent felt «%(field)s» (tillatt her: %(allowed)s)",
                    field=unknown[0],
                    allowed=", ".join(sorted(allowed)),
                ),
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
                raise ExchangeError(_("mangler"), field=self.where(key))
            return default
        if not isinstance(raw, str):
            raise ExchangeError(_("skal være tekst"), field=self.where(key))
        if key in SINGLE_LINE and has_line_break(raw):
            raise ExchangeError(
                _("kan ikke ha linjeskift; skriv alt på én linje"), field=self.where(key)
            )
        return clean(raw, self.where(key))

    def flag(self, key: str) -> bool:
        raw = self.value.get(key, False)
        if not isinstance(raw, bool):
            raise ExchangeError(_("skal være true eller false"), field=self.where(key))
        return raw

    def integer(self, key: str, default: int) -> int:
        raw = self.value.get(key, default)
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise ExchangeError(_("skal være et heltall"), field=self.where(key))
        return raw

    def day(self, key: str, *, required: bool = True) -> date | None:
        raw = self.text(key, required=required)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ExchangeError(
                _("«%(value)s» er ikke en gyldig dato (skriv ÅÅÅÅ-MM-DD)", value=raw),
                field=self.where(key),
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
                _("«%(value)s» er ikke et gyldig klokkeslett (skriv TT:MM)", value=raw),
                field=self.where(key),
            )
        return parsed

    def choice(self, key: str, values, default: str | None = None) -> str:
        """One of `values`; required unless a default is given (an empty default is allowed
        only when `values` holds "")."""
        value = self.text(key, required=default is None, default=default or "")
        if value not in values:
            raise ExchangeError(
                _("skal være en av %(values)s", values=", ".join(values)), field=self.where(key)
            )
        return value

    def moment(self, key: str) -> datetime:
        """An ISO 8601 moment; one without a zone is read as UTC."""
        raw = self.text(key)
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            raise ExchangeError(
                _("«%(value)s» er ikke et gyldig tidspunkt", value=raw), field=self.where(key)
            ) from None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

    def items(self, key: str, allowed: set[str]) -> list[Node]:
        return [Node(v, f"{self.where(key)}[{i}]", allowed) for i, v in enumerate(self.array(key))]

    def array(self, key: str) -> list:
        raw = self.value.get(key, [])
        if not isinstance(raw, list):
            raise ExchangeError(_("skal være en liste ([…])"), field=self.where(key))
        return raw

    def strings(self, key: str) -> list[str]:
        values = self.array(key)
        for i, v in enumerate(values):
            if not isinstance(v, str):
                raise ExchangeError(_("skal være tekst"), field=f"{self.where(key)}[{i}]")
        return [clean(v, f"{self.where(key)}[{i}]") for i, v in enumerate(values)]


def clean(text: str, where: str) -> str:
    """Text as the forms take it: vertical tab and form feed as line breaks; NUL and other
    control characters refused with the path of the field."""
    try:
        return clean_text(text)
    except ControlCharacter:
        raise ExchangeError(
            _("har et kontrolltegn (for eksempel en NUL-byte) som ikke kan lagres"), field=where
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
        return _(
            "%(organisations)s organisasjoner, %(people)s personer, %(bodies)s organer, "
            "%(cases)s saker, %(meetings)s møter, %(treatments)s behandlinger, "
            "%(cycles)s årshjul",
            organisations=self.organisations,
            people=self.people,
            bodies=self.bodies,
            cases=self.cases,
            meetings=self.meetings,
            treatments=self.treatments,
            cycles=self.cycles,
        )


class ImportContext:
    """One import under way: its session, what it has created, and the names it resolves."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.result = ImportResult()
        self.people: dict[str, Person] = {}
        self.bodies: dict[str, Body] = {}
        self.cases: dict[str, Case] = {}

    def call(self, node: Node, func, *args, **kwargs):
        """Call a service, placing its error at this node of the file."""
        try:
            return func(*args, **kwargs)
        except ExchangeError:
            raise
        except GovernError as error:
            where = node.where(error.field) if error.field else node.path
            raise ExchangeError(error.message, field=where) from None

    def organisation(self, node: Node, key: str) -> str | None:
        name = node.text(key, required=False)
        if name and not self.session.scalar(
            select(Organisation.id).where(Organisation.name == name)
        ):
            raise ExchangeError(
                _("ukjent organisasjon «%(name)s»", name=name), field=node.where(key)
            )
        return name or None

    def person_ref(self, node: Node, key: str, *, required: bool = True) -> Person | None:
        name = node.text(key, required=required)
        if not name:
            return None
        if name in self.people:
            return self.people[name]
        found = self.session.scalars(select(Person).where(Person.name == name)).all()
        if len(found) == 1:
            return found[0]
        if found:
            raise ExchangeError(
                _("flere personer heter «%(name)s»", name=name), field=node.where(key)
            )
        raise ExchangeError(_("ukjent person «%(name)s»", name=name), field=node.where(key))

    def body_ref(self, node: Node, key: str) -> Body:
        slug = node.text(key)
        body = self.bodies.get(slug) or self.session.scalar(select(Body).where(Body.slug == slug))
        if body is None:
            raise ExchangeError(_("ukjent organ «%(slug)s»", slug=slug), field=node.where(key))
        return body

    def case_ref(self, node: Node, key: str) -> Case:
        name = node.text(key)
        case = self.cases.get(name) or self.session.scalar(select(Case).where(Case.key == name))
        if case is None:
            raise ExchangeError(_("ukjent sak «%(name)s»", name=name), field=node.where(key))
        return case

    def treatment_ref(self, node: Node) -> Treatment:
        """The treatment a node names by its body and case number ("body", "case_number")."""
        body = self.body_ref(node, "body")
        number = node.text("case_number")
        seq, yy = self.call(node, parse_number, number, field="case_number")
        treatment = self.session.scalar(
            select(Treatment).where(
                Treatment.body_id == body.id, Treatment.seq == seq, Treatment.year == 2000 + yy
            )
        )
        if treatment is None:
            raise ExchangeError(
                _("%(body)s har ingen sak %(number)s", body=body.short_name, number=number),
                field=node.where("case_number"),
            )
        return treatment
