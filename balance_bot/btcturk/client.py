"""An asyncio client for the few BTCTurk endpoints the bot reads.

Retries: `Unavailable`, `RateLimited` and `UnreadableResponse` (HTML or garbage with a 2xx) are
transient and retried up to `max_attempts` requests in all, with exponential backoff and full
jitter; a `Retry-After` longer than `backoff_cap` is not waited for but raised. `StampRejected`
resyncs the clock from the server time and retries once. Other `BadResponse`s, `success: false`
included, are deliberate answers that would repeat, so they are raised at once; the exchange's
own failures in an envelope ("INTERNAL_ERROR", maintenance) count as `Unavailable` and retried.

A refused key (`AuthError`) pauses signed requests (`AuthBackoff`: 5 s, doubling to an hour,
never more than 15 refused requests in any hour, since the exchange blocks IPs after about 50).
A try due within `backoff_cap` is waited for, so a first refusal is tried once more seconds
later in the same call; `KeyPaused` says when the next one is. A refused history is latched
(`PermissionLatch`, 6 hours) without pausing the key. When the key works again after a
refusal, the history's latch reopens and the `on_key_back` listeners are told (the live feed
tries its login again).

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

from balance_bot.btcturk.auth_backoff import FIRST_PAUSE_S, AuthBackoff, PermissionLatch
from balance_bot.btcturk.errors import (
    AuthError,
    BtcTurkError,
    HistoryRefused,
    KeyPaused,
    RateLimited,
    StampRejected,
    Unavailable,
)
from balance_bot.btcturk.exchange_info import (
    EXCHANGE_INFO_PATH,
    ExchangeInfo,
    parse_exchange_info,
)
from balance_bot.btcturk.history import (
    PAGE_CAP,
    history_of,
    page_span,
    parse_fills,
    parse_transfers,
    windows,
)
from balance_bot.btcturk.models import (
    Balance,
    DataNote,
    Fill,
    History,
    NoteEndpoint,
    Ticker,
    Transfer,
)
from balance_bot.btcturk.notes import DataNotes
from balance_bot.btcturk.parsing import (
    UnreadableResponse,
    decode_answer,
    parse_balances,
    parse_envelope,
    parse_server_time,
    parse_tickers,
)
from balance_bot.btcturk.rate import Quota, RateBudget
from balance_bot.btcturk.signing import StampClock, auth_headers, decode_secret

logger = logging.getLogger("btcturk")

T = TypeVar("T")
R = TypeVar("R")

BALANCES_PATH = "/api/v1/users/balances"
TICKER_PATH = "/api/v2/ticker"
SERVER_TIME_PATH = "/api/v2/server/time"
TRADES_PATH = "/api/v1/users/transactions/trade"
CRYPTO_PATH = "/api/v1/users/transactions/crypto"
FIAT_PATH = "/api/v1/users/transactions/fiat"
OPEN_ORDERS_PATH = "/api/v1/openOrders"  # needs Trade: read once, to tell whether the key can
HISTORY_QUOTAS = {  # per IP, from the exchange's rate-limit page
    TRADES_PATH: Quota(120, 60.0),
    CRYPTO_PATH: Quota(90, 60.0),
    FIAT_PATH: Quota(90, 60.0),
}
HISTORY_ENDPOINTS: dict[str, NoteEndpoint] = {
    TRADES_PATH: "trades",
    CRYPTO_PATH: "crypto",
    FIAT_PATH: "fiat",
}
HISTORY_RECHECK_S = 6 * 3600.0  # a key refused the history is asked again after this long
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
        stopwatch: Callable[[], float] = time.perf_counter,
        auth_clock: Callable[[], float] | None = None,
        key_retry_s: float = FIRST_PAUSE_S,
        history_recheck_s: float = HISTORY_RECHECK_S,
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
        self._stopwatch = stopwatch  # a request's latency, for /status
        self._clock = StampClock(time_source)
        auth_clock = auth_clock or monotonic  # the key's pauses and the permission re-checks
        self.auth_backoff = AuthBackoff(auth_clock, first_pause_s=key_retry_s)
        self.data_notes = DataNotes(monotonic)
        self.last_latency_s: float | None = None
        self.budget = RateBudget(HISTORY_QUOTAS, monotonic=monotonic, sleep=sleep)
        self.history_latch = PermissionLatch(auth_clock, history_recheck_s)
        self._clock_measured = False
        self._crowded_told: set[tuple[str, int]] = set()  # (path, ms) logged once
        self._key_back: list[Callable[[], object]] = []
        self.key_refusal: str | None = None  # the exchange's words when it last refused the key
        self.key_worked = False  # a signed request went through since the start

    def __repr__(self) -> str:
        return f"BtcTurkClient(base_url={self._base_url!r}, signed={bool(self._api_key)})"

    @property
    def clock_offset_ms(self) -> int:
        """Return the exchange's clock minus ours, as last measured (0 before any sync)."""
        return self._clock.offset_ms

    @property
    def clock_measured(self) -> bool:
        """Tell whether the exchange's clock was measured (else stamps use ours as it is)."""
        return self._clock_measured

    def stamp_ms(self) -> int:
        """Return a stamp in ms on the exchange's clock, as measured (the live feed's login)."""
        return self._clock.stamp()

    @property
    def history_refused(self) -> bool:
        """Tell whether the last history request was refused (no Account permission)."""
        return self.history_latch.refused

    def on_key_back(self, listener: Callable[[], object]) -> None:
        """Call `listener` each time the key works again after BTCTurk refused it."""
        self._key_back.append(listener)

    def reopen_history(self, *, owner: bool = False) -> bool:
        """Let the next history request ask BTCTurk again now, if it was refused; return
        whether it was. An owner's request does so at most once a minute."""
        return self.history_latch.reopen(owner=owner)

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
        self.data_notes.record(notes, answer_of="balances")
        return balances

    async def get_tickers(self) -> list[Ticker]:
        """Return the tickers of all pairs that have a usable price."""
        notes: list[DataNote] = []
        tickers = await self._call(
            TICKER_PATH, lambda answer: parse_tickers(answer.envelope_data(), notes)
        )
        self.data_notes.record(notes, answer_of="tickers")
        return tickers

    async def sync_clock(self) -> int:
        """Measure the exchange's clock minus ours, use it for every stamp, and return it."""
        server_ms, local_midpoint_ms = await self._call(SERVER_TIME_PATH, _server_time)
        offset = server_ms - local_midpoint_ms
        self._clock.offset_ms = offset
        self._clock_measured = True
        logger.debug("clock offset to BTCTurk: %d ms", offset)
        return offset

    async def get_exchange_info(self) -> ExchangeInfo:
        """Return the exchange's public status of its pairs and coins (no key needed)."""
        notes: list[DataNote] = []
        info = await self._call(
            EXCHANGE_INFO_PATH, lambda answer: parse_exchange_info(answer.envelope_data(), notes)
        )
        self.data_notes.record(notes, answer_of="exchangeinfo")
        return info

    async def can_trade(self) -> bool:
        """Tell whether the key may trade, from one signed read of the open orders (which
        needs the Trade permission): True when BTCTurk answers it, False when it refuses it.

        Places nothing. A refusal counts in the hour's budget of refused requests and pauses
        nothing; `KeyPaused` while the key is refused altogether (the answer would say nothing
        of Trade then).
        """
        if not self._api_key:
            raise AuthError("no BTCTurk API key is configured")
        key_wait_s = self.auth_backoff.wait_s()
        if self.auth_backoff.paused or key_wait_s > 0:
            raise _key_paused(key_wait_s, self.key_refusal)
        try:
            await self._call(OPEN_ORDERS_PATH, _Answer.envelope_data, signed=True)
        except StampRejected:
            raise
        except AuthError:
            self.auth_backoff.note_refusal()
            return False
        return True

    async def get_history(self, start_ms: int, end_ms: int) -> History:
        """Return the fills and transfers in [start_ms, end_ms], each once, oldest first.

        Raises `HistoryRefused` (no Account permission; latched, see `history_wait_s`),
        `KeyPaused` while the key is refused altogether, and the client's other errors.
        """
        fills = await self.get_fills(start_ms, end_ms)
        transfers = await self.get_transfers(start_ms, end_ms)
        return history_of(fills, transfers, start_ms, end_ms)

    async def get_fills(self, start_ms: int, end_ms: int) -> list[Fill]:
        """Return the fills in [start_ms, end_ms] (unordered, maybe repeated across pages)."""
        found: list[Fill] = []
        for low, high in windows(start_ms, end_ms):
            found += await self._pages(TRADES_PATH, low, high, parse_fills)
        return found

    async def get_transfers(self, start_ms: int, end_ms: int) -> list[Transfer]:
        """Return the crypto and fiat deposits and withdrawals in [start_ms, end_ms]."""
        found: list[Transfer] = []
        for low, high in windows(start_ms, end_ms):
            found += await self._pages(CRYPTO_PATH, low, high, _crypto_rows)
        for low, high in windows(start_ms, end_ms):
            found += await self._pages(FIAT_PATH, low, high, _fiat_rows)
        return found

    def history_wait_s(self) -> float:
        """Return the seconds before a refused history is asked again (0: it may be asked now)."""
        return self.history_latch.wait_s()

    async def _pages(
        self,
        path: str,
        low: int,
        high: int,
        parse: Callable[[object, list[DataNote]], list[R]],
    ) -> list[R]:
        """Read one window of one history endpoint, narrowing it while answers come full.

        An answer holds the newest 200 rows of its window, so while one is full the window ends
        again at its oldest row's time (rows at that ms come twice; ids de-duplicate).
        """
        end = high
        found: list[R] = []
        while True:
            data = await self._history_call(path, {"startDate": str(low), "endDate": str(end)})
            notes: list[DataNote] = []
            found += parse(data, notes)
            self.data_notes.record(notes, answer_of=HISTORY_ENDPOINTS[path])
            count, oldest = page_span(data)
            if count < PAGE_CAP or oldest is None:
                return found
            narrowed = oldest if oldest < end else oldest - 1
            if narrowed == oldest - 1 and (path, oldest) not in self._crowded_told:
                # 200 rows in one ms: the rest of that ms cannot be read (said once a moment)
                self._crowded_told.add((path, oldest))
                logger.warning(
                    "BTCTurk %s: %d rows at one moment (%d ms); any more there cannot be read",
                    path,
                    count,
                    oldest,
                )
            if narrowed < low:
                return found
            end = narrowed

    async def _history_call(self, path: str, params: dict[str, str]) -> object:
        """Request a history page, unless the history or the key was refused lately."""
        if not self._api_key:
            raise AuthError("no BTCTurk API key is configured")
        wait_s = self.history_wait_s()
        if wait_s > 0:
            raise HistoryRefused(_HISTORY_REFUSED, wait_s)
        key_wait_s = self.auth_backoff.wait_s()
        if self.auth_backoff.paused or key_wait_s > 0:  # the balances try the key, not these
            raise _key_paused(key_wait_s, self.key_refusal)
        try:
            data = await self._call(path, _Answer.envelope_data, signed=True, params=params)
        except StampRejected:
            raise  # our clock, not the permission
        except AuthError:
            self.auth_backoff.note_refusal()
            self.history_latch.close()
            recheck_s = self.history_latch.recheck_s
            logger.warning(
                "BTCTurk refused the history (no Account permission?); asking again in %.0f s",
                recheck_s,
            )
            raise HistoryRefused(_HISTORY_REFUSED, recheck_s) from None
        self.history_latch.answered()
        return data

    async def _signed_call(self, path: str, parse: Callable[[_Answer], T]) -> T:
        """Request a signed `path`, unless the key was refused lately.

        A try due within `backoff_cap` is waited for (one at a time), so a first refusal is
        tried once more a few seconds later; a later one raises `KeyPaused` at once.
        """
        backoff = self.auth_backoff
        refusal: AuthError | None = None
        while True:
            wait_s = backoff.reserve(max_wait_s=self._backoff_cap)
            if wait_s is None:
                if refusal is not None:
                    raise refusal
                raise _key_paused(backoff.wait_s(), self.key_refusal)
            try:
                if wait_s > 0:
                    logger.info("trying the refused API key again in %.0f s", wait_s)
                    await self._sleep(wait_s)
                result = await self._call(path, parse, signed=True)
            except StampRejected:
                backoff.release()
                raise  # our clock, not the key: the stamp is resynced at each refusal
            except AuthError as error:
                backoff.refused()
                self.key_refusal = error.refusal
                logger.warning(
                    "BTCTurk refused the API key (%s); next try in %.0f s",
                    error.refusal or "no reason given",
                    backoff.wait_s(),
                )
                if refusal is not None:
                    raise
                refusal = error
                continue
            except BaseException:
                backoff.release()
                raise
            self.key_worked = True
            if backoff.accepted():
                self._key_works_again()
            return result

    def _key_works_again(self) -> None:
        """After a refusal the key works: what its refusal closed is asked again."""
        logger.info("BTCTurk accepts the API key again")
        self.history_latch.reopen()
        for listener in self._key_back:
            listener()

    async def _resync_after_step(self, step_s: float) -> None:
        """Measure the offset again, before the exchange refuses a stamp made with the old one."""
        logger.info(
            "this server's clock stepped by %+.1f s; measuring BTCTurk's clock again", step_s
        )
        try:
            await self.sync_clock()
        except BtcTurkError as error:  # the request itself will say what is wrong
            logger.info("could not measure BTCTurk's clock: %s", error)

    async def _call(
        self,
        path: str,
        parse: Callable[[_Answer], T],
        *,
        signed: bool = False,
        params: dict[str, str] | None = None,
    ) -> T:
        """Request `path` and parse it, retrying transient errors and one rejected stamp."""
        attempt = 1
        resynced = False
        while True:
            try:
                return parse(await self._get(path, signed=signed, params=params))
            except StampRejected:
                if resynced or not signed:
                    raise
                resynced = True
                logger.info("BTCTurk refused the request stamp; resyncing the clock")
                await self.sync_clock()
            except _TRANSIENT as exc:
                delay = self._retry_delay(attempt, exc)
                if delay is None:
                    raise
                logger.info("GET %s failed (%s); retrying in %.2f s", path, exc, delay)
                attempt += 1
                await self._sleep(delay)

    def _retry_delay(self, attempt: int, exc: BtcTurkError) -> float | None:
        """Return the wait before the next attempt, or None when it is not worth one."""
        if attempt >= self._max_attempts:
            return None
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return exc.retry_after if exc.retry_after <= self._backoff_cap else None
        ceiling = min(self._backoff_cap, self._backoff_base * 2.0 ** (attempt - 1))
        return ceiling * self._random()

    async def _get(
        self, path: str, *, signed: bool, params: dict[str, str] | None = None
    ) -> _Answer:
        """Send one GET, stamped and signed once if asked; map transport failures to Unavailable."""
        await self.budget.acquire(path)
        headers = None
        if signed:
            stamp = self._clock.stamp()
            if abs(self._clock.step_s) >= CLOCK_STEP_S:
                await self._resync_after_step(self._clock.step_s)
                stamp = self._clock.stamp()
            headers = auth_headers(self._api_key, self._secret, stamp)
        started = self._stopwatch()
        sent_at = self._time_source()
        try:
            async with self._session.get(
                self._base_url + path, params=params, headers=headers, timeout=self._timeout
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
        self.last_latency_s = self._stopwatch() - started
        logger.debug("GET %s -> %d in %.3f s", path, status, self.last_latency_s)
        return _Answer(status, body, content_type, retry_after, sent_at, received_at)


def _key_paused(wait_s: float, refusal: str | None) -> KeyPaused:
    return KeyPaused(
        f"BTCTurk refused the API key; next signed request in {wait_s:.0f} s", wait_s, refusal
    )


_HISTORY_REFUSED = (
    "BTCTurk refused the history to this API key: give the key the Account permission"
)


def _crypto_rows(data: object, notes: list[DataNote]) -> list[Transfer]:
    return parse_transfers(data, "crypto", notes)


def _fiat_rows(data: object, notes: list[DataNote]) -> list[Transfer]:
    return parse_transfers(data, "fiat", notes)


def _server_time(answer: _Answer) -> tuple[int, int]:
    """Return the server time and our clock's midpoint of the request, both in ms."""
    payload = decode_answer(
        answer.status, answer.body, answer.content_type, retry_after=answer.retry_after
    )
    midpoint_ms = round((answer.sent_at + answer.received_at) * 500)
    return parse_server_time(payload), midpoint_ms
