"""Draw the portfolio chart as a PNG: allocation on top, the value's history below
(services/chart_lines.py: the value and the net invested from the daily values, else the
totals kept at each summary).

matplotlib is imported inside the rendering function, so start-up never pays for it, and
only its object API is used (a Figure on an Agg canvas, no pyplot): no global state, so
charts may be drawn in worker threads while the event loop goes on. Numbers are written
the reader's way (34,216,101 or 34.216.101); the money is Decimal up to the drawing call.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Sequence
from datetime import date, time
from typing import TYPE_CHECKING, Protocol

from balance_bot.core.chart_data import (
    OTHER,
    HistoryPoint,
    Slice,
    ValueLine,
    allocation,
    history_points,
    line_gap,
)
from balance_bot.core.i18n import Lang, View, get_lang
from balance_bot.core.summary import DailyPortfolio
from balance_bot.core.texts.chart import bar_label, line_note, value_line_note, value_line_title
from balance_bot.core.valuation import Portfolio
from balance_bot.services.chart_lines import draw_line, empty

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH_IN, HEIGHT_IN, DPI = 4.0, 5.0, 200  # 800 x 1000 px, fonts big enough for a phone
BAR_COLOR = "#1f6fb2"
OTHER_COLOR = "#9aa5b1"
INSIDE_LABEL_SHARE = 0.55  # a bar longer than this share of the widest one holds its label
MIN_ROWS = 3  # room kept for this many bars, so two slices do not make two slabs
ENGLISH = get_lang("en")


class ChartRenderer(Protocol):
    """Draw the chart's PNG: render_portfolio_chart, or a test's stand-in."""

    def __call__(
        self,
        slices: Sequence[Slice],
        history: Sequence[HistoryPoint],
        quote: str,
        *,
        lang: Lang,
        note: str = "",
        title: str = "",
    ) -> bytes: ...


class DrawChart(Protocol):
    """Draw the chart of a portfolio off the event loop: chart_png, with its renderer."""

    def __call__(
        self,
        portfolio: Portfolio,
        history: Sequence[DailyPortfolio],
        view: View,
        *,
        summary_at: time,
        history_from: date | None = None,
        values: ValueLine | None = None,
    ) -> Awaitable[bytes]: ...


def render_portfolio_chart(
    slices: Sequence[Slice],
    history: Sequence[HistoryPoint],
    quote: str,
    *,
    lang: Lang = ENGLISH,
    note: str = "",
    title: str = "",
) -> bytes:
    """Return the chart as PNG bytes, identical for identical data.

    `note` says why the history line is empty (in its place) or short (under it), or what
    the daily values leave out; `title` names the line (the kept totals' when empty).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, height_ratios=_panel_heights(len(slices), len(history)))
    _draw_allocation(top, slices, quote, lang)
    draw_line(bottom, history, quote, lang, note, title)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


async def chart_png(
    portfolio: Portfolio,
    history: Sequence[DailyPortfolio],
    view: View,
    *,
    summary_at: time,
    history_from: date | None = None,
    values: ValueLine | None = None,
    render: ChartRenderer = render_portfolio_chart,
) -> bytes:
    """Render `portfolio` and its line up to today in a worker thread.

    The line is the daily values' (`values`: the value and net invested of each day of the
    window) when there are any, else the totals kept at each summary: `summary_at` (when a
    day's total is kept) and `history_from` (the first transaction on record) tell the owner
    why that line is empty or short.
    """
    slices = allocation(portfolio)
    if values is not None:
        points = list(values.points)
        note = value_line_note(values, view.lang)
        title = value_line_title(values, view.lang)
    else:
        today = view.now.astimezone(view.tz).date()
        points = history_points(history, today)
        gap = line_gap(points, today, history_from=history_from, unpriced=portfolio.unpriced)
        note = "" if gap is None else line_note(gap, view.lang, summary_at)
        title = ""
    return await asyncio.to_thread(
        render, slices, points, portfolio.quote, lang=view.lang, note=note, title=title
    )


def _draw_allocation(axes: Axes, slices: Sequence[Slice], quote: str, lang: Lang) -> None:
    axes.set_title(lang.t("chart.allocation", quote=quote), fontsize=10, loc="left")
    if not slices:
        empty(axes, lang.t("chart.no_value"))
        return
    labels = [
        lang.t("chart.other", count=s.assets) if s.label == OTHER else s.label for s in slices
    ]
    shares = [float(s.percent) for s in slices]
    colors = [OTHER_COLOR if s.label == OTHER else BAR_COLOR for s in slices]
    size = _row_font(len(slices))
    rows = range(len(slices))
    axes.barh(rows, shares, color=colors, height=0.72)
    axes.set_yticks(rows, labels, fontsize=size)
    pad = (max(len(slices), MIN_ROWS) - len(slices)) / 2
    axes.set_ylim(len(slices) - 0.5 + pad, -0.5 - pad)  # biggest on top, bars never slabs
    widest = max(shares)
    axes.set_xlim(0, widest)
    axes.set_xticks([])
    axes.tick_params(axis="y", length=0)
    for side in ("top", "right", "bottom", "left"):
        axes.spines[side].set_visible(False)
    for row, (item, share) in enumerate(zip(slices, shares, strict=True)):
        text = bar_label(item.percent, item.value, lang)
        if share >= widest * INSIDE_LABEL_SHARE:
            axes.text(share, row, f"{text} ", ha="right", va="center", color="white",
                      fontsize=size, fontweight="bold")  # fmt: skip
        else:
            axes.text(share, row, f" {text}", ha="left", va="center", color="black",
                      fontsize=size)  # fmt: skip


def _panel_heights(slices: int, points: int) -> tuple[float, float]:
    """Return the panels' height ratios: the allocation grows with its bars, up to a limit."""
    top = min(1.3, 0.35 + 0.09 * max(slices, MIN_ROWS))
    return top, 1.0 if points >= 2 else 0.4


def _row_font(rows: int) -> float:
    """Return a label size that keeps `rows` bars legible without overlapping."""
    return 9.0 if rows <= 8 else max(5.0, 9.0 - (rows - 8) * 0.25)
