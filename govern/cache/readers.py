"""Reader classes: readers who see the same page, so one rendering serves them all.

A class is worked out from the permission rules (govern/policy.py) for what a page
shows, never from who the reader is: a visitor, a logged-in reader with no role in the
body (who sees what a visitor sees), a member of the body (agendas shared with members,
minutes sent to them), its secretariat (everything, and the forms to run the meeting), an
administrator. Three rules reach past the body: the memos a reader may edit (they are the
case's sakseier or saksbehandler, who also see the case if it is exempt from public access
or treated in a closed session), the exempt cases a reader sees as a member of another body
that treats them (govern.openness.may_see_case), and the endringsråd whose change requests,
linked from the page, they may open; those ids are part of the class, so readers differ
only where the page does. What the class needs from the page (who owns each case, which endringsråd its links
lead to) is kept under the page's revision, so a cached page costs no query for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, aliased

from govern.cache.pages import PageCache
from govern.models.cases import Case, Treatment
from govern.models.changes import ChangeRequest, ChangeRequestEvent, ProductArea
from govern.openness import recused_treatment_ids
from govern.policy import READER_ROLES, body_ids_with, is_admin, is_logged_in, roles_in

VISITOR = ("visitor",)


@dataclass(frozen=True)
class MeetingFacts:
    """What a meeting page's reader classes depend on besides the reader's roles."""

    #: (treatment id, sakseier's person id, saksbehandler's person id) per case.
    owners: tuple[tuple[int, int | None, int | None], ...]
    #: The bodies of the product areas the page's change-request links lead to.
    linked_areas: frozenset[int]
    #: (treatment id, the bodies that treat its case) for the page's exempt cases: their
    #: readers see the case here too.
    exempt_cases: tuple[tuple[int, frozenset[int]], ...] = ()


def meeting_facts(session: Session, meeting_id: int) -> MeetingFacts:
    """Read the facts of a meeting's page (three queries)."""
    owners = session.execute(
        select(Treatment.id, Case.sakseier_id, Case.saksbehandler_id)
        .join(Case, Treatment.case_id == Case.id)
        .where(Treatment.meeting_id == meeting_id)
        .order_by(Treatment.id)
    ).all()
    ids = [row[0] for row in owners]
    escalated = select(ChangeRequest.area_id).where(ChangeRequest.escalation_id.in_(ids))
    decided = (
        select(ChangeRequest.area_id)
        .join(ChangeRequestEvent, ChangeRequestEvent.request_id == ChangeRequest.id)
        .where(ChangeRequestEvent.treatment_id.in_(ids))
    )
    areas = session.scalars(
        select(ProductArea.body_id).where(ProductArea.id.in_(escalated.union(decided)))
    )
    other = aliased(Treatment)
    treated: dict[int, set[int]] = {}
    for treatment_id, body_id in session.execute(
        select(Treatment.id, other.body_id)
        .join(Case, Treatment.case_id == Case.id)
        .join(other, other.case_id == Case.id)
        .where(Treatment.meeting_id == meeting_id, Case.exempt_basis.is_not(None))
    ):
        treated.setdefault(treatment_id, set()).add(body_id)
    exempt = tuple((t, frozenset(bodies)) for t, bodies in sorted(treated.items()))
    return MeetingFacts(tuple(tuple(row) for row in owners), frozenset(areas), exempt)


@dataclass(frozen=True)
class BodyRef:
    """A body known by its id only: enough to ask for a reader's roles in it."""

    id: int


def meeting_reader(
    session: Session,
    user,
    meeting_id: int,
    body_id: int,
    revision: int,
    cache: PageCache | None = None,
) -> tuple:
    """The class of readers who see the same page of a meeting (of body `body_id`) as
    `user`; `revision` is the page's, under which its facts are kept in `cache`.

    Whether a reader may read the meeting at all follows from the class and the meeting
    (see policy.can), so a part kept for a class was checked when it was built.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return VISITOR
    if user.is_admin:
        return ("admin",)
    roles = roles_in(user, BodyRef(body_id))
    if "sekretariat" in roles:
        return ("sekretariat",)
    key = ("meeting facts", meeting_id, revision)
    facts = cache.get(key) if cache is not None else None
    if facts is None:
        facts = meeting_facts(session, meeting_id)
        if cache is not None:
            cache.put(key, facts)
    person_id = user.person_id
    memos = tuple(t for t, owner, handler in facts.owners if person_id in (owner, handler))
    today = date.today()
    reads = {
        m.body_id for m in user.person.memberships if m.role in READER_ROLES and m.active_on(today)
    }
    changes = tuple(sorted(reads & facts.linked_areas))
    # A member recused from a case of the page sees it as a visitor (govern.openness).
    recused = tuple(sorted(recused_treatment_ids(user) & {t for t, _, _ in facts.owners}))
    kind = "member" if roles & READER_ROLES else "reader"
    # A member of this body sees every case of its meeting; others see an exempt case
    # through a body of theirs that treats it.
    insider = () if kind == "member" else tuple(t for t, b in facts.exempt_cases if b & reads)
    if kind == "reader" and not memos and not changes and not insider:
        return VISITOR  # no role here: the visitor's page
    return (kind, memos, changes, insider) + ((("recused", recused),) if recused else ())


def owned_held_cases(session: Session, user) -> tuple[int, ...]:
    """The cases the user is sakseier or saksbehandler of whose content may be held back
    from others (exempt, or treated in a closed session): they see those in full
    (govern.openness), so they are part of their register class. No query for visitors."""
    person_id = getattr(user, "person_id", None) if is_logged_in(user) else None
    if person_id is None:
        return ()
    # Looked up per owned case (by the treatments' case key), not over all treatments.
    closed = exists().where(Treatment.case_id == Case.id, Treatment.closed_basis.is_not(None))
    return tuple(
        session.scalars(
            select(Case.id)
            .where(or_(Case.sakseier_id == person_id, Case.saksbehandler_id == person_id))
            .where(or_(Case.exempt_basis.is_not(None), closed))
            .order_by(Case.id)
        )
    )


def register_reader(user, on: date, owned: tuple[int, ...] = ()) -> tuple:
    """The class of readers who see the same decision register (/vedtak) as `user` on the
    day: what policy.visible_decision_filter and govern.openness depend on. An
    administrator sees every decision; anyone else sees by the bodies where they are
    secretariat and where they read agendas and minutes (who see the exempt cases and
    closed items treated there), and by the `owned` cases whose held-back content they see
    as owners (owned_held_cases); none: a visitor's register."""
    if is_admin(user):
        return ("admin",)
    secretariat = tuple(body_ids_with(user, ("sekretariat",), on))
    readers = tuple(body_ids_with(user, READER_ROLES, on))
    if not secretariat and not readers and not owned:
        return VISITOR
    recused = tuple(sorted(recused_treatment_ids(user)))
    return (
        ("decisions", secretariat, readers)
        + ((tuple(owned),) if owned else ())
        + ((("recused", recused),) if recused else ())
    )
