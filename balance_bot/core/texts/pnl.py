"""The /pnl answer: per asset P&L and cost, then the totals and what they leave out.

Rows are records of two lines inside <pre>, at most PHONE_WIDTH (34) columns, so they fit a
phone; a line that would be wider is cut (core.texts.table.wrap), its rest indented below:

    BTC   +35,745.12 (+19.83%)
     avg 3,004,248.00 → 3,600,000.00
    RENDER*  +123,456,789.12
             (+1,234.56%)

A figure that cannot be told says why ("unknown (no price)", "⏳ prices loading") in its
place, never a zero or an empty cell; a "?" in a record's second line stands only for what
its first line says. Each total names the assets it leaves out: the realized P&L those whose
realized P&L is unknown, the fees those whose fees are unknown, each on its own line
("realized without BTC: prices loading", "fees without GLMR: prices loading"), or once for
both when they leave out the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html import escape

from balance_bot.btcturk.history import PAGE_CAP
from balance_bot.core.cost_basis import Unknown
from balance_bot.core.i18n import View
from balance_bot.core.pnl import FEES_YEAR, REALIZED_ALL, Left, PnlReport, PnlRow
from balance_bot.core.texts.rounding import rounding_note
from balance_bot.core.texts.routes import VIA_MARK, via_lines
from balance_bot.core.texts.table import pre_block, wrap
from balance_bot.core.valuation import Route

UNKNOWN_CELL = "?"


def history_month(moment: datetime) -> str:
    """Return the month the history reaches back to: 2024-03."""
    return moment.date().isoformat()[:7]


def pnl_loading_message(first: datetime | None, view: View) -> str:
    """Say the history is still being read, the oldest record found so far, and that the
    figures are ready (to ask for again) once it reaches the first transaction."""
    if first is None:
        return view.t("pnl.loading_start")
    return view.t("pnl.loading", month=history_month(first))


def pnl_refused_message(view: View) -> str:
    """Say the key may not read the history."""
    return view.t("pnl.refused")


def history_read_until(read_until: datetime, refused: bool, view: View) -> str:
    """Say the history behind the figures goes up to `read_until` and was not read since:
    the key lacks the Account permission (`refused`), or the read failed just now."""
    key = "pnl.read_until_refused" if refused else "pnl.read_until"
    return view.t(key, when=view.when(read_until))


def pnl_unsupported_message(quote: str, supported: Sequence[str], view: View) -> str:
    """Say P&L is not kept in this quote currency, and in which it is."""
    return view.t("pnl.unsupported", quote=escape(quote), supported=", ".join(supported))


def pnl_message(
    report: PnlReport,
    view: View,
    crowded: Mapping[str, int] | None = None,
    *,
    routes: Mapping[str, Route] | None = None,
) -> str:
    """Render the P&L of every asset, most first, and the totals.

    An incomplete asset that `crowded` names (the first moment, in ms, at which its history
    reached BTCTurk's cap) is marked ‡ and said to be so, with that moment, and what it keeps
    from before it; `routes`: the prices now not of their asset's own pair (Portfolio.routes):
    marked in the price column and named below the totals.
    """
    cut = {
        r.asset: at_ms
        for r in report.rows
        if not r.complete and (at_ms := (crowded or {}).get(r.asset)) is not None
    }
    marked = frozenset(cut)
    lines = [view.t(f"pnl.title.{report.method}", quote=report.quote)]
    if not report.rows:
        return "\n".join([*lines, view.t("pnl.empty")])
    held = [r for r in report.rows if r.units > 0]
    routed = {
        r.asset: route
        for r in held
        if r.complete and r.price is not None and (route := (routes or {}).get(r.asset))
    }
    if held:
        lines.append(_records([_held_record(r, view, r.asset in routed, marked) for r in held]))
    realized = [
        r for r in report.rows if (r.complete or r.until_ms is not None) and _has_realized(r)
    ]
    if realized:
        lines.append(view.t("pnl.realized_title", year=report.year))
        lines.append(_records([_realized_record(r, view, marked) for r in realized]))
    lines += _unrealized_total(report, view)
    lines += _realized_total(report, view)
    lines += via_lines(routed, report.quote, view)
    if any(r.from_close for r in report.rows):
        lines.append(view.t("pnl.close_note", mark=view.t("pnl.mark.close")))
    if any(r.seen for r in report.rows):
        lines.append(view.t("pnl.then_note", mark=view.t("pnl.mark.then")))
    if any(not r.complete for r in report.rows):
        lines.append(view.t("pnl.incomplete_note"))
    for row in report.rows:
        if row.asset in cut:
            lines.append(_crowded_note(row, cut[row.asset], view))
    return "\n".join(lines)


def _crowded_note(row: PnlRow, at_ms: int, view: View) -> str:
    """Say from which moment an asset's history misses fills, and what it keeps before it."""
    key = "pnl.crowded_since_kept" if row.until_ms is not None else "pnl.crowded_since"
    return view.t(
        key,
        mark=view.t("pnl.mark.crowded"),
        asset=escape(row.asset),
        cap=PAGE_CAP,
        when=view.when(_moment(at_ms)),
    )


def _moment(at_ms: int) -> datetime:
    return datetime.fromtimestamp(at_ms // 1000, UTC) + timedelta(milliseconds=at_ms % 1000)


def asset_cost_line(row: PnlRow, quote: str, view: View) -> str:
    """Return one asset's average cost and unrealized P&L, for its /balance detail."""
    if not row.complete:
        return view.t("pnl.asset_incomplete")
    if row.average_cost is None:
        why = row.cost_why
        return "" if why is None else view.t("pnl.asset_cost_unknown", cell=cell(why, view))
    source = _source(row, view)
    cost = view.t("pnl.asset_cost", cost=view.lang.price(row.average_cost), quote=quote)
    if row.unrealized is None:
        unknown = _cell(row.unrealized_why, view)
        return view.t("pnl.asset_line_unknown", cost=cost, source=source, cell=unknown)
    return view.t(
        "pnl.asset_line",
        cost=cost,
        source=source,
        amount=_signed(view, row.unrealized, 2),
        quote=quote,
        percent=_percent(row.unrealized_pct, view),
    )


def summary_pnl_line(report: PnlReport, yesterday: Decimal | None, view: View) -> str:
    """Return the summary's line: unrealized P&L now, and its change since `yesterday`.

    A total that leaves an asset out names it and is not compared with yesterday's.
    """
    left = report.unrealized_without
    if not report.unrealized_known:
        return view.t("pnl.summary_unknown", assets=left_out(left, view))
    line = view.t(
        "pnl.summary_line",
        amount=_signed(view, report.unrealized, 2),
        quote=report.quote,
        percent=_percent(report.unrealized_pct, view),
    )
    if left:
        return view.t("pnl.summary_without", line=line, assets=left_out(left, view))
    if yesterday is None:
        return line
    change = report.unrealized - yesterday
    arrow = view.t("pnl.up") if change >= 0 else view.t("pnl.down")
    return view.t("pnl.summary_change", line=line, arrow=arrow, change=_signed(view, change, 2))


def cell(why: Unknown, view: View) -> str:
    """Return what stands where a figure is unknown: "unknown (no price)"."""
    return view.t(f"pnl.cell.{why}")


def left_out(left: Left, view: View) -> str:
    """Return the assets a total leaves out, grouped by why: "GLMR, AVAX: no price"."""
    groups: dict[Unknown, list[str]] = {}
    for asset, why in left:
        groups.setdefault(why, []).append(escape(asset))
    return "; ".join(
        view.t("pnl.left_group", assets=", ".join(assets), why=view.t(f"pnl.why.{why}"))
        for why, assets in groups.items()
    )


def _unrealized_total(report: PnlReport, view: View) -> list[str]:
    left = report.unrealized_without
    if not report.unrealized_known:
        return [view.t("pnl.unrealized_unknown", assets=left_out(left, view))]
    total = view.t(
        "pnl.unrealized_total",
        amount=_signed(view, report.unrealized, 2),
        quote=report.quote,
        percent=_percent(report.unrealized_pct, view),
    )
    rows = [r.unrealized for r in report.rows if r.unrealized is not None]
    rounded = rounding_note(rows, report.unrealized, report.quote, view, signed=True)
    return [total, *_without(left, view), *rounded]


def _realized_total(report: PnlReport, view: View) -> list[str]:
    left = report.realized_without
    fees_left = report.fees_without
    no_realized = bool(left) and len(left) == len(report.rows)
    if no_realized and len(fees_left) == len(report.rows) and report.own_fees == 0:
        assets = left_out(left, view)
        return [view.t("pnl.realized_unknown", year=report.year, assets=assets)]
    total = view.t(
        "pnl.realized_total_unknown" if no_realized else "pnl.realized_total",
        year=report.year,
        amount=_signed(view, report.realized_year, 2),
        fees=view.lang.money(report.fees_year),
        quote=report.quote,
    )
    rows = [r.realized_year for r in report.rows if r.realized_year is not None]
    rounded = rounding_note(rows, report.realized_year, report.quote, view, signed=True)
    if left and left == fees_left:
        without = [view.t("pnl.without", assets=left_out(left, view))]
    else:
        without = [
            view.t(key, assets=left_out(assets, view))
            for key, assets in (("pnl.realized_without", left), ("pnl.fees_without", fees_left))
            if assets
        ]
    until = [
        view.t(
            "pnl.counted_until",
            asset=escape(asset) + view.t("pnl.mark.crowded"),
            when=view.when(_moment(at_ms)),
        )
        for asset, at_ms in report.counted_until
    ]
    return [total, *without, *until, *_own_fees(report, view), *rounded]


def _own_fees(report: PnlReport, view: View) -> list[str]:
    """Return the line naming the fees the total adds that no row shows: those paid on the
    quote currency itself (USDTTRY trades in USDT, its own deposits and withdrawals)."""
    if report.own_fees == 0:
        return []
    quote = escape(report.quote)
    what = [
        view.t("pnl.own_fees_trades", pairs=escape(pair))
        if pair
        else view.t("pnl.own_fees_transfers", quote=quote)
        for pair in report.own_fees_on
    ]
    return [
        view.t(
            "pnl.own_fees",
            fees=view.lang.money(report.own_fees),
            quote=quote,
            what=", ".join(what),
        )
    ]


def _without(left: Left, view: View) -> list[str]:
    return [view.t("pnl.without", assets=left_out(left, view))] if left else []


def _has_realized(row: PnlRow) -> bool:
    return row.realized_why is not None or any((row.realized_all, row.fees_year))


def _name(row: PnlRow, view: View, cut: AbstractSet[str] = frozenset()) -> str:
    """Return the asset and the marks of where its cost comes from: ° a deposit's day's close,
    † a price the bot saw at the time (both when both apply); ‡ when fills BTCTurk cannot
    return cut its history (`cut`)."""
    close = view.t("pnl.mark.close") if row.from_close else ""
    then = view.t("pnl.mark.then") if row.seen else ""
    crowded = view.t("pnl.mark.crowded") if row.asset in cut else ""
    return row.asset + close + then + crowded


def _source(row: PnlRow, view: View) -> str:
    """Return where the average cost comes from, in words, for /balance ASSET."""
    if row.from_close and row.seen:
        return view.t("pnl.asset_source.both")
    if row.from_close:
        return view.t("pnl.asset_source.close")
    return view.t("pnl.asset_source.then") if row.seen else ""


Record = tuple[str, str, list[str]]  # name, first line's figure, the lines below


def _held_record(
    row: PnlRow, view: View, routed: bool = False, cut: AbstractSet[str] = frozenset()
) -> Record:
    first_why = row.unrealized_why
    if not row.complete:
        return (_name(row, view, cut), _cell(first_why, view), [])
    if row.unrealized is None:
        figure = _cell(first_why, view)
    else:
        figure = _signed(view, row.unrealized, 2) + _percent(row.unrealized_pct, view)
    average = _figure(row.average_cost, view)
    now = UNKNOWN_CELL if row.price is None else view.lang.price(row.price)
    if routed:  # through another pair than its own: named below the totals
        now += VIA_MARK
    return (_name(row, view), figure, [view.t("pnl.avg_line", cost=average, now=now)])


def _realized_record(row: PnlRow, view: View, cut: AbstractSet[str] = frozenset()) -> Record:
    first_why = row.realized_year_why
    if row.realized_year is None:
        figure = _cell(first_why, view)
    else:
        figure = _signed(view, row.realized_year, 2)
    if row.realized_all is None:
        all_time = _in_place(row.reason(REALIZED_ALL), first_why, view)
    else:
        all_time = _signed(view, row.realized_all, 2)
    if row.fees_year is None:
        fees = _in_place(row.reason(FEES_YEAR), first_why, view)
    else:
        fees = view.lang.money(row.fees_year)
    below = [view.t("pnl.realized_line", all=all_time, fees=fees)]
    return (_name(row, view, cut), figure, below)


def _in_place(why: Unknown | None, said: Unknown | None, view: View) -> str:
    """Return what stands for an unknown figure of a record's second line: "?" where its
    first line says why, else the reason itself ("⏳ prices loading")."""
    return UNKNOWN_CELL if why == said else _cell(why, view)


def _cell(why: Unknown | None, view: View) -> str:
    return UNKNOWN_CELL if why is None else cell(why, view)


def _records(records: list[Record]) -> str:
    width = max(len(name) for name, _, _ in records)
    lines = []
    for name, figure, below in records:
        lines += wrap(f"{name:<{width}}  {figure}", " " * (width + 2))
        for line in below:
            lines += wrap(line, "  ")
    return pre_block(lines)


def _figure(value: Decimal | None, view: View) -> str:
    return UNKNOWN_CELL if value is None else view.lang.price(value)


def _signed(view: View, value: Decimal, precision: int) -> str:
    """Return a P&L figure with its sign, the sign of the value even where it rounds to
    nothing: a loss of 0.0002 is "-0.00", never "+0.00" beside a negative percentage."""
    text = view.lang.signed(value, precision)
    return "-" + text[1:] if value < 0 and text.startswith("+") else text


def _percent(value: Decimal | None, view: View) -> str:
    if value is None:
        return ""
    text = view.lang.percent(value)  # its sign first in both languages: -7.25%, -%7,25
    return f" (-{text[1:]})" if value < 0 and text.startswith("+") else f" ({text})"
