"""The period tables (/daily, /weekly, /monthly) and the same records in the daily summary,
the weekly and monthly reports and /pnl: one rendering, so each says the same figures.

A period is a record of a few lines inside <pre>, at most PHONE_WIDTH (34) columns:

    Tue 24 Nov        34,215,249.43
     market +412,330.10 (+1.22%)
     USD +0.80% · BTC -1.20%
     in 1,000,000.00 · out 500.00
     3 trades · fees 1,657.66

A mark after the period says what its figures rest on (each explained once below the block):
`~` a price is the last one known (no candle that day), `!` the history does not account for
an asset held, `?` something is left out (no price, prices loading, money moved of unknown
value). A line that would be wider than the phone is cut as /pnl cuts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from html import escape

from balance_bot.core.i18n import View, time_of_day
from balance_bot.core.periods import (
    ALL_DETAILS,
    DAILY,
    DEFAULT_COUNT,
    MAX_COUNT,
    MONTHLY,
    RETURNS,
    UNIT_LABELS,
    WEEKLY,
    Detail,
    PeriodKind,
    PeriodRow,
)
from balance_bot.core.texts.table import PHONE_WIDTH, pre_block, wrap

ESTIMATED, INCOMPLETE, LEFT_OUT = "~", "!", "?"


def period_count(kind: PeriodKind, args: Sequence[str]) -> int | None:
    """Return the N of `/daily [N]` (`/weekly`, `/monthly`), None when it is not 1 to most."""
    if not args:
        return DEFAULT_COUNT[kind]
    if len(args) != 1 or not args[0].isascii() or not args[0].isdigit():
        return None
    count = int(args[0])
    return count if 1 <= count <= MAX_COUNT[kind] else None


def periods_usage(kind: PeriodKind, view: View) -> str:
    """Return the usage line of /daily, /weekly or /monthly."""
    return view.t(f"periods.usage.{kind}", most=MAX_COUNT[kind], default=DEFAULT_COUNT[kind])


def period_table(
    kind: PeriodKind,
    rows: Sequence[PeriodRow],
    span: PeriodRow | None,
    quote: str,
    view: View,
    *,
    asked: int,
    first: date | None,
) -> str:
    """Render the table of the last periods, their span in all, and what the marks mean.

    `asked`: how many periods the owner asked for; fewer rows means the history starts later.
    """
    if not rows:
        return view.t("periods.none")
    quote = escape(quote)
    lines = [view.t(f"periods.title.{kind}", count=len(rows), quote=quote)]
    lines.append(pre_block(period_lines(rows, view)))
    if span is not None and len(rows) > 1:
        lines += span_lines(kind, span, len(rows), quote, view)
    if len(rows) < asked and first is not None:
        lines.append(view.t("periods.history_from", day=view.lang.day(first)))
    if rows[-1].partial:
        lines.append(view.t("periods.partial", day=view.lang.weekday_day(rows[-1].end)))
    lines += mark_notes(rows, view)
    lines.append(day_rule(view))
    return "\n".join(lines)


def period_lines(
    rows: Sequence[PeriodRow],
    view: View,
    *,
    heads: Sequence[str] | None = None,
    details: Sequence[Detail] = ALL_DETAILS,
) -> list[str]:
    """Return each period as a record: its name and marks with its value at the end, then
    its market result, in other units, its money moved, its trades and fees."""
    names = [
        (heads[i] if heads is not None else period_head(row, view)) + marks(row)
        for i, row in enumerate(rows)
    ]
    loading = view.t("periods.value_loading")  # never a figure that leaves them out
    values = [loading if row.value_loading else view.lang.money(row.value_end) for row in rows]
    name_width, value_width = max(map(len, names)), max(map(len, values))
    lines: list[str] = []
    for row, name, value in zip(rows, names, values, strict=True):
        first = f"{name:<{name_width}} {value:>{value_width}}"
        if len(first) <= PHONE_WIDTH:
            lines.append(first)
        else:
            lines += [name, f"{value:>{PHONE_WIDTH}}"]
        for detail in _details(row, view, details):
            lines += wrap(f" {detail}", "  ")
    return lines


def span_lines(kind: PeriodKind, span: PeriodRow, count: int, quote: str, view: View) -> list[str]:
    """Return the lines of the whole span: its market result, in other units, money moved."""
    lines = [view.t(f"periods.span.{kind}", count=count, market=market_text(span, quote, view))]
    units = _units(span, view)
    if units:
        lines.append(f"  {units}")
    parts = [part for part in (_moved(span, view), _trades(span, view)) if part]
    if parts:
        lines.append("  " + view.t("periods.sep").join(parts))
    return lines


def mark_notes(rows: Sequence[PeriodRow], view: View) -> list[str]:
    """Return one line per mark the rows carry, naming the assets behind it."""
    estimated = _names(frozenset().union(*(r.estimated for r in rows)))
    incomplete = _names(frozenset().union(*(r.incomplete for r in rows)))
    unpriced = _names(frozenset().union(*(r.unpriced for r in rows)))
    loading = _names(frozenset().union(*(r.loading for r in rows)))
    unvalued = _names(frozenset().union(*(r.unvalued for r in rows)))
    notes = []
    if estimated:
        notes.append(view.t("periods.note.estimated", mark=ESTIMATED, assets=estimated))
    if incomplete:
        notes.append(view.t("periods.note.incomplete", mark=INCOMPLETE, assets=incomplete))
    if unpriced:
        notes.append(view.t("periods.note.unpriced", mark=LEFT_OUT, assets=unpriced))
    if unvalued:
        notes.append(view.t("periods.note.unvalued", mark=LEFT_OUT, assets=unvalued))
    if loading:
        notes.append(view.t("periods.note.loading", mark=LEFT_OUT, assets=loading))
    return notes


def day_rule(view: View) -> str:
    """Say when a day ends: at BTCTurk's daily close, 00:00 UTC, in the reader's time."""
    return view.t("periods.day_rule", time=_close_time(view), place=view.place())


def marks(row: PeriodRow) -> str:
    """Return the marks of a period's figures: estimated, incomplete, something left out."""
    found = ESTIMATED if row.estimated else ""
    found += INCOMPLETE if row.incomplete else ""
    return found + (LEFT_OUT if row.left_out else "")


