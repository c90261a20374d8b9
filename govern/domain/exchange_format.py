"""The names of the exchange format (govern/1) that its import and its export share.

See docs/exchange-format.md for the format.
"""

from pathlib import PurePosixPath

FORMAT = "govern/1"


def file_name(sha256: str, name: str) -> str:
    """An uploaded file's name beside the JSON: its checksum and its extension ('ab12….pdf')."""
    return sha256 + PurePosixPath(name).suffix.lower()


def file_entry(owner) -> dict | None:
    """The "file" of a Vedlegg or memo with an uploaded file (name, sha256, size), else None."""
    if not owner.stored_name or not owner.sha256:
        return None
    return {"name": owner.filename or owner.stored_name, "sha256": owner.sha256, "size": owner.size}


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
