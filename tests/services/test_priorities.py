"""Prioritisation rounds: measures, score entry, import (CSV/.xlsx), the demo, the exchange."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from govern.exports.exchange import build_exchange
from govern.models import Body, PrioritisationRound, Score
from govern.services import priorities
from govern.services.exchange import import_exchange
from govern.services.priorities import FormErrors, MeasureInput, RoundInput
from govern.services.priority_import import import_scores, score_template
from tests.conftest import make_body

#: Tabell 3 of the seed: the order of the 11 measures that passed the gates.
TABELL_3 = ["LM", "JD-1", "KI-1", "KI-2", "JD-2", "GTD", "DBEP-1", "KI-3", "JD-4", "JD-3", "KI-4"]


def new_round(session):
    """A round "Runde 1" (2026) in Fagrådet with one measure, LM in phase 4."""
    body = make_body()
    session.add(body)
    session.flush()
    r = priorities.create_round(session, body, RoundInput("Runde 1", 2026))
    priorities.add_measure(session, r, MeasureInput("LM", "Legemiddelliste", phase=4))
    return r


@pytest.fixture
def round_(session):
    r = new_round(session)
    priorities.add_measure(session, r, MeasureInput("JD-1", "Dokumentdeling", phase=3))
    priorities.add_measure(session, r, MeasureInput("FH", "Felles hjelpenummer", fits_goals=False))
    session.flush()
    return r


def test_new_round_has_the_models_questions(round_):
    labels = [q.label for q in round_.questions]
    assert labels == ["M1", "M2", "K1", "K2", "K3", "N1", "N2", "N3"]
    assert [q.label for q in round_.questions if q.patient_benefit] == ["N1"]


def test_measure_rules(session, round_):
    with pytest.raises(FormErrors) as error:
        priorities.add_measure(session, round_, MeasureInput("lm", "", phase=7))
    assert set(error.value.errors) == {"code", "title", "phase"}
    assert "allerede" in error.value.errors["code"]


def test_save_scores_all_or_nothing(session, round_):
    lm, jd = round_.measures[0], round_.measures[1]
    cells = {priorities.score_field(lm, q): "8" for q in round_.questions}
    cells[priorities.score_field(jd, round_.questions[0])] = "11"
    with pytest.raises(FormErrors) as error:
        priorities.save_scores(session, round_, "Ola", cells)
    assert list(error.value.errors.values()) == ["JD-1 M1: «11» er ikke et helt tall fra 0 til 10."]
    assert session.scalars(select(Score)).all() == []
    cells[priorities.score_field(jd, round_.questions[0])] = "3"
    assert priorities.save_scores(session, round_, "Ola", cells) == 9
    result = priorities.result(session, round_)
    assert [r.code for r in result.ranked] == ["LM", "JD-1"]
    assert result.ranked[0].total == pytest.approx(24.0)
    assert [e.code for e in result.excluded] == ["FH"]


def test_import_long_csv(session, round_):
    text = "deltaker;tiltak;spørsmål;poeng\n" + "".join(
        f"Kari;LM;{q.label};7\nKari;JD-1;{i};9\n" for i, q in enumerate(round_.questions, 1)
    )
    assert import_scores(session, round_, "poeng.csv", text.encode()) == 16
    ranked = priorities.result(session, round_).ranked
    assert [(r.code, r.total) for r in ranked] == [("JD-1", 27.0), ("LM", 21.0)]


def test_import_bad_csv_names_rows_and_saves_nothing(session, round_):
    text = (
        "deltaker,tiltak,spørsmål,poeng\n"
        "Kari,LM,M1,7\n"
        "Kari,XX,M1,7\n"
        "Kari,FH,M1,7\n"
        "Kari,LM,Z9,7\n"
        "Kari,LM,M2,ti\n"
        ",LM,M2,1\n"
    )
    with pytest.raises(FormErrors) as error:
        import_scores(session, round_, "poeng.csv", text.encode())
    assert list(error.value.errors.values()) == [
        "Rad 3: runden har ikke noe tiltak med koden «XX».",
        "Rad 4: tiltaket «FH» tilfredsstiller ikke inngangskriteriene og scores ikke.",
        "Rad 5: «Z9» er ikke et spørsmål i runden.",
        "Rad 6: M2: «ti» er ikke et helt tall fra 0 til 10.",
        "Rad 7: mangler deltaker.",
    ]
    assert session.scalars(select(Score)).all() == []


def test_import_wide_xlsx_from_the_template(session, round_):
    sheet = load_workbook(io.BytesIO(score_template(round_))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["deltaker", "tiltak", "M1", "M2", "K1", "K2", "K3", "N1", "N2", "N3"]
    assert [r[1] for r in rows[1:]] == ["LM", "JD-1"]
    book = Workbook()
    book.active.append(rows[0])
    book.active.append(["Ola", "LM", 5, 5, 5, 5, 5, 5, 5, 5])
    book.active.append(["Ola", "JD-1", 6, 6, 6, 6, 6, 9, 6, None])
    buffer = io.BytesIO()
    book.save(buffer)
    assert import_scores(session, round_, "poeng.xlsx", buffer.getvalue()) == 15
    ranked = priorities.result(session, round_).ranked
    assert ranked[0].code == "JD-1" and ranked[0].criteria["nytte"] == pytest.approx(7.5)


def test_import_unreadable_file(session, round_):
    with pytest.raises(FormErrors) as error:
        import_scores(session, round_, "poeng.xlsx", b"not a workbook")
    assert error.value.errors == {"file": "Filen kan ikke leses som et regneark (.xlsx)."}
    with pytest.raises(FormErrors):
        import_scores(session, round_, "poeng.txt", b"x")


def test_demo_round_reproduces_tabell_3(session, demo):
    round_ = session.scalar(select(PrioritisationRound))
    assert round_.body.slug == "nuit"
    assert len(round_.measures) == 18
    result = priorities.result(session, round_)
    assert [r.code for r in result.ranked] == TABELL_3
    assert sorted(e.code for e in result.excluded) == sorted(
        ["DHO-1", "DHO-2", "DHO-3", "DBEP-4", "JD-5", "JD-6", "FH"]
    )
    assert all(r.participants == 4 for r in result.ranked)


def test_exchange_round_trip(session, round_):
    lm = round_.measures[0]
    priorities.save_scores(
        session, round_, "Ola", {priorities.score_field(lm, q): "6" for q in round_.questions}
    )
    session.commit()
    section = build_exchange(session)["prioritisation_rounds"]
    assert section[0]["scores"] == [
        {
            "participant": "Ola",
            "measure": "LM",
            "values": dict.fromkeys(["M1", "M2", "K1", "K2", "K3", "N1", "N2", "N3"], 6),
        }
    ]
    session.delete(round_)
    session.flush()
    body = session.scalar(select(Body))
    document = {"format": "govern/1", "bodies": [], "prioritisation_rounds": section}
    import_exchange(session, document)
    again = session.scalar(select(PrioritisationRound))
    assert again.body is body
    assert build_exchange(session)["prioritisation_rounds"] == section
