"""BTCTurk's public daily candles: `GET {graph}/v1/ohlcs?pair=USDTTRY&from=<s>&to=<s>`.

Timestamps here are in seconds (every other endpoint counts milliseconds). Answers have been
published as a list of objects (`time` in seconds, `close` a number or a string), sometimes
inside a `data` envelope, and in the chart library's column form (`{"t": [...], "c": [...]}`).
Each is read; a row without a usable day or close is skipped, never guessed.

Every request has the timeout its caller gives (the chart server is a second-rank source: no
hard-coded wait), and `GraphPacer` keeps the requests of the whole process within the chart
server's quotas, 120 a minute and 600 in ten minutes per host.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import aiohttp

from balance_bot.btcturk.errors import BadResponse, Unavailable
from balance_bot.btcturk.fields import number
from balance_bot.btcturk.parsing import decode_answer
from balance_bot.btcturk.rate import Quota

OHLCS_PATH = "/v1/ohlcs"
GRAPH_QUOTAS = (Quota(120, 60.0), Quota(600, 600.0))  # per host, the chart server's limits
CONNECT_TIMEOUT_S = 5.0


class GraphPacer:
    """Hold each request to the chart server until every quota has room for it.

    A log of the last send times (as many as the largest quota) keeps every span of each
    quota's period at its limit or fewer; `slack_s` covers the latency that moves an arrival
    later than its sending.
    """

    def __init__(
        self,
        quotas: Sequence[Quota] = GRAPH_QUOTAS,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        slack_s: float = 1.0,
    ) -> None:
        if not quotas or any(q.limit < 1 or q.period_s <= 0 for q in quotas):
            raise ValueError("the chart server's quotas need a positive limit and period")
        self._quotas = tuple(quotas)
        self._monotonic = monotonic
        self._sleep = sleep
        self._slack_s = slack_s
        self._sent: collections.deque[float] = collections.deque(
            maxlen=max(q.limit for q in quotas)
        )
        self._lock = asyncio.Lock()

    def _earliest(self) -> float:
        """Return the first moment a request may go out without passing a quota."""
        earliest = 0.0
        for quota in self._quotas:
            if len(self._sent) >= quota.limit:
                earliest = max(earliest, self._sent[-quota.limit] + quota.period_s + self._slack_s)
        return earliest

    def wait_s(self) -> float:
        """Return how long a request would wait now."""
        return max(0.0, self._earliest() - self._monotonic())

    async def acquire(self) -> None:
        """Return when a request may go out, and count it as sent."""
        async with self._lock:
            wait = self.wait_s()
            if wait > 0:
                await self._sleep(wait)
            self._sent.append(max(self._monotonic(), self._earliest()))


async def daily_closes(
    session: aiohttp.ClientSession,
    base_url: str,
    pair: str,
    from_s: int,
    to_s: int,
    *,
    timeout_s: float,
) -> dict[date, Decimal]:
    """Return the closing price of each UTC day of `pair` from `from_s` to `to_s` (seconds).

    The request is abandoned after `timeout_s`. Raises `Unavailable` when the server cannot
    be reached in time and `BadResponse` for an answer that holds no candle data.
    """
    params = {"pair": pair, "from": str(from_s), "to": str(to_s)}
    limits = aiohttp.ClientTimeout(total=timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s))
    try:
        async with session.get(
            base_url.rstrip("/") + OHLCS_PATH, params=params, timeout=limits
        ) as response:
            body, status = await response.read(), response.status
            content_type = response.headers.get("Content-Type")
            retry_after = response.headers.get("Retry-After")
    except TimeoutError:
        raise Unavailable("BTCTurk's chart server did not answer in time") from None
    except (aiohttp.ClientError, OSError) as exc:
        raise Unavailable(f"could not reach BTCTurk's chart server ({type(exc).__name__})") from exc
    return parse_closes(decode_answer(status, body, content_type, retry_after=retry_after))


def parse_closes(payload: Any) -> dict[date, Decimal]:
    """Return day -> close from any published shape of the candles' answer."""
    if isinstance(payload, Mapping) and isinstance(payload.get("data"), list | Mapping):
        payload = payload["data"]
    if isinstance(payload, Mapping) and isinstance(payload.get("t"), list):
        times, closes = payload["t"], payload.get("c")
        if not isinstance(closes, list):
            raise BadResponse("BTCTurk's candles hold times without closes")
        rows: list[Any] = [{"time": t, "close": c} for t, c in zip(times, closes, strict=False)]
    elif isinstance(payload, list):
        rows = payload
    else:
        raise BadResponse("BTCTurk's candles are not a list")
    found: dict[date, Decimal] = {}
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        day, close = _day(row.get("time", row.get("timestamp"))), _price(row.get("close"))
        if day is not None and close is not None:
            found[day] = close
    return found


def _day(value: Any) -> date | None:
    """Return the UTC day of a candle's time, in seconds (or milliseconds after all)."""
    figure = number(value)
    if figure is None:
        return None
    seconds = int(figure)
    if seconds > 10**11:  # milliseconds after all
        seconds //= 1000
    if not 0 < seconds < 10**11:
        return None
    return datetime.fromtimestamp(seconds, UTC).date()


def _price(value: Any) -> Decimal | None:
    price = number(value)
    return price if price is not None and price > 0 else None
