"""Openness and confidentiality (offentleglova): who may see what is exempt from public access.

The pure policy for exempt cases, exempt Vedlegg and closed agenda items; members-only
bodies are decided in govern.policy (may_read_body, body_filter), which this module builds on.
Like govern.policy it never imports flask: every channel (pages, documents, the meeting
pack, calendars and feeds, search, the register, the API, e-mail) asks the same functions.

- A case is exempt (unntatt offentlighet) when Case.exempt_basis is set, until it is lifted
  explicitly (the basis cleared) or by date (from Case.exempt_until on). Its full title,
  summary, forslag til vedtak, memo (toppnotat), innspill and vedtak are then internal: seen
  by administrators, by the secretariat and members (READER_ROLES) of a body where the case
  is treated, and by the case's sakseier/saksbehandler (may_see_case). Everybody else sees
  the public title (shown_title) and "Unntatt offentlighet, <basis>" (exemption_text).
- A Vedlegg (Attachment.exempt_basis) can be exempt on its own while its case is public; a
  Vedlegg of a treatment whose content is held back is held back with it (may_see_attachment).
- An agenda item treated in a closed session (Treatment.closed_basis, lukket behandling) has
  its content (summary, forslag til vedtak, memo, innspill, vedtak) shown only to the
  body's readers, administrators and the case's owners; the title follows the case
  (may_see_closed_item). may_see_treatment combines the two for a treatment's content.

- A member the secretariat found inhabil in a case (Recusal, status "inhabil") loses, when
  the body so chooses (Body.recusal_withholds), what he or she sees of that treatment as an
  insider: for it they are a visitor (is_recused). The case's public content stays
  public; its exempt content, a closed item's content and exempt Vedlegg are held back.

The SQL forms (case_content_filter, treatment_content_filter, attachment_filter) are WHERE
clauses for listings, search and the register, the same rules as the functions.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, or_, select, true

from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.models.cases import Case, Treatment
from govern.models.meetings import Attachment, Meeting
from govern.policy import READER_ROLES, body_ids_with, is_admin, is_logged_in

#: What a reader who may not see an exempt case's title is shown when no public title is set
#: (in bokmål, as the database and the API keep it; `_default_title` in the reader's).
DEFAULT_PUBLIC_TITLE = "Unntatt offentlighet"


def _default_title() -> str:
    """DEFAULT_PUBLIC_TITLE in the current language."""
    return _("Unntatt offentlighet")


# -- facts about the objects (no reader) ---------------------------------------------------


def is_exempt(case: Case, on: date | None = None) -> bool:
    """Whether the case is exempt from public access on the day: a basis is set and its
    exempt_until (the day the exemption lifts) has not come."""
    if not case.exempt_basis:
        return False
    on = on or date.today()
    return case.exempt_until is None or on < case.exempt_until


def exemption_text(basis: str | None) -> str:
    """'Unntatt offentlighet, Offl. § 23 første ledd': what stands where content is held back."""
    return _("Unntatt offentlighet, %(basis)s", basis=basis) if basis else _default_title()


def closed_text(basis: str | None) -> str:
    """'Lukket behandling, Offl. § 14': what stands where a closed item's content is held back."""
    return _("Lukket behandling, %(basis)s", basis=basis) if basis else _("Lukket behandling")


def public_title(case: Case) -> str:
    """The title the public sees of an exempt case: its public title, else the default."""
    return case.public_title or _default_title()


# -- the reader's questions ----------------------------------------------------------------


def recused_treatment_ids(reader, on: date | None = None) -> frozenset[int]:
    """The treatments the reader was found inhabil in (whatever the body's setting): read
    from the reader's person (one query per request), so plain objects do in tests. A
    recusal holds for its case whatever the day; `on` is taken like everywhere here."""
    if not is_logged_in(reader):
        return frozenset()
    person = getattr(reader, "person", None)
    return frozenset(
        r.treatment_id for r in getattr(person, "recusals", None) or () if r.status == "inhabil"
    )


def recused_meeting_ids(reader, on: date | None = None) -> frozenset[int]:
    """The meetings with a treatment the reader is recused from (is_recused): their
    calendar events are the public version for the reader."""
    if not is_logged_in(reader) or is_admin(reader):
        return frozenset()
    person = getattr(reader, "person", None)
    return frozenset(
        r.treatment.meeting_id
        for r in getattr(person, "recusals", None) or ()
        if r.status == "inhabil" and r.treatment.meeting_id and r.treatment.body.recusal_withholds
    )


