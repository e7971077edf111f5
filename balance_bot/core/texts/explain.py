"""Change alerts that say why: trades, transfers, requests and what the history lacks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from html import escape

from balance_bot.btcturk.history import PAGE_CAP
from balance_bot.btcturk.models import Transfer
from balance_bot.core.changes import BalanceChange
from balance_bot.core.explain import AssetAccount, Explanation, Trade, is_deposit
from balance_bot.core.i18n import View
from balance_bot.core.orders import FillStory
from balance_bot.core.texts.notices import asset_route, portfolio_line, route_lines
from balance_bot.core.texts.orders import story_line
from balance_bot.core.texts.routes import via_lines, via_mark
from balance_bot.core.valuation import Portfolio, Route


def explained_change_alert(
    changes: Sequence[BalanceChange],
    explanation: Explanation,
    portfolio: Portfolio,
    view: View,
    stories: Mapping[str, FillStory] | None = None,
) -> str:
    """Describe one poll's changes with their explanation: why first, then what is left.

    One title: "Balance changed" over changed totals; money only set aside (withdrawals
    requested, orders) is titled by its one line, or, for several, by what they are.
    `stories`: per order id, how far an order the live feed told of is filled: its line
    heads the order's fills (one story per order), or the alert when the history lacks them.
    """
    moved = [c for c in changes if c.difference != 0]
    lone = not moved and len(explanation.pending) + len(explanation.order_moves) == 1
    if moved:
        title = "change.title"
    elif explanation.pending and not explanation.order_moves:
        title = "explain.requested_title"  # money set aside for withdrawals, nothing else
    else:
        title = "change.orders_title"
    lines = [] if lone else [view.t(title)]
    stories = stories or {}
    traded = {item.order_id for item in explanation.items if isinstance(item, Trade)}
    lines += [
        story_line(story, view, portfolio.precisions)
        for key, story in stories.items()
        if key not in traded
    ]
    lines += item_lines(explanation, view, stories, portfolio.precisions)
    lines += [
        _pending(p.asset, p.amount, explanation, view, title=lone) for p in explanation.pending
    ]
    lines += open_lines(explanation, portfolio, view)
    for move in explanation.order_moves:
        key = "explain.order_placed" if move.placed else "explain.order_cancelled"
        amount = view.lang.amount(abs(move.new_locked - move.old_locked), move.precision)
        lines.append(
            view.t(f"{key}_title" if lone else key, amount=amount, asset=escape(move.asset))
        )
    if moved:
        amounts = ", ".join(
            view.t(
                "amount.with_unit",
                amount=view.lang.amount(c.new_total, c.precision),
                unit=escape(c.asset),
            )
            for c in moved
        )
        lines.append(view.t("explain.now", amounts=amounts))
    lines.append(portfolio_line(portfolio, view))
    lines += route_lines(open_routes(explanation, portfolio), portfolio, view)
    lines.append(view.when(portfolio.as_of))
    return "\n".join(lines)


def follow_up_message(
    explanation: Explanation, sent_at: datetime, view: View, portfolio: Portfolio | None = None
) -> str:
    """Tell what history that arrived late explains of the alert sent at `sent_at`."""
    lines = [view.t("explain.follow_up", when=view.when(sent_at))]
    lines += item_lines(explanation, view)
    lines += open_lines(explanation, portfolio, view)
    if portfolio is not None:
        lines += via_lines(open_routes(explanation, portfolio), portfolio.quote, view)
    return "\n".join(lines)


def item_lines(
    explanation: Explanation,
    view: View,
    stories: Mapping[str, FillStory] | None = None,
    precisions: Mapping[str, int] | None = None,
) -> list[str]:
    """Return one or two lines per trade and one per transfer, oldest first; a trade of an
    order with a story (`stories`, by order id) under the order's line."""
    lines: list[str] = []
    for item in explanation.items:
        if isinstance(item, Trade):
            story = (stories or {}).get(item.order_id)
            if story is not None:
                lines.append(story_line(story, view, precisions or {}))
            lines += _trade(item, explanation, view)
        else:
            lines.append(_transfer(item, explanation, view))
    return lines


def open_lines(explanation: Explanation, portfolio: Portfolio | None, view: View) -> list[str]:
    """Return what the history does not explain, biggest value first, said plainly: what it
    may list later, then what no read can return (more rows at one moment than it gives)."""
    lines = []
    for account in _by_worth(explanation.awaited, portfolio):
        amount = view.lang.signed(account.unexplained, account.precision)
        asset, worth = escape(account.asset), _worth(account, portfolio)
        if worth is None or portfolio is None or account.asset == portfolio.quote:
            lines.append(view.t("explain.unexplained", amount=amount, asset=asset))
        else:
            value = view.lang.signed(worth, 2)
            quote = escape(portfolio.quote) + via_mark(asset_route(account.asset, portfolio))
            lines.append(
                view.t(
                    "explain.unexplained_worth",
                    amount=amount,
                    asset=asset,
                    value=value,
                    quote=quote,
                )
            )
    return lines + _beyond_reach(explanation, portfolio, view)


