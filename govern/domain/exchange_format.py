"""The names of the exchange format (govern/1) that its import and its export share.

See docs/exchange-format.md for the format.
"""

FORMAT = "govern/1"

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
