"""Every text the bot shows about balances, as Telegram HTML with outside text escaped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from decimal import Decimal
from html import escape

from btcturk.errors import AuthError, BtcTurkError, RateLimited, StampRejected, Unavailable
from core import numbers
from core.valuation import Portfolio, Position

DUST_LIMIT = Decimal(1)  # in the quote currency
NO_VALUE = "—"


def place_name(tz: tzinfo) -> str:
    """Return a short human name for a time zone: Europe/Istanbul -> Istanbul."""
    key = getattr(tz, "key", None) or str(tz)
    return key.rsplit("/", 1)[-1].replace("_", " ")


def data_time(as_of: datetime, tz: tzinfo, now: datetime) -> str:
    """Return when the data was taken, with the date only when it is not today."""
    local, today = as_of.astimezone(tz), now.astimezone(tz)
    stamp = (
        local.strftime("%H:%M") if local.date() == today.date() else local.strftime("%d %b %H:%M")
    )
    return f"{stamp} ({escape(place_name(tz))})"


def is_dust(position: Position) -> bool:
    """Tell whether a holding is too small to deserve its own line."""
    if position.value is not None:
        return position.value < DUST_LIMIT
    return numbers.quantize(position.total, position.precision) == 0


def balance_message(portfolio: Portfolio, tz: tzinfo, now: datetime) -> str:
    """Render the whole portfolio: total first, one line per asset, dust folded."""
    quote = escape(portfolio.quote)
    updated = f"Updated {data_time(portfolio.as_of, tz, now)}"
    if not portfolio.positions:
        return f"💼 Your BTCTurk account holds nothing yet.\n{updated}"
    shown = [p for p in portfolio.positions if not is_dust(p)]
    dust = [p for p in portfolio.positions if is_dust(p)]
    lines = [f"💼 <b>Portfolio: {numbers.money(portfolio.total)} {quote}</b>"]
    if shown:
        lines.append(_table(shown))
    locked = [p for p in shown if p.locked != 0]
    if locked:
        lines.append("🔒 In orders: " + _amount_list(locked, "locked"))
        lines.append("✅ Free: " + _amount_list(locked, "free"))
    if dust:
        lines.append(_dust_line(dust, portfolio.quote))
    unpriced = [p.asset for p in shown if not p.is_priced]
    if unpriced:
        names = ", ".join(escape(a) for a in unpriced)
        lines.append(f"ℹ️ No {quote} price for {names}: not in the total.")
    lines.append(updated)
    return "\n".join(lines)


def asset_message(
    position: Position, quote: str, as_of: datetime, tz: tzinfo, now: datetime
) -> str:
    """Render one holding in detail."""
    asset, p = escape(position.asset), position.precision
    lines = [f"<b>{asset}</b> · {escape(position.name)}"]
    lines.append(f"Total: <b>{numbers.amount(position.total, p)} {asset}</b>")
    if position.locked != 0:
        lines.append(f"Free: {numbers.amount(position.free, p)} {asset}")
        lines.append(f"In orders: {numbers.amount(position.locked, p)} {asset}")
    if position.value is not None and position.price is not None:
        lines.append(
            f"Value: {numbers.money(position.value)} {escape(quote)}"
            f" (1 {asset} = {numbers.price(position.price)} {escape(quote)})"
        )
    else:
        lines.append(f"Value: no {escape(quote)} price on BTCTurk")
    lines.append(f"Updated {data_time(as_of, tz, now)}")
    return "\n".join(lines)


def not_held_message(asset: str, held: Sequence[str]) -> str:
    """Tell the user they hold none of a listed asset."""
    return f"You hold no {escape(asset)} right now.{_held_hint(held)}"


def unknown_asset_message(asset: str, held: Sequence[str]) -> str:
    """Tell the user an asset is not listed on BTCTurk."""
    return f"BTCTurk lists no asset called “{escape(asset[:20])}”.{_held_hint(held)}"


def exchange_error_message(error: BtcTurkError) -> str:
    """Explain an exchange failure in words the account owner can act on."""
    if isinstance(error, StampRejected):
        return "🕒 BTCTurk refused the request's time stamp: check this server's clock."
    if isinstance(error, AuthError):
        return (
            "🔑 BTCTurk refused the API key: check that it is correct, has read permission, "
            "and allows this server's IP."
        )
    if isinstance(error, RateLimited):
        return "⏳ BTCTurk asked the bot to slow down. Try again in a minute."
    if isinstance(error, Unavailable):
        return "⏳ BTCTurk is not answering (maintenance or network). Try again in a few minutes."
    return "⚠️ BTCTurk sent an answer the bot could not read. Try again in a few minutes."


def stale_notice(error: BtcTurkError, as_of: datetime, tz: tzinfo, now: datetime) -> str:
    """Say that the figures below are older than asked, and why."""
    reason = exchange_error_message(error).split(". Try again")[0].rstrip(".")
    return f"{reason}. Showing data from {data_time(as_of, tz, now)}."


def _table(positions: Sequence[Position]) -> str:
    rows = [
        (
            escape(p.asset),
            numbers.amount(p.total, p.precision),
            NO_VALUE if p.value is None else numbers.money(p.value),
        )
        for p in positions
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    body = "\n".join(f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows)
    return f"<pre>{body}</pre>"


def _amount_list(positions: Iterable[Position], field: str) -> str:
    return ", ".join(
        f"{numbers.amount(getattr(p, field), p.precision)} {escape(p.asset)}" for p in positions
    )


def _dust_line(dust: Sequence[Position], quote: str) -> str:
    count = len(dust)
    noun = "balance" if count == 1 else "balances"
    worth = sum((p.value for p in dust if p.value is not None), Decimal(0))
    return (
        f"+ {count} small {noun} under {numbers.amount(DUST_LIMIT, 0)} {escape(quote)}"
        f" (together {numbers.money(worth)} {escape(quote)})"
    )


def _held_hint(held: Sequence[str]) -> str:
    if not held:
        return ""
    return " You hold: " + ", ".join(escape(a) for a in held) + "."
