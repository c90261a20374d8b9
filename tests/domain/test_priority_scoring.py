"""The prioritisation model's arithmetic: criterion means, totals, gates and the tie-break."""

from __future__ import annotations

import pytest

from govern.domain.priority_scoring import (
    MeasureSpec,
    QuestionSpec,
    ScoreSpec,
    gate_reason,
    points_text,
    rank,
    ranking_lines,
)

# Two questions under måloppnåelse, two under kostnader, three under nytte (N1 = patients).
QUESTIONS = [
    QuestionSpec(1, "måloppnåelse"),
    QuestionSpec(2, "måloppnåelse"),
    QuestionSpec(3, "kostnader"),
    QuestionSpec(4, "kostnader"),
    QuestionSpec(5, "nytte", patient_benefit=True),
    QuestionSpec(6, "nytte"),
    QuestionSpec(7, "nytte"),
]


def scores(measure_id: int, participant: str, values: list[int]) -> list[ScoreSpec]:
    return [
        ScoreSpec(measure_id, participant, q.id, v) for q, v in zip(QUESTIONS, values, strict=True)
    ]


def test_criterion_is_mean_of_questions_and_total_is_sum():
    measures = [MeasureSpec(1, "LM", "Legemiddelliste")]
    result = rank(QUESTIONS, measures, scores(1, "Ola", [8, 6, 4, 5, 9, 6, 3]))
    row = result.ranked[0]
    assert row.criteria == {"måloppnåelse": 7.0, "kostnader": 4.5, "nytte": 6.0}
    assert row.total == pytest.approx(17.5)
    assert row.participants == 1


def test_total_is_averaged_over_participants():
    measures = [MeasureSpec(1, "LM", "Legemiddelliste")]
    data = scores(1, "Ola", [10] * 7) + scores(1, "Kari", [5] * 7)
    row = rank(QUESTIONS, measures, data).ranked[0]
    assert row.total == pytest.approx(22.5)
    assert row.criteria["nytte"] == pytest.approx(7.5)
    assert row.participants == 2


def test_missing_answers_mean_over_answered_questions():
    measures = [MeasureSpec(1, "LM", "Legemiddelliste")]
    # Ola skips question 2 and all of kostnader; Kari answers kostnader only.
    data = [
        ScoreSpec(1, "Ola", 1, 9),
        ScoreSpec(1, "Ola", 5, 6),
        ScoreSpec(1, "Kari", 3, 2),
        ScoreSpec(1, "Kari", 4, 4),
    ]
    row = rank(QUESTIONS, measures, data).ranked[0]
    assert row.criteria == {"måloppnåelse": 9.0, "kostnader": 3.0, "nytte": 6.0}
    assert row.total == pytest.approx(18.0)


def test_ranking_descending_and_ties_broken_by_patient_benefit_then_code():
    measures = [
        MeasureSpec(1, "B", "Tiltak B"),
        MeasureSpec(2, "A", "Tiltak A"),
        MeasureSpec(3, "C", "Tiltak C"),
        MeasureSpec(4, "D", "Tiltak D"),
    ]
    # Same total 6*... : B and C equal totals, C higher patient benefit; A and D fully equal.
    data = (
        scores(1, "Ola", [5, 5, 5, 5, 6, 6, 3])  # nytte 5 -> total 15, benefit 6
        + scores(3, "Ola", [5, 5, 5, 5, 9, 3, 3])  # nytte 5 -> total 15, benefit 9
        + scores(2, "Ola", [4, 4, 4, 4, 4, 4, 4])  # total 12
        + scores(4, "Ola", [4, 4, 4, 4, 4, 4, 4])  # total 12, same benefit as A
    )
    result = rank(QUESTIONS, measures, data)
    assert [r.code for r in result.ranked] == ["C", "B", "A", "D"]
    assert [r.rank for r in result.ranked] == [1, 2, 3, 4]
    assert result.ranked[0].total == result.ranked[1].total == pytest.approx(15.0)


def test_tie_is_exact_not_float_noise():
    # 1/3 + 1/3 + 1/3 style means: exact fractions make these totals equal.
    measures = [MeasureSpec(1, "X", "X"), MeasureSpec(2, "Y", "Y")]
    data = scores(1, "Ola", [1, 0, 1, 0, 1, 0, 0]) + scores(2, "Ola", [0, 1, 0, 1, 0, 0, 1])
    result = rank(QUESTIONS, measures, data)
    assert result.ranked[0].total == pytest.approx(result.ranked[1].total)
    # X wins on patient benefit (1 against 0).
    assert [r.code for r in result.ranked] == ["X", "Y"]


def test_gates_list_failing_measures_apart_with_reason():
    measures = [
        MeasureSpec(1, "OK", "Passer", True, 3),
        MeasureSpec(2, "F1", "Idé", True, 1),
        MeasureSpec(3, "F5", "Gevinst", True, 5),
        MeasureSpec(4, "NG", "Utenfor målbildet", False, 2),
        MeasureSpec(5, "BOTH", "Begge", False, 1),
    ]
    data = []
    for m in measures:
        data += scores(m.id, "Ola", [5] * 7)
    result = rank(QUESTIONS, measures, data)
    assert [r.code for r in result.ranked] == ["OK"]
    reasons = {e.code: e.reason for e in result.excluded}
    assert reasons == {
        "F1": "Er i fase 1 (idé)",
        "F5": "Er i fase 5 (gevinstrealisering)",
        "NG": "Passer ikke med målene",
        "BOTH": "Passer ikke med målene; Er i fase 1 (idé)",
    }


def test_measure_without_scores_is_unscored():
    measures = [MeasureSpec(1, "LM", "L"), MeasureSpec(2, "JD-1", "J")]
    result = rank(QUESTIONS, measures, scores(1, "Ola", [5] * 7))
    assert [r.code for r in result.ranked] == ["LM"]
    assert [m.code for m in result.unscored] == ["JD-1"]


def test_gate_reason_passes_phases_two_to_four():
    assert [gate_reason(True, p) for p in (2, 3, 4)] == [None, None, None]


def test_ranking_lines_and_points_text():
    measures = [MeasureSpec(1, "LM", "Videre innføring av pasientens legemiddelliste")]
    data = scores(1, "Ola", [8, 8, 8, 8, 8, 8, 8]) + scores(1, "Kari", [9, 8, 8, 8, 8, 8, 8])
    result = rank(QUESTIONS, measures, data)
    assert ranking_lines(result.ranked) == [
        "1. LM – Videre innføring av pasientens legemiddelliste (24,3 poeng)"
    ]
    assert points_text(24.25) == "24,3"
    assert points_text(7.0) == "7,0"
