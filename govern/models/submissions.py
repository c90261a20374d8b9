"""Cases submitted to a body by its members and case owners (innmelding av saker), and the
last time a person looked at "Mine møter".

A submission is the submitter's proposal, never public: the secretariat accepts it onto an
agenda (it is then a case with its number, through the agenda service, and public by that
meeting's rules) or declines it with a reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.i18n import lazy_gettext
from govern.models.base import Base, UTCDateTime, in_check, utcnow
from govern.models.cases import SAKSTYPER, sakstype_label
from govern.models.people import Person

if TYPE_CHECKING:
    from govern.models.bodies import Body
    from govern.models.cases import Treatment
    from govern.models.meetings import Meeting

#: innmeldt: waiting for the secretariat; akseptert: on an agenda; avvist: declined.
SUBMISSION_STATUSES = ("innmeldt", "akseptert", "avvist")
STATUS_LABELS = {
    "innmeldt": lazy_gettext("Til behandling"),
    "akseptert": lazy_gettext("Satt på dagsorden"),
    "avvist": lazy_gettext("Avvist"),
}


class CaseSubmission(Base):
    """A case a member or case owner has asked a body to treat."""

    __tablename__ = "case_submissions"
    __table_args__ = (
        CheckConstraint(in_check("status", SUBMISSION_STATUSES), name="status"),
        CheckConstraint(in_check("sakstype", SAKSTYPER), name="sakstype"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    submitter_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(Text)
    #: The sakstype the submitter asks for; the secretariat may choose another.
    sakstype: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    proposed_decision: Mapped[str] = mapped_column(Text, default="")
    #: The meeting asked for (None: the first one the secretariat finds room in).
    wanted_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(10), default="innmeldt", index=True)
    #: Why the secretariat declined it (shown to the submitter and in the e-mail).
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    #: The treatment it became when accepted.
    treatment_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatments.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    body: Mapped[Body] = relationship()
    submitter: Mapped[Person] = relationship(foreign_keys=[submitter_id])
    decided_by: Mapped[Person | None] = relationship(foreign_keys=[decided_by_id])
    wanted_meeting: Mapped[Meeting | None] = relationship()
    treatment: Mapped[Treatment | None] = relationship()
    files: Mapped[list[SubmissionFile]] = relationship(
        back_populates="submission",
        order_by="SubmissionFile.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def sakstype_label(self) -> str:
        return sakstype_label(self.sakstype)

    def __repr__(self) -> str:
        return f"<CaseSubmission {self.id} {self.status} {self.title[:30]!r}>"


class SubmissionFile(Base):
    """A file sent with a submission; it becomes a Vedlegg (a copy) when accepted."""

    __tablename__ = "submission_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("case_submissions.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    submission: Mapped[CaseSubmission] = relationship(back_populates="files")

    def __repr__(self) -> str:
        return f"<SubmissionFile {self.filename!r}>"


class PageVisit(Base):
    """When a person last looked at a personal page ("Mine møter"), to show what is new.

    Bookkeeping: a visit changes no page anyone else sees, so it leaves the page caches be.
    """

    __tablename__ = "page_visits"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    page: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: The last time the page was shown.
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: What counts as new: changes after this (the end of the visit before this one).
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<PageVisit {self.user_id} {self.page}>"
