"""The `submissions` section of the exchange format: cases members submitted (innmelding av
saker) with their files, and the secretariat's answer (accepted onto an agenda as a case
number, or declined with the reason); the inverse of exports.exchange_submissions."""

from __future__ import annotations

from sqlalchemy import select

from govern.i18n import gettext as _
from govern.models.meetings import Meeting
from govern.models.submissions import SUBMISSION_STATUSES, CaseSubmission, SubmissionFile
from govern.services.attachments import FILE_TYPES
from govern.services.exchange_files import import_file
from govern.services.exchange_reader import ExchangeError, ImportContext, Node
from govern.services.numbering import parse_number
from govern.services.submission_rules import SUBMITTED_SAKSTYPER

SUBMISSION_KEYS = {
    "body", "submitter", "title", "sakstype", "summary", "proposed_decision", "wanted_meeting",
    "submitted_at", "status", "decline_reason", "decided_at", "decided_by", "case_number",
    "files",
}  # fmt: skip


def import_submissions(importer: ImportContext, root: Node, files) -> None:
    for node in root.items("submissions", SUBMISSION_KEYS):
        _submission(importer, node, files)
    importer.session.flush()


def _submission(importer: ImportContext, node: Node, files) -> None:
    body = importer.body_ref(node, "body")
    status = node.choice("status", SUBMISSION_STATUSES, "innmeldt")
    reason = node.text("decline_reason", required=False)
    if (status == "avvist") != bool(reason):
        raise ExchangeError(
            _("en avvist sak trenger en begrunnelse, og bare den har en"),
            field=node.where("decline_reason" if reason else "status"),
        )
    if (status == "akseptert") != node.has("case_number"):
        raise ExchangeError(
            _("en akseptert sak har saksnummeret den fikk på dagsordenen, og bare den har et"),
            field=node.where("case_number" if node.has("case_number") else "status"),
        )
    submission = CaseSubmission(
        body=body,
        submitter=importer.person_ref(node, "submitter"),
        title=node.text("title"),
        sakstype=node.choice("sakstype", SUBMITTED_SAKSTYPER),
        summary=node.text("summary", required=False),
        proposed_decision=node.text("proposed_decision", required=False),
        wanted_meeting=_meeting(importer, node, body) if node.has("wanted_meeting") else None,
        created_at=node.moment("submitted_at"),
        status=status,
        decline_reason=reason,
        decided_at=node.moment("decided_at") if node.has("decided_at") else None,
        decided_by=importer.person_ref(node, "decided_by", required=False),
        treatment=importer.treatment_ref(node) if status == "akseptert" else None,
    )
    importer.session.add(submission)
    for i, entry in enumerate(node.array("files")):
        owner = SubmissionFile(content_type="")
        holder = Node({"file": entry}, f"{node.where('files')}[{i}]", {"file"})
        import_file(files, holder, owner, tuple(FILE_TYPES))
        submission.files.append(owner)


def _meeting(importer: ImportContext, node: Node, body) -> Meeting:
    number = node.text("wanted_meeting")
    seq, yy = importer.call(node, parse_number, number, field="wanted_meeting")
    meeting = importer.session.scalar(
        select(Meeting).where(
            Meeting.body_id == body.id, Meeting.seq == seq, Meeting.year == 2000 + yy
        )
    )
    if meeting is None:
        raise ExchangeError(
            _("%(body)s har ikke møte %(number)s", body=body.short_name, number=number),
            field=node.where("wanted_meeting"),
        )
    return meeting
