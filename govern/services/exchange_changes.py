"""The `product_areas` section of the exchange format: an endringsråd's product area with its
releases, budgets and change requests.

Areas, releases and budgets go through govern.services.changes, so the file meets the pages'
rules. A request's status is taken as written (the file records where a request stands, not
how it got there), but the status rules that are facts still hold: planlagt and levert name
a release, avvist has a reason, eskalert names the case and body of the escalation. A
history event may name the meeting decision it came from (body and case number). See
docs/exchange-format.md.
"""

from __future__ import annotations

from sqlalchemy import select

from govern.i18n import gettext as _
from govern.models.cases import Treatment
from govern.models.changes import (
    CHANGE_STATUSES,
    CLASSIFICATIONS,
    RELEASE_STATUSES,
    ChangeRequestEvent,
)
from govern.models.people import Organisation
from govern.services import changes
from govern.services.exchange_reader import ExchangeError, ImportContext, Node

AREA_KEYS = {
    "body", "name", "description", "roadmap", "hourly_rate", "releases", "budgets", "requests",
}  # fmt: skip
RELEASE_KEYS = {"name", "planned", "delivered", "status"}
BUDGET_KEYS = {"year", "amount_nok"}
REQUEST_KEYS = {
    "number", "title", "description", "need", "organisation", "submitted_by", "submitted",
    "classification", "statutory", "estimate_hours", "estimate_nok", "year", "status",
    "rejection_reason", "release", "rank", "escalation", "events",
}  # fmt: skip
EVENT_KEYS = {"at", "actor", "from", "to", "note", "body", "case_number"}


def import_product_areas(importer: ImportContext, root: Node) -> int:
    """Create the file's product areas; returns how many."""
    nodes = root.items("product_areas", AREA_KEYS)
    for node in nodes:
        _area(importer, node)
    return len(nodes)


def _area(importer: ImportContext, node: Node) -> None:
    session = importer.session
    body = importer.body_ref(node, "body")
    if changes.area_of(session, body) is not None:
        raise ExchangeError(
            _("%(body)s har allerede et produktområde", body=body.slug), field=node.where("body")
        )
    data = changes.AreaInput(
        node.text("name"),
        node.text("description", required=False),
        "\n".join(node.strings("roadmap")),
        node.integer("hourly_rate", 1400),
    )
    area = importer.call(node, changes.save_area, session, body, data)
    releases = {}
    for r in node.items("releases", RELEASE_KEYS):
        release = importer.call(
            r, changes.add_release, session, area, r.text("name"), r.day("planned")
        )
        release.delivered_on = r.day("delivered", required=False)
        release.status = r.text("status", required=False, default="planlagt")
        if release.status not in RELEASE_STATUSES:
            raise ExchangeError(
                _("skal være en av %(values)s", values=", ".join(RELEASE_STATUSES)),
                field=r.where("status"),
            )
        releases[release.name] = release
    for b in node.items("budgets", BUDGET_KEYS):
        importer.call(
            b, changes.set_budget, session, area, b.integer("year", 0), b.integer("amount_nok", -1)
        )
    seen: set[int] = set()
    for r in node.items("requests", REQUEST_KEYS):
        _request(importer, area, releases, r, seen)
    session.flush()


def _optional_int(node: Node, key: str) -> int | None:
    return node.integer(key, 0) if node.has(key) else None


def _request(importer: ImportContext, area, releases: dict, node: Node, seen: set[int]) -> None:
    session = importer.session
    organisation = None
    if node.has("organisation"):
        name = node.text("organisation")
        organisation = session.scalar(select(Organisation).where(Organisation.name == name))
        if organisation is None:
            raise ExchangeError(
                _("ukjent organisasjon «%(name)s»", name=name), field=node.where("organisation")
            )
    data = changes.RequestInput(
        title=node.text("title"),
        classification=node.choice("classification", CLASSIFICATIONS, "utviklet"),
        year=node.integer("year", 0),
        description=node.text("description", required=False),
        need=node.text("need", required=False),
        organisation_id=organisation.id if organisation else None,
        statutory=node.flag("statutory"),
        estimate_hours=_optional_int(node, "estimate_hours"),
        estimate_nok=_optional_int(node, "estimate_nok"),
        submitted_on=node.day("submitted", required=False),
    )
    request = importer.call(node, changes.create_request, session, area, data)
    if node.has("number"):
        seq = node.integer("number", 0)
        if seq < 1 or seq in seen:
            raise ExchangeError(
                _("skal være et nytt løpenummer (1, 2, …)"), field=node.where("number")
            )
        request.seq = seq
    seen.add(request.seq)
    if node.has("submitted_by"):
        request.submitted_by = importer.people.get(node.text("submitted_by"))
    request.status = node.choice("status", CHANGE_STATUSES, "registrert")
    request.rank = _optional_int(node, "rank")
    request.rejection_reason = node.text("rejection_reason", required=False)
    if node.has("release"):
        name = node.text("release")
        if name not in releases:
            raise ExchangeError(
                _("ukjent utgivelse «%(name)s»", name=name), field=node.where("release")
            )
        request.release = releases[name]
    if request.status in ("planlagt", "levert") and request.release is None:
        raise ExchangeError(
            _("et planlagt eller levert ønske må ha en utgivelse"), field=node.where("release")
        )
    if request.status == "avvist" and not request.rejection_reason:
        raise ExchangeError(
            _("et avvist ønske må ha en begrunnelse"), field=node.where("rejection_reason")
        )
    if node.has("escalation"):
        request.escalation = _escalation(importer, node)
    elif request.status == "eskalert":
        raise ExchangeError(
            _("et eskalert ønske må ha en eskalering"), field=node.where("escalation")
        )
    if node.has("events"):
        request.events.clear()
        for e in node.items("events", EVENT_KEYS):
            request.events.append(_event(importer, e))


def _escalation(importer: ImportContext, node: Node) -> Treatment:
    ref = Node(node.value["escalation"], node.where("escalation"), {"case", "body"})
    case = importer.case_ref(ref, "case")
    body = importer.body_ref(ref, "body")
    treatment = importer.session.scalar(
        select(Treatment).where(Treatment.case_id == case.id, Treatment.body_id == body.id)
    )
    if treatment is None:
        raise ExchangeError(
            _("saken er ikke behandlet i %(body)s", body=body.slug), field=ref.where("case")
        )
    return treatment


def _event(importer: ImportContext, node: Node) -> ChangeRequestEvent:
    at = node.moment("at")
    statuses = (*CHANGE_STATUSES, "")
    return ChangeRequestEvent(
        at=at,
        actor=node.text("actor", required=False),
        from_status=node.choice("from", statuses, "") or None,
        to_status=node.choice("to", statuses, "") or None,
        note=node.text("note", required=False),
        # The meeting decision it came from: the case number in a body, as in follow_ups.
        treatment=importer.treatment_ref(node) if node.has("case_number") else None,
    )