def period_head(row: PeriodRow, view: View) -> str:
    """Return a period's name: Tue 24 Nov, 17–23 Nov (27 Oct–2 Nov), November 2026."""
    if row.kind == DAILY:
        return view.lang.weekday_day(row.start)
    if row.kind == MONTHLY:
        return view.lang.month_year(row.start)
    return view.lang.day_span(row.start, row.period_end)


def _short(day: date, view: View) -> str:
    return view.short_date(datetime.combine(day, time(12), view.tz))


def _close_time(view: View) -> str:
    """Return when BTCTurk's daily close (00:00 UTC) is in the reader's time zone: 03:00."""
    close = datetime.combine(view.now.astimezone(UTC).date(), time(0), UTC)
    return time_of_day(close.astimezone(view.tz).time())


def market_text(row: PeriodRow, quote: str, view: View) -> str:
    """Return a period's market result in the quote, or why it cannot be told."""
    if row.unknown:
        return _market_unknown(row, view)
    amount = view.lang.signed(row.market, 2)
    percent = _percent(row.percent, view)
    return view.t("periods.market_total", amount=amount, quote=quote, percent=percent)


def _details(row: PeriodRow, view: View, details: Sequence[Detail]) -> list[str]:
    lines = []
    if ALL_DETAILS[0] in details and row.unknown:
        lines.append(_market_unknown(row, view))
    elif ALL_DETAILS[0] in details:
        lines.append(
            view.t(
                "periods.market",
                amount=view.lang.signed(row.market, 2),
                percent=_percent(row.percent, view),
            )
        )
    shown = (
        _units(row, view) if ALL_DETAILS[1] in details else "",
        _moved(row, view) if ALL_DETAILS[2] in details else "",
        _trades(row, view) if ALL_DETAILS[3] in details else "",
    )
    return lines + [line for line in shown if line]


def _market_unknown(row: PeriodRow, view: View) -> str:
    """Say why the market result cannot be told: prices still loading (named below the
    block), or assets left out that moved."""
    if row.unknown <= row.loading:
        return view.t("periods.market_loading")
    return view.t("periods.market_unknown", assets=_names(row.unknown))


