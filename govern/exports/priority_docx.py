"""The ranked result of a prioritisation round as a Word document: a vedlegg for a toppnotat.

Built on the same template and pieces as the other documents (docx_common): the heading,
how the figures were reached, the ranked table, a bar chart of the totals, then the measures
that failed an entry gate or have no scores. The bar chart is a borderless table whose
shaded cells span a share of 60 narrow columns (half a point each), so Word, LibreOffice and
a .docx reader all show it without an image.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from govern.domain.priority_scoring import CRITERIA, Ranked, Result, gate_reason, points_text
from govern.exports.docx_common import TWIPS_PER_CM, WordDocument
from govern.exports.docx_package import run
from govern.i18n import gettext as _
from govern.i18n import lazy_gettext, use_language
from govern.models.priorities import CRITERION_LABELS, PrioritisationRound

RESULT_COLUMNS = (1.1, 6.5, 2.6, 2.2, 1.8, 2.4)
#: The bar chart: code, 60 half-point steps over 12 cm, the total.
CHART_STEPS = 60
CHART_CODE, CHART_BARS, CHART_POINTS = 2.0, 12.0, 2.6
BAR_FILL = "2A6EBB"
CHART_HEADING = lazy_gettext("Totalpoeng per tiltak (0–30)")


def build_priority_table(
    round_: PrioritisationRound,
    result: Result,
    participants: Sequence[str] = (),
    template: str | Path | None = None,
) -> bytes:
    """Heading, method, the ranked table and its bar chart, then the measures left out; in
    the body's document language."""
    with use_language(round_.body.document_language):
        return _build(round_, result, participants, template)


def _build(round_, result: Result, participants: Sequence[str], template) -> bytes:
    body = round_.body
    word = WordDocument(
        template, _("%(body)s – Prioritering", body=body.name), language=body.language_tag
    )
    word.heading(_("Prioritering: %(round)s", round=round_.title))
    word.paragraph(
        _(
            "%(body)s, %(year)s. Poeng 0–10 per spørsmål; kriteriets poeng er snittet av "
            "spørsmålene, totalen summen av de tre kriteriene (0–30), snitt over deltakerne. "
            "Ved likt resultat avgjør nytte for pasienter.",
            body=body.name,
            year=round_.year,
        )
    )
    if participants:
        word.paragraph(
            _(
                "Deltakere (%(count)s): %(names)s.",
                count=len(participants),
                names=", ".join(participants),
            )
        )
    if result.ranked:
        header = [_("Nr."), _("Tiltak"), *(str(CRITERION_LABELS[c]) for c in CRITERIA), _("Totalt")]
        table = word.table(RESULT_COLUMNS, header)
        for row in result.ranked:
            table.row(
                str(row.rank),
                f"{row.title} ({row.code})",
                *(points_text(row.criteria[c]) for c in CRITERIA),
                points_text(row.total),
            )
        word.add(table)
        word.heading(str(CHART_HEADING), 2)
        word.add(bar_chart(result.ranked))
    else:
        word.paragraph(_("Ingen tiltak er scoret ennå."))
    if result.excluded:
        word.heading(_("Tilfredsstiller ikke inngangskriteriene"), 2)
        word.bullets(
            f"{item.title} ({item.code}): {gate_reason(item.fits_goals, item.phase) or item.reason}"
            for item in result.excluded
        )
    if result.unscored:
        word.heading(_("Ikke scoret"), 2)
        word.bullets(f"{measure.title} ({measure.code})" for measure in result.unscored)
    stamp = round_.created_at
    return word.to_bytes(_("Prioritering %(round)s", round=round_.title), body.name, stamp, stamp)


def bar_steps(total: float) -> int:
    """How many of the chart's half-point steps a total fills (0–60), rounded half up like
    the figures beside it."""
    return max(0, min(CHART_STEPS, math.floor(total * CHART_STEPS / 30 + 0.5)))


def bar_chart(ranked: list[Ranked]) -> str:
    """One row per ranked measure: its code, a shaded bar as long as its total, the total."""
    step = round(CHART_BARS / CHART_STEPS * TWIPS_PER_CM)
    code, points = round(CHART_CODE * TWIPS_PER_CM), round(CHART_POINTS * TWIPS_PER_CM)
    grid = [code, *([step] * CHART_STEPS), points]
    rows = []
    for index, row in enumerate(ranked):
        # Each row keeps with the next, so the chart is not split over two pages.
        keep = index < len(ranked) - 1
        filled = bar_steps(row.total)
        cells = [_cell(code, 1, keep, row.code)]
        if filled:
            cells.append(_cell(step * filled, filled, keep, fill=BAR_FILL))
        if filled < CHART_STEPS:
            cells.append(_cell(step * (CHART_STEPS - filled), CHART_STEPS - filled, keep))
        cells.append(_cell(points, 1, keep, points_text(row.total)))
        rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>")
    # White rules between the rows keep the bars apart; no other borders.
    borders = '<w:insideH w:val="single" w:sz="24" w:space="0" w:color="FFFFFF"/>'
    columns = "".join(f'<w:gridCol w:w="{w}"/>' for w in grid)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(grid)}" w:type="dxa"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0"'
        ' w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{columns}</w:tblGrid>"
        f"{''.join(rows)}</w:tbl><w:p/>"
    )


def _cell(width: int, span: int, keep: bool, text: str = "", fill: str | None = None) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if fill:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    para = "<w:pPr><w:keepNext/></w:pPr>" if keep else ""
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{para}{run(text) if text else ''}</w:p></w:tc>"
