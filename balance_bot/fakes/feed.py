"""A fake of BTCTurk's private WebSocket feed on 127.0.0.1, with its login check and faults.

    async with FakeFeed() as feed:
        client = PrivateFeed(session, feed.ws_url, DEMO_API_KEY, DEMO_API_SECRET, on_event=...)
        feed.publish_balance_update()
        feed.inject("stall")

On connect it sends the version message (991); a login (114) is checked like the real feed
(the public key, an integer nonce and timestamp, HMAC-SHA256 of key + nonce with the base64-
decoded secret), independently of the client code, and answered `ok` true or false with the
exchange's words. The login's timestamp must be within 5 s of the fake's clock (real time plus
`clock_offset_s`), else it is refused "Unauthorized - Invalid Timestamp": the words the bot was
seen to get from the real feed with the exchange's clock two minutes ahead (REST says "Invalid
Nonce" for the same). After login the private events published here are pushed to every logged-in
connection (dropped, like the real feed's, while none is: the catch-up poll's job), and each
subscribed ticker gets a heartbeat every `heartbeat_s`.

`order_events = False` withholds the order events (441, 451, 452) while balance updates and
fills (201, 423) still come, as BTCTurk's feed was seen to do after a reconnect.

Faults, queued with `inject()` and used by the next connections: "503" and "429" answer the
handshake with HTTP; "kick" drops the connection right after the handshake; "mute" leaves the
login unanswered; "refuse" refuses the next login; "stall" goes silent after login with the
socket open (nothing more is sent, heartbeats included); "close" drops the connection abruptly
after login. `stall_now()` and `drop_now()` do the same to the open connections at once.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Literal, get_args

from aiohttp import WSMsgType, web

from balance_bot.fakes._server import LocalServer, json_response
from balance_bot.fakes.exchange_faults import CDN_503_HTML, RATE_LIMIT_BODY
from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET

FeedFault = Literal["503", "429", "kick", "mute", "refuse", "stall", "close"]
FEED_FAULTS: Final[frozenset[str]] = frozenset(get_args(FeedFault))
_HANDSHAKE_FAULTS: Final = frozenset({"503", "429"})
INVALID_KEY: Final = "Unauthorized - Invalid Public key"
INVALID_SIGNATURE: Final = "Unauthorized - Invalid Signature"
INVALID_TIMESTAMP: Final = "Unauthorized - Invalid Timestamp"
STAMP_TOLERANCE_MS: Final = 5000
VERSION_BODY: Final[dict[str, Any]] = {"type": 991, "current": "5.2.0", "min": "2.3.0"}
_PRICES: Final = {"USDTTRY": "42.15", "BTCTRY": "4135000", "ETHTRY": "151200"}
_ORDER_TYPES: Final = frozenset({441, 451, 452, 453})


@dataclass(eq=False)
class _Connection:
    ws: web.WebSocketResponse
    request: web.Request
    logged_in: bool = False
    stalled: bool = False
    channels: set[str] = field(default_factory=set)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


class FakeFeed(LocalServer):
    """Serve the private feed for one account, with controllable events and faults."""

    def __init__(
        self,
        *,
        api_key: str = DEMO_API_KEY,
        api_secret: str = DEMO_API_SECRET,
        heartbeat_s: float = 0.75,
        websocket_permission: bool = True,
        hold_while_offline: bool = False,
        clock_offset_s: float = 0.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Set up the account; without `websocket_permission` every login is refused.

        `clock_offset_s` puts the feed's clock ahead of real time (behind when negative).
        """
        super().__init__()
        self.api_key = api_key
        self._secret = base64.b64decode(api_secret, validate=True)
        self.heartbeat_s = heartbeat_s
        self.websocket_permission = websocket_permission
        self.hold_while_offline = hold_while_offline
        self.clock_offset_s = clock_offset_s
        self._clock = clock
        self.attempts = 0  # handshakes asked for, refused ones included
        self.connections = 0  # handshakes accepted
        self.logins = 0  # logins accepted
        self.refusals = 0
        self.subscriptions: collections.Counter[str] = collections.Counter()
        self.events_sent = 0
        self.events_dropped = 0
        # False: 441, 451 and 452 are no longer sent while 201 and 423 still are, as users saw
        # after a reconnect (broker-api-docs #613, #615)
        self.order_events = True
        self.order_events_withheld = 0
        self.last_login: dict[str, Any] | None = None
        self._faults: collections.deque[FeedFault] = collections.deque()
        self._open: set[_Connection] = set()
        self._held: list[list[object]] = []

    @property
    def ws_url(self) -> str:
        """Return "ws://127.0.0.1:PORT/", the value for the client's feed URL."""
        return self.url.replace("http://", "ws://", 1) + "/"

    def now_ms(self) -> int:
        """Return the feed's clock in Unix milliseconds (real time + offset)."""
        return round((self._clock() + self.clock_offset_s) * 1000)

    @property
    def logged_in(self) -> int:
        """Return how many connections are logged in now."""
        return sum(1 for conn in self._open if conn.logged_in)

    def describe(self) -> str:
        """Summarize the counters and queued faults for a timeout message."""
        return (
            f"attempts {self.attempts}, connections {self.connections}, logins {self.logins}, "
            f"refusals {self.refusals}, open {len(self._open)}, faults {list(self._faults)}"
        )

    def inject(self, fault: FeedFault, *, times: int = 1) -> None:
        """Apply `fault` to the next `times` connections (queued FIFO)."""
        if fault not in FEED_FAULTS:
            raise ValueError(f"unknown fault {fault!r}; expected one of {sorted(FEED_FAULTS)}")
        self._faults.extend([fault] * times)

    def clear_faults(self) -> None:
        """Forget the queued faults."""
        self._faults.clear()

    # Events

    def publish_balance_update(self) -> int:
        """Tell the logged-in connections the balances changed (201); return how many heard."""
        return self._publish([201, {"type": 201}])

    def publish_trade(self, row: dict[str, Any]) -> int:
        """Push a fill (423) with the REST trade row's fields; return how many heard."""
        return self._publish([423, {**row, "type": 423}])

    def publish_order(self, kind: int, body: dict[str, Any] | None = None) -> int:
        """Push an order event (441, 451, 452 or 453); return how many heard."""
        if kind not in (441, 451, 452, 453):
            raise ValueError("order events are 441, 451, 452 and 453")
        return self._publish([kind, {**(body or {}), "type": kind}])

    def publish_frames(self, frames: Iterable[tuple[int, dict[str, Any]]]) -> int:
        """Push frames as they are (an order desk's: 451, 441, 423, 452, 201); return how many
        connections heard the last one."""
        heard = 0
        for kind, body in frames:
            heard = self._publish([kind, body])
        return heard

    def publish_raw(self, text: str) -> int:
        """Send `text` as it is to the logged-in connections (garbage, unknown types)."""
        return self._send_all(text)

    def stall_now(self) -> None:
        """Make the open connections go silent, sockets kept open."""
        for conn in self._open:
            conn.stalled = True

    def drop_now(self) -> None:
        """Drop the open connections abruptly, without a close frame."""
        for conn in list(self._open):
            _abort(conn)

    def _publish(self, message: list[object]) -> int:
        if not self.order_events and message[0] in _ORDER_TYPES:
            self.order_events_withheld += 1
            return 0
        heard = self._send_all(_dump(message))
        if heard:
            self.events_sent += 1
        elif self.hold_while_offline:
            self._held.append(message)
        else:
            self.events_dropped += 1
        self.changed.notify()
        return heard

    def _send_all(self, text: str) -> int:
        heard = 0
        for conn in self._open:
            if conn.logged_in and not conn.stalled and not conn.ws.closed:
                conn.tasks.append(asyncio.ensure_future(_send(conn.ws, text)))
                heard += 1
        return heard

    # Server

    def build_app(self) -> web.Application:
        """Return the application serving the feed at "/"."""
        app = web.Application()
        app.router.add_get("/", self._feed)
        return app

    async def close(self) -> None:
        """Close every connection, then stop serving."""
        for conn in list(self._open):
            with contextlib.suppress(Exception):
                await conn.ws.close()
        await super().close()

    async def _feed(self, request: web.Request) -> web.StreamResponse:
        self.attempts += 1
        self.changed.notify()
        fault = self._faults[0] if self._faults else None
        if fault in _HANDSHAKE_FAULTS:
            self._faults.popleft()
            if fault == "429":
                return json_response(RATE_LIMIT_BODY, status=429, headers={"Retry-After": "60"})
            return web.Response(status=503, text=CDN_503_HTML, content_type="text/html")
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        conn = _Connection(ws, request)
        if fault == "kick":
            self._faults.popleft()
            _abort(conn)
            return ws
        self.connections += 1
        self._open.add(conn)
        self.changed.notify()
        try:
            await ws.send_str(_dump([991, VERSION_BODY]))
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._received(conn, msg.data)
        finally:
            self._open.discard(conn)
            for task in conn.tasks:
                task.cancel()
            self.changed.notify()
        return ws

    async def _received(self, conn: _Connection, text: str) -> None:
        try:
            kind, body = json.loads(text)
        except (ValueError, TypeError):
            return  # the real feed ignores what it cannot read
        if kind == 114 and isinstance(body, dict) and not conn.logged_in:
            await self._login(conn, body)
        elif kind == 151 and isinstance(body, dict) and conn.logged_in:
            pair = str(body.get("event", ""))
            if body.get("channel") == "ticker" and body.get("join") is True and pair:
                conn.channels.add(pair)
                self.subscriptions[pair] += 1
                answer = {"type": 100, "ok": True, "message": f"join|ticker:{pair}"}
                await _send(conn.ws, _dump([100, answer]))
        self.changed.notify()

    async def _login(self, conn: _Connection, body: dict[str, Any]) -> None:
        self.last_login = dict(body)
        if self._faults and self._faults[0] == "mute":
            self._faults.popleft()
            return
        refusal = self._refusal(body)
        if refusal is None and self._faults and self._faults[0] == "refuse":
            self._faults.popleft()
            refusal = INVALID_KEY
        if refusal is not None:
            self.refusals += 1
            await _send(conn.ws, _dump([114, {"type": 114, "ok": False, "message": refusal}]))
            return
        conn.logged_in = True
        self.logins += 1
        await _send(conn.ws, _dump([114, {"type": 114, "ok": True, "message": "success"}]))
        fault = self._faults.popleft() if self._faults else None
        if fault == "stall":
            conn.stalled = True
        elif fault == "close":
            _abort(conn)
            return
        elif fault is not None:
            self._faults.appendleft(fault)
        held, self._held = self._held, []
        for message in held:
            self._publish(message)
        conn.tasks.append(asyncio.ensure_future(self._heartbeats(conn)))

    def _refusal(self, body: dict[str, Any]) -> str | None:
        """Return the exchange's refusal of a login, or None when it is good."""
        key, nonce, signature = body.get("publicKey"), body.get("nonce"), body.get("signature")
        stamp = body.get("timestamp")
        if key != self.api_key or not self.websocket_permission:
            return INVALID_KEY
        if type(nonce) is not int or type(stamp) is not int:
            return INVALID_SIGNATURE
        if not isinstance(signature, str):
            return INVALID_SIGNATURE
        digest = hmac.new(self._secret, f"{key}{nonce}".encode(), hashlib.sha256).digest()
        expected = base64.b64encode(digest).decode()
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            return INVALID_SIGNATURE
        if abs(stamp - self.now_ms()) > STAMP_TOLERANCE_MS:
            return INVALID_TIMESTAMP
        return None

    async def _heartbeats(self, conn: _Connection) -> None:
        """Send a ticker for each subscribed pair every `heartbeat_s`, unless stalled."""
        while not conn.ws.closed:
            if not await self.sleep(self.heartbeat_s):
                return
            if conn.stalled:
                continue
            for pair in sorted(conn.channels):
                last = _PRICES.get(pair, "1")
                await _send(conn.ws, _dump([402, {"type": 402, "PS": pair, "LA": last}]))