def _percent(percent: Decimal | None, view: View) -> str:
    return "" if percent is None else f" ({view.lang.percent(percent)})"


def _units(row: PeriodRow, view: View) -> str:
    parts = []
    for result in row.units:
        label = UNIT_LABELS.get(result.unit, result.unit)
        if result.percent is not None:
            parts.append(
                view.t("periods.unit", unit=label, percent=view.lang.percent(result.percent))
            )
        elif result.market is None:
            parts.append(view.t("periods.unit_unknown", unit=label))
    return view.t("periods.sep").join(parts)


def _moved(row: PeriodRow, view: View) -> str:
    if row.moved_loading:  # a part of it waits for its price: no sum that leaves it out
        return view.t("periods.moved_loading")
    parts = []
    if row.moved_in:
        parts.append(view.t("periods.in", amount=view.lang.money(row.moved_in)))
    if row.moved_out:
        parts.append(view.t("periods.out", amount=view.lang.money(row.moved_out)))
    return view.t("periods.sep").join(parts)


def _trades(row: PeriodRow, view: View) -> str:
    parts = []
    if row.trades:
        key = "periods.trades_one" if row.trades == 1 else "periods.trades"
        parts.append(view.t(key, count=row.trades))
    if row.fees_loading:
        parts.append(view.t("periods.fees_loading"))
    elif row.fees:
        parts.append(view.t("periods.fees", amount=view.lang.money(row.fees)))
    return view.t("periods.sep").join(parts)


def _names(assets: frozenset[str]) -> str:
    return ", ".join(escape(asset) for asset in sorted(assets))


def values_missing_message(
    view: View,
    *,
    refused: bool = False,
    unsupported: bool = False,
    back_to: datetime | None = None,
    quote: str = "",
    supported: Sequence[str] = (),
) -> str:
    """Say why there are no daily values yet: the history is still being read, the key may not
    read it, or no daily prices are kept in this quote currency."""
    if unsupported:
        return view.t("periods.unsupported", quote=escape(quote), supported=", ".join(supported))
    if refused:
        return view.t("periods.refused")
    if back_to is None:
        return view.t("periods.loading_start")
    return view.t("periods.loading", month=back_to.date().isoformat()[:7])


def first_day_pending(view: View) -> str:
    """Say the first transaction is today: its day is valued after today's close."""
    return view.t("periods.first_today", time=_close_time(view), place=view.place())


def summary_period_lines(row: PeriodRow, view: View) -> list[str]:
    """Return yesterday's record for the daily summary: /daily's row of the same day."""
    return [
        view.t("periods.summary_title"),
        pre_block(period_lines([row], view)),
        *mark_notes([row], view),
    ]


def period_report_message(
    kind: PeriodKind,
    row: PeriodRow,
    moves: Sequence[tuple[str, str, Decimal]],
    quote: str,
    view: View,
) -> str:
    """Render the weekly or monthly report from the daily values: /weekly's (/monthly's) row
    of the same period, and the assets that moved most (`moves`: report key, asset, change)."""
    if kind == WEEKLY:
        title = view.t("report.weekly", start=_short(row.start, view), end=_short(row.end, view))
    else:
        title = view.t("report.monthly", month=view.lang.month_year(row.start))
    lines = [title, pre_block(period_lines([row], view))]
    for key, asset, change in moves:
        amount = view.t(
            "periods.asset_change", amount=view.lang.signed(change, 2), quote=escape(quote)
        )
        lines.append(view.t(key, asset=escape(asset), change=amount))
    lines += mark_notes([row], view)
    lines.append(day_rule(view))
    return "\n".join(lines)


def returns_lines(rows: Sequence[tuple[str, PeriodRow]], last: date, view: View) -> list[str]:
    """Return /pnl's market results from the daily values: this year and all time, in the
    quote, in dollars and in bitcoin."""
    if not rows:
        return []
    block = period_lines([r for _, r in rows], view, heads=[h for h, _ in rows], details=RETURNS)
    return [
        view.t("pnl.returns_title", day=view.lang.day(last)),
        pre_block(block),
        *mark_notes([r for _, r in rows], view),
    ]
