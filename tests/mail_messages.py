"""The messages the mail queue delivered to the SMTP test server, read back for assertions."""

from __future__ import annotations

import icalendar
import vobject

from govern.services.mail import send_queued


def arrived(app, session, smtp_server) -> list[tuple]:
    """Send the queue; (to, subject, text, method, calendar) per message that arrived, by
    address. Each calendar part is validated by vobject and parsed by icalendar."""
    start = len(smtp_server.envelopes)
    send_queued(session, app.config, commit=session.commit)
    out = []
    for message in smtp_server.messages()[start:]:
        text, method, calendar = None, None, None
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                text = part.get_content()
            elif part.get_content_type() == "text/calendar":
                method = part.get_param("method")
                raw = part.get_content()
                vobject.readOne(raw, validate=True)
                calendar = icalendar.Calendar.from_ical(raw)
        to = message["To"].addresses[0].addr_spec
        out.append((to, str(message["Subject"]), text, method, calendar))
    return sorted(out, key=lambda m: m[0])
