"""The chart's lower panel: the portfolio's value day by day, and the money invested by then.

Drawn on a matplotlib Axes handed in by services/charts.py (object API only, no pyplot). From
the daily values it draws two lines, the value (filled under) and the net invested (a step
line: it moves only with money moved); a day whose value rests on a last known price is a
hollow dot, and the days the history does not account for are shaded. From the totals kept at
each summary (no history) it draws the one line, as before. A note under the panel says what
the line leaves out or rests on; without two points the note stands in its place.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from balance_bot.core.chart_data import HISTORY_DAYS, HistoryPoint
from balance_bot.core.i18n import Lang

if TYPE_CHECKING:
    from matplotlib.axes import Axes

BAR_COLOR = "#1f6fb2"
INVESTED_COLOR = "#d9822b"
SHADE_COLOR = "#f2dede"
GRID_COLOR = "#dde3ea"
MUTED = "#5f6b7a"
EMPTY_NOTE_CHARS = 52  # a line of the note in place of the history line (8 pt)
SHORT_NOTE_CHARS = 64  # a line of the note under a short history line (6.5 pt)
MARKED_POINTS = 62  # up to about two months, every day is a dot; beyond, only estimated ones
YEAR_TICKS_DAYS = 180  # a line longer than this names months and years, not days
TITLE_CHARS = 50  # a line of the value line's title (8.5 pt)


def draw_line(
    axes: Axes,
    history: Sequence[HistoryPoint],
    quote: str,
    lang: Lang,
    note: str,
    title: str = "",
) -> None:
    """Draw the value line (and the invested one, when the points carry it) on `axes`."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if title:  # the daily values' line names its first and last day: a longer title
        axes.set_title(_wrapped(title, TITLE_CHARS), fontsize=8.5, loc="left")
    else:
        axes.set_title(lang.t("chart.history", days=HISTORY_DAYS), fontsize=10, loc="left")
    if len(history) < 2:
        empty(axes, _wrapped(note, EMPTY_NOTE_CHARS))
        return
    if note:
        axes.set_xlabel(_wrapped(note, SHORT_NOTE_CHARS), fontsize=6.5, color=MUTED, loc="left")
    days = [point.day.toordinal() for point in history]  # x in whole days
    totals = [float(point.total) for point in history]
    marked = len(history) <= MARKED_POINTS
    _shade(axes, history)
    axes.plot(days, totals, color=BAR_COLOR, linewidth=1.6 if marked else 1.2,
              marker="o" if marked else None, markersize=2.5,
              label=lang.t("chart.value_label"))  # fmt: skip
    guessed = [(d, t) for d, t, p in zip(days, totals, history, strict=True) if p.estimated]
    if guessed:
        axes.plot([d for d, _ in guessed], [t for _, t in guessed], linestyle="none",
                  marker="o", markersize=4, markerfacecolor="white", color=BAR_COLOR)  # fmt: skip
    invested = [(d, float(p.invested)) for d, p in zip(days, history, strict=True)
                if p.invested is not None]  # fmt: skip
    if invested:
        axes.step([d for d, _ in invested], [v for _, v in invested], where="post",
                  color=INVESTED_COLOR, linewidth=1.2,
                  label=lang.t("chart.invested_label"))  # fmt: skip
        axes.legend(loc="best", fontsize=6.5, frameon=False)
    floor, _ = axes.get_ylim()  # the shade reaches the axis, under both lines
    axes.fill_between(days, totals, floor, color=BAR_COLOR, alpha=0.08)
    axes.set_ylim(bottom=floor)
    axes.set_ylabel(quote, fontsize=8)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5))
    axes.yaxis.set_major_formatter(
        FuncFormatter(lambda value, _: lang.amount(Decimal(round(value)), 0))
    )
    by_year = days[-1] - days[0] > YEAR_TICKS_DAYS
    axes.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=2))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: _day(value, lang, by_year)))
    axes.tick_params(labelsize=7)
    axes.margins(x=0.04)
    axes.grid(axis="y", color=GRID_COLOR, linewidth=0.6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _shade(axes: Axes, history: Sequence[HistoryPoint]) -> None:
    """Shade each run of days the history does not account for, half a day either side."""
    run: list[int] = []
    for point in [*history, None]:
        if point is not None and point.incomplete:
            run.append(point.day.toordinal())
            continue
        if run:
            axes.axvspan(run[0] - 0.5, run[-1] + 0.5, color=SHADE_COLOR, alpha=0.6, linewidth=0)
            run = []


def empty(axes: Axes, message: str) -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", fontsize=8, color=MUTED,
              transform=axes.transAxes)  # fmt: skip
    axes.set_axis_off()


def _wrapped(text: str, width: int) -> str:
    """Return each paragraph of `text` wrapped to lines of at most `width` characters."""
    return "\n".join(textwrap.fill(paragraph, width) for paragraph in text.splitlines())


def _day(ordinal: float, lang: Lang, by_year: bool = False) -> str:
    """Return a date tick as 3 Nov (Turkish: 3 Kas), or Nov 2025 on a line of years."""
    from babel.dates import format_date

    pattern = "MMM y" if by_year else "d MMM"
    return str(format_date(date.fromordinal(round(ordinal)), pattern, locale=lang.code))
