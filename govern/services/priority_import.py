"""Import a prioritisation round's scores from a spreadsheet (.xlsx) or CSV, and its template.

Two layouts, told apart by the header row (case and spaces ignored):

- long: one score per row, columns ``deltaker``, ``tiltak`` (the measure's code),
  ``spørsmål`` (the label M1/K2/N3, the question's number 1–8 in the round's order, or its
  full text) and ``poeng`` (0–10);
- wide: one row per participant and measure, columns ``deltaker``, ``tiltak`` and one column
  per question labelled M1, M2, K1 … N3 (an empty cell is no answer).

All or nothing: every row is checked first; errors name the row ("Rad 4: …"). The file's
participants get their scores replaced; other participants' scores are kept. A participant
named as one of the body's members ("Jon Gupta" or "Jon Gupta, Helse Sør-Øst RHF") is that
member, as when picked in the score grid.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.models.priorities import (
    CRITERION_LABELS,
    Measure,
    PrioritisationRound,
    PriorityQuestion,
)
from govern.services import audit
from govern.services.priorities import FormErrors, _replace, check_open, parse_value, passing
from govern.services.priority_participants import Participant, members, resolve_participant
from govern.text_rules import export_text

MAX_ERRORS = 20


def _rows(filename: str, content: bytes) -> list[list[str]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception:  # noqa: BLE001 – any unreadable workbook is the same error to the user
            raise FormErrors({"file": _("Filen kan ikke leses som et regneark (.xlsx).")}) from None
        return [
            ["" if v is None else str(int(v) if isinstance(v, float) and v.is_integer() else v)
             for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]  # fmt: skip
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FormErrors({"file": _("CSV-filen må være lagret som UTF-8.")}) from None
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    raise FormErrors({"file": _("Velg en .xlsx- eller .csv-fil.")})


def _question_ref(round_: PrioritisationRound, text: str) -> PriorityQuestion | None:
    text = text.strip()
    for index, question in enumerate(round_.questions, start=1):
        if text.upper() == question.label or text == str(index):
            return question
        if text.lower() == question.text.lower():
            return question
    return None


def import_scores(
    session: Session, round_: PrioritisationRound, filename: str, content: bytes, actor=None
) -> int:
    """Check the whole file, then replace the file's participants' scores; returns the count."""
    check_open(round_)
    rows = [r for r in _rows(filename, content)]
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise FormErrors({"file": _("Filen er tom.")})
    header = [c.strip().lower() for c in rows[0]]
    if header[:2] != ["deltaker", "tiltak"]:
        raise FormErrors(
            {"file": _("Rad 1: de to første kolonnene skal hete «deltaker» og «tiltak».")}
        )
    measures = {m.code.lower(): m for m in passing(round_)}
    excluded = {m.code.lower() for m in round_.measures} - set(measures)
    errors: dict[str, str] = {}
    values: dict[str, dict[tuple[Measure, PriorityQuestion], int]] = {}
    people = members(session, round_)
    who: dict[str, Participant] = {}
    long = header[2:4] == ["spørsmål", "poeng"]
    columns: list[PriorityQuestion] = []
    if not long:
        for col, label in enumerate(rows[0][2:], start=3):
            question = _question_ref(round_, label)
            if question is None:
                known = ", ".join(q.label for q in round_.questions)
                errors[f"kolonne {col}"] = _(
                    "Rad 1, kolonne %(column)s: «%(label)s» er ikke et spørsmål i runden "
                    "(bruk %(known)s, eller kolonnene spørsmål og poeng).",
                    column=col,
                    label=label,
                    known=known,
                )
            columns.append(question)  # type: ignore[arg-type]
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        row = row + [""] * (len(header) - len(row))
        name, code = row[0].strip(), row[1].strip()

        def fail(message: str, number: int = number) -> None:
            errors.setdefault(
                f"rad {number}", _("Rad %(row)s: %(error)s", row=number, error=message)
            )

        if not name:
            fail(_("mangler deltaker."))
            continue
        if len(name) > 200:
            fail(_("deltakerens navn kan ha høyst 200 tegn."))
            continue
        # A member's name (or "Name, Organisation") is that member, as in the score grid.
        participant = resolve_participant(session, round_, name, people=people)
        name = participant.name
        who[name] = participant
        measure = measures.get(code.lower())
        if measure is None:
            if code.lower() in excluded:
                fail(
                    _(
                        "tiltaket «%(code)s» tilfredsstiller ikke inngangskriteriene og scores ikke.",
                        code=code,
                    )
                )
            else:
                fail(_("runden har ikke noe tiltak med koden «%(code)s».", code=code))
            continue
        mine = values.setdefault(name, {})
        cells = (
            [(_question_ref(round_, row[2]), row[3])]
            if long
            else list(zip(columns, row[2:], strict=False))
        )
        for question, cell in cells:
            if question is None:
                if long:
                    fail(_("«%(text)s» er ikke et spørsmål i runden.", text=row[2]))
                continue
            try:
                value = parse_value(cell)
            except ValueError as error:
                fail(f"{question.label}: {error}")
                continue
            if value is None:
                if long:
                    fail(_("mangler poeng."))
                continue
            if (measure, question) in mine and long:
                fail(
                    _(
                        "%(name)s har allerede poeng for %(code)s %(label)s.",
                        name=name,
                        code=measure.code,
                        label=question.label,
                    )
                )
                continue
            mine[(measure, question)] = value
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise FormErrors(errors)
    if not values:
        raise FormErrors({"file": _("Filen har ingen poeng.")})
    count = _replace(session, round_, values, who)
    audit.record(
        session,
        actor,
        "priorities.import",
        round_,
        f"{count} poeng importert fra {filename} til «{round_.title}»",
        body=round_.body,
    )
    return count


def score_template(round_: PrioritisationRound) -> bytes:
    """A wide-layout workbook: a row per passing measure, a column per question, plus a key."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Poeng"
    # Text saved before the input rules may hold characters XML (and so openpyxl) refuses.
    sheet.append(["deltaker", "tiltak", *[export_text(q.label) for q in round_.questions]])
    for measure in passing(round_):
        sheet.append(["", export_text(measure.code)])
    # The key is for the reader, in their language; the score sheet's headers are the format's.
    key = book.create_sheet(_("Spørsmål"))
    key.append([_("kolonne"), _("kriterium"), _("spørsmål")])
    for question in round_.questions:
        criterion = str(CRITERION_LABELS[question.criterion])
        key.append([export_text(t) for t in (question.label, criterion, question.text)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
