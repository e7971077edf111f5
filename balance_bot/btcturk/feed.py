"""A client of BTCTurk's private WebSocket feed: events as they happen, the poll as the net.

    feed = PrivateFeed(session, url, api_key, api_secret, on_event=handle, clock=client)
    task = asyncio.create_task(feed.run())   # until cancelled; feed.state for /status

Each connection: connect, log in (114, see `feed_login`), subscribe one ticker as a heartbeat
(151), then pass the private events (201, 423, 441, 451-453) to `on_event`. `Connected` or
`Reconnected` follows every login, so the caller polls once over REST to cover the gap.
Nothing at all (not even the heartbeat) for `silence_s` means a socket that stays open but
silent: it is dropped and the feed reconnects, with `ReconnectPolicy`'s backoff, under the
exchange's 15 attempts a minute.

The login is stamped on the exchange's clock (`clock`, measured before the first login when
it is not known yet). A refused login says why (`FeedState.refusal_reason`) and is retried
by it: refused for its timestamp, the clock is measured again and the login retried with the
reconnect backoff (`stamp_retries` times in a row); refused for anything else, it waits
`refusal_recheck_s` (or stops when that is None), unless `recheck()` asks again sooner (the
owner did, once a minute at most, or the key worked again elsewhere). The API key, the secret
and the signature never reach a log line, an error text or the state.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random as random_module
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum

import aiohttp

from balance_bot.btcturk.auth_backoff import OWNER_GAP_S
from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.btcturk.feed_login import (
    DEFAULT_NONCE,
    ExchangeClock,
    LocalClock,
    RefusalReason,
    login_message,
    login_signature,
    refusal_reason,
)
from balance_bot.btcturk.feed_messages import (
    SUBSCRIBE,
    VERSION,
    Connected,
    FeedEvent,
    Frame,
    Reconnected,
    event_of,
    login_result,
    parse_frame,
)
from balance_bot.btcturk.feed_policy import ReconnectPolicy
from balance_bot.btcturk.feed_recheck import RefusalWait
from balance_bot.btcturk.signing import decode_secret

logger = logging.getLogger("btcturk.feed")

DEFAULT_URL = "wss://ws-feed-pro.btcturk.com"
SILENCE_S = 30.0
LOGIN_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 10.0
REFUSAL_RECHECK_S = 3600.0
STAMP_RETRIES = 2  # logins refused for their timestamp retried soon in a row, clock re-measured
STABLE_S = 60.0  # a connection up this long resets the backoff
_WS_TIMEOUT = aiohttp.ClientWSTimeout(ws_receive=None, ws_close=2.0)  # silence is watched here
_MAX_SHOWN = 120
_DAY_S = 86_400.0


class _End(Enum):
    LOST = "lost"  # closed, silent, failed: reconnect with backoff
    BLOCKED = "blocked"  # HTTP 429 on the handshake: wait out the exchange's block
    REFUSED = "refused"  # login refused: do not retry in a loop


@dataclass
class FeedState:
    """What /status shows of the feed; times are Unix seconds from the feed's `time_source`."""

    connected: bool = False
    connected_since: float | None = None
    last_message_at: float | None = None  # any frame, the heartbeat included
    last_event_at: float | None = None  # a private event
    logins: int = 0
    reconnects: int = 0  # logins after the first
    last_error: str | None = None  # kept after a reconnect, with when it happened
    last_error_at: float | None = None
    refused: bool = False  # a login was refused and the feed waits before trying again
    refusal: str | None = None  # the exchange's words, without any credential
    refusal_reason: RefusalReason | None = None
    stopped: bool = False  # gave up for good (a refusal with no re-check)
    server_version: str | None = None
    reconnect_times: deque[float] = field(default_factory=lambda: deque(maxlen=2000))

    def reconnects_since(self, unix_s: float) -> int:
        """Return how many reconnects happened at or after `unix_s` (e.g. local midnight)."""
        return sum(1 for at in self.reconnect_times if at >= unix_s)


