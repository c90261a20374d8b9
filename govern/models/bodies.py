"""Bodies (råd og utvalg) and their memberships over time."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.i18n import LANGUAGE_TAGS
from govern.i18n import lazy_gettext as _l
from govern.models.base import Base, in_check
from govern.models.people import Person

if TYPE_CHECKING:
    from govern.models.meetings import Meeting

BODY_KINDS = ("fagråd", "produktråd", "endringsråd", "nasjonalt råd", "utvalg", "annet")
BODY_STATUSES = ("Planlagt", "Under etablering", "Etablert")
#: When the previous meeting's minutes are approved (and locked): when the approving meeting
#: is marked held, or when that meeting's own minutes are sent to the members.
MINUTES_APPROVAL_RULES = ("held", "minutes_sent")
MINUTES_APPROVAL_LABELS = {
    "held": _l("Når møtet som godkjenner, er merket som gjennomført"),
    "minutes_sent": _l("Når referatet fra møtet som godkjenner, er sendt til medlemmene"),
}
#: The quorum rules a deciding body may have ("" is none): of the members with voting right
#: (leder, nestleder, medlem), how many must be present, a vara counting for the member.
QUORUM_RULES = {
    "": _l("Ingen regel om beslutningsdyktighet"),
    "over_half": _l("Mer enn halvparten av medlemmene med stemmerett"),
    "half": _l("Minst halvparten av medlemmene med stemmerett"),
    "two_thirds": _l("Minst to tredjedeler av medlemmene med stemmerett"),
}
#: The language a body writes its documents in (innkalling, referat, toppnotat), and the
#: language tag Word gets for it.
DOCUMENT_LANGUAGES = {"nb": _l("Bokmål"), "nn": _l("Nynorsk")}
ROLES = ("leder", "nestleder", "medlem", "vara", "observatør", "sekretariat")
#: Order in which roles are listed on a body's page.
ROLE_ORDER = {role: i for i, role in enumerate(ROLES)}
#: The roles' headings on a body's page (plural where a role has many).
ROLE_LABELS = {
    "leder": _l("Leder"),
    "nestleder": _l("Nestleder"),
    "medlem": _l("Medlemmer"),
    "vara": _l("Vara"),
    "observatør": _l("Observatører"),
    "sekretariat": _l("Sekretariat"),
}
#: One role, as a word in a sentence ("lagt til som medlem"); the stored value is the key.
ROLE_NAMES = {
    "leder": _l("leder"),
    "nestleder": _l("nestleder"),
    "medlem": _l("medlem"),
    "vara": _l("vara"),
    "observatør": _l("observatør"),
    "sekretariat": _l("sekretariat"),
}
#: The display names of the stored kinds and statuses of a body.
BODY_KIND_NAMES = {
    "fagråd": _l("fagråd"),
    "produktråd": _l("produktråd"),
    "endringsråd": _l("endringsråd"),
    "nasjonalt råd": _l("nasjonalt råd"),
    "utvalg": _l("utvalg"),
    "annet": _l("annet"),
}
BODY_STATUS_NAMES = {
    "Planlagt": _l("Planlagt"),
    "Under etablering": _l("Under etablering"),
    "Etablert": _l("Etablert"),
}


def role_name(role: str) -> str:
    """A role's name in the current language (the stored value if it is not known)."""
    name = ROLE_NAMES.get(role)
    return str(name) if name is not None else role


class Body(Base):
    __tablename__ = "bodies"
    __table_args__ = (
        CheckConstraint(in_check("kind", BODY_KINDS), name="kind"),
        CheckConstraint(in_check("status", BODY_STATUSES), name="status"),
        CheckConstraint(
            in_check("minutes_approved_when", MINUTES_APPROVAL_RULES), name="minutes_approved_when"
        ),
        CheckConstraint(
            "escalates_to_id IS NULL OR escalates_to_id <> id", name="no_self_escalation"
        ),
        CheckConstraint(in_check("quorum_rule", tuple(QUORUM_RULES)), name="quorum_rule"),
        CheckConstraint(
            in_check("document_language", tuple(DOCUMENT_LANGUAGES)), name="document_language"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30), default="Etablert")
    mandate: Mapped[str] = mapped_column(Text, default="")
    #: Meetings of an external body are not run in govern; its treatments are entered by hand.
    external: Mapped[bool] = mapped_column(Boolean, default=False)
    escalates_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("bodies.id", ondelete="SET NULL")
    )
    #: The body's rule for when a Godkjenning vedtak approves the previous minutes: "held"
    #: (the approving meeting is marked gjennomført) or "minutes_sent" (its own minutes sent).
    minutes_approved_when: Mapped[str] = mapped_column(
        String(20), default="held", server_default="held"
    )
    #: Nothing of a members-only body is public (its meetings, change requests, prioritisation
    #: rounds, documents): only its members, its secretariat and administrators read it.
    members_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: When the body is beslutningsdyktig (a key of QUORUM_RULES; "" for no rule).
    quorum_rule: Mapped[str] = mapped_column(String(20), default="", server_default="")
    #: A member found inhabil in a case loses access to its internal papers (govern.openness).
    recusal_withholds: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The language of the body's documents: "nb" (bokmål) or "nn" (nynorsk).
    document_language: Mapped[str] = mapped_column(String(2), default="nb", server_default="nb")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    escalates_to: Mapped[Body | None] = relationship(remote_side=[id])
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="body", cascade="all, delete-orphan", passive_deletes=True
    )
    meetings: Mapped[list[Meeting]] = relationship(back_populates="body", passive_deletes=True)

    @property
    def language_tag(self) -> str:
        """The language Word is told the body's documents are in: nb-NO or nn-NO."""
        return LANGUAGE_TAGS.get(self.document_language or "nb", "nb-NO")

    @property
    def title(self) -> str:
        """'Full name (Short name)' as in the documents' header."""
        if self.short_name and self.short_name != self.name:
            if self.name.endswith(f"({self.short_name})"):
                return self.name
            return f"{self.name} ({self.short_name})"
        return self.name

    def __repr__(self) -> str:
        return f"<Body {self.slug}>"


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint(in_check("role", ROLES), name="role"),
        CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="period"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date | None] = mapped_column(Date)
    #: Last day of the membership (inclusive); open-ended when empty.
    ends_on: Mapped[date | None] = mapped_column(Date)
    #: For a vara: the member this person stands in for.
    deputy_for_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    body: Mapped[Body] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(back_populates="memberships", foreign_keys=[person_id])
    deputy_for: Mapped[Person | None] = relationship(foreign_keys=[deputy_for_id])

    def active_on(self, day: date) -> bool:
        """True if the membership covers the given day."""
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )

    def __repr__(self) -> str:
        return f"<Membership {self.person_id} {self.role} in {self.body_id}>"
