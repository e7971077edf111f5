"""A fake BTCTurk API: signed balances, history, tickers, server time, rate limits and failures.

    async with FakeBtcTurk() as exchange:
        client = BtcTurkClient(session, exchange.base_url, DEMO_API_KEY, DEMO_API_SECRET)
        exchange.inject("maintenance")

Authentication is checked like the real exchange (headers, public key, a stamp within
5 seconds of the fake's clock, HMAC-SHA256 of key + stamp), independently of the client code.

History (`/api/v1/users/transactions/trade`, `/crypto`, `/fiat`; rows from `ledger`): the
`startDate`/`endDate` window in ms, inclusive, the last 30 days when absent; at most 200 rows
per answer, the newest of the window, newest first (users report the newest 200 and nothing
older, BTCTrader/broker-api-docs#189); a window over 30 days is refused with HTTP 400 (the
documentation says longer ranges may be refused; no answer to one is published, so the fake
takes the strict reading). A key without the Account permission (`account_permission = False`)
gets HTTP 401 with an empty body, as users saw it on these endpoints (broker-api-docs#422).
Each endpoint has its own quota per minute (trade 120, crypto and fiat 90), like balances.

The key's permissions, as BTCTurk's API access page grants them: `total_funds_permission`
(balances), `account_permission` (history), `trade_permission` (`GET /api/v1/openOrders`
answers instead of refusing; off by default, as the read-only key the bot asks for), and
`ip_allowed` (the key bound to another IP: every signed request refused). A missing permission
gets an empty 401, as users saw it (broker-api-docs#422, #435); GUESS: no refusal for an IP has
been published, so the fake's says "IP address not allowed" and names the caller's address.
`GET /api/v2/server/exchangeinfo` serves a captured real answer (fakes/exchange_info.py).
"""

from __future__ import annotations

import base64
import collections
import copy
import datetime as dt
import hashlib
import hmac
import json
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal, get_args

from aiohttp import web

from balance_bot.fakes._server import LocalServer, json_response
from balance_bot.fakes.exchange_faults import FAULTS, Fault, fault_response, rate_limited
from balance_bot.fakes.exchange_info import FakeExchangeInfo
from balance_bot.fakes.graph import OHLCS_PATH, Candles
from balance_bot.fakes.ledger import Book, Ledger
from balance_bot.fakes.orders import OrderDesk
from balance_bot.fakes.seed import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    JsonRow,
    demo_balances,
    demo_tickers,
    ticker_row,
)

Endpoint = Literal[
    "balances", "ticker", "server_time", "trades", "crypto", "fiat", "exchange_info", "open_orders"
]
ENDPOINTS: Final[frozenset[str]] = frozenset(get_args(Endpoint))

RowShape = Literal["documented", "2020", "2019"]
"""Balance rows as the documentation shows them today (with `timestamp`), as users published
them in 2020-2025 (no `timestamp`), or as the first v1 documentation showed them (only
`asset`, `assetname`, `balance`, `locked` and `free`)."""
ROW_SHAPES: Final[frozenset[str]] = frozenset(get_args(RowShape))
_DROPPED: Final[dict[str, tuple[str, ...]]] = {
    "documented": (),
    "2020": ("timestamp",),
    "2019": ("timestamp", "orderFund", "requestFund", "precision"),
}

STAMP_TOLERANCE_MS: Final = 5000
RATE_LIMIT: Final = 120
RATE_WINDOW_S: Final = 60.0
AUTH_ERROR_CODE: Final = 1037
HISTORY_PATHS: Final[dict[Book, str]] = {
    "trades": "/api/v1/users/transactions/trade",
    "crypto": "/api/v1/users/transactions/crypto",
    "fiat": "/api/v1/users/transactions/fiat",
}
QUOTAS: Final[dict[str, int]] = {"balances": 120, "trades": 120, "crypto": 90, "fiat": 90}
EXCHANGE_INFO_PATH: Final = "/api/v2/server/exchangeinfo"
OPEN_ORDERS_PATH: Final = "/api/v1/openOrders"
PAGE_CAP: Final = 200
MAX_WINDOW_MS: Final = 30 * 86_400_000

