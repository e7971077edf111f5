"""Aligned columns of figures in a <pre> block, as Telegram shows them in a fixed-width font."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def pre_table(rows: Sequence[tuple[str, ...]], align: str, *, marks: Sequence[str] = ()) -> str:
    """Lay plain-text cells out in a <pre> block, one `align` letter ("<" or ">") a column.

    Widths are measured on the text as shown, before escaping, so an asset called A<B lines up.
    `marks`: one character per row ("" for none), written right after the row's first cell, in
    the space before the next column, so a marked row keeps the columns where they were.
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(align))]
    lines = []
    for index, row in enumerate(rows):
        cells = [f"{c:{side}{width}}" for c, side, width in zip(row, align, widths, strict=True)]
        line = "  ".join(cells)
        mark = marks[index] if index < len(marks) else ""
        if mark and len(cells) > 1:  # in the first space after the first cell's text
            at = len(cells[0].rstrip())
            line = line[:at] + mark[0] + line[at + 1 :]
        lines.append(line)
    body = "\n".join(lines)
    return f"<pre>{escape(body)}</pre>"
