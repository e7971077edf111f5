"""An asyncio client for the few BTCTurk endpoints the bot reads.

Retries: `Unavailable`, `RateLimited` and `UnreadableResponse` (HTML or garbage with a 2xx) are
transient and retried up to `max_attempts` requests in all, with exponential backoff and full
jitter; a `Retry-After` longer than `backoff_cap` is not waited for but raised. `AuthError` is
never retried (the exchange blocks IPs after many unauthorized requests), except
`StampRejected`: the clock is resynced from the server time and the request retried once.
Other `BadResponse`s, `success: false` included, are deliberate answers that would repeat, so
they are raised at once; the exchange's own failures in an envelope ("INTERNAL_ERROR",
maintenance) count as `Unavailable` and are retried.

Nothing here logs the API key, the secret, headers or signatures.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import aiohttp

from btcturk.auth_backoff import FIRST_PAUSE_S, AuthBackoff
from btcturk.errors import (
    AuthError,
    BtcTurkError,
    KeyPaused,
    RateLimited,
    StampRejected,
    Unavailable,
)
from btcturk.models import Balance, DataNote, Ticker
from btcturk.notes import DataNotes
from btcturk.parsing import (
    UnreadableResponse,
    decode_answer,
    parse_balances,
    parse_envelope,
    parse_server_time,
    parse_tickers,
)
from btcturk.signing import StampClock, auth_headers, decode_secret

logger = logging.getLogger("btcturk")

T = TypeVar("T")

BALANCES_PATH = "/api/v1/users/balances"
TICKER_PATH = "/api/v2/ticker"
SERVER_TIME_PATH = "/api/v2/server/time"
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=10, connect=5)
_TRANSIENT = (Unavailable, RateLimited, UnreadableResponse)
CLOCK_STEP_S = 1.0  # a step of our clock this large makes the measured offset wrong


@dataclass(frozen=True, slots=True)
class _Answer:
    """One HTTP answer, with the wall-clock times it was asked and received."""

    status: int
    body: bytes
    content_type: str | None
    retry_after: str | None
    sent_at: float
    received_at: float

    def envelope_data(self) -> object:
        """Return the `data` of the envelope, or raise the error the answer means."""
        return parse_envelope(
            self.status, self.body, self.content_type, retry_after=self.retry_after
        )


class BtcTurkClient:
    """Read balances, tickers and the server time from BTCTurk over a caller-owned session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str = "https://api.btcturk.com",
        api_key: str = "",
        api_secret: str = "",
        timeout: aiohttp.ClientTimeout | None = None,
        max_attempts: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        random: Callable[[], float] = random.random,
        time_source: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        key_retry_s: float = FIRST_PAUSE_S,
    ) -> None:
        if bool(api_key) != bool(api_secret):
            raise ValueError("the BTCTurk API key and secret must be given together")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._secret = decode_secret(api_secret) if api_secret else b""
        self._timeout = timeout or DEFAULT_TIMEOUT
        self._max_attempts = max_attempts
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._sleep = sleep
        self._random = random
        self._time_source = time_source
        self._clock = StampClock(time_source)
        self.auth_backoff = AuthBackoff(monotonic, first_pause_s=key_retry_s)
        self.data_notes = DataNotes(monotonic)
        self.last_latency_s: float | None = None
        self.requests_sent = 0
        self.retries = 0

    def __repr__(self) -> str:
        return f"BtcTurkClient(base_url={self._base_url!r}, signed={bool(self._api_key)})"

    @property
    def clock_offset_ms(self) -> int:
        """Return the exchange's clock minus ours, as last measured (0 before any sync)."""
        return self._clock.offset_ms

    @property
    def clock_stepped_s(self) -> float | None:
        """Return how far our clock stepped since the offset was measured; None under 1 s."""
        step = self._clock.stepped_s()
        return step if abs(step) >= CLOCK_STEP_S else None

    async def get_balances(self) -> list[Balance]:
        """Return every usable balance row of the account, zero rows included."""
        if not self._api_key:
            raise AuthError("no BTCTurk API key is configured")
        notes: list[DataNote] = []
        balances = await self._signed_call(
            BALANCES_PATH, lambda answer: parse_balances(answer.envelope_data(), notes)
        )
        self.data_notes.record(notes)
        return balances

    async def get_tickers(self) -> list[Ticker]:
        """Return the tickers of all pairs that have a usable price."""
        notes: list[DataNote] = []
        tickers = await self._call(
            TICKER_PATH, lambda answer: parse_tickers(answer.envelope_data(), notes)
        )
        self.data_notes.record(notes)
        return tickers

    async def sync_clock(self) -> int:
        """Measure the exchange's clock minus ours, use it for every stamp, and return it."""
        server_ms, local_midpoint_ms = await self._call(SERVER_TIME_PATH, _server_time)
        offset = server_ms - local_midpoint_ms
        self._clock.offset_ms = offset
        logger.debug("clock offset to BTCTurk: %d ms", offset)
        return offset

    async def _signed_call(self, path: str, parse: Callable[[_Answer], T]) -> T:
        """Request a signed `path`, unless the key was refused lately: then wait, growing."""
        wait_s = self.auth_backoff.wait_s()
        if wait_s > 0:
            raise KeyPaused(
                f"BTCTurk refused the API key; next signed request in {wait_s:.0f} s", wait_s
            )
        try:
            result = await self._call(path, parse, signed=True)
        except StampRejected:
            raise  # our clock, not the key: the stamp is resynced at each refusal
        except AuthError:
            self.auth_backoff.refused()
            logger.warning(
                "BTCTurk refused the API key; signed requests pause for %.0f s",
                self.auth_backoff.wait_s(),
            )
            raise
        self.auth_backoff.accepted()
        return result

    async def _resync_after_step(self, step_s: float) -> None:
        """Measure the offset again, before the exchange refuses a stamp made with the old one."""
        logger.info(
            "this server's clock stepped by %+.1f s; measuring BTCTurk's clock again", step_s
        )
        try:
            await self.sync_clock()
        except BtcTurkError as error:  # the request itself will say what is wrong
            logger.info("could not measure BTCTurk's clock: %s", error)

    async def _call(self, path: str, parse: Callable[[_Answer], T], *, signed: bool = False) -> T:
        """Request `path` and parse it, retrying transient errors and one rejected stamp."""
        attempt = 1
        resynced = False
        while True:
            try:
                return parse(await self._get(path, signed=signed))
            except StampRejected:
                if resynced or not signed:
                    raise
                resynced = True
                self.retries += 1
                logger.info("BTCTurk refused the request stamp; resyncing the clock")
                await self.sync_clock()
            except _TRANSIENT as exc:
                delay = self._retry_delay(attempt, exc)
                if delay is None:
                    raise
                logger.info("GET %s failed (%s); retrying in %.2f s", path, exc, delay)
                attempt += 1
                self.retries += 1
                await self._sleep(delay)

    def _retry_delay(self, attempt: int, exc: BtcTurkError) -> float | None:
        """Return the wait before the next attempt, or None when it is not worth one."""
        if attempt >= self._max_attempts:
            return None
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return exc.retry_after if exc.retry_after <= self._backoff_cap else None
        ceiling = min(self._backoff_cap, self._backoff_base * 2.0 ** (attempt - 1))
        return ceiling * self._random()

    async def _get(self, path: str, *, signed: bool) -> _Answer:
        """Send one GET, stamped and signed once if asked; map transport failures to Unavailable."""
        headers = None
        if signed:
            stamp = self._clock.stamp()
            if abs(self._clock.step_s) >= CLOCK_STEP_S:
                await self._resync_after_step(self._clock.step_s)
                stamp = self._clock.stamp()
            headers = auth_headers(self._api_key, self._secret, stamp)
        self.requests_sent += 1
        started = time.perf_counter()
        sent_at = self._time_source()
        try:
            async with self._session.get(
                self._base_url + path, headers=headers, timeout=self._timeout
            ) as response:
                body = await response.read()
                status = response.status
                content_type = response.headers.get("Content-Type")
                retry_after = response.headers.get("Retry-After")
        except TimeoutError:
            raise Unavailable("BTCTurk did not answer in time") from None
        except (aiohttp.ClientError, OSError) as exc:
            raise Unavailable(f"could not reach BTCTurk ({type(exc).__name__})") from exc
        received_at = self._time_source()
        self.last_latency_s = time.perf_counter() - started
        logger.debug("GET %s -> %d in %.3f s", path, status, self.last_latency_s)
        return _Answer(status, body, content_type, retry_after, sent_at, received_at)


def _server_time(answer: _Answer) -> tuple[int, int]:
    """Return the server time and our clock's midpoint of the request, both in ms."""
    payload = decode_answer(
        answer.status, answer.body, answer.content_type, retry_after=answer.retry_after
    )
    midpoint_ms = round((answer.sent_at + answer.received_at) * 500)
    return parse_server_time(payload), midpoint_ms
