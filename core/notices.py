"""Texts the bot sends on its own: balance changes, threshold crossings, exchange outages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from decimal import Decimal
from html import escape

from core import numbers
from core.alert_messages import plain_amount
from core.changes import BalanceChange
from core.format import data_time
from core.thresholds import TOTAL, AlertSpec, Direction
from core.valuation import Portfolio


def change_alert(
    changes: Sequence[BalanceChange], portfolio: Portfolio, tz: tzinfo, now: datetime
) -> str:
    """Describe every asset that changed in one poll, biggest value change first."""
    quote = escape(portfolio.quote)
    moves = [c for c in changes if c.difference != 0]
    order_moves = [c for c in changes if c.difference == 0]
    moves.sort(key=lambda c: -abs(_value(c.difference, c.asset, portfolio) or Decimal(0)))
    lines = ["🔔 <b>Balance changed</b>"] if moves else ["🔒 <b>Orders changed</b>"]
    for change in moves:
        asset, p = escape(change.asset), change.precision
        lines.append(
            f"<b>{asset}</b> {numbers.amount(change.old_total, p)} → "
            f"{numbers.amount(change.new_total, p)}"
        )
        value = _value(change.difference, change.asset, portfolio)
        worth = "" if value is None else f"  ≈ {numbers.signed(value, 2)} {quote}"
        lines.append(f"    {numbers.signed(change.difference, p)} {asset}{worth}")
    for change in order_moves:
        asset, p = escape(change.asset), change.precision
        lines.append(
            f"🔒 {asset} in orders: {numbers.amount(change.old_locked, p)} → "
            f"{numbers.amount(change.new_locked, p)}"
        )
    lines.append(f"Portfolio: {numbers.money(portfolio.total)} {quote}")
    lines.append(data_time(portfolio.as_of, tz, now))
    return "\n".join(lines)


def threshold_alert(
    alert_id: int, rule: AlertSpec, value: Decimal, precision: int, portfolio: Portfolio
) -> str:
    """Announce that an alert's condition has just become true (`precision` of its asset)."""
    quote = escape(portfolio.quote)
    verb = "rose above" if rule.direction is Direction.ABOVE else "fell below"
    back = "falls back below" if rule.direction is Direction.ABOVE else "rises back above"
    if rule.target == TOTAL:
        subject, unit = "Your portfolio", quote
        now_line = f"Now {numbers.money(value)} {quote}"
        limit = f"{plain_amount(rule.amount)} {quote}"
        again = f"the portfolio {back} {limit}"
    else:
        subject = unit = escape(rule.target)
        price = portfolio.prices.get(rule.target)
        worth = "" if price is None else f" (≈ {numbers.money(value * price)} {quote})"
        now_line = f"Now {numbers.amount(value, precision)} {unit}{worth}"
        limit = plain_amount(rule.amount)
        again = f"{subject} {back} {limit}"
    return (
        f"⚠️ <b>Alert #{alert_id}: {subject} {verb} {limit}</b>\n"
        f"{now_line}\n"
        f"It will fire again after {again}.   /unalert {alert_id}"
    )


def exchange_down(since: datetime, tz: tzinfo, now: datetime) -> str:
    """Tell the chats BTCTurk has not answered for a while."""
    return (
        f"⏳ Cannot reach BTCTurk since {data_time(since, tz, now)}. "
        "Change alerts resume when it answers again; nothing is lost."
    )


def exchange_back(since: datetime, tz: tzinfo, now: datetime) -> str:
    """Tell the chats BTCTurk answers again."""
    return f"✅ BTCTurk is reachable again (it was not since {data_time(since, tz, now)})."


def _value(difference: Decimal, asset: str, portfolio: Portfolio) -> Decimal | None:
    price = portfolio.prices.get(asset)
    return None if price is None else difference * price