def trade_row(
    pair: tuple[str, str],
    side: Literal["buy", "sell"],
    amount: Decimal,
    price: Decimal,
    *,
    at_ms: int,
    trade_id: int,
    order_id: int,
    fee_rate: Decimal = Decimal("0.002"),
) -> dict[str, Any]:
    """Return a fill shaped like a REST trade row: sells negative, fee and tax negative."""
    numerator, denominator = pair
    fee = (amount * price * fee_rate).quantize(Decimal("0.0001"))
    tax = (fee * Decimal("0.18")).quantize(Decimal("0.0001"))
    signed = -amount if side == "sell" else amount
    return {
        "price": str(price),
        "numeratorSymbol": numerator,
        "denominatorSymbol": denominator,
        "orderType": side,
        "orderId": order_id,
        "id": trade_id,
        "timestamp": at_ms,
        "amount": str(signed),
        "fee": str(-fee),
        "tax": str(-tax),
        "orderClientId": None,
    }


async def _send(ws: web.WebSocketResponse, text: str) -> None:
    with contextlib.suppress(ConnectionError, RuntimeError):
        await ws.send_str(text)


def _abort(conn: _Connection) -> None:
    transport = conn.request.transport
    if transport is not None:
        transport.abort()


def _dump(message: object) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))
