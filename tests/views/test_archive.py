"""The secretariat makes the archive package on the meeting page once the minutes are approved,
downloads it as /meetings/<id>/arkivpakke.zip, sees when and by whom it was made, and is
offered a new one after a correction of the minutes. (PDF/A rendering is replaced by a
stand-in here; tests/exports/test_arkivmelding.py renders with LibreOffice.)"""

from __future__ import annotations

import hashlib
import json
import zipfile
from io import BytesIO

import pytest
from sqlalchemy import select

from govern.models import ArchivePackage, Meeting
from govern.services import archive
from govern.services.accounts import DEMO_PASSWORD
from tests.exports.test_arkivmelding import _correct, fake_render
from tests.services.test_exchange import approve_demo_january
from tests.views.test_pages import meeting_id, text_of


def login(client, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def secretariat(app, client, session, demo_with_accounts, tmp_path, monkeypatch):  # noqa: F811
    app.instance_path = str(tmp_path)
    monkeypatch.setattr(archive, "render_pdfa", lambda documents, cache: fake_render(documents))
    login(client, "sekretariat@example.no")
    return meeting_id(session, "fagradet", "1/26")


def test_no_package_before_the_minutes_are_approved(client, session, secretariat):
    page = text_of(client.get(f"/meetings/{secretariat}"))
    assert "Lag arkivpakke" not in page
    response = client.post(f"/meetings/{secretariat}/arkivpakke", follow_redirects=True)
    assert "Arkivpakken lages når referatet er godkjent" in text_of(response)
    assert session.scalar(select(ArchivePackage.id)) is None
    assert client.get(f"/meetings/{secretariat}/arkivpakke.zip").status_code == 404


def test_make_download_and_make_again_after_a_correction(client, session, secretariat):
    approve_demo_january(session)
    page = text_of(client.get(f"/meetings/{secretariat}"))
    assert "Lag arkivpakke" in page and "eInnsyn (JSON)" in page
    response = client.post(f"/meetings/{secretariat}/arkivpakke", follow_redirects=True)
    page = text_of(response)
    assert "Arkivpakke 1 er laget." in page
    assert "Arkivpakke 1 laget" in page and "av Siv Ingebrigtsen" in page
    assert "Lag ny arkivpakke" not in page

    download = client.get(f"/meetings/{secretariat}/arkivpakke.zip")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert "Arkivpakke 1" in download.headers["Content-Disposition"]
    package = zipfile.ZipFile(BytesIO(download.data))
    names = package.namelist()
    assert names[0] == "arkivmelding.xml" and "arkivmelding-1.xml" in names
    first = package.read("arkivmelding.xml").decode()
    assert "<moetenummer>1/26</moetenummer>" in first
    for name in names:
        if not name.startswith("arkivmelding"):
            digest = hashlib.sha256(package.read(name)).hexdigest()
            assert any(digest in package.read(m).decode() for m in names if m.endswith(".xml"))

    meeting = session.get(Meeting, secretariat)
    t = next(i.treatment for i in meeting.items if i.treatment and i.treatment.seq == 3)
    _correct(session, meeting, t)
    session.commit()
    page = text_of(client.get(f"/meetings/{secretariat}"))
    assert "Lag ny arkivpakke" in page
    page = text_of(client.post(f"/meetings/{secretariat}/arkivpakke", follow_redirects=True))
    assert "Arkivpakke 2 laget" in page and "Erstatter arkivpakke 1. Rettet i revisjon 2" in page
    again = zipfile.ZipFile(BytesIO(client.get(f"/meetings/{secretariat}/arkivpakke.zip").data))
    assert "Erstatter arkivpakke 1" in again.read("arkivmelding.xml").decode()


def test_the_einnsyn_download_is_the_moetemappe(client, session, secretariat):
    approve_demo_january(session)
    response = client.get(f"/meetings/{secretariat}/einnsyn.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.data)
    assert document["moetenummer"] == "1/26" and len(document["moetesak"]) == 8


def test_only_the_secretariat_gets_them(client, session, demo_with_accounts):  # noqa: F811
    approve_demo_january(session)
    mid = meeting_id(session, "fagradet", "1/26")
    login(client, "medlem@example.no")
    assert client.post(f"/meetings/{mid}/arkivpakke").status_code == 403
    assert client.get(f"/meetings/{mid}/arkivpakke.zip").status_code == 403
    assert client.get(f"/meetings/{mid}/einnsyn.json").status_code == 403