def _beyond_reach(explanation: Explanation, portfolio: Portfolio | None, view: View) -> list[str]:
    """Return the open part that may be rows BTCTurk cannot return, under one line saying so."""
    accounts = _by_worth(explanation.beyond_reach, portfolio)
    if not accounts:
        return []
    books = sorted({explanation.crowded[a.asset] for a in accounts})
    what = ", ".join(view.t(f"export.what.{book}") for book in books)
    lines = [view.t("explain.crowded", cap=PAGE_CAP, what=what)]
    for account in accounts:
        amount = view.lang.signed(account.unexplained, account.precision)
        asset, worth = escape(account.asset), _worth(account, portfolio)
        if worth is None or portfolio is None or account.asset == portfolio.quote:
            lines.append(view.t("explain.crowded_amount", amount=amount, asset=asset))
        else:
            value, quote = view.lang.signed(worth, 2), escape(portfolio.quote)
            lines.append(
                view.t(
                    "explain.crowded_amount_worth",
                    amount=amount,
                    asset=asset,
                    value=value,
                    quote=quote,
                )
            )
    return lines


def _by_worth(accounts: Sequence[AssetAccount], portfolio: Portfolio | None) -> list[AssetAccount]:
    """Return `accounts`, biggest value first."""
    return sorted(accounts, key=lambda a: -abs(_worth(a, portfolio) or Decimal(0)))


def open_routes(explanation: Explanation, portfolio: Portfolio | None) -> dict[str, Route]:
    """Return the routes of the values `open_lines` shows (prices not of their own pair)."""
    routes: dict[str, Route] = {}
    if portfolio is None:
        return routes
    for account in explanation.open:
        if account.asset != portfolio.quote and _worth(account, portfolio) is not None:
            routes |= asset_route(account.asset, portfolio)
    return routes


def fills_text(fills: int, view: View, *, more: bool = False) -> str:
    """Return "3 fills", "1 fill", or "2 more fills" for the rest of an order."""
    if more:
        key = "explain.fills.one_more" if fills == 1 else "explain.fills.many_more"
    else:
        key = "explain.fills.one" if fills == 1 else "explain.fills.many"
    return view.t(key, count=fills)


def costs_text(fee: Decimal, tax: Decimal, currency: str, precision: int, view: View) -> str:
    """Return "fee 1,404.80 + tax 252.86 TRY", "fee 1.00 USDT", or "no fee"."""
    lang, unit = view.lang, escape(currency)
    if tax != 0:
        return view.t(
            "explain.fee_tax",
            fee=lang.amount(fee, precision),
            tax=lang.amount(tax, precision),
            currency=unit,
        )
    if fee != 0:
        return view.t("explain.fee", fee=lang.amount(fee, precision), currency=unit)
    return view.t("explain.no_fee")


def _trade(trade: Trade, explanation: Explanation, view: View) -> list[str]:
    lang = view.lang
    average = trade.average
    title = view.t(
        "explain.bought" if trade.is_buy else "explain.sold",
        amount=lang.amount(trade.amount, explanation.precision(trade.base)),
        base=escape(trade.base),
        price=lang.price(average if average is not None else Decimal(0)),
        quote=escape(trade.quote),
        fills=fills_text(trade.fills, view, more=trade.continued),
    )
    costs = costs_text(
        trade.fee, trade.tax, trade.fee_currency, explanation.precision(trade.fee_currency), view
    )
    detail = view.t(
        "explain.spent" if trade.is_buy else "explain.received",
        costs=costs,
        total=lang.amount(trade.net, explanation.precision(trade.quote)),
        quote=escape(trade.quote),
    )
    return [title, detail]


def _transfer(transfer: Transfer, explanation: Explanation, view: View) -> str:
    p = explanation.precision(transfer.asset)
    amount, asset = view.lang.amount(transfer.amount, p), escape(transfer.asset)
    if transfer.fee == 0 and transfer.tax == 0:
        key = "explain.deposit" if is_deposit(transfer) else "explain.withdrawal"
        return view.t(key, amount=amount, asset=asset)
    costs = costs_text(transfer.fee, transfer.tax, transfer.asset, p, view)
    if is_deposit(transfer):
        return view.t("explain.deposit_costs", amount=amount, asset=asset, costs=costs)
    # What left the balance, as the request said it when it was set aside.
    total = view.lang.amount(transfer.amount + transfer.fee + transfer.tax, p)
    return view.t("explain.withdrawal_costs", amount=amount, asset=asset, costs=costs, total=total)


def _pending(
    asset: str, amount: Decimal, explanation: Explanation, view: View, *, title: bool
) -> str:
    text = view.lang.amount(amount, explanation.precision(asset))
    key = "explain.pending_title" if title else "explain.pending"
    return view.t(key, amount=text, asset=escape(asset))


def _worth(account: AssetAccount, portfolio: Portfolio | None) -> Decimal | None:
    price = None if portfolio is None else portfolio.prices.get(account.asset)
    return None if price is None else account.unexplained * price
