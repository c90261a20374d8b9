"""The import, export and demo commands as a secretariat runs them."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from govern.models import Body, Meeting
from tests.services.test_exchange import EXAMPLE


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_import_then_export(app, tmp_path):
    result = run(app, "import", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert "Importert: 3 organisasjoner, 4 personer, 2 organer" in result.output
    out = tmp_path / "ut.json"
    assert run(app, "export", str(out)).exit_code == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["format"] == "govern/1"
    assert exported["meetings"][0]["number"] == "2/26"


def test_bad_file_exits_non_zero_with_place_and_saves_nothing(app, session, tmp_path):
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["meetings"][0]["days"][0]["end"] = "08:00"
    path = tmp_path / "feil.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run(app, "import", str(path))
    assert result.exit_code != 0
    assert "Feil: Importen ble avbrutt, ingenting er lagret." in result.output
    assert "meetings[0].days[0].end: Slutt (08:00) må være etter start (10:00)" in result.output
    assert "Traceback" not in result.output
    assert session.scalar(select(func.count()).select_from(Body)) == 0


def test_not_json_and_missing_file(app, tmp_path):
    path = tmp_path / "tull.json"
    path.write_text('{"format": "govern/1",,}', encoding="utf-8")
    result = run(app, "import", str(path))
    assert result.exit_code != 0
    assert "er ikke gyldig JSON (linje 1, kolonne 23)" in result.output
    result = run(app, "import", str(tmp_path / "finnes-ikke.json"))
    assert result.exit_code != 0
    assert "Kan ikke lese" in result.output


def test_demo_is_idempotent(app, session):
    first = run(app, "demo")
    assert first.exit_code == 0, first.output
    assert "Demodata lastet" in first.output
    count = session.scalar(select(func.count()).select_from(Meeting))
    second = run(app, "demo")
    assert second.exit_code == 0
    assert "allerede lastet" in second.output
    assert session.scalar(select(func.count()).select_from(Meeting)) == count == 5


def test_demo_is_not_mixed_into_real_data(app, session):
    assert run(app, "import", str(EXAMPLE)).exit_code == 0
    result = run(app, "demo")
    assert result.exit_code == 0
    assert "demodata lastes ikke" in result.output
    assert session.scalar(select(func.count()).select_from(Body)) == 2


def test_database_refusal_is_reported_cleanly(app, session, tmp_path, monkeypatch):
    """A rule only the database knows still ends in a clean message and an empty database."""
    from sqlalchemy.exc import IntegrityError

    from govern.services import exchange

    def refuse(*args, **kwargs):
        raise IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed: people.email"))

    monkeypatch.setattr(exchange.Importer, "_meeting", refuse)
    result = run(app, "import", str(EXAMPLE))
    assert result.exit_code != 0
    assert "Databasen avviste dataene: UNIQUE constraint failed: people.email" in result.output
    assert "Traceback" not in result.output
    assert session.scalar(select(func.count()).select_from(Body)) == 0
