"""All models, importable from one place."""

from govern.models.accounts import ApiToken, LoginFailure, LoginLock, PasswordToken, User
from govern.models.answers import Absence, MeetingAnswer
from govern.models.archive import ArchivePackage
from govern.models.audit import AuditEntry
from govern.models.base import Base
from govern.models.bodies import Body, Membership
from govern.models.cases import Case, Treatment, TreatmentInput
from govern.models.changes import (
    ChangeRequest,
    ChangeRequestEvent,
    MaintenanceBudget,
    ProductArea,
    Release,
)
from govern.models.cycles import Cycle, CycleEntry, DeadlineMark
from govern.models.files import StoredFile, StoredFileChunk
from govern.models.followups import FollowUp
from govern.models.mail import MeetingInvitation, OutgoingMail
from govern.models.meetings import AgendaItem, Attachment, Attendance, Meeting, MeetingDay
from govern.models.memos import Memo, MemoSection
from govern.models.minutes import MinutesComment, MinutesRevision, MinutesSending
from govern.models.numbering import NumberCounter
from govern.models.openness import ExemptionBasis
from govern.models.people import Organisation, Person
from govern.models.priorities import (
    Measure,
    PrioritisationRound,
    PriorityQuestion,
    Score,
)
from govern.models.recusals import Recusal
from govern.models.revision import DataRevision, ScopeRevision
from govern.models.submissions import CaseSubmission, PageVisit, SubmissionFile

__all__ = [
    "Absence",
    "AgendaItem",
    "ApiToken",
    "ArchivePackage",
    "Attachment",
    "Attendance",
    "AuditEntry",
    "Base",
    "Body",
    "Case",
    "CaseSubmission",
    "ChangeRequest",
    "ChangeRequestEvent",
    "Cycle",
    "CycleEntry",
    "DataRevision",
    "DeadlineMark",
    "ExemptionBasis",
    "FollowUp",
    "LoginFailure",
    "LoginLock",
    "MaintenanceBudget",
    "Measure",
    "Meeting",
    "MeetingAnswer",
    "MeetingDay",
    "MeetingInvitation",
    "Memo",
    "MemoSection",
    "Membership",
    "MinutesComment",
    "MinutesRevision",
    "MinutesSending",
    "NumberCounter",
    "Organisation",
    "PageVisit",
    "OutgoingMail",
    "PasswordToken",
    "Person",
    "PrioritisationRound",
    "PriorityQuestion",
    "Score",
    "ScopeRevision",
    "StoredFile",
    "StoredFileChunk",
    "SubmissionFile",
    "ProductArea",
    "Recusal",
    "Release",
    "Treatment",
    "TreatmentInput",
    "User",
]
