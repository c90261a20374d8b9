"""A meeting's `minutes_sendings` in the exchange export (the sendings of its minutes to the
members and the comments on each draft); the inverse of services.exchange_minutes."""

from __future__ import annotations

from typing import Any

from govern.models.meetings import Meeting
from govern.models.minutes import MinutesComment, MinutesSending


def build_minutes_sendings(meeting: Meeting) -> list[dict[str, Any]]:
    return [_sending(s) for s in meeting.minutes_sendings]


def _sending(sending: MinutesSending) -> dict[str, Any]:
    values = {
        "kind": sending.kind,
        "sent_at": sending.sent_at.isoformat(),
        "deadline": sending.deadline.isoformat() if sending.deadline else None,
        "recipients": sending.recipients or None,
        "comments": [_comment(c) for c in sending.comments],
    }
    return {k: v for k, v in values.items() if v not in (None, "", [])}


def _comment(comment: MinutesComment) -> dict[str, Any]:
    values = {
        "person": comment.person.name,
        "case": comment.treatment.number if comment.treatment else None,
        "text": comment.text,
        "at": comment.created_at.isoformat(),
        "status": comment.status if comment.status != "ny" else None,
        "answer": comment.answer,
        "answered_at": comment.answered_at.isoformat() if comment.answered_at else None,
    }
    return {k: v for k, v in values.items() if v not in (None, "")}
