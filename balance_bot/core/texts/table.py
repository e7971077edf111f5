"""Figures in a <pre> block, as Telegram shows them in a fixed-width font, that fit a phone.

The width rule: no line in a <pre> block is wider than PHONE_WIDTH (34) characters. A table
whose rows fit is aligned in columns; one that would be wider becomes records of two lines
per row (the name and the first figure, then the other figures under them), and a line of a
record that is still too wide is cut before a separator between spaces (a middle dot, an
arrow), else before a "(", else at a space, its rest indented below. A row is never left for
the phone to wrap: a wrapped row loses its columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

# The widest line a <pre> block may hold: a phone in portrait shows about 32 to 36 monospace
# characters before it wraps a line, and a wrapped row loses its columns.
PHONE_WIDTH = 34


def pre_block(lines: Sequence[str]) -> str:
    """Return plain-text `lines` as a <pre> block, escaped for Telegram's HTML."""
    body = "\n".join(lines)
    return f"<pre>{escape(body)}</pre>"


def pre_table(
    rows: Sequence[tuple[str, ...]],
    align: str,
    *,
    marks: Sequence[str] = (),
    records: Sequence[tuple[str, ...]] | None = None,
) -> str:
    """Lay plain-text cells out in a <pre> block, one `align` letter ("<" or ">") a column.

    Widths are measured on the text as shown, before escaping, so an asset called A<B lines up.
    `marks`: one character per row ("" for none), written right after the row's first cell, in
    the space before the next column, so a marked row keeps the columns where they were.
    When a row would be wider than PHONE_WIDTH, every row becomes a record of two lines (see
    `record_lines`), from `records` when given (the same rows, a cell that would only repeat
    another left empty).
    """
    lines = table_lines(rows, align, marks=marks)
    if max((len(line) for line in lines), default=0) > PHONE_WIDTH:
        lines = record_lines(rows if records is None else records, marks=marks)
    return pre_block(lines)


def table_lines(
    rows: Sequence[tuple[str, ...]], align: str, *, marks: Sequence[str] = ()
) -> list[str]:
    """Return the rows in aligned columns, two spaces apart (see `pre_table`)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(align))]
    lines = []
    for index, row in enumerate(rows):
        cells = [f"{c:{side}{width}}" for c, side, width in zip(row, align, widths, strict=True)]
        line = "  ".join(cells)
        mark = marks[index] if index < len(marks) else ""
        if mark and len(cells) > 1:  # in the first space after the first cell's text
            at = len(cells[0].rstrip())
            line = line[:at] + mark[0] + line[at + 1 :]
        lines.append(line.rstrip())
    return lines


def record_lines(rows: Sequence[tuple[str, ...]], *, marks: Sequence[str] = ()) -> list[str]:
    """Return each row as a record: its first cell (and mark) and its second cell on one line,
    its other cells on the next, right-aligned to one edge; empty cells are left out.

        RENDER* 1,234,567.12345678
                    123,541,835.75
    """
    heads = [row[0] + (marks[index] if index < len(marks) else "") for index, row in
             enumerate(rows)]  # fmt: skip
    name_width = max(len(head) for head in heads)
    firsts = [f"{head:<{name_width}} {row[1]}" if len(row) > 1 else head
              for head, row in zip(heads, rows, strict=True)]  # fmt: skip
    rests = ["  ".join(cell for cell in row[2:] if cell) for row in rows]
    edge = min(PHONE_WIDTH, max(len(line) for line in [*firsts, *rests]))
    lines = []
    for head, first, rest, row in zip(heads, firsts, rests, rows, strict=True):
        if len(row) > 1 and len(first) <= edge:
            lines.append(f"{head:<{name_width}} {row[1]:>{edge - name_width - 1}}")
        else:
            lines += [head, *([f"{row[1]:>{edge}}"] if len(row) > 1 else [])]
        if rest:
            lines.append(f"{rest:>{edge}}")
    return lines


def wrap(line: str, indent: str) -> list[str]:
    """Return `line` cut into lines of at most PHONE_WIDTH characters: before a separator
    between spaces (a middle dot, an arrow), else before a "(", else at a space; every line
    after the first starts with `indent`. A part with no such place is left whole."""
    lines = []
    while len(line) > PHONE_WIDTH:
        cut = _cut(line, len(indent))
        if cut is None:
            break
        lines.append(line[:cut].rstrip())
        line = indent + line[cut + 1 :]
    lines.append(line)
    return lines


def _cut(line: str, indent: int) -> int | None:
    """Return the space at which to cut `line`, at the best kind of place that fits."""
    spaces = [
        at
        for at, c in enumerate(line)
        if c == " " and indent < at <= PHONE_WIDTH and line[:at].strip()
    ]
    for kind in (_is_separator, _is_parenthesis, _is_space):
        found = [at for at in spaces if kind(line, at)]
        if found:
            return max(found)
    return None


def _is_separator(line: str, at: int) -> bool:
    """Tell whether the space at `at` opens " · " or " → ": a sign standing between spaces."""
    sign = line[at + 1 : at + 2]
    return line[at + 2 : at + 3] == " " and bool(sign) and not sign.isalnum() and sign not in "+-("


def _is_parenthesis(line: str, at: int) -> bool:
    return line[at + 1 : at + 2] == "("


def _is_space(line: str, at: int) -> bool:
    return True
