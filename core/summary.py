"""The daily summary: the portfolio now, and how it moved since the previous summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from html import escape

from core import numbers
from core.format import DUST_LIMIT, data_time
from core.valuation import Portfolio

HUNDRED = Decimal(100)
MORNING_ENDS_HOUR = 12


@dataclass(frozen=True, slots=True)
class DailyPortfolio:
    """The portfolio's value on one day: the total and each asset's value in the quote currency."""

    day: date
    total: Decimal
    values: dict[str, Decimal]


@dataclass(frozen=True, slots=True)
class AssetMove:
    """One asset's value now and at the previous summary."""

    asset: str
    now: Decimal
    before: Decimal | None

    @property
    def change(self) -> Decimal:
        """Return the change in value (all of it for an asset that is new)."""
        return self.now - (self.before or 0)


def day_values(portfolio: Portfolio, day: date) -> DailyPortfolio:
    """Return what a summary stores of `portfolio` for comparing tomorrow."""
    values = {p.asset: p.value for p in portfolio.positions if p.value is not None}
    return DailyPortfolio(day=day, total=portfolio.total, values=values)


def asset_moves(portfolio: Portfolio, previous: DailyPortfolio | None) -> list[AssetMove]:
    """Return each asset worth showing, biggest movers first (assets sold count too)."""
    before = previous.values if previous else {}
    now = {p.asset: p.value for p in portfolio.positions if p.value is not None}
    moves = [
        AssetMove(asset, now.get(asset, Decimal(0)), before.get(asset) if previous else None)
        for asset in set(now) | set(before)
    ]
    moves = [m for m in moves if m.now >= DUST_LIMIT or (m.before or 0) >= DUST_LIMIT]
    moves.sort(key=lambda m: (-abs(m.change) if previous else -m.now, m.asset))
    return moves


def summary_message(
    portfolio: Portfolio,
    previous: DailyPortfolio | None,
    tz: tzinfo,
    now: datetime,
    *,
    scheduled: bool,
) -> str:
    """Render the summary; the `scheduled` one greets (good morning, before noon)."""
    quote = escape(portfolio.quote)
    local = now.astimezone(tz)
    today = local.strftime("%A %d %B").replace(" 0", " ")
    if not scheduled:
        title = f"📊 <b>Summary — {today}</b>"
    elif local.hour < MORNING_ENDS_HOUR:
        title = f"☀️ <b>Good morning — {today}</b>"
    else:
        title = f"📊 <b>Daily summary — {today}</b>"
    lines = [title, f"Portfolio: <b>{numbers.money(portfolio.total)} {quote}</b>"]
    if previous is None:
        lines.append("No earlier summary to compare with yet.")
    else:
        change = portfolio.total - previous.total
        since = _since(previous.day, now.astimezone(tz).date())
        percent = _percent(change, previous.total)
        lines.append(
            f"Since {since}: {_arrow(change)} {numbers.signed(change, 2)} {quote}{percent}"
        )
    moves = asset_moves(portfolio, previous)
    if moves:
        lines.append(_table(moves, compare=previous is not None))
    unpriced = [p.asset for p in portfolio.positions if p.value is None]
    if unpriced:
        lines.append(f"ℹ️ No {quote} price for {', '.join(escape(a) for a in unpriced)}.")
    lines.append(f"Updated {data_time(portfolio.as_of, tz, now)}")
    return "\n".join(lines)


def _since(previous: date, today: date) -> str:
    days = (today - previous).days
    if days <= 1:
        return "yesterday"
    if days < 7:
        return previous.strftime("%A")
    return previous.strftime("%d %b").lstrip("0")


def _arrow(change: Decimal) -> str:
    if numbers.quantize(change, 2) == 0:
        return "="
    return "▲" if change > 0 else "▼"


def _percent(change: Decimal, base: Decimal) -> str:
    if base == 0:
        return ""
    return f" ({numbers.percent(change / base * HUNDRED)})"


def _table(moves: list[AssetMove], *, compare: bool) -> str:
    rows = []
    for move in moves:
        if not compare:
            trend = ""
        elif move.before is None or move.before == 0:
            trend = "new"
        else:
            ratio = move.change / move.before * HUNDRED
            trend = (
                "="
                if numbers.quantize(ratio, 2) == 0
                else f"{_arrow(ratio)} {numbers.percent(ratio)}"
            )
        rows.append((escape(move.asset), trend, numbers.money(move.now)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    body = "\n".join(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows)
    return f"<pre>{body}</pre>"
