"""Texts built on the exchange's history: /history, the summary's split, the permission notes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from html import escape

from balance_bot.btcturk.history import PAGE_CAP, crowded_orders
from balance_bot.btcturk.models import History, Transfer
from balance_bot.core.commands import HISTORY_DAYS
from balance_bot.core.explain import Trade, default_precision, group_fills, is_deposit
from balance_bot.core.flows import FlowSplit, SplitUnavailable
from balance_bot.core.i18n import View
from balance_bot.core.numbers import quantize
from balance_bot.core.texts.explain import costs_text, fills_text

DEFAULT_ROWS = 10
MOST_ROWS = 50


def history_count(args: Sequence[str]) -> int | None:
    """Return the N of `/history [N]` (default 10), None when it is not 1 to 50."""
    if not args:
        return DEFAULT_ROWS
    if len(args) != 1 or not args[0].isascii() or not args[0].isdigit():
        return None
    count = int(args[0])
    return count if 1 <= count <= MOST_ROWS else None


def history_usage(view: View) -> str:
    """Return the usage line of /history."""
    return view.t("history.usage", most=MOST_ROWS)


def history_message(
    history: History,
    view: View,
    *,
    count: int = DEFAULT_ROWS,
    precisions: Mapping[str, int] | None = None,
    days: int = HISTORY_DAYS,
) -> str:
    """List the last `count` trades (fills grouped by order), deposits and withdrawals, newest
    first, with times in the chat's time zone."""
    known = precisions or {}
    crowded = crowded_orders(history.fills)  # more of their fills may be missing
    entries: list[Trade | Transfer] = [*group_fills(history.fills), *history.transfers]
    entries.sort(key=lambda e: e.at_ms, reverse=True)
    shown = entries[:count]
    if not shown:
        return view.t("history.none", days=days)
    key = "history.title.one" if len(shown) == 1 else "history.title.many"
    lines = [view.t(key, count=len(shown), days=days, place=view.place())]
    for entry in shown:
        if isinstance(entry, Trade):
            lines.append(_trade_row(entry, known, view))
            if entry.order_id in crowded:
                lines.append(view.t("history.crowded", cap=PAGE_CAP))
        else:
            lines.append(_transfer_row(entry, known, view))
    return "\n".join(lines)


def history_permission_notice(view: View) -> str:
    """Say once that changes are not explained without the Account permission."""
    return view.t("history.no_permission")


def history_status_line(view: View) -> str:
    """Return the /status line for a key without the Account permission."""
    return view.t("history.status_no_permission")


def history_needs_permission(view: View) -> str:
    """Answer /history when the key lacks the Account permission."""
    return view.t("history.needs_permission")


def split_lines(split: FlowSplit | SplitUnavailable, quote: str, view: View) -> list[str]:
    """Return the summary's lines that tell the market from the money moved."""
    lang, unit = view.lang, escape(quote)
    if isinstance(split, SplitUnavailable):
        assets = ", ".join(escape(a) for a in split.assets)
        return [view.t(f"flows.unavailable.{split.reason}", quote=unit, assets=assets)]
    amount, arrow = lang.signed(split.market, 2), _arrow(split.market, view)
    percent = split.market_percent
    if percent is None:
        change = view.t("summary.change", arrow=arrow, amount=amount, quote=unit)
    else:
        change = view.t(
            "summary.change_percent",
            arrow=arrow,
            amount=amount,
            quote=unit,
            percent=lang.percent(percent),
        )
    lines = [view.t("flows.market", change=change)]
    net = split.net_flows
    if quantize(net, 2) != 0:
        key = "flows.deposits" if net > 0 else "flows.withdrawals"
        lines.append(view.t(key, amount=lang.signed(net, 2), quote=unit))
    if quantize(split.fees, 2) != 0:
        lines.append(view.t("flows.fees", amount=lang.money(split.fees), quote=unit))
    if split.estimated:
        assets = ", ".join(escape(a) for a in split.estimated)
        lines.append(view.t("flows.estimated", assets=assets))
    return lines


def _arrow(change: Decimal, view: View) -> str:
    if quantize(change, 2) == 0:
        return view.t("summary.same")
    return view.t("summary.up" if change > 0 else "summary.down")


def _when(at_ms: int, view: View) -> str:
    local = datetime.fromtimestamp(at_ms / 1000, UTC).astimezone(view.tz)
    return view.t(
        "history.when",
        day=view.short_date(local),
        hour=str(local.hour).zfill(2),
        minute=str(local.minute).zfill(2),
    )


def _precision(asset: str, known: Mapping[str, int]) -> int:
    return known.get(asset, default_precision(asset))


def _trade_row(trade: Trade, known: Mapping[str, int], view: View) -> str:
    lang, buy = view.lang, trade.is_buy
    average = trade.average
    values = dict(
        when=_when(trade.at_ms, view),
        amount=lang.amount(trade.amount, _precision(trade.base, known)),
        base=escape(trade.base),
        price=lang.price(average if average is not None else Decimal(0)),
        quote=escape(trade.quote),
        costs=costs_text(
            trade.fee, trade.tax, trade.fee_currency, _precision(trade.fee_currency, known), view
        ),
    )
    if trade.fills == 1:
        return view.t("history.buy" if buy else "history.sell", **values)
    fills = fills_text(trade.fills, view)
    return view.t("history.buy_fills" if buy else "history.sell_fills", fills=fills, **values)


def _transfer_row(transfer: Transfer, known: Mapping[str, int], view: View) -> str:
    p = _precision(transfer.asset, known)
    deposit = is_deposit(transfer)
    values = dict(
        when=_when(transfer.at_ms, view),
        amount=view.lang.amount(transfer.amount, p),
        asset=escape(transfer.asset),
    )
    if transfer.fee == 0 and transfer.tax == 0:
        return view.t("history.deposit" if deposit else "history.withdrawal", **values)
    costs = costs_text(transfer.fee, transfer.tax, transfer.asset, p, view)
    key = "history.deposit_costs" if deposit else "history.withdrawal_costs"
    return view.t(key, costs=costs, **values)
