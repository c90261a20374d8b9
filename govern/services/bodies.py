"""Bodies: registering them, their details and whom they escalate to.

People are in services.people, memberships in services.memberships.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from govern.i18n import gettext as _
from govern.models.accounts import User
from govern.models.bodies import (
    BODY_KINDS,
    BODY_STATUSES,
    DOCUMENT_LANGUAGES,
    MINUTES_APPROVAL_RULES,
    QUORUM_RULES,
    Body,
)
from govern.services import audit
from govern.services.errors import Conflict, InvalidInput, NotFound
from govern.services.people import name_or_none, required_text

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class BodyInput:
    slug: str
    name: str
    short_name: str
    kind: str
    status: str = "Etablert"
    mandate: str = ""
    external: bool = False
    #: When a Godkjenning vedtak approves the previous minutes: "held" or "minutes_sent".
    minutes_approved_when: str = "held"
    #: A key of QUORUM_RULES; None: the usual rule of the kind (deciding bodies: over half).
    quorum_rule: str | None = None
    #: An inhabil member loses access to the case's internal papers.
    recusal_withholds: bool = False
    #: "nb" (bokmål) or "nn" (nynorsk): the language of the body's documents.
    document_language: str = "nb"


@dataclass(frozen=True)
class BodyUpdate:
    """What may change on a body once it exists (everything but its address)."""

    name: str
    short_name: str
    kind: str
    status: str = "Etablert"
    mandate: str = ""
    external: bool = False
    escalates_to_id: int | None = None
    minutes_approved_when: str = "held"
    #: None keeps what the body has.
    quorum_rule: str | None = None
    recusal_withholds: bool | None = None
    #: None keeps what the body has.
    document_language: str | None = None


def _check_language(language: str) -> str:
    if language not in DOCUMENT_LANGUAGES:
        raise InvalidInput(
            _(
                "Ukjent dokumentspråk «%(language)s»; velg nb (bokmål) eller nn (nynorsk)",
                language=language,
            ),
            field="document_language",
        )
    return language


def _check_approval_rule(rule: str) -> str:
    if rule not in MINUTES_APPROVAL_RULES:
        raise InvalidInput(
            _(
                "Ukjent regel for godkjenning av referat «%(rule)s»; velg en av %(rules)s",
                rule=rule,
                rules=", ".join(MINUTES_APPROVAL_RULES),
            ),
            field="minutes_approved_when",
        )
    return rule


#: Bodies that decide get a quorum rule unless told otherwise.
DECIDING_KINDS = ("produktråd", "endringsråd")


def _check_quorum_rule(rule: str | None, kind: str) -> str:
    if rule is None:
        return "over_half" if kind in DECIDING_KINDS else ""
    if rule not in QUORUM_RULES:
        raise InvalidInput(
            _(
                "Ukjent regel for beslutningsdyktighet «%(rule)s»; velg en av %(rules)s eller "
                "ingen",
                rule=rule,
                rules=", ".join(r for r in QUORUM_RULES if r),
            ),
            field="quorum_rule",
        )
    return rule


def _check_kind_and_status(kind: str, status: str) -> None:
    if kind not in BODY_KINDS:
        raise InvalidInput(
            _(
                "Ukjent type «%(kind)s»; velg en av %(kinds)s",
                kind=kind,
                kinds=", ".join(BODY_KINDS),
            ),
            field="kind",
        )
    if status not in BODY_STATUSES:
        raise InvalidInput(
            _(
                "Ukjent status «%(status)s»; velg en av %(statuses)s",
                status=status,
                statuses=", ".join(BODY_STATUSES),
            ),
            field="status",
        )


def create_body(session: Session, data: BodyInput) -> Body:
    """Create a body (råd or utvalg)."""
    slug = required_text(data.slug, _("Kortnavn i adressen"), "slug", 80)
    if not SLUG_RE.match(slug):
        raise InvalidInput(
            _("Kortnavnet i adressen kan bare ha små bokstaver a–z, tall og bindestrek"),
            field="slug",
        )
    if session.scalar(select(Body.id).where(Body.slug == slug)):
        raise Conflict(
            _("Det finnes allerede et organ med adressen «%(slug)s»", slug=slug), field="slug"
        )
    _check_kind_and_status(data.kind, data.status)
    body = Body(
        slug=slug,
        name=required_text(data.name, _("Navn"), "name", 300),
        short_name=required_text(data.short_name, _("Kortnavn"), "short_name", 120),
        kind=data.kind,
        status=data.status,
        mandate=(data.mandate or "").strip(),
        external=data.external,
        minutes_approved_when=_check_approval_rule(data.minutes_approved_when),
        quorum_rule=_check_quorum_rule(data.quorum_rule, data.kind),
        recusal_withholds=bool(data.recusal_withholds),
        document_language=_check_language(data.document_language),
    )
    session.add(body)
    session.flush()
    return body


def set_escalation(body: Body, target: Body | None) -> None:
    """Set the body that cases are escalated to from this one."""
    if target is not None and target.id == body.id:
        raise InvalidInput(_("Et organ kan ikke eskalere til seg selv"), field="escalates_to")
    body.escalates_to = target


def _escalation_target(session: Session, body: Body, target_id: int | None) -> Body | None:
    """The body to escalate to, refusing one that would lead back here."""
    if target_id is None:
        return None
    target = session.get(Body, target_id)
    if target is None:
        raise NotFound(_("Organet du valgte å eskalere til, finnes ikke"), field="escalates_to")
    if target.id == body.id:
        raise InvalidInput(_("Et organ kan ikke eskalere til seg selv"), field="escalates_to")
    seen = {target.id}
    step = target.escalates_to
    while step is not None and step.id not in seen:
        if step.id == body.id:
            raise InvalidInput(
                _(
                    "%(target)s eskalerer allerede videre til %(body)s; eskaleringen ville gått "
                    "i ring",
                    target=target.short_name,
                    body=body.short_name,
                ),
                field="escalates_to",
            )
        seen.add(step.id)
        step = step.escalates_to
    return target


def register_body(
    session: Session, user: User | None, data: BodyInput, escalates_to_id: int | None = None
) -> Body:
    """Create a body with its escalation target, and log it."""
    body = create_body(session, data)
    set_escalation(body, _escalation_target(session, body, escalates_to_id))
    session.flush()
    audit.record(
        session, user, "body.create", body, f"Organet {body.short_name} ble opprettet", body=body
    )
    return body


def update_body(
    session: Session, user: User | None, body: Body, data: BodyUpdate, version: int | None
) -> dict[str, list]:
    """Change a body's details unless someone saved it since the form was opened.

    Returns the changes ({field: [before, after]}), empty when nothing changed.
    """
    audit.check_version(body, version, _("Organet"))
    values = {
        "name": required_text(data.name, _("Navn"), "name", 300),
        "short_name": required_text(data.short_name, _("Kortnavn"), "short_name", 120),
        "kind": data.kind,
        "status": data.status,
        "mandate": (data.mandate or "").strip(),
        "external": data.external,
        "minutes_approved_when": _check_approval_rule(data.minutes_approved_when),
        "quorum_rule": (
            body.quorum_rule
            if data.quorum_rule is None
            else _check_quorum_rule(data.quorum_rule, data.kind)
        ),
        "recusal_withholds": (
            body.recusal_withholds if data.recusal_withholds is None else data.recusal_withholds
        ),
        "document_language": (
            body.document_language
            if data.document_language is None
            else _check_language(data.document_language)
        ),
    }
    _check_kind_and_status(data.kind, data.status)
    target = _escalation_target(session, body, data.escalates_to_id)
    before = body.escalates_to
    changes = audit.diff(body, values)
    if target is not before:
        changes["escalates_to"] = [name_or_none(before), name_or_none(target)]
        set_escalation(body, target)
    if not changes:
        return changes
    try:
        session.flush()
    except StaleDataError:
        # Saved by someone else between our check and our write; the database refused it.
        # Given no version, check_version always refuses, with the usual message.
        audit.check_version(body, None, _("Organet"))
        raise
    audit.record(
        session,
        user,
        "body.update",
        body,
        f"Opplysningene om {body.short_name} ble endret",
        body=body,
        changes=changes,
    )
    return changes
