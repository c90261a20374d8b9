"""A meeting whose minutes are approved is locked: the pages the secretariat reaches from it
show no form that would only be refused (offentlighet may still change: it is about access,
not the record)."""

from __future__ import annotations

import re

from sqlalchemy import select

from govern.models import Body, Meeting
from tests.services.test_exchange import approve_demo_january
from tests.views.test_openness import log_in

#: Forms that stay on purpose: access to a case may change after approval; the profile.
ALLOWED = ("/offentlighet", "/profile")


def test_pages_of_a_locked_meeting_show_no_forms(client, session, demo_with_accounts):
    approve_demo_january(session)
    session.commit()
    log_in(client, "sekretariat@example.no")
    january = session.scalar(
        select(Meeting).join(Body).where(Body.slug == "fagradet", Meeting.seq == 1)
    )
    assert january.minutes_locked
    html = client.get(f"/meetings/{january.id}").get_data(as_text=True)
    links = set(re.findall(r'href="(/[^"#]*)"', html))
    pages = {u for u in links if u.startswith(("/meetings/", "/treatments/", "/agenda-items/"))}
    pages -= {u for u in pages if re.search(r"\.(docx|zip|ics|json)$", u)}
    assert len(pages) > 10
    for url in sorted(pages):
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.mimetype:
            continue
        forms = [
            tag
            for tag in re.findall(r"<form[^>]*>", response.get_data(as_text=True))
            if 'method="post"' in tag and "logout" not in tag
        ]
        if not url.endswith(ALLOWED):
            assert forms == [], f"{url} shows {forms}"
