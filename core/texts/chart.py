"""The portfolio chart's caption: the total and the time of the data."""

from __future__ import annotations

from html import escape

from core.i18n import View
from core.valuation import Portfolio

MAX_CAPTION = 1024  # Telegram's limit for a photo's caption


def chart_caption(portfolio: Portfolio, view: View, *, notice: str | None = None) -> str:
    """Return the photo's caption: the total and the time of the data, in the reader's words.

    `notice` comes first when the figures are the last ones read, not fresh ones
    (core.texts.errors.stale_notice), as over /balance.
    """
    quote = escape(portfolio.quote)
    total, when = view.lang.money(portfolio.total), view.when(portfolio.as_of)
    lines = [view.t("chart.caption", total=total, quote=quote, when=when)]
    if notice:
        lines = [notice, "", *lines]
    unpriced = [escape(p.asset) for p in portfolio.positions if p.value is None]
    if unpriced:
        note = view.t("summary.unpriced", quote=quote, assets=", ".join(unpriced))
        if len("\n".join([*lines, note])) < MAX_CAPTION:
            lines.append(note)
    return "\n".join(lines)
