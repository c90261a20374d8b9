"""The `follow_ups` section of the exchange format: follow-up of decisions (oppfølging).

Each follow-up names its decision by body and case number ("fagradet", "10/26"), so it is
read after the meetings and external treatments. Follow-ups are created through
govern.services.followups, so the file meets the same rules as the form. See
docs/exchange-format.md.
"""

from __future__ import annotations

from sqlalchemy import select

from govern.models.cases import Treatment
from govern.models.people import Organisation
from govern.services import followups
from govern.services.errors import InvalidInput
from govern.services.exchange_reader import ImportContext, Node

FOLLOW_UP_KEYS = {
    "body", "case_number", "title", "status", "organisation", "person", "responsible", "due",
    "notes",
}  # fmt: skip
#: The service's field names that the file spells differently.
FILE_KEYS = {"due_on": "due", "organisation_id": "organisation", "person_id": "person"}


def import_follow_ups(importer: ImportContext, root: Node) -> int:
    """Create the file's follow-ups; returns how many."""
    nodes = root.items("follow_ups", FOLLOW_UP_KEYS)
    for node in nodes:
        _follow_up(importer, node)
    return len(nodes)


def _follow_up(importer: ImportContext, node: Node) -> None:
    treatment = importer.treatment_ref(node)
    organisation_name = importer.organisation(node, "organisation")
    organisation_id = (
        importer.session.scalar(
            select(Organisation.id).where(Organisation.name == organisation_name)
        )
        if organisation_name
        else None
    )
    person = importer.person_ref(node, "person", required=False)
    data = followups.FollowUpInput(
        status=node.text("status", required=False, default="ikke startet"),
        title=node.text("title", required=False),
        organisation_id=organisation_id,
        person_id=person.id if person else None,
        responsible=node.text("responsible", required=False),
        due_on=node.day("due", required=False),
        notes=node.text("notes", required=False),
    )
    importer.call(node, _add, importer, treatment, data)


def _add(importer: ImportContext, treatment: Treatment, data: followups.FollowUpInput) -> None:
    try:
        followups.add_follow_up(importer.session, treatment, data)
    except InvalidInput as error:
        # The service names its input's fields; the file's keys differ for a few of them.
        error.field = FILE_KEYS.get(error.field or "", error.field)
        raise
