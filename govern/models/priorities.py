"""The prioritisation model for joint measures: rounds, their questions, measures and scores.

A round belongs to a body. Measures pass two entry gates (fits the goals; maturity phase 2–4
of five) before participants score them 0–10 on the questions under three equally weighted
criteria. The arithmetic lives in govern.domain.priority_scoring.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.i18n import lazy_gettext
from govern.models.base import Base, UTCDateTime, in_check, utcnow
from govern.models.bodies import Body
from govern.models.people import Person

ROUND_STATUSES = ("åpen", "lukket")
#: The rounds' statuses as the pages show them (the stored values stay as they are).
ROUND_STATUS_LABELS = {"åpen": lazy_gettext("åpen"), "lukket": lazy_gettext("lukket")}
#: The three criteria, equally weighted, in the order they are shown.
CRITERIA = ("måloppnåelse", "kostnader", "nytte")
CRITERION_LABELS = {
    "måloppnåelse": lazy_gettext("Måloppnåelse"),
    "kostnader": lazy_gettext("Kostnader"),
    "nytte": lazy_gettext("Nytte"),
}
#: The five phases of the value chain for national e-health solutions; 2–4 pass the gate.
PHASES = {
    1: "idé",
    2: "konsept",
    3: "planlegging",
    4: "gjennomføring",
    5: "gevinstrealisering",
}


class PrioritisationRound(Base):
    """One prioritisation round of a body: its questions, measures and scores."""

    __tablename__ = "prioritisation_rounds"
    __table_args__ = (CheckConstraint(in_check("status", ROUND_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="åpen")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship()
    questions: Mapped[list[PriorityQuestion]] = relationship(
        back_populates="round",
        cascade="all, delete-orphan",
        order_by="(PriorityQuestion.criterion_order, PriorityQuestion.position)",
    )
    measures: Mapped[list[Measure]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Measure.position"
    )

    def __repr__(self) -> str:
        return f"<PrioritisationRound {self.id} {self.title!r}>"


class PriorityQuestion(Base):
    """A question under one criterion; its position is its number within the criterion."""

    __tablename__ = "priority_questions"
    __table_args__ = (
        CheckConstraint(in_check("criterion", CRITERIA), name="criterion"),
        UniqueConstraint("round_id", "criterion", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("prioritisation_rounds.id", ondelete="CASCADE"), index=True
    )
    criterion: Mapped[str] = mapped_column(String(20))
    #: 0, 1, 2 for the criteria in CRITERIA order; kept so rows sort without a CASE.
    criterion_order: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    #: The "benefit to patients" question: its mean breaks ties between equal totals.
    patient_benefit: Mapped[bool] = mapped_column(Boolean, default=False)

    round: Mapped[PrioritisationRound] = relationship(back_populates="questions")

    @property
    def label(self) -> str:
        """'M1', 'K2', 'N3': the short name used in the score grid and the import file."""
        return f"{self.criterion[0].upper()}{self.position}"

    def __repr__(self) -> str:
        return f"<PriorityQuestion {self.label}>"


class Measure(Base):
    """A measure (tiltak) in a round, with its entry gates."""

    __tablename__ = "priority_measures"
    __table_args__ = (
        UniqueConstraint("round_id", "code"),
        CheckConstraint("phase BETWEEN 1 AND 5", name="phase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("prioritisation_rounds.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Short code as in the seed: LM, JD-1, KI-1 …
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(400))
    description: Mapped[str] = mapped_column(Text, default="")
    fits_goals: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Maturity phase 1–5 (PHASES); 2–4 pass the gate.
    phase: Mapped[int] = mapped_column(Integer, default=2)
    #: The assessment's own words on the gates (optional, shown next to the computed reason).
    gate_note: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[PrioritisationRound] = relationship(back_populates="measures")
    scores: Mapped[list[Score]] = relationship(
        back_populates="measure", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Measure {self.code}>"


class Score(Base):
    """One participant's score 0–10 for one measure on one question."""

    __tablename__ = "priority_scores"
    __table_args__ = (
        UniqueConstraint("measure_id", "participant", "question_id"),
        CheckConstraint("value BETWEEN 0 AND 10", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("priority_measures.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("priority_questions.id", ondelete="CASCADE"), index=True
    )
    #: The participant's name as shown; person_id when the participant is a known person.
    participant: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    value: Mapped[int] = mapped_column(Integer)

    measure: Mapped[Measure] = relationship(back_populates="scores")
    question: Mapped[PriorityQuestion] = relationship()
    person: Mapped[Person | None] = relationship()

    def __repr__(self) -> str:
        return f"<Score {self.participant} {self.measure_id}/{self.question_id}={self.value}>"
