"""The govern app for bench_pack_memory.py: its instance folder (uploads, written packs) in
a temporary directory, and the meeting pack also served as it was before it was written to
a file (built whole in memory), so both can be measured under the same server."""

from __future__ import annotations

import os
from dataclasses import replace
from hashlib import sha256
from io import BytesIO

from flask import send_file

from govern import create_app
from govern.exports.pack import build_meeting_pack
from govern.views import documents

app = create_app()
app.instance_path = os.environ["GOVERN_BENCH_INSTANCE"]


@app.get("/bench/meetings/<int:meeting_id>/in-memory.zip")
def pack_in_memory(meeting_id: int):
    """The pack as the download route built it before: every upload read into memory."""
    meeting = documents._meeting(meeting_id)
    sources = documents._sources(meeting)
    content = build_meeting_pack(meeting, replace(sources, file_path=None))
    return send_file(
        BytesIO(content),
        mimetype="application/zip",
        as_attachment=True,
        download_name="sakspapirer.zip",
        etag=sha256(content).hexdigest()[:40],
        max_age=0,
    )
