"""The endringsråd's product area: roadmap, releases, budget and change requests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.models.base import Base, UTCDateTime, in_check, utcnow
from govern.models.bodies import Body
from govern.models.cases import Treatment
from govern.models.people import Organisation, Person

CHANGE_STATUSES = (
    "registrert",
    "vurdert",
    "prioritert",
    "planlagt",
    "levert",
    "avvist",
    "eskalert",
)
#: The statuses as the pages show them (the stored values stay as they are).
STATUS_LABELS = {
    "registrert": lazy_gettext("Registrert"),
    "vurdert": lazy_gettext("Vurdert"),
    "prioritert": lazy_gettext("Prioritert"),
    "planlagt": lazy_gettext("Planlagt i utgivelse"),
    "levert": lazy_gettext("Levert"),
    "avvist": lazy_gettext("Avvist"),
    "eskalert": lazy_gettext("Eskalert"),
}
CLASSIFICATIONS = ("utviklet", "konfigurasjon")
CLASSIFICATION_LABELS = {
    "utviklet": lazy_gettext("Utviklet funksjonalitet"),
    "konfigurasjon": lazy_gettext("Konfigurasjon/rapport/arbeidsflyt"),
}
RELEASE_STATUSES = ("planlagt", "levert", "utsatt")
RELEASE_STATUS_LABELS = {
    "planlagt": lazy_gettext("planlagt"),
    "levert": lazy_gettext("levert"),
    "utsatt": lazy_gettext("utsatt"),
}
#: Hourly rate used when a request is estimated in hours only (NOK per hour).
DEFAULT_HOURLY_RATE = 1400


def change_status_label(status: str | None) -> str:
    """A request's status as the reader's language shows it ('' for none)."""
    return str(STATUS_LABELS[status]) if status in STATUS_LABELS else (status or "")


def release_status_label(status: str | None) -> str:
    return str(RELEASE_STATUS_LABELS[status]) if status in RELEASE_STATUS_LABELS else (status or "")


class ProductArea(Base):
    """The product area (produktområde) an endringsråd owns."""

    __tablename__ = "product_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(
        ForeignKey("bodies.id", ondelete="CASCADE"), unique=True, index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The roadmap, one line per entry: "2026 H1: Title".
    roadmap: Mapped[str] = mapped_column(Text, default="")
    #: NOK per hour when a request's estimate is given in hours only.
    hourly_rate: Mapped[int] = mapped_column(Integer, default=DEFAULT_HOURLY_RATE)
    #: Prefix of the requests' numbers ("EØ" gives EØ-014).
    prefix: Mapped[str] = mapped_column(String(10), default="EØ")

    body: Mapped[Body] = relationship()
    releases: Mapped[list[Release]] = relationship(
        back_populates="area",
        order_by="(Release.planned_on, Release.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    budgets: Mapped[list[MaintenanceBudget]] = relationship(
        back_populates="area",
        order_by="MaintenanceBudget.year",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def roadmap_lines(self) -> list[tuple[str, str]]:
        """The roadmap as (period, title) pairs."""
        rows = []
        for line in self.roadmap.splitlines():
            if line.strip():
                period, sep, title = line.partition(":")
                rows.append((period.strip(), title.strip()) if sep else ("", line.strip()))
        return rows

    def __repr__(self) -> str:
        return f"<ProductArea {self.name!r}>"


class Release(Base):
    """A planned release (utgivelse) in the product area's release plan."""

    __tablename__ = "releases"
    __table_args__ = (
        UniqueConstraint("area_id", "name"),
        CheckConstraint(in_check("status", RELEASE_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(
        ForeignKey("product_areas.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    planned_on: Mapped[date] = mapped_column(Date)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planlagt")

    area: Mapped[ProductArea] = relationship(back_populates="releases")

    def __repr__(self) -> str:
        return f"<Release {self.name!r}>"


class MaintenanceBudget(Base):
    """The yearly maintenance budget (vedlikeholdsvederlag) of a product area, in NOK."""

    __tablename__ = "maintenance_budgets"
    __table_args__ = (
        UniqueConstraint("area_id", "year"),
        CheckConstraint("amount_nok >= 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(
        ForeignKey("product_areas.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    amount_nok: Mapped[int] = mapped_column(Integer)

    area: Mapped[ProductArea] = relationship(back_populates="budgets")

    def __repr__(self) -> str:
        return f"<MaintenanceBudget {self.year} {self.amount_nok}>"


class ChangeRequest(Base):
    """A change request (endringsønske) submitted by a region."""

    __tablename__ = "change_requests"
    __table_args__ = (
        UniqueConstraint("area_id", "seq"),
        CheckConstraint(in_check("status", CHANGE_STATUSES), name="status"),
        CheckConstraint(in_check("classification", CLASSIFICATIONS), name="classification"),
        CheckConstraint(
            "status NOT IN ('planlagt', 'levert') OR release_id IS NOT NULL", name="release"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(
        ForeignKey("product_areas.id", ondelete="CASCADE"), index=True
    )
    #: Sequence number within the area: EØ-014.
    seq: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    need: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    submitted_on: Mapped[date] = mapped_column(Date)
    classification: Mapped[str] = mapped_column(String(20))
    #: Required by law or regulation (myndighetskrav).
    statutory: Mapped[bool] = mapped_column(Boolean, default=False)
    estimate_hours: Mapped[int | None] = mapped_column(Integer)
    estimate_nok: Mapped[int | None] = mapped_column(Integer)
    #: The budget year the request counts against.
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="registrert")
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id", ondelete="RESTRICT"))
    #: Position in the prioritised backlog (1 = first); empty until ranked.
    rank: Mapped[int | None] = mapped_column(Integer)
    #: The produktråd's treatment of the request when it was escalated.
    escalation_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatments.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    area: Mapped[ProductArea] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    submitted_by: Mapped[Person | None] = relationship()
    release: Mapped[Release | None] = relationship()
    escalation: Mapped[Treatment | None] = relationship()
    events: Mapped[list[ChangeRequestEvent]] = relationship(
        back_populates="request",
        order_by="(ChangeRequestEvent.at, ChangeRequestEvent.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def number(self) -> str:
        """The request's number as users quote it: 'EØ-014'."""
        return f"{self.area.prefix}-{self.seq:03d}"

    @property
    def cost_nok(self) -> int:
        """What the request counts against the budget: NOK, or hours at the area's rate."""
        if self.estimate_nok is not None:
            return self.estimate_nok
        if self.estimate_hours is not None:
            return self.estimate_hours * self.area.hourly_rate
        return 0

    @property
    def status_label(self) -> str:
        return change_status_label(self.status)

    @property
    def classification_label(self) -> str:
        return str(CLASSIFICATION_LABELS[self.classification])

    def __repr__(self) -> str:
        return f"<ChangeRequest {self.seq} {self.status}>"


class ChangeRequestEvent(Base):
    """One line of a change request's history."""

    __tablename__ = "change_request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("change_requests.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Who made the change, as shown in the history.
    actor: Mapped[str] = mapped_column(String(200), default="")
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    #: The treatment (meeting decision) where this was decided.
    treatment_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatments.id", ondelete="SET NULL")
    )

    request: Mapped[ChangeRequest] = relationship(back_populates="events")
    treatment: Mapped[Treatment | None] = relationship()

    @property
    def from_meeting(self) -> bool:
        """Written from a meeting's decision (names the treatment) without changing the status.

        Its to_status, if any, is the status the meeting decided: it takes effect when the
        meeting's minutes are approved (services.change_outcomes), as a later status event.
        """
        return self.from_status is None and self.treatment is not None

    @property
    def change_label(self) -> str:
        """The change as the history shows it: 'Vurdert → Prioritert', 'Vedtatt: Avvist' …"""
        if self.from_meeting:
            return (
                _("Vedtatt: %(status)s", status=change_status_label(self.to_status))
                if self.to_status
                else ""
            )
        if self.from_status and self.to_status:
            return (
                f"{change_status_label(self.from_status)} → {change_status_label(self.to_status)}"
            )
        return change_status_label(self.to_status)

    @property
    def decided_in(self) -> str:
        """The body, meeting and case number it was decided in: 'Produktrådet, møte 1/26, sak 3/26'."""
        t = self.treatment
        if t is None:
            return ""
        if t.meeting is None:
            return _("%(body)s, sak %(case)s", body=t.body.short_name, case=t.number)
        return _(
            "%(body)s, møte %(meeting)s, sak %(case)s",
            body=t.body.short_name,
            meeting=t.meeting.number,
            case=t.number,
        )

    def __repr__(self) -> str:
        return f"<ChangeRequestEvent {self.from_status}->{self.to_status}>"
