"""BTCTurk's public daily candles: `GET {graph}/v1/ohlcs?pair=USDTTRY&from=<s>&to=<s>`.

Timestamps here are in seconds (every other endpoint counts milliseconds). Answers have been
published as a list of objects (`time` in seconds, `close` a number or a string), sometimes
inside a `data` envelope, and in the chart library's column form (`{"t": [...], "c": [...]}`).
Each is read; a row without a usable day or close is skipped, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import aiohttp

from btcturk.amounts import AmountError, parse_decimal
from btcturk.errors import BadResponse, Unavailable
from btcturk.parsing import decode_answer

OHLCS_PATH = "/v1/ohlcs"
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=15, connect=5)


async def daily_closes(
    session: aiohttp.ClientSession,
    base_url: str,
    pair: str,
    from_s: int,
    to_s: int,
    *,
    limits: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
) -> dict[date, Decimal]:
    """Return the closing price of each UTC day of `pair` from `from_s` to `to_s` (seconds).

    Raises `Unavailable` when the server cannot be reached and `BadResponse` for an answer
    that holds no candle data.
    """
    params = {"pair": pair, "from": str(from_s), "to": str(to_s)}
    try:
        async with session.get(
            base_url.rstrip("/") + OHLCS_PATH, params=params, timeout=limits
        ) as response:
            body, status = await response.read(), response.status
            content_type = response.headers.get("Content-Type")
    except TimeoutError:
        raise Unavailable("BTCTurk's chart server did not answer in time") from None
    except (aiohttp.ClientError, OSError) as exc:
        raise Unavailable(f"could not reach BTCTurk's chart server ({type(exc).__name__})") from exc
    return parse_closes(decode_answer(status, body, content_type))


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
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        return None
    try:
        seconds = int(Decimal(str(value)))
    except ArithmeticError:
        return None
    if seconds > 10**11:  # milliseconds after all
        seconds //= 1000
    if not 0 < seconds < 10**11:
        return None
    return datetime.fromtimestamp(seconds, UTC).date()


def _price(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        price = parse_decimal(str(value)) if not isinstance(value, Decimal) else value
    except AmountError:
        return None
    return price if price.is_finite() and price > 0 else None
