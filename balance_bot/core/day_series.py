"""Each asset's price on every day of a span, from the daily closes known: pure, Decimal only.

The route is valuation's: the asset's own pair with the quote, else through the other of TRY
and USDT (`GLMRUSDT` x `USDTTRY`). A day is priced by its own candle (`close`); a day the
chart server answered without one on every route (a delisted pair, a day without a trade)
keeps the last price known before it, marked `estimated`; a day still to be read is
`loading`; an asset never priced up to that day has `none`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import Literal, Protocol

from balance_bot.core.day_prices import routes

PriceState = Literal["close", "estimated", "loading", "none"]
ONE = Decimal(1)
PRECISION = 40  # significant digits of a price through an inverted pair (1 / USDTTRY)


class Closes(Protocol):
    """What the chart server told: a pair's own close of a day, and the days it has none."""

    def own_close(self, pair: str, day: date) -> Decimal | None: ...

    def answered(self, pair: str, day: date) -> bool: ...


@dataclass(frozen=True, slots=True)
class DayPrice:
    """An asset's price in the quote on a day (None unless `close` or `estimated`)."""

    price: Decimal | None
    state: PriceState


QUOTED = DayPrice(ONE, "close")


def price_series(closes: Closes, asset: str, quote: str, first: date, last: date) -> list[DayPrice]:
    """Return the asset's price on each day from `first` to `last`, in order."""
    if asset == quote:
        return [QUOTED] * ((last - first).days + 1)
    ways = routes(asset, quote)
    series: list[DayPrice] = []
    known: Decimal | None = None
    day = first
    with localcontext() as context:
        context.prec = PRECISION
        while day <= last:
            price, state = _on(closes, ways, day)
            if price is not None:
                known = price
                series.append(DayPrice(price, "close"))
            elif state == "loading":
                series.append(DayPrice(None, "loading"))
            elif known is not None:
                series.append(DayPrice(known, "estimated"))
            else:
                series.append(DayPrice(None, "none"))
            day += timedelta(days=1)
    return series


def _on(
    closes: Closes, ways: list[tuple[tuple[str, bool], ...]], day: date
) -> tuple[Decimal | None, PriceState]:
    """Return the day's own price by the first route that has one, or why there is none."""
    for route in ways:
        price, unread, absent = ONE, False, False
        for pair, inverted in route:
            close = closes.own_close(pair, day)
            if close is not None:
                price *= ONE / close if inverted else close
            elif closes.answered(pair, day):
                absent = True
            else:
                unread = True
        if absent:
            continue  # no candle this way that day: the next way may have one
        if unread:
            return None, "loading"
        return price, "close"
    return None, "none"
