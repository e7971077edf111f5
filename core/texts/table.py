"""Aligned columns of figures in a <pre> block, as Telegram shows them in a fixed-width font."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def pre_table(rows: Sequence[tuple[str, ...]], align: str) -> str:
    """Lay plain-text cells out in a <pre> block, one `align` letter ("<" or ">") a column.

    Widths are measured on the text as shown, before escaping, so an asset called A<B lines up.
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(align))]
    lines = [
        "  ".join(
            f"{cell:{side}{width}}" for cell, side, width in zip(row, align, widths, strict=True)
        )
        for row in rows
    ]
    body = "\n".join(lines)
    return f"<pre>{escape(body)}</pre>"
