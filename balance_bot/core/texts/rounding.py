"""The line under a total whose rows, each rounded to 0.01 on its own, add up to another sum
(/balance, the daily summary, /pnl): both sums said, the total being the exact one."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from html import escape

from balance_bot.core.i18n import View
from balance_bot.core.numbers import QUOTE_PRECISION, quantize


def rounding_note(
    rows: Iterable[Decimal], total: Decimal, quote: str, view: View, *, signed: bool = False
) -> list[str]:
    """Return the line saying the rounded `rows` add up to another sum than `total`, or none.

    `signed`: the figures are gains and losses, written with their sign (+0.01).
    """
    shown = sum((quantize(row, QUOTE_PRECISION) for row in rows), Decimal(0))
    exact = quantize(total, QUOTE_PRECISION)
    if shown == exact:
        return []
    lang = view.lang
    write = (lambda v: lang.signed(v, QUOTE_PRECISION)) if signed else lang.money
    return [view.t("balance.rounded", sum=write(shown), total=write(exact), quote=escape(quote))]
