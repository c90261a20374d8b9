"""Import of the exchange format (govern/1): all-or-nothing, with errors that name the place.

The caller commits only when import_exchange returns; any GovernError leaves the session to
be rolled back. See docs/exchange-format.md for the format.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from govern.domain.exchange_format import FORMAT
from govern.i18n import gettext as _
from govern.models.cases import Treatment
from govern.models.meetings import ATTACHMENT_SOURCES, Meeting
from govern.services import (
    agenda,
    answers,
    attachment_numbers,
    bodies,
    cases,
    forfall,
    meetings,
    memberships,
    memos,
    openness,
    people,
    recusals,
)
from govern.services.attachments import FILE_TYPES
from govern.services.errors import InvalidInput, NotFound
from govern.services.exchange_changes import import_product_areas
from govern.services.exchange_cycles import import_cycles
from govern.services.exchange_files import ImportFiles, import_file
from govern.services.exchange_followups import import_follow_ups
from govern.services.exchange_minutes import import_minutes_sendings
from govern.services.exchange_priorities import import_rounds
from govern.services.exchange_reader import (
    ExchangeError,
    ImportContext,
    ImportResult,
    Node,
)
from govern.services.exchange_submissions import import_submissions

TOP_KEYS = {
    "follow_ups",
    "format", "organisations", "people", "bodies", "cases", "external_treatments", "meetings",
    "cycles", "prioritisation_rounds",
    "product_areas", "exemption_bases", "submissions",
}  # fmt: skip


class Importer(ImportContext):
    """Reads one exchange document into the session, resolving names as it goes."""

    files: ImportFiles | None = None

    def run(self, document: Any) -> ImportResult:
        root = Node(document, "", TOP_KEYS)
        if root.value.get("format") != FORMAT:
            raise ExchangeError(_("skal være «%(format)s»", format=FORMAT), field="format")
        for node in root.items("exemption_bases", {"basis", "retired"}):
            self.call(
                node, openness.ensure_basis, self.session, node.text("basis"),
                active=not node.flag("retired"),
            )  # fmt: skip
        if "exemption_bases" not in root.value:
            openness.seed_bases(self.session)
        for node in root.items("organisations", {"name"}):
            self.call(node, people.get_or_create_organisation, self.session, node.text("name"))
            self.result.organisations += 1
        for node in root.items("people", {"name", "organisation", "email"}):
            self._person(node)
        body_nodes = root.items(
            "bodies",
            {"slug", "name", "short_name", "kind", "status", "mandate", "external",
             "escalates_to", "members", "minutes_approved_when", "members_only", "quorum",
             "recusal_withholds", "document_language"},
        )  # fmt: skip
        for node in body_nodes:
            self._body(node)
        for node in body_nodes:
            self._body_links(node)
        case_nodes = root.items(
            "cases",
            {"key", "title", "sakseier", "saksbehandler", "follows", "public_title", "exempt"},
        )
        for node in case_nodes:
            self._case(node)
        for node in case_nodes:
            if node.has("follows"):
                earlier = self.case_ref(node, "follows")
                self.call(node, cases.set_follows, self.cases[node.text("key")], earlier)
        for node in root.items(
            "external_treatments",
            {"case", "body", "number", "date", "title", "sakstype", "decision"},
        ):
            self._external(node)
        for node in root.items(
            "meetings",
            {
                "body",
                "number",
                "location",
                "status",
                "minutes",
                "days",
                "agenda",
                "attendance",
                "forfall",
                "answers",
                "minutes_sendings",
            },  # fmt: skip
        ):
            self._meeting(node)
        import_follow_ups(self, root)
        self.result.cycles = import_cycles(self, root)
        import_rounds(self, root)
        import_product_areas(self, root)
        import_submissions(self, root, self.files)
        return self.result

    # -- helpers ---------------------------------------------------------------------------
    # -- sections --------------------------------------------------------------------------

    def _person(self, node: Node) -> None:
        name = node.text("name")
        if name in self.people:
            raise ExchangeError(
                _("personen «%(name)s» står to ganger i filen", name=name), field=node.where("name")
            )
        data = people.PersonInput(
            name=name,
            organisation=self.organisation(node, "organisation"),
            email=node.text("email", required=False) or None,
        )
        self.people[name] = self.call(node, people.create_person, self.session, data)
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
            quorum_rule=_quorum_rule(node),
            recusal_withholds=node.flag("recusal_withholds"),
            document_language=node.text("document_language", required=False, default="nb"),
        )
        body = self.call(node, bodies.create_body, self.session, data)
        if node.flag("members_only"):
            self.call(node, openness.set_members_only, self.session, body, True)
        self.bodies[data.slug] = body
        self.result.bodies += 1

    def _body_links(self, node: Node) -> None:
        body = self.bodies[node.text("slug")]
        if node.has("escalates_to"):
            target = self.body_ref(node, "escalates_to")
            self.call(node, bodies.set_escalation, body, target)
        for member in node.items("members", {"person", "role", "from", "to", "deputy_for"}):
            data = memberships.MembershipInput(
                role=member.text("role"),
                starts_on=member.day("from", required=False),
                ends_on=member.day("to", required=False),
            )
            self.call(
                member,
                memberships.add_membership,
                self.session,
                body,
                self.person_ref(member, "person"),
                data,
                deputy_for=self.person_ref(member, "deputy_for", required=False),
            )

    def _case(self, node: Node) -> None:
        key = node.text("key")
        if key in self.cases:
            raise ExchangeError(
                _("saken «%(key)s» står to ganger i filen", key=key), field=node.where("key")
            )
        data = cases.CaseInput(
            key=key,
            title=node.text("title"),
            sakseier=node.text("sakseier", required=False),
            saksbehandler=node.text("saksbehandler", required=False),
        )
        case = self.cases[key] = self.call(node, cases.create_case, self.session, data)
        self.result.cases += 1
        public_title = node.text("public_title", required=False)
        exempt = exemption(node, "exempt", {"basis", "until"})
        if exempt is not None:
            self.call(
                exempt,
                openness.mark_case_exempt,
                self.session,
                case,
                exempt.text("basis"),
                public_title,
                exempt.day("until", required=False),
                known_only=False,
            )
        elif public_title:
            case.public_title = public_title

    def _external(self, node: Node) -> None:
        data = cases.ExternalTreatmentInput(
            number=node.text("number"),
            decided_on=node.day("date", required=False),
            title=node.text("title", required=False) or None,
            sakstype=node.text("sakstype", required=False) or None,
            decision=node.text("decision", required=False),
        )
        case = self.case_ref(node, "case")
        body = self.body_ref(node, "body")
        self.call(node, cases.register_external_treatment, self.session, case, body, data)
        self.result.treatments += 1

    def _meeting(self, node: Node) -> None:
        body = self.body_ref(node, "body")
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
            raise ExchangeError(_("dagene skal stå i datorekkefølge"), field=node.where("days"))
        meeting = self.call(node, meetings.schedule_meeting, self.session, body, data)
        self.result.meetings += 1
        for item in node.items("agenda", AGENDA_KEYS):
            self._agenda_item(meeting, item)
        for row in node.items("attendance", {"person", "status", "for", "days"}):
            self.call(
                row,
                meetings.record_attendance,
                self.session,
                meeting,
                self.person_ref(row, "person"),
                row.text("status"),
                deputy_for=self.person_ref(row, "for", required=False),
                days=self._day_numbers(row),
            )
        for row in node.items("forfall", {"person", "days", "note", "vara"}):
            self.call(
                row, forfall.import_absence, self.session, meeting,
                self.person_ref(row, "person"), self._day_numbers(row),
                row.text("note", required=False), self.person_ref(row, "vara", required=False),
            )  # fmt: skip
        for row in node.items("answers", {"person", "day", "answer", "source"}):
            self.call(
                row, answers.import_answer, self.session, meeting,
                self.person_ref(row, "person"), row.integer("day", 1), row.text("answer"),
                row.text("source", required=False, default="lenke"),
            )  # fmt: skip
        import_minutes_sendings(self, meeting, node, status)
        minutes_status = node.text("minutes", required=False, default="")
        self.call(
            node, meetings.close_imported_minutes, self.session, meeting, status, minutes_status
        )

    def _day_numbers(self, node: Node) -> list[int]:
        numbers = node.array("days")
        for i, n in enumerate(numbers):
            if not isinstance(n, int) or isinstance(n, bool):
                raise ExchangeError(
                    _("skal være et dagnummer (1, 2 …)"), field=f"{node.where('days')}[{i}]"
                )
        return numbers

    def _agenda_item(self, meeting: Meeting, node: Node) -> None:
        kind = node.text("type")
        day = node.integer("day", 1)
        start = node.clock("time", required=False)
        if kind != "case":
            extra = sorted(set(node.value) - {"type", "day", "time", "title"})
            if extra:
                raise ExchangeError(
                    _("feltet «%(field)s» hører bare til saker", field=extra[0]), field=node.path
                )
            data = agenda.EntryInput(kind=kind, title=node.text("title"), day=day, start_time=start)
            self.call(node, agenda.add_agenda_entry, self.session, meeting, data)
            return
        case = self.case_ref(node, "case") if node.has("case") else None
        if case is None and not node.has("title"):
            raise ExchangeError(_("en sak trenger «case» eller «title»"), field=node.path)
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
        item = self.call(node, agenda.add_case_item, self.session, meeting, data, case)
        item.treatment.minutes_postponed = node.flag("minutes_postponed")
        closed = exemption(node, "closed", {"basis"})
        if closed is not None:
            self.call(
                closed, openness.set_item_closed, self.session, item.treatment,
                closed.text("basis"), known_only=False,
            )  # fmt: skip
        self.result.treatments += 1
        for recusal in node.items("recusals", {"person", "basis", "reason", "status", "note"}):
            self.call(
                recusal, recusals.import_recusal, self.session, item.treatment,
                self.person_ref(recusal, "person"), recusal.text("basis"),
                reason=recusal.text("reason", required=False),
                status=recusal.text("status", required=False, default="inhabil"),
                note=recusal.text("note", required=False),
            )  # fmt: skip
        if "memo" in node.value:
            self._memo(item.treatment, Node(node.value["memo"], node.where("memo"), MEMO_KEYS))
        for attachment in node.items(
            "attachments", {"number", "title", "source", "file", "exempt"}
        ):
            source = attachment.text("source", required=False, default="file")
            if source not in ATTACHMENT_SOURCES:
                raise ExchangeError(
                    _(
                        "«%(source)s» er ukjent; skriv «toppnotat» eller «referat», eller utelat "
                        "feltet for en fil",
                        source=source,
                    ),
                    field=attachment.where("source"),
                )
            exempt = exemption(attachment, "exempt", {"basis"})
            added = self.call(
                attachment,
                attachment_numbers.add_attachment_reference,
                self.session,
                meeting,
                item.treatment,
                attachment.text("number"),
                attachment.text("title"),
                source=source,
            )
            if attachment.has("file"):
                import_file(self.files, attachment, added, tuple(FILE_TYPES))
            if exempt is not None:
                self.call(
                    exempt, openness.set_attachment_exempt, self.session, added,
                    exempt.text("basis"), known_only=False,
                )  # fmt: skip

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
        self.call(node, memos.import_memo, self.session, treatment, data)
        if node.has("file"):
            import_file(self.files, node, treatment.memo, (".docx",))


AGENDA_KEYS = {
    "type", "day", "time", "title", "case", "number", "sakstype", "summary", "proposed_decision",
    "presenter", "presentation", "input", "decision", "memo", "attachments", "minutes_postponed",
    "closed", "recusals",
}  # fmt: skip


def exemption(node: Node, key: str, allowed: set[str]) -> Node | None:
    """The object under `key` ("exempt" or "closed"), or None when absent; refuses one
    without a legal basis, naming the place."""
    if key not in node.value:
        return None
    inner = Node(node.value[key], node.where(key), allowed)
    if not inner.has("basis"):
        what = _("lukket behandling") if key == "closed" else _("unntak fra offentlighet")
        raise ExchangeError(
            _(
                "mangler hjemmel: %(what)s krever en skjermingshjemmel, for eksempel "
                "«Offl. § 23 første ledd»",
                what=what,
            ),
            field=inner.where("basis"),
        )
    return inner


MEMO_KEYS = {"purpose", "background", "sections", "questions", "next_steps", "file"}


def import_exchange(
    session: Session, document: Any, files: ImportFiles | None = None
) -> ImportResult:
    """Load a parsed exchange document; raises ExchangeError naming the place of bad input.

    `files` gives the uploaded files the document names (exchange_files.py); the caller
    removes what it stored (files.remove_written) if the import is not committed."""
    try:
        importer = Importer(session)
        importer.files = files
        return importer.run(document)
    except NotFound as error:  # pragma: no cover - services raise these only for ids
        raise ExchangeError(error.message, field=error.field) from None
    except InvalidInput as error:
        raise ExchangeError(error.message, field=error.field) from None


def _quorum_rule(node: Node) -> str | None:
    """A body's "quorum": absent for the usual rule of its kind, "ingen" for none."""
    if not node.has("quorum"):
        return None
    rule = node.text("quorum")
    return "" if rule == "ingen" else rule
