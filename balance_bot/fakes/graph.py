"""A fake of BTCTurk's public chart server: daily candles at `/v1/ohlcs`.

    exchange.candles.set_close("USDTTRY", date(2026, 3, 1), "32.1")   # FakeBtcTurk serves it
    exchange.candles.default_close["USDTTRY"] = Decimal("34")         # every other day
    async with FakeGraph() as graph: ...                              # or on its own
    candles.delist("GLMRUSDT", date(2026, 10, 1))                     # no candle after it
    candles.fail_next = 1        # the next request answers 500
    candles.hang = True          # requests get no answer until candles.release() (then a 503)

Rows are shaped like the published answers: a list of objects with `time` in seconds (the
day's start, UTC) and the prices as JSON numbers. Days outside `from`..`to` are left out.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from aiohttp import web

from balance_bot.fakes._server import LocalServer, json_response
from balance_bot.fakes.ledger import json_number

DAY_S = 86_400
OHLCS_PATH = "/v1/ohlcs"


class Candles:
    """Daily closes the test sets, and the route that serves them."""

    def __init__(self) -> None:
        self.closes: dict[str, dict[date, Decimal]] = collections.defaultdict(dict)
        self.default_close: dict[str, Decimal] = {}
        self.calls = 0
        self.fail_next = 0  # requests still to answer with a 500
        self.hang = False  # hold every request without an answer
        self.held = 0  # requests held now
        self.on_request: Callable[[str], None] = lambda pair: None  # a test's hook
        self._released: asyncio.Event | None = None

    def release(self) -> None:
        """Stop holding requests: those held get a 503, the next ones their candles."""
        self.hang = False
        if self._released is not None:
            self._released.set()
            self._released = None

    def set_close(self, pair: str, day: date, close: Decimal | str) -> None:
        """Set one day's close of `pair`."""
        self.closes[pair][day] = Decimal(close)

    def delist(self, pair: str, last: date) -> bool:
        """Stop `pair`'s candles after `last`, as a delisted pair's stop; False without any."""
        known = self.closes.get(pair, {})
        had = bool(known) or pair in self.default_close
        self.closes[pair] = {day: close for day, close in known.items() if day <= last}
        self.default_close.pop(pair, None)
        return had

    async def ohlcs(self, request: web.Request) -> web.StreamResponse:
        """Answer `GET /v1/ohlcs?pair=&from=&to=` (seconds) with the days set."""
        self.calls += 1
        pair = request.query.get("pair", "").upper()
        self.on_request(pair)
        if self.hang:
            if self._released is None:
                self._released = asyncio.Event()
            released = self._released
            self.held += 1
            try:
                await released.wait()
            finally:
                self.held -= 1
            return json_response({"success": False, "message": "SERVICE_UNAVAILABLE"}, status=503)
        if self.fail_next > 0:
            self.fail_next -= 1
            return json_response({"success": False, "message": "INTERNAL_ERROR"}, status=500)
        try:
            start, end = int(request.query["from"]), int(request.query["to"])
        except (KeyError, ValueError):
            return json_response(
                {"success": False, "message": "from and to are required"}, status=400
            )
        rows: list[dict[str, Any]] = []
        day = datetime.fromtimestamp(start - start % DAY_S, UTC)
        while day.timestamp() <= end:
            close = self.closes.get(pair, {}).get(day.date(), self.default_close.get(pair))
            if close is not None:
                number = json_number(close)
                rows.append(
                    {
                        "pair": pair,
                        "time": int(day.timestamp()),
                        "open": number,
                        "high": number,
                        "low": number,
                        "close": number,
                        "volume": 1000,
                    }
                )
            day += timedelta(days=1)
        return json_response(rows)


class FakeGraph(LocalServer):
    """Serve `candles` on a server of their own."""

    def __init__(self) -> None:
        super().__init__()
        self.candles = Candles()

    def build_app(self) -> web.Application:
        """Return the application with the one route."""
        app = web.Application()
        app.router.add_get(OHLCS_PATH, self.candles.ohlcs)
        return app