def is_recused(reader, treatment: Treatment, on: date | None = None) -> bool:
    """Whether the reader was found inhabil in the treatment and its body withholds the
    case's internal papers from an inhabil member (Body.recusal_withholds); administrators
    never are."""
    if not is_logged_in(reader) or is_admin(reader) or not treatment.body.recusal_withholds:
        return False
    return treatment.id in recused_treatment_ids(reader)


def _case_of(target) -> Case:
    return target if isinstance(target, Case) else target.case


def _is_owner(reader, case: Case) -> bool:
    person_id = reader.person_id if is_logged_in(reader) else None
    return person_id is not None and person_id in (case.sakseier_id, case.saksbehandler_id)


def is_case_insider(reader, case: Case, on: date | None = None) -> bool:
    """Whether the reader sees the case's internal content whatever its exemption: an
    administrator, a member or secretariat of a body where the case is treated, or the
    case's sakseier/saksbehandler."""
    if not is_logged_in(reader):
        return False
    if is_admin(reader) or _is_owner(reader, case):
        return True
    readers = set(body_ids_with(reader, READER_ROLES, on))
    return any(t.body_id in readers and not is_recused(reader, t) for t in case.treatments)


def may_see_case(reader, case: Case, on: date | None = None) -> bool:
    """Whether the reader may see the case's internal content (full title, summary, forslag
    til vedtak, memo, innspill, vedtak): everybody when the case is not exempt on the day
    (or its exemption has lifted), else the insiders (is_case_insider). Accepts a Case or a
    Treatment (its case). Whether the meeting itself may be read is policy.can's question."""
    case = _case_of(case)
    return not is_exempt(case, on) or is_case_insider(reader, case, on)


def may_see_closed_item(reader, treatment: Treatment, on: date | None = None) -> bool:
    """Whether the reader may see the content of an item treated in a closed session: all
    when the session is open; else administrators, the body's members and secretariat
    (READER_ROLES) and the case's sakseier/saksbehandler."""
    if not treatment.closed_basis:
        return True
    if not is_logged_in(reader):
        return False
    if is_admin(reader) or _is_owner(reader, treatment.case):
        return True
    if is_recused(reader, treatment):
        return False
    return treatment.body_id in body_ids_with(reader, READER_ROLES, on)


def may_see_treatment(reader, treatment: Treatment, on: date | None = None) -> bool:
    """Whether the reader may see a treatment's content: its case may be seen
    (may_see_case) and, if it was treated in a closed session, the closed item too. A
    reader recused from it (is_recused) sees what a visitor sees."""
    if is_recused(reader, treatment):
        return may_see_treatment(None, treatment, on)
    return may_see_case(reader, treatment.case, on) and may_see_closed_item(reader, treatment, on)


def may_see_attachment(reader, attachment: Attachment, on: date | None = None) -> bool:
    """Whether the reader may open a Vedlegg (file, toppnotat or referat) of a meeting they
    may read: not when its treatment's content is held back from them, nor when the Vedlegg
    is exempt on its own unless they are an insider (administrator, member or secretariat
    of the meeting's body, owner of the Vedlegg's case)."""
    treatment = attachment.treatment
    if treatment is not None and not may_see_treatment(reader, treatment, on):
        return False
    if not attachment.exempt_basis:
        return True
    if not is_logged_in(reader):
        return False
    if is_admin(reader) or (treatment is not None and _is_owner(reader, treatment.case)):
        return True
    if treatment is not None and is_recused(reader, treatment):
        return False
    return attachment.meeting.body_id in body_ids_with(reader, READER_ROLES, on)


def shown_title(reader, target, on: date | None = None) -> str:
    """The title to show the reader of a case or a treatment: the full title (a treatment's
    own title in its body, else the case's) when they may see the case, else its public
    title ("Unntatt offentlighet" when none is written)."""
    if isinstance(target, Treatment) and is_recused(reader, target):
        reader = None  # what a visitor sees of a treatment the reader is recused from
    case = _case_of(target)
    if may_see_case(reader, case, on):
        return target.display_title if isinstance(target, Treatment) else case.title
    return public_title(case)


def held_back_text(reader, treatment: Treatment, on: date | None = None) -> str | None:
    """What stands instead of a treatment's content for this reader ("Unntatt offentlighet,
    <basis>" or "Lukket behandling, <basis>"), or None when they may see the content."""
    if is_recused(reader, treatment):
        reader = None
    if not may_see_case(reader, treatment.case, on):
        return exemption_text(treatment.case.exempt_basis)
    if not may_see_closed_item(reader, treatment, on):
        return closed_text(treatment.closed_basis)
    return None