class PrivateFeed:
    """Keep one logged-in connection to the private feed and pass its events on."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        api_key: str,
        api_secret: str,
        *,
        on_event: Callable[[FeedEvent], Awaitable[None]],
        clock: ExchangeClock | None = None,
        time_source: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        random: Callable[[], float] = random_module.random,
        silence_s: float = SILENCE_S,
        heartbeat_pair: str = "USDTTRY",
        login_timeout_s: float = LOGIN_TIMEOUT_S,
        connect_timeout_s: float = CONNECT_TIMEOUT_S,
        refusal_recheck_s: float | None = REFUSAL_RECHECK_S,
        stamp_retries: int = STAMP_RETRIES,
        recheck_gap_s: float = OWNER_GAP_S,
        stable_s: float = STABLE_S,
        nonce: int = DEFAULT_NONCE,
        policy: ReconnectPolicy | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("the private feed needs an API key")
        self._session = session
        self._url = url
        self._api_key = api_key
        self._secret = decode_secret(api_secret)  # ValueError when not base64
        self._secret_text = api_secret.strip()
        self._on_event = on_event
        self._clock = clock or LocalClock(time_source)
        self._time = time_source
        self._monotonic = monotonic
        self._sleep = sleep
        self._silence_s = silence_s
        self._heartbeat_pair = heartbeat_pair
        self._login_timeout_s = login_timeout_s
        self._connect_timeout_s = connect_timeout_s
        self._refusal_recheck_s = refusal_recheck_s
        self._stamp_retries = stamp_retries
        self._stamp_refusals = 0  # in a row
        self._refusal_wait = RefusalWait(sleep, monotonic, gap_s=recheck_gap_s)
        self._stable_s = stable_s
        self._nonce = nonce
        self.policy = policy or ReconnectPolicy(random)
        self.state = FeedState()
        self._ws: aiohttp.ClientWebSocketResponse | None = None  # the connection logged in
        self._leaving: asyncio.Task[bool] | None = None  # closing it to log in again

    def __repr__(self) -> str:
        return f"PrivateFeed(url={self._url!r})"

    async def run(self) -> None:
        """Connect, log in and pass events on, reconnecting, until cancelled or stopped."""
        try:
            while True:
                self.policy.attempted(self._monotonic())
                end = await self._connection()
                self._refusal_wait.answered()
                if end is _End.REFUSED:
                    if self._refusal_recheck_s is None:
                        self.state.stopped = True
                        return
                    await self._refusal_wait.wait(self._refusal_recheck_s)
                    continue
                delay = self.policy.delay(self._monotonic(), blocked=end is _End.BLOCKED)
                logger.info("BTCTurk feed: reconnecting in %.1f s", delay)
                await self._sleep(delay)
        finally:
            self.state.connected = False
            self._refusal_wait.answered()

    def recheck(self, *, owner: bool = False) -> asyncio.Future[None] | None:
        """Try a refused login again now, rather than at the end of its long wait.

        Return a future done once that attempt is answered (see `state`), or None when no
        refusal is being waited out, or `owner` asked again within the last minute. Without
        `owner` (the key worked again elsewhere) it is not limited: such news is rare.
        """
        done = self._refusal_wait.ask(owner=owner)
        if done is not None:
            logger.info("BTCTurk feed: trying the refused login again")
        return done

    def reconnect(self) -> bool:
        """Close the logged-in connection, to log in again with the usual backoff (events
        stopped coming on it); False when none is open."""
        ws = self._ws
        if ws is None or ws.closed or self._leaving is not None:
            return False
        logger.info("BTCTurk feed: closing the connection to log in again")
        self._leaving = asyncio.get_running_loop().create_task(ws.close(), name="feed:relogin")
        return True

    async def _connection(self) -> _End:
        """Run one connection to its end and say how it ended."""
        started: float | None = None
        if not self._clock.clock_measured:
            await self._measure_clock()
        try:
            async with asyncio.timeout(self._connect_timeout_s):
                ws = await self._session.ws_connect(self._url, autoping=True, timeout=_WS_TIMEOUT)
        except aiohttp.WSServerHandshakeError as exc:
            self._failed(f"handshake refused (HTTP {exc.status})")
            return _End.BLOCKED if exc.status == 429 else _End.LOST
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            self._failed(f"cannot connect ({type(exc).__name__})")
            return _End.LOST
        try:
            refusal = await self._login(ws)
            if refusal is not None:
                return await self._login_refused(refusal)
            started = self._monotonic()
            self._ws = ws
            await self._logged_in()
            await ws.send_str(_dump([SUBSCRIBE, self._subscription()]))
            ended = await self._read(ws)
            if self._leaving is not None:
                ended = "closed to log in again"
            self._failed(ended)
            return _End.LOST
        except _Closed as closed:
            self._failed(f"{closed} before the login was answered")
            return _End.LOST
        except TimeoutError:
            self._failed("no answer to the login" if started is None else "connection timed out")
            return _End.LOST
        except (aiohttp.ClientError, OSError) as exc:
            self._failed(f"connection failed ({type(exc).__name__})")
            return _End.LOST
        finally:
            self.state.connected = False
            self._ws = None
            if started is not None and self._monotonic() - started >= self._stable_s:
                self.policy.stable()
            await ws.close()
            leaving, self._leaving = self._leaving, None
            if leaving is not None:
                await asyncio.gather(leaving, return_exceptions=True)

    async def _login(self, ws: aiohttp.ClientWebSocketResponse) -> str | None:
        """Log in; return None when accepted, else the refusal. Raise TimeoutError on no answer."""
        message = login_message(self._api_key, self._secret, self._clock.stamp_ms(), self._nonce)
        await ws.send_str(_dump(message))
        async with asyncio.timeout(self._login_timeout_s):
            while True:
                frame = await self._next_frame(ws)
                if frame is None:
                    continue
                answer = login_result(frame)
                if answer is not None:
                    ok, text = answer
                    return None if ok else self._clean(text) or "login refused"

    async def _login_refused(self, refusal: str) -> _End:
        """Say why a login was refused and how it is retried: soon for its timestamp (the
        clock measured again), after the long wait for anything else."""
        reason = refusal_reason(refusal)
        if reason == "timestamp":
            await self._measure_clock()
            self._stamp_refusals += 1
            if self._stamp_refusals <= self._stamp_retries:
                state = self.state
                state.refused, state.refusal, state.refusal_reason = False, None, None
                self._failed(f"login refused: {refusal}")
                return _End.LOST
        self._stamp_refusals = 0
        self._refused(refusal, reason)
        return _End.REFUSED

    async def _measure_clock(self) -> None:
        """Measure the exchange's clock for the login's stamp; on failure, log and go on."""
        try:
            offset_ms = await self._clock.sync_clock()
        except BtcTurkError as error:
            logger.info("BTCTurk feed: could not measure the exchange's clock: %s", error)
            return
        logger.info("BTCTurk feed: the exchange's clock is %+d ms from ours", offset_ms)

    async def _logged_in(self) -> None:
        state = self.state
        state.logins += 1
        state.connected, state.connected_since = True, self._time()
        state.refused, state.refusal, state.refusal_reason = False, None, None
        self._stamp_refusals = 0
        self._refusal_wait.answered()  # a recheck's answer: the login works
        if state.logins == 1:
            logger.info("BTCTurk feed: logged in")
            await self._deliver(Connected())
            return
        state.reconnects += 1
        state.reconnect_times.append(state.connected_since)
        logger.info("BTCTurk feed: logged in again (reconnect %d)", state.reconnects)
        await self._deliver(Reconnected())

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> str:
        """Pass events on until the connection ends; return why it ended."""
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self._silence_s) as deadline:
                while True:
                    frame = await self._next_frame(ws)  # pings are answered, not returned
                    deadline.reschedule(loop.time() + self._silence_s)
                    if frame is None:
                        continue
                    event = event_of(frame)
                    if event is not None:
                        self.state.last_event_at = self._time()
                        await self._deliver(event)
        except TimeoutError:
            return f"silent for {self._silence_s:g} s"
        except _Closed as closed:
            return str(closed)

    async def _next_frame(self, ws: aiohttp.ClientWebSocketResponse) -> Frame | None:
        """Return the next frame, None for one to skip; raise _Closed when the socket ends."""
        msg = await ws.receive()
        if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING):
            raise _Closed(f"closed by the exchange (code {ws.close_code})")
        if msg.type is aiohttp.WSMsgType.CLOSED:
            raise _Closed(f"connection closed (code {ws.close_code})")
        if msg.type is aiohttp.WSMsgType.ERROR:
            raise _Closed(f"connection failed ({type(ws.exception()).__name__})")
        self.state.last_message_at = self._time()
        frame = parse_frame(msg.data) if msg.type is aiohttp.WSMsgType.TEXT else None
        if frame is None:
            return None
        if frame.type == VERSION:
            current = frame.body.get("current")
            self.state.server_version = current if isinstance(current, str) else None
        return frame

    async def _deliver(self, event: FeedEvent) -> None:
        try:
            await self._on_event(event)
        except Exception:
            logger.exception("BTCTurk feed: handling %s failed", type(event).__name__)

    def _subscription(self) -> dict[str, object]:
        return {"type": SUBSCRIBE, "channel": "ticker", "event": self._heartbeat_pair, "join": True}

    def _failed(self, reason: str) -> None:
        self.policy.failed()
        self.state.last_error, self.state.last_error_at = self._clean(reason), self._time()
        logger.warning("BTCTurk feed: %s", self.state.last_error)

    def _refused(self, refusal: str, reason: RefusalReason) -> None:
        self.policy.failed()
        state = self.state
        if not state.refused or state.refusal_reason != reason:
            logger.warning("BTCTurk feed: login refused (%s): %s", reason, refusal)
        state.refused, state.refusal, state.refusal_reason = True, refusal, reason
        state.last_error, state.last_error_at = f"login refused: {refusal}", self._time()

    def _clean(self, text: str) -> str:
        """Return `text` shortened, without the key, the secret or a signature."""
        signature = login_signature(self._api_key, self._secret, self._nonce)
        for secret in (self._api_key, self._secret_text, signature):
            if secret:
                text = text.replace(secret, "***")
        text = " ".join(text.split())
        return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


class _Closed(Exception):
    """The socket ended; the text says how."""


def _dump(message: object) -> str:
    return json.dumps(message, separators=(",", ":"))
