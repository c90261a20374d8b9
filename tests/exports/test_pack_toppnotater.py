"""The meeting pack holds every toppnotat the meeting page offers, also those of cases whose
toppnotat is not written yet or not registered as a Vedlegg."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

from tests.views.test_openness import log_in
from tests.views.test_pages import meeting_id


def test_every_toppnotat_on_the_meeting_page_is_in_the_pack(client, session, demo_with_accounts):
    log_in(client, "sekretariat@example.no")
    mid = meeting_id(session, "fagradet", "2/26")
    html = client.get(f"/meetings/{mid}").get_data(as_text=True)
    # The cases with no toppnotat Vedlegg: the page offers their toppnotat as a Word link.
    offered = set(re.findall(r"Toppnotat (\d+)/26 <span", html))
    assert offered
    pack = zipfile.ZipFile(BytesIO(client.get(f"/meetings/{mid}/sakspapirer.zip").data))
    in_pack = {m for n in pack.namelist() for m in re.findall(r"Toppnotat (\d+)-26 ", n)}
    assert offered <= in_pack, offered - in_pack
    assert not any("Eventuelt" in n or "Godkjenning" in n for n in pack.namelist())