# -- the same questions as SQL, for listings, search and the register --------------------


def _person_id(reader) -> int | None:
    return reader.person_id if is_logged_in(reader) else None


def recused_filter(reader, on: date | None = None):
    """A select of the ids of the treatments the reader is recused from (is_recused), or
    None when there are none (no subquery for everybody else)."""
    ids = recused_treatment_ids(reader) if not is_admin(reader) else frozenset()
    if not ids:
        return None
    return (
        select(Treatment.id)
        .join(Body, Treatment.body_id == Body.id)
        .where(Treatment.id.in_(sorted(ids)), Body.recusal_withholds.is_(True))
    )


def case_content_filter(reader, on: date | None = None):
    """A WHERE clause over Case for cases whose internal content the reader may see: the SQL
    form of may_see_case (public or lifted cases, and the insiders' exempt ones)."""
    if is_admin(reader):
        return true()
    on = on or date.today()
    clauses = [
        Case.exempt_basis.is_(None),
        and_(Case.exempt_until.is_not(None), Case.exempt_until <= on),
    ]
    person_id = _person_id(reader)
    if person_id is not None:
        clauses += [Case.sakseier_id == person_id, Case.saksbehandler_id == person_id]
    readers = body_ids_with(reader, READER_ROLES, on)
    if readers:
        treated = select(Treatment.case_id).where(Treatment.body_id.in_(readers))
        recused = recused_filter(reader)
        if recused is not None:
            treated = treated.where(Treatment.id.not_in(recused))
        clauses.append(Case.id.in_(treated))
    return or_(*clauses)


def case_seen_filter(reader, on: date | None = None):
    """A WHERE clause over Treatment (no join needed): case_content_filter holds for the
    treatment's case. The case is looked up by its key for each treatment, so a page of
    treatments costs its rows, not every case there is (as an IN over the visible cases'
    ids would)."""
    if is_admin(reader):
        return true()
    return exists(
        select(Case.id).where(Case.id == Treatment.case_id, case_content_filter(reader, on))
    ).correlate(Treatment)


def treatment_content_filter(reader, on: date | None = None):
    """A WHERE clause over Treatment (no join needed) for treatments whose content the reader
    may see: the SQL form of may_see_treatment (the case's exemption and the closed item).
    Search and the register add it so that nothing held back matches or is listed."""
    if is_admin(reader):
        return true()
    open_item = [Treatment.closed_basis.is_(None)]
    readers = body_ids_with(reader, READER_ROLES, on)
    if readers:
        open_item.append(Treatment.body_id.in_(readers))
    person_id = _person_id(reader)
    if person_id is not None:
        owned = select(Case.id).where(
            or_(Case.sakseier_id == person_id, Case.saksbehandler_id == person_id)
        )
        open_item.append(Treatment.case_id.in_(owned))
    insider = and_(case_seen_filter(reader, on), or_(*open_item))
    recused = recused_filter(reader)
    if recused is None:
        return insider
    # A treatment the reader is recused from: what a visitor sees of it.
    return or_(and_(Treatment.id.not_in(recused), insider), treatment_content_filter(None, on))


def attachment_filter(reader, on: date | None = None):
    """A WHERE clause over Attachment for the Vedlegg the reader may open (of meetings they
    may read): the SQL form of may_see_attachment."""
    if is_admin(reader):
        return true()
    visible_treatments = select(Treatment.id).where(treatment_content_filter(reader, on))
    follows = or_(
        Attachment.treatment_id.is_(None), Attachment.treatment_id.in_(visible_treatments)
    )
    own = [Attachment.exempt_basis.is_(None)]
    readers = body_ids_with(reader, READER_ROLES, on)
    if readers:
        in_body = select(Meeting.id).where(Meeting.body_id.in_(readers))
        recused = recused_filter(reader)
        if recused is None:
            own.append(Attachment.meeting_id.in_(in_body))
        else:
            not_recused = or_(
                Attachment.treatment_id.is_(None), Attachment.treatment_id.not_in(recused)
            )
            own.append(and_(Attachment.meeting_id.in_(in_body), not_recused))
    person_id = _person_id(reader)
    if person_id is not None:
        owned = (
            select(Treatment.id)
            .join(Case, Treatment.case_id == Case.id)
            .where(or_(Case.sakseier_id == person_id, Case.saksbehandler_id == person_id))
        )
        own.append(Attachment.treatment_id.in_(owned))
    return and_(follows, or_(*own))
