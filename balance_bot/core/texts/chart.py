"""The portfolio chart's words: its caption (the total and the time of the data, the market
result of its window and the money invested), its bars' labels, its line's title and the note
on its line. services/charts.py draws them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time, timedelta
from decimal import Decimal
from html import escape

from balance_bot.core.chart_data import WINDOWS, LineGap, ValueLine, Window
from balance_bot.core.i18n import Lang, View, time_of_day
from balance_bot.core.periods import PeriodRow
from balance_bot.core.texts.periods import market_text
from balance_bot.core.valuation import Portfolio

MAX_CAPTION = 1024  # Telegram's limit for a photo's caption


def chart_caption(
    portfolio: Portfolio,
    view: View,
    *,
    notice: str | None = None,
    window: tuple[Window, PeriodRow] | None = None,
    extra: Sequence[str] = (),
) -> str:
    """Return the photo's caption: the total and the time of the data, in the reader's words.

    `notice` comes first when the figures are the last ones read, not fresh ones
    (core.texts.errors.stale_notice), as over /balance. `window`: the chart's window and its
    figures from the daily values (its market result, the money invested at its end); `extra`:
    lines that say why there are none.
    """
    quote = escape(portfolio.quote)
    total, when = view.lang.money(portfolio.total), view.when(portfolio.as_of)
    lines = [view.t("chart.caption", total=total, quote=quote, when=when)]
    if window is not None:
        lines += _window_lines(*window, quote, view)
    lines += extra
    if notice:
        lines = [notice, "", *lines]
    lost = [escape(a) for a in portfolio.unpriced]  # the total leaves them out, as /balance says
    unpriced = [
        escape(p.asset)
        for p in portfolio.positions
        if p.value is None and p.asset not in portfolio.unpriced
    ]
    notes = [view.t("balance.lost_price", assets=", ".join(lost))] if lost else []
    if unpriced:
        notes.append(view.t("summary.unpriced", quote=quote, assets=", ".join(unpriced)))
    for note in notes:
        if len("\n".join([*lines, note])) < MAX_CAPTION:
            lines.append(note)
    return "\n".join(lines)


def chart_without_prices(view: View, *, notice: str | None = None) -> str:
    """Say why no chart comes while BTCTurk's prices fail: every bar and the total are values.

    `notice` comes first when the figures are the last ones read, as in chart_caption.
    """
    text = view.t("chart.no_prices")
    return text if not notice else f"{notice}\n\n{text}"


def bar_label(share: Decimal, value: Decimal, lang: Lang) -> str:
    """Return a bar's label, its share and value: 99.74% · 34,125,765 (Turkish %99,74 · …)."""
    percent = lang.percent(share).removeprefix("+")
    return lang.t("chart.bar", share=percent, value=lang.amount(value, 0))


def line_note(gap: LineGap, lang: Lang, summary_at: time) -> str:
    """Return why the history line is empty or short, one paragraph per reason."""
    at = time_of_day(summary_at)
    if gap.empty or gap.kept_from is None:
        notes = [lang.t("chart.line_none", time=at, kept=gap.kept)]
    else:
        notes = [lang.t("chart.line_since", day=lang.day(gap.kept_from), time=at)]
    if gap.unpriced:
        notes.append(lang.t("chart.line_unpriced", assets=", ".join(gap.unpriced)))
    if gap.history_from is not None:
        notes.append(lang.t("chart.line_history", day=lang.day(gap.history_from)))
    return "\n".join(notes)


def _window_lines(window: Window, row: PeriodRow, quote: str, view: View) -> list[str]:
    """Return the window's market result and the money invested at its end."""
    days = WINDOWS[window]
    if days is None or row.start > row.end - timedelta(days=days - 1):  # the history is shorter
        label = view.t("chart.window.all", day=view.lang.day(row.start))
    else:
        label = view.t(f"chart.window.{window}")
    market = view.t("chart.caption_market", window=label, market=market_text(row, quote, view))
    if row.invested_loading:
        assets = ", ".join(escape(asset) for asset in sorted(row.invested_loading))
        return [market, view.t("chart.caption_invested_loading", assets=assets)]
    invested = view.t("chart.caption_invested", amount=view.lang.money(row.invested), quote=quote)
    if row.invested_unvalued:
        assets = ", ".join(escape(asset) for asset in sorted(row.invested_unvalued))
        invested += view.t("chart.caption_invested_without", assets=assets)
    return [market, invested]


def value_line_title(line: ValueLine, lang: Lang) -> str:
    """Return the title of the daily values' line: its first day and its last."""
    return lang.t("chart.values_title", start=lang.day(line.start), end=lang.day(line.end))


def value_line_note(line: ValueLine, lang: Lang) -> str:
    """Return what the daily values' line rests on and leaves out, one paragraph each."""
    notes = []
    if line.estimated:
        notes.append(lang.t("chart.note.estimated", assets=", ".join(line.estimated)))
    if line.incomplete:
        notes.append(lang.t("chart.note.incomplete", assets=", ".join(line.incomplete)))
    if line.left_out:
        notes.append(lang.t("chart.note.left_out", assets=", ".join(line.left_out)))
    if line.loading:
        notes.append(lang.t("chart.note.loading", assets=", ".join(line.loading)))
    return "\n".join(notes)
