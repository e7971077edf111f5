"""Texts the bot sends on its own: balance changes, threshold crossings, exchange outages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from html import escape

from balance_bot.core.changes import BalanceChange
from balance_bot.core.i18n import View
from balance_bot.core.orders import FillStory
from balance_bot.core.texts.key_refusal import key_cause
from balance_bot.core.texts.orders import story_line
from balance_bot.core.texts.routes import via_lines, via_mark
from balance_bot.core.valuation import Portfolio, Route, total_routes


def change_alert(
    changes: Sequence[BalanceChange],
    portfolio: Portfolio,
    view: View,
    stories: Sequence[FillStory] = (),
) -> str:
    """Describe every asset that changed in one poll, biggest value change first.

    One title: "Balance changed" over the changes; a lone order move is its own title. A
    value through another pair than the asset's own is marked, and named under the total.
    `stories`: the orders the live feed told of whose fills moved these balances, first.
    """
    lang, quote = view.lang, escape(portfolio.quote)
    routes: dict[str, Route] = {}
    moves = [c for c in changes if c.difference != 0]
    order_moves = [c for c in changes if c.difference == 0]
    moves.sort(key=lambda c: -abs(_value(c.difference, c.asset, portfolio) or Decimal(0)))
    lone_order = not moves and len(order_moves) == 1
    lines = [] if lone_order else [view.t("change.title" if moves else "change.orders_title")]
    lines += [story_line(story, view, portfolio.precisions) for story in stories]
    for change in moves:
        asset, p = escape(change.asset), change.precision
        old, new = lang.amount(change.old_total, p), lang.amount(change.new_total, p)
        lines.append(view.t("change.move", asset=asset, old=old, new=new))
        difference = lang.signed(change.difference, p)
        value = _value(change.difference, change.asset, portfolio)
        if value is None or change.asset == portfolio.quote:  # lira in lira: said once
            lines.append(view.t("change.difference", difference=difference, asset=asset))
        else:
            routes |= asset_route(change.asset, portfolio)
            worth = lang.signed(value, 2)
            lines.append(
                view.t(
                    "change.difference_worth",
                    difference=difference,
                    asset=asset,
                    value=worth,
                    quote=quote + via_mark(asset_route(change.asset, portfolio)),
                )
            )
    for change in order_moves:
        p = change.precision
        lines.append(
            view.t(
                "change.order_move_title" if lone_order else "change.order_move",
                asset=escape(change.asset),
                old=lang.amount(change.old_locked, p),
                new=lang.amount(change.new_locked, p),
            )
        )
    lines.append(_portfolio_line(portfolio, view))
    lines += route_lines(routes, portfolio, view)
    lines.append(view.when(portfolio.as_of))
    return "\n".join(lines)


def exchange_down(since: datetime, view: View) -> str:
    """Tell the chats BTCTurk has not answered for a while."""
    return view.t("outage.down", when=view.when(since))


def exchange_back(since: datetime, view: View) -> str:
    """Tell the chats BTCTurk answers again."""
    return view.t("outage.back", when=view.when(since))


def portfolio_line(portfolio: Portfolio, view: View) -> str:
    """Return the total after a change, as the change alert ends with it."""
    return _portfolio_line(portfolio, view)


def asset_route(asset: str, portfolio: Portfolio) -> dict[str, Route]:
    """Return {asset: route} when the price of `asset` is not of its own pair, else {}."""
    route = portfolio.route(asset)
    return {} if route is None else {asset: route}


def route_lines(shown: dict[str, Route], portfolio: Portfolio, view: View) -> list[str]:
    """Return the footnote under a change alert's total: the routes of the values `shown`
    and of the total's (none without prices, when no total is shown)."""
    if portfolio.prices_available:
        shown = shown | total_routes(portfolio)
    return via_lines(shown, portfolio.quote, view)


def _portfolio_line(portfolio: Portfolio, view: View) -> str:
    """Return the total after a change, saying what it lacks; no total without prices."""
    if not portfolio.prices_available:
        return view.t("change.no_prices")
    total = view.lang.money(portfolio.total)
    quote = escape(portfolio.quote) + via_mark(total_routes(portfolio))
    if portfolio.unpriced:
        assets = ", ".join(escape(a) for a in portfolio.unpriced)
        return view.t("change.portfolio_partial", total=total, quote=quote, assets=assets)
    return view.t("change.portfolio", total=total, quote=quote)


def exchange_refuses_key(since: datetime, view: View, refusal: str | None = None) -> str:
    """Tell the chats BTCTurk refuses the API key, and its likely cause as BTCTurk's words
    (`refusal`) tell it; without them, what to check."""
    if refusal is None:
        return view.t("outage.auth", when=view.when(since))
    cause = key_cause(refusal, view)
    return view.t("outage.auth_cause", when=view.when(since), cause=cause)


def exchange_accepts_key(since: datetime, view: View) -> str:
    """Tell the chats BTCTurk accepts the API key again."""
    return view.t("outage.auth_back", when=view.when(since))


def _value(difference: Decimal, asset: str, portfolio: Portfolio) -> Decimal | None:
    price = portfolio.prices.get(asset)
    return None if price is None else difference * price
