"""Fetch and value the account, sharing one exchange request among concurrent callers."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.errors import BadResponse, BtcTurkError, Unavailable
from balance_bot.btcturk.models import Ticker
from balance_bot.core.valuation import Portfolio, value_portfolio

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Fetch:
    """One successful read of the account, valued: every consumer reads its positions."""

    portfolio: Portfolio


@dataclass(frozen=True, slots=True)
class Latest:
    """The freshest figures there are: a read now, else the last good one and the error that
    stopped a fresh one."""

    portfolio: Portfolio
    error: BtcTurkError | None = None  # None: read now (or within the cache's age)


class PortfolioService:
    """Give every caller a fresh-enough Portfolio at the cost of one exchange call."""

    def __init__(
        self,
        client: BtcTurkClient,
        quote: str,
        *,
        max_age_s: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._client = client
        self._quote = quote
        self._max_age_s = max_age_s
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        self._in_flight: asyncio.Future[Fetch] | None = None
        self._last: Fetch | None = None
        self._last_at = float("-inf")
        self.last_error: BtcTurkError | None = None
        self.prices_error: BtcTurkError | None = None
        self._priced_before: frozenset[str] = frozenset()
        self._direct_before: frozenset[str] = frozenset()  # priced through their own pair
        self.last_success_at: datetime | None = None
        self.reads = 0  # the account's successful reads, whoever asked

    def remember_priced(self, assets: Iterable[str]) -> None:
        """Take `assets` as priced in an earlier read (from before a restart)."""
        self._priced_before = self._priced_before | frozenset(assets)

    async def fetch(self, max_age_s: float | None = None) -> Fetch:
        """Return a fetch no older than `max_age_s` (default: the service's cache age).

        A read that failed after the cached one ends the cache: the next caller reads again
        (and, through `fetch_or_last`, says why its figures are older), never the figures
        alone as if nothing had happened since.
        """
        limit = self._max_age_s if max_age_s is None else max_age_s
        fresh = self._monotonic() - self._last_at <= limit
        if self._last is not None and fresh and self.last_error is None:
            return self._last
        if self._in_flight is None:
            self._in_flight = asyncio.ensure_future(self._fetch_now())
            self._in_flight.add_done_callback(self._forget_in_flight)
        try:
            return await asyncio.shield(self._in_flight)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # the caller itself is being cancelled
            raise Unavailable("the request to BTCTurk was abandoned (shutting down)") from None

    async def fetch_or_last(self, max_age_s: float | None = None) -> Latest:
        """Return a fresh fetch's figures, else the last good ones with the error that stopped
        a fresh one.

        Raises that error when the account was never read.
        """
        try:
            return Latest((await self.fetch(max_age_s)).portfolio)
        except BtcTurkError as error:
            if self._last is None:
                raise
            return Latest(self._last.portfolio, error)

    async def portfolio(self, max_age_s: float | None = None) -> Portfolio:
        """Return the valued portfolio (see `fetch`)."""
        return (await self.fetch(max_age_s)).portfolio

    def cancel(self) -> None:
        """Abandon the request in flight (at shutdown: a hung exchange must not delay it)."""
        if self._in_flight is not None:
            self._in_flight.cancel()

    def _forget_in_flight(self, future: asyncio.Future[Fetch]) -> None:
        self._in_flight = None
        if not future.cancelled():
            future.exception()  # mark retrieved: a caller may have been cancelled meanwhile

    async def _fetch_now(self) -> Fetch:
        """Read balances and prices independently: prices failing leaves the amounts usable."""
        balances, tickers = await asyncio.gather(
            self._client.get_balances(), self._client.get_tickers(), return_exceptions=True
        )
        try:
            if isinstance(balances, BaseException):
                raise balances
            if not balances:  # BTCTurk lists every asset, zero ones included: never empty
                raise BadResponse("BTCTurk sent an empty balance list")
        except BtcTurkError as error:
            self.last_error = error
            raise
        prices: list[Ticker] | None = None
        if isinstance(tickers, BtcTurkError):
            said = log.debug if self.prices_error is not None else log.warning  # once an outage
            said("prices unavailable, showing amounts only: %s", tickers)
            self.prices_error = tickers
        elif isinstance(tickers, BaseException):
            raise tickers
        else:
            if self.prices_error is not None:
                log.info("prices available again")
            self.prices_error, prices = None, tickers
        taken_at = self._wall_clock()
        portfolio = value_portfolio(
            balances,
            prices,
            self._quote,
            taken_at,
            priced_before=self._priced_before,
            direct_before=self._direct_before,
        )
        if portfolio.prices_available:  # remember what had a price, while it is held
            held = {p.asset for p in portfolio.positions}
            self._priced_before = frozenset((self._priced_before | set(portfolio.prices)) & held)
            direct = {p.asset for p in portfolio.positions if p.price is not None and not p.route}
            self._direct_before = frozenset((self._direct_before - set(portfolio.routes)) | direct)
        result = Fetch(portfolio=portfolio)
        self._last, self._last_at = result, self._monotonic()
        self.last_error, self.last_success_at = None, taken_at
        self.reads += 1
        log.debug("fetched %d balances", len(balances))
        return result