_AMOUNT_FIELDS: Final = ("balance", "locked", "free", "orderFund", "requestFund")
_QUOTES: Final = ("USDT", "TRY", "BTC", "EUR", "USD")


class FakeBtcTurk(LocalServer):
    """Serve the BTCTurk endpoints the bot uses, with controllable state and faults."""

    def __init__(
        self,
        *,
        api_key: str = DEMO_API_KEY,
        api_secret: str = DEMO_API_SECRET,
        balances: Sequence[JsonRow] | None = None,
        tickers: Sequence[JsonRow] | None = None,
        decimal_separator: str = ".",
        row_shape: RowShape = "documented",
        clock_offset_s: float = 0.0,
        latency_s: float = 0.0,
        rate_limit: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Set up the account; `clock` (real time, seconds) is injectable for exact tests."""
        super().__init__()
        if decimal_separator not in (",", "."):
            raise ValueError("decimal_separator must be ',' or '.'")
        self.api_key = api_key
        self._secret = base64.b64decode(api_secret, validate=True)
        self.balances: list[JsonRow] = (
            copy.deepcopy(list(balances)) if balances is not None else demo_balances()
        )
        self.tickers: list[JsonRow] = (
            copy.deepcopy(list(tickers)) if tickers is not None else demo_tickers()
        )
        self.decimal_separator = decimal_separator
        if row_shape not in ROW_SHAPES:
            raise ValueError(f"row_shape must be one of {sorted(ROW_SHAPES)}")
        self.row_shape: RowShape = row_shape
        self.ticker_failing: Fault | None = None  # every ticker request answers this
        self.clock_offset_s = clock_offset_s
        self.latency_s = latency_s
        self.rate_limit = rate_limit
        self.calls: collections.Counter[str] = collections.Counter()
        self.auth_failures = 0
        self.rate_limit_hits = 0
        self._clock = clock
        self._faults: dict[str, collections.deque[Fault]] = collections.defaultdict(
            collections.deque
        )
        self._windows: dict[str, tuple[float, int]] = {}  # endpoint -> (opened, count)
        self.ledger = Ledger(self)
        self.account_permission = True  # False: the key lacks "Account", history is refused
        self.history_refusals = 0
        self.candles = Candles()  # the chart server's daily candles, served here too
        self.total_funds_permission = True  # False: balances get an empty 401
        self.trade_permission = False  # True: the key can trade (openOrders answers)
        self.trade_refusals = 0
        self.ip_allowed = True  # False: the key is bound to another IP
        self.info = FakeExchangeInfo(
            lambda: [str(row.get("pair")) for row in self.tickers],
            lambda: [str(row.get("asset")) for row in self.balances],
        )
        self.desk = OrderDesk(self)  # the account's orders, and the feed's frames of them

    @property
    def base_url(self) -> str:
        """Return "http://127.0.0.1:PORT", the value for the client's base URL."""
        return self.url

    async def close(self) -> None:
        """Answer the chart requests held (a 503), then stop serving: a held request would
        keep the close waiting its shutdown timeout, then be cut without an answer. A
        restart holds them again."""
        hang = self.candles.hang
        self.candles.release()
        await super().close()
        self.candles.hang = hang

    def describe(self) -> str:
        """Summarize calls and queued faults for a timeout message."""
        queued = {name: list(queue) for name, queue in self._faults.items() if queue}
        return f"calls: {dict(self.calls)}; queued faults: {queued}"

    def now_ms(self) -> int:
        """Return the fake exchange's clock in Unix milliseconds (real time + offset)."""
        return round((self._clock() + self.clock_offset_s) * 1000)

    # State API

    def set_balance(
        self,
        asset: str,
        balance: Decimal | str,
        *,
        locked: Decimal | str = "0",
        request_fund: Decimal | str | None = None,
        precision: int | None = None,
        assetname: str | None = None,
    ) -> None:
        """Set one asset's total and locked amounts (free = balance - locked), adding the row.

        `request_fund` is the part of `locked` held by withdrawal requests (kept when None);
        the rest of `locked` is in orders.
        """
        total, held = _decimal(balance), _decimal(locked)
        row = next((r for r in self.balances if r.get("asset") == asset), None)
        if row is None:
            row = {"asset": asset, "assetname": assetname or asset, "precision": 8}
            self.balances.append(row)
        if assetname is not None:
            row["assetname"] = assetname
        if precision is not None:
            row["precision"] = precision
        row["balance"] = _amount(total)
        row["locked"] = _amount(held)
        row["free"] = _amount(total - held)
        requested = (
            _decimal(str(row.get("requestFund") or "0"))
            if request_fund is None
            else _decimal(request_fund)
        )
        requested = min(requested, held)
        row["orderFund"] = _amount(held - requested)
        row["requestFund"] = _amount(requested)
        row["timestamp"] = self.now_ms()
        # Keep the documented key order whatever the row's history.
        order = ("asset", "assetname", *_AMOUNT_FIELDS, "precision", "timestamp")
        rebuilt = {key: row[key] for key in order if key in row} | row
        row.clear()
        row.update(rebuilt)

    def set_price(self, pair: str, last: Decimal | str | float) -> None:
        """Set a pair's last price (and a plausible row around it), adding the pair if new."""
        for index, row in enumerate(self.tickers):
            if row.get("pair") == pair:
                numerator = str(row.get("numeratorSymbol"))
                denominator = str(row.get("denominatorSymbol"))
                self.tickers[index] = ticker_row(
                    numerator,
                    denominator,
                    last,
                    digits=_digits(last),
                    volume=str(row.get("volume", "1000")),
                    order=int(row.get("order", 1000)),
                    timestamp=self.now_ms(),
                )
                return
        numerator, denominator = _split_pair(pair)
        order = max((int(r.get("order", 0)) for r in self.tickers), default=999) + 1
        self.tickers.append(
            ticker_row(
                numerator,
                denominator,
                last,
                digits=_digits(last),
                order=order,
                timestamp=self.now_ms(),
            )
        )

    def unlist_pair(self, pair: str) -> bool:
        """Leave `pair` out of the ticker list, as BTCTurk does after 24 h without a trade."""
        kept = [row for row in self.tickers if row.get("pair") != pair]
        removed = len(kept) != len(self.tickers)
        self.tickers[:] = kept
        return removed

    def blank_price(self, pair: str) -> bool:
        """Send `pair` with `"last": null`, the odd row a real list may carry."""
        row = next((r for r in self.tickers if r.get("pair") == pair), None)
        if row is not None:
            row["last"] = None
        return row is not None

    def clear_faults(self, *endpoints: Endpoint) -> None:
        """Forget the faults queued for `endpoints` (all of them when none is named)."""
        if not endpoints:
            self._faults.clear()
        for endpoint in endpoints:
            self._faults.pop(endpoint, None)

    def inject(self, fault: Fault, *, times: int = 1, endpoint: Endpoint = "balances") -> None:
        """Answer the next `times` requests to `endpoint` with `fault` (queued FIFO)."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; expected one of {sorted(FAULTS)}")
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}; expected one of {sorted(ENDPOINTS)}")
        self._faults[endpoint].extend([fault] * times)

    def pending_faults(self, endpoint: Endpoint = "balances") -> list[Fault]:
        """Return the faults still queued for `endpoint`."""
        return list(self._faults[endpoint])

    # Server

    def build_app(self) -> web.Application:
        """Return the application with the exchange's routes."""
        app = web.Application()
        app.router.add_get("/api/v1/users/balances", self._balances)
        app.router.add_get("/api/v2/ticker", self._ticker)
        app.router.add_get("/api/v2/server/time", self._server_time)
        for book, path in HISTORY_PATHS.items():
            app.router.add_get(path, self._history_handler(book))
        app.router.add_get(OHLCS_PATH, self.candles.ohlcs)
        app.router.add_get(EXCHANGE_INFO_PATH, self._exchange_info)
        app.router.add_get(OPEN_ORDERS_PATH, self._open_orders)
        return app

    async def _exchange_info(self, request: web.Request) -> web.StreamResponse:
        def body() -> object:
            return json.loads(self.info.body())

        early = await self._begin("exchange_info", request, body)
        if early is not None:
            return early
        return web.Response(body=self.info.body(), content_type="application/json", charset="utf-8")

    async def _open_orders(self, request: web.Request) -> web.StreamResponse:
        def body() -> object:
            return self._envelope({"asks": [], "bids": []})

        early = await self._begin("open_orders", request, body)
        if early is not None:
            return early
        refused = self._check_auth(request)
        if refused is not None:
            return refused
        if not self.trade_permission:
            self.trade_refusals += 1
            return _unauthorized("Unauthorized - Invalid Request")
        return json_response(body())

    async def _balances(self, request: web.Request) -> web.StreamResponse:
        def body() -> object:
            return self._envelope(self._rendered_balances())

        early = await self._begin("balances", request, body)
        if early is not None:
            return early
        limited = self._check_rate_limit("balances")
        if limited is not None:
            return limited
        refused = self._check_auth(request)
        if refused is not None:
            return refused
        if not self.total_funds_permission:
            return web.Response(status=401)
        return json_response(body())

    def _history_handler(
        self, book: Book
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            return await self._history(book, request)

        return handle

    async def _history(self, book: Book, request: web.Request) -> web.StreamResponse:
        window = _window(request, self.now_ms())

        def body() -> object:
            if window is None:
                return self._envelope([])
            return self._envelope(self.ledger.answer(book, window[0], window[1], PAGE_CAP))

        early = await self._begin(book, request, body)
        if early is not None:
            return early
        limited = self._check_rate_limit(book)
        if limited is not None:
            return limited
        refused = self._check_auth(request)
        if refused is not None:
            return refused
        if not self.account_permission:
            self.history_refusals += 1
            return web.Response(status=401)
        if window is None:
            return _bad_window()
        return json_response(body())

    async def _ticker(self, request: web.Request) -> web.StreamResponse:
        pair = request.query.get("pairSymbol", "").upper()

        def body() -> object:
            return self._envelope([r for r in self.tickers if not pair or r.get("pair") == pair])

        early = await self._begin("ticker", request, body)
        if early is None and self.ticker_failing is not None:
            full_body = json_response(body()).body
            assert isinstance(full_body, bytes)
            return await fault_response(self.ticker_failing, request, self.sleep, full_body)
        return early if early is not None else json_response(body())

    async def _server_time(self, request: web.Request) -> web.StreamResponse:
        early = await self._begin("server_time", request, self._server_time_body)
        return early if early is not None else json_response(self._server_time_body())

    async def _begin(
        self, endpoint: Endpoint, request: web.Request, body: Callable[[], object]
    ) -> web.StreamResponse | None:
        """Count the call, apply latency and return the queued fault's answer, if any."""
        self.calls[endpoint] += 1
        self.changed.notify()
        if self.latency_s > 0 and not await self.sleep(self.latency_s):
            return web.Response(status=503)
        queue = self._faults[endpoint]
        if not queue:
            return None
        full_body = json_response(body()).body
        assert isinstance(full_body, bytes)
        return await fault_response(queue.popleft(), request, self.sleep, full_body)

    def _check_rate_limit(self, endpoint: str) -> web.Response | None:
        """Count the request in its endpoint's fixed window; the 429 answer when over quota."""
        if not self.rate_limit:
            return None
        now = self._clock()
        opened, count = self._windows.get(endpoint, (now, 0))
        if now - opened >= RATE_WINDOW_S:
            opened, count = now, 0
        self._windows[endpoint] = (opened, count + 1)
        limit = QUOTAS.get(endpoint, RATE_LIMIT)
        if count + 1 <= limit:
            return None
        self.rate_limit_hits += 1
        remaining = opened + RATE_WINDOW_S - now
        return rate_limited(max(1, math.ceil(remaining)), limit=limit)

    def _check_auth(self, request: web.Request) -> web.Response | None:
        """Return the exchange's 401 answer when the signed headers are not acceptable, and
        count it in `auth_failures`."""
        refused = self._refusal(request)
        if refused is not None:
            self.auth_failures += 1
        return refused

    def _refusal(self, request: web.Request) -> web.Response | None:
        key = request.headers.get("X-PCK")
        stamp = request.headers.get("X-Stamp")
        signature = request.headers.get("X-Signature")
        if not key or not stamp or not signature:
            return _unauthorized("Unauthorized - Headers are missing")
        if not self.ip_allowed:
            return _unauthorized(f"Unauthorized - IP address not allowed: {request.remote}")
        if key != self.api_key:
            return _unauthorized("Unauthorized - Invalid Public key")
        if not stamp.isdigit() or abs(int(stamp) - self.now_ms()) > STAMP_TOLERANCE_MS:
            return _unauthorized("Unauthorized - Invalid Nonce")
        digest = hmac.new(self._secret, f"{key}{stamp}".encode(), hashlib.sha256).digest()
        expected = base64.b64encode(digest).decode()
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            return _unauthorized("Invalid Signature")
        return None

    def _rendered_balances(self) -> list[JsonRow]:
        """Return the balance rows in the configured shape and decimal separator."""
        rows = copy.deepcopy(self.balances)
        other = "." if self.decimal_separator == "," else ","
        for row in rows:
            for field in _DROPPED[self.row_shape]:
                row.pop(field, None)
            for field in _AMOUNT_FIELDS:
                value = row.get(field)
                if isinstance(value, str):
                    row[field] = value.replace(other, self.decimal_separator)
        return rows

    def _server_time_body(self) -> dict[str, Any]:
        now_ms = self.now_ms()
        iso = dt.datetime.fromtimestamp(now_ms / 1000, tz=dt.UTC).isoformat(timespec="milliseconds")
        return {"serverTime": now_ms, "serverTime2": iso}

    @staticmethod
    def _envelope(data: object) -> dict[str, Any]:
        return {"data": data, "success": True, "message": None, "code": 0}


def _window(request: web.Request, now_ms: int) -> tuple[int, int] | None:
    """Return the asked [start, end] in ms (the last 30 days by default); None when refused."""
    try:
        end = int(request.query.get("endDate", now_ms))
        start = int(request.query.get("startDate", end - MAX_WINDOW_MS))
    except ValueError:
        return None
    if end - start > MAX_WINDOW_MS:
        return None
    return start, end


def _bad_window() -> web.Response:
    return json_response(
        {
            "success": False,
            "message": "startDate and endDate must be at most 30 days apart",
            "code": 400,
        },
        status=400,
    )


def _unauthorized(message: str) -> web.Response:
    return json_response({"success": True, "message": message, "code": AUTH_ERROR_CODE}, status=401)


def _decimal(value: Decimal | str) -> Decimal:
    """Parse an amount given with a comma or a dot as the decimal separator."""
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None


def _amount(value: Decimal) -> str:
    """Format an amount like the exchange: plain digits, no exponent, comma decimals."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return (text or "0").replace(".", ",")


def _digits(last: Decimal | str | float) -> int:
    exponent = Decimal(str(last)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _split_pair(pair: str) -> tuple[str, str]:
    for quote in _QUOTES:
        if pair.endswith(quote) and len(pair) > len(quote):
            return pair[: -len(quote)], quote
    raise ValueError(f"cannot tell the quote currency of {pair!r}; use one of {_QUOTES}")
