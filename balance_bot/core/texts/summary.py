"""The daily summary's text: the portfolio now, and how it moved since the previous summary."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from html import escape

from balance_bot.core.flows import FlowSplit, SplitUnavailable
from balance_bot.core.i18n import View
from balance_bot.core.numbers import quantize
from balance_bot.core.percent import percent_of
from balance_bot.core.summary import AssetMove, DailyPortfolio, asset_moves
from balance_bot.core.texts.balance import dust_line
from balance_bot.core.texts.history import split_lines
from balance_bot.core.texts.rounding import rounding_note
from balance_bot.core.texts.routes import VIA_MARK, via_lines
from balance_bot.core.texts.table import pre_table
from balance_bot.core.valuation import Portfolio, Route, total_routes

MORNING_ENDS_HOUR = 12


def summary_message(
    portfolio: Portfolio,
    previous: DailyPortfolio | None,
    view: View,
    *,
    scheduled: bool,
    split: FlowSplit | SplitUnavailable | None = None,
    pnl_line: str | None = None,
    closed_day: Sequence[str] = (),
) -> str:
    """Render the summary; the `scheduled` one greets (good morning, before noon).

    `split` tells the change since `previous` apart: money moved in or out, and the market;
    `closed_day` is yesterday's record from the daily values (core.texts.periods
    .summary_period_lines: /daily's row of the same day), said instead of the split when
    there is one; `pnl_line` is the unrealized P&L (core.texts.pnl.summary_pnl_line).
    """
    lang, quote = view.lang, escape(portfolio.quote)
    today = view.long_date()
    if not scheduled:
        title = view.t("summary.title", date=today)
    elif view.now.astimezone(view.tz).hour < MORNING_ENDS_HOUR:
        title = view.t("summary.morning", date=today)
    else:
        title = view.t("summary.daily", date=today)
    if not portfolio.prices_available:
        updated = view.t("balance.updated", when=view.when(portfolio.as_of))
        return "\n".join([title, view.t("balance.no_prices"), updated])
    lines = [title, view.t("summary.total", total=lang.money(portfolio.total), quote=quote)]
    if portfolio.unpriced:  # a total without an asset it had yesterday compares falsely
        assets = ", ".join(escape(a) for a in portfolio.unpriced)
        lines.append(view.t("balance.lost_price", assets=assets))
    elif previous is None:
        lines.append(view.t("summary.first"))
    else:
        change = _change(portfolio.total - previous.total, previous.total, quote, view)
        lines.append(_since(previous.day, view, change))
        if split is not None and not closed_day:
            lines += split_lines(split, portfolio.quote, view)
    lines += closed_day
    if pnl_line:
        lines.append(pnl_line)
    compared = None if portfolio.unpriced else previous
    moves = asset_moves(portfolio, compared)
    routes = _routes(portfolio, [m.asset for m in moves])
    if moves:
        lines.append(_table(moves, view, compare=compared is not None, routed=routes))
    rows = {m.asset for m in moves}
    small = [p for p in portfolio.positions if p.value is not None and p.asset not in rows]
    if small:  # folded as /balance folds them, so the rows and this line add up to the total
        lines.append(dust_line(small, portfolio.quote, view))
    lost = set(portfolio.unpriced)
    unpriced = [
        escape(p.asset) for p in portfolio.positions if p.value is None and p.asset not in lost
    ]
    if unpriced:
        lines.append(view.t("summary.unpriced", quote=quote, assets=", ".join(unpriced)))
    lines += via_lines(routes, portfolio.quote, view)
    worth = [m.now for m in moves] + [p.value for p in small if p.value is not None]
    lines += rounding_note(worth, portfolio.total, portfolio.quote, view)
    lines.append(view.t("balance.updated", when=view.when(portfolio.as_of)))
    return "\n".join(lines)


def _routes(portfolio: Portfolio, shown: list[str]) -> dict[str, Route]:
    """Return the prices not of their own pair behind the rows `shown` and the total."""
    routes = total_routes(portfolio)
    for asset in shown:
        position, route = portfolio.position(asset), portfolio.route(asset)
        if route is not None and position is not None and position.value is not None:
            routes[asset] = route
    return routes


def _since(previous: date, view: View, change: str) -> str:
    days = (view.now.astimezone(view.tz).date() - previous).days
    if days <= 1:
        return view.t("summary.since_yesterday", change=change)
    moment = datetime.combine(previous, time(12), view.tz)
    day = view.weekday(moment) if days < 7 else view.short_date(moment)
    return view.t("summary.since_day", day=day, change=change)


def _change(change: Decimal, base: Decimal, quote: str, view: View) -> str:
    """Return the total's change, with its percentage of `base` unless that is zero."""
    amount, arrow = view.lang.signed(change, 2), _arrow(change, view)
    if base == 0:
        return view.t("summary.change", arrow=arrow, amount=amount, quote=quote)
    percent = view.lang.percent(percent_of(change, base))
    return view.t(
        "summary.change_percent", arrow=arrow, amount=amount, quote=quote, percent=percent
    )


def _arrow(change: Decimal, view: View) -> str:
    if quantize(change, 2) == 0:
        return view.t("summary.same")
    return view.t("summary.up" if change > 0 else "summary.down")


def _table(moves: list[AssetMove], view: View, *, compare: bool, routed: dict[str, Route]) -> str:
    rows = []
    for move in moves:
        if not compare:
            trend = ""
        elif move.before is None or move.before == 0:
            trend = view.t("summary.new")
        else:
            ratio = percent_of(move.change, move.before)
            same = quantize(ratio, 2) == 0
            trend = (
                view.t("summary.same")
                if same
                else view.t(
                    "summary.trend", arrow=_arrow(ratio, view), percent=view.lang.percent(ratio)
                )
            )
        rows.append((move.asset, trend, view.lang.money(move.now)))
    marks = [VIA_MARK if move.asset in routed else "" for move in moves]
    return pre_table(rows, "<<>", marks=marks)
