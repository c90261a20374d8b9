"""The import's error messages, the commands' output and the readiness text in nynorsk and
English: a file's errors in the language in use (`use_language`); the commands in
GOVERN_LANGUAGE, else the system's LANGUAGE/LC_ALL/LC_MESSAGES/LANG, else bokmål."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine

from govern.cli import command_language
from govern.i18n import use_language
from govern.operations.readiness import check
from govern.services.exchange import ExchangeError, import_exchange
from tests.services.test_exchange import EXAMPLE, example


def _refused(session, document) -> ExchangeError:
    with pytest.raises(ExchangeError) as caught:
        import_exchange(session, document)
    session.rollback()
    return caught.value


def test_import_errors_in_english(session):
    with use_language("en"):
        wrong_format = _refused(session, {"format": "govern/0"})
        assert str(wrong_format) == "format: must be “govern/1”"
        document = example()
        document["meetings"][0]["days"][0]["date"] = "31.12.2026"
        bad_date = _refused(session, document)
        assert str(bad_date) == (
            "meetings[0].days[0].date: “31.12.2026” is not a valid date (write YYYY-MM-DD)"
        )
        document = example()
        document["people"][0]["shoe_size"] = 42
        unknown = _refused(session, document)
        assert unknown.message.startswith("unknown field “shoe_size” (allowed here: ")


def test_import_errors_in_nynorsk_and_bokmal(session):
    document = example()
    document["meetings"][0]["body"] = "finst-ikkje"
    with use_language("nn"):
        assert _refused(session, document).message == "ukjent organ «finst-ikkje»"
        document["meetings"][0]["body"] = 7
        assert _refused(session, document).message == "skal vere tekst"
    document["meetings"][0]["body"] = 7
    assert _refused(session, document).message == "skal være tekst"


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_the_command_language(monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert command_language({}) == "nb"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert command_language({}) == "nb"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert command_language({}) == "en"
    monkeypatch.setenv("LANGUAGE", "nn_NO:nb_NO")
    assert command_language({}) == "nn"
    assert command_language({"LANGUAGE": "nb"}) == "nb"  # GOVERN_LANGUAGE wins


def test_the_import_command_speaks_english_and_nynorsk(app, tmp_path, monkeypatch):
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["meetings"][0]["days"][0]["start"] = "ti"
    path = tmp_path / "feil.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.setitem(app.config, "LANGUAGE", "en")
    result = run(app, "import", str(path))
    assert result.exit_code != 0
    assert "Error: The import was stopped; nothing has been saved." in result.output
    assert "meetings[0].days[0].start: “ti” is not a valid time (write HH:MM)" in result.output
    broken = tmp_path / "tull.json"
    broken.write_text('{"format": "govern/1",,}', encoding="utf-8")
    assert "is not valid JSON (line 1, column 23)" in run(app, "import", str(broken)).output
    monkeypatch.setitem(app.config, "LANGUAGE", None)
    monkeypatch.setenv("LANGUAGE", "nn")
    result = run(app, "import", str(path))
    assert "Feil: Importen vart avbroten, ingenting er lagra." in result.output
    assert "«ti» er ikkje eit gyldig klokkeslett (skriv TT:MM)" in result.output
    ok = run(app, "import", str(EXAMPLE))
    assert ok.exit_code == 0, ok.output
    assert "Importert: 3 organisasjonar, 4 personar, 2 organ" in ok.output


def test_readiness_explains_in_the_language_in_use():
    engine = create_engine(
        "postgresql://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    with use_language("en"):
        assert check(engine).detail.startswith("The database does not answer: ")
    with use_language("nn"):
        assert check(engine).detail.startswith("Databasen svarar ikkje: ")
