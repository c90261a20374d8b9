"""Word numbering for govern's lists: two definitions of its own (bullets, and 1. a. i.) put
into the template's numbering.xml once, and per document one numbering instance for all
bullets and one per numbered list, so that every list starts at its own first number."""

from __future__ import annotations

#: Twips a list level indents by.
INDENT = 357
_BULLETS = ("•", "◦", "▪")
_ORDERED = (("decimal", "%{n}."), ("lowerLetter", "%{n}."), ("lowerRoman", "%{n}."))


def _levels(ordered: bool) -> str:
    out = []
    for lvl in range(9):
        if ordered:
            fmt, text = _ORDERED[lvl % 3]
            text = text.format(n=lvl + 1)
            font = ""
        else:
            fmt, text = "bullet", _BULLETS[lvl % 3]
            font = '<w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri"/></w:rPr>'
        left = INDENT * (lvl + 1)
        out.append(
            f'<w:lvl w:ilvl="{lvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="{INDENT}"/></w:pPr>{font}</w:lvl>'
        )
    return "".join(out)


def abstract_numbering(bullet_id: int, ordered_id: int) -> str:
    """govern's two list definitions (bullets, and 1. a. i.) for numbering.xml."""
    return "".join(
        f'<w:abstractNum w:abstractNumId="{aid}"><w:multiLevelType w:val="hybridMultilevel"/>'
        f"{_levels(ordered)}</w:abstractNum>"
        for aid, ordered in ((bullet_id, False), (ordered_id, True))
    )


class Numbering:
    """The numbering instances a document uses: one for all bullets, one per numbered list
    (so every list starts again)."""

    def __init__(self, abstract_base: int, num_base: int):
        self.bullet_abstract = abstract_base
        self.ordered_abstract = abstract_base + 1
        self.bullet_num = num_base
        self._ordered: list[tuple[int, int]] = []  # (level, start) per numbered list
        self._num_base = num_base

    def bullet(self) -> int:
        return self.bullet_num

    def ordered(self, level: int, start: int) -> int:
        """A new numbering instance for a numbered list at the level, from its start."""
        self._ordered.append((level, start))
        return self._num_base + len(self._ordered)

    def nums(self) -> str:
        """The w:num elements for numbering.xml."""
        out = [
            f'<w:num w:numId="{self.bullet_num}"><w:abstractNumId w:val="{self.bullet_abstract}"/>'
            "</w:num>"
        ]
        for i, (level, start) in enumerate(self._ordered, start=1):
            out.append(
                f'<w:num w:numId="{self._num_base + i}">'
                f'<w:abstractNumId w:val="{self.ordered_abstract}"/>'
                f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/>'
                "</w:lvlOverride></w:num>"
            )
        return "".join(out)
