"""The account's daily values from its first day, rebuilt from the history kept for P&L.

Once the history is read back completely, every day from the first record's to yesterday
(the last day whose close is known, UTC) is rebuilt from the stored fills and transfers,
each transfer valued as /pnl recorded it, each holding at its day's close. The closes come
from the chart server through the same reader /pnl uses (`DailyPrices`): one request per
pair covers years, and the finished days read are kept in SQLite, so a pair's days are asked
once, also across restarts. A rebuild takes tens of milliseconds per thousand fills: it runs
in a worker thread, and the last one is kept until the history, the closes or the day change.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from balance_bot.core.valuation import Portfolio
from balance_bot.core.values import UNITS, Incomplete, ValueHistory, incomplete, rebuild
from balance_bot.services.backfill import BackfillState
from balance_bot.services.pnl import ProfitAndLoss, Valuation
from balance_bot.store.database import StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ValuesOutcome:
    """The rebuilt values (None while the history cannot give them) and why not."""

    values: ValueHistory | None
    state: BackfillState
    refused: bool = False  # the key may not read the history, and none is kept
    unsupported: bool = False  # no daily prices in this quote currency
    read_until: datetime | None = None  # the forward read failed: the history ends here
    read_refused: bool = False  # ... refused: the key lacks the Account permission
    incomplete: tuple[Incomplete, ...] = ()  # assets the history does not account for

    @property
    def loading(self) -> bool:
        """Tell whether the history is still being read back."""
        return self.values is None and not (self.refused or self.unsupported)


class DailyValues:
    """Rebuild the daily values on demand; keep the last rebuild while nothing changed."""

    def __init__(
        self,
        pnl: ProfitAndLoss,
        *,
        clock: Callable[[], datetime],
        units: tuple[str, ...] = UNITS,
    ) -> None:
        self._pnl = pnl
        self._clock = clock
        self._units = units
        self._kept: tuple[tuple[object, ...], ValueHistory] | None = None

    async def history(
        self, portfolio: Portfolio | None = None, *, wait_s: float | None = None, fresh: bool = True
    ) -> ValuesOutcome:
        """Return every day's values up to yesterday, reading the history forward first, and
        the assets whose units it does not account for in `portfolio` (the balances now).

        Waits for the chart server at most `wait_s` (its burst's budget by default): a day
        whose prices are still being read leaves them out, named as loading. `fresh`: read the
        history forward first, as a command does (a job leaves it to the background read).
        """
        pnl = self._pnl
        state = await pnl.load_state()
        if not pnl.supported:
            return ValuesOutcome(None, state, unsupported=True)
        if state.oldest is None and pnl.refused:
            return ValuesOutcome(None, state, refused=True)
        if not state.complete:
            return ValuesOutcome(None, state)
        read_until, refused = None, False
        if fresh:
            read_until, refused = await pnl.read_forward(state, "the daily values")
        valuation = await pnl.valuation(wait_s)
        yesterday = self._clock().astimezone(UTC).date() - timedelta(days=1)
        values = await self._rebuilt(valuation, yesterday)
        found = () if portfolio is None else incomplete(values, portfolio)
        return ValuesOutcome(
            values, state, read_until=read_until, read_refused=refused, incomplete=found
        )

    async def _rebuilt(self, valuation: Valuation, last: date) -> ValueHistory:
        """Return the values up to `last` from the valued history and the closes it read."""
        stored, prices = valuation.stored, valuation.prices
        key = (
            len(stored.fills),
            len(stored.transfers),
            stored.fills[-1].id if stored.fills else None,
            stored.transfers[-1].id if stored.transfers else None,
            len(valuation.recorded),
            len(valuation.rates),
            last,
            self._pnl.daily_prices.version,
        )
        if self._kept is not None and self._kept[0] == key:
            return self._kept[1]
        values = await asyncio.to_thread(
            rebuild,
            stored.fills,
            stored.transfers,
            prices.quote,
            prices,
            last,
            transfer_prices=valuation.recorded,
            fill_rates=valuation.rates,
            units=self._units,
        )
        if not values.loading:
            self._kept = (key, values)
        return values

    async def safely(
        self, portfolio: Portfolio | None = None, *, wait_s: float | None = None, fresh: bool = True
    ) -> ValuesOutcome | None:
        """Return `history()`, or None when the database failed (a message goes without)."""
        try:
            return await self.history(portfolio, wait_s=wait_s, fresh=fresh)
        except StoreError as error:
            log.warning("the daily values could not be rebuilt: %s", error)
            return None
