"""The weekly and monthly reports: due once per period per chat, after that day's summary.

A weekly report is owed from Monday's DAILY_SUMMARY_TIME on, a monthly one from the 1st's;
each chat's last reported period is stored, so a restart repeats none and a report held up
(BTCTurk down at summary time) goes out later in the period.

Its figures are /weekly's (/monthly's) row of the period, from the daily values rebuilt from
the history: the report waits until the period's last day has closed (00:00 UTC) and been
rebuilt. Without the history (the Account permission missing, the history still loading,
another quote currency) the figures come from the values stored at each summary, and a period
with fewer than two of them is skipped without a message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.core.notify import NotificationKind
from balance_bot.core.periods import PeriodKind, PeriodRow, period_row
from balance_bot.core.reports import (
    REPORT_KINDS,
    period_figures,
    period_start,
    previous_start,
    value_moves,
)
from balance_bot.core.settings import Settings
from balance_bot.core.summary import DailyPortfolio
from balance_bot.core.texts.periods import period_report_message
from balance_bot.core.texts.reports import report_message
from balance_bot.services.chats import ChatViews
from balance_bot.services.notifications import notifications_for
from balance_bot.services.portfolio import PortfolioService
from balance_bot.services.roster import Roster
from balance_bot.services.values import DailyValues, ValuesOutcome
from balance_bot.store.store import Store

log = logging.getLogger(__name__)

HISTORY_DAYS = 40  # more than a month, so the first value of the period is found


class Reports:
    """Queue the weekly and monthly reports the chats are owed."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        views: ChatViews,
        clock: Callable[[], datetime],
        roster: Roster,
        *,
        values: DailyValues | None = None,
        portfolio: PortfolioService | None = None,
    ) -> None:
        self._settings = settings
        self._store = store
        self._views = views
        self._clock = clock
        self._roster = roster
        self._values = values
        self._portfolio = portfolio  # the balances the daily values are checked against
        self._done_on: date | None = None  # every chat had what it is owed on this day
        self._wait_close: date | None = None  # UTC day on which a period's last day was open

    async def send_due(self) -> int:
        """Queue each owed report; return how many were queued."""
        kinds = [k for k in REPORT_KINDS if k in self._settings.reports]
        local = self._clock().astimezone(self._settings.timezone)
        day = local.date()
        if not kinds or day == self._done_on:
            return 0
        early = local.time() < self._settings.daily_summary_time
        history: list[DailyPortfolio] | None = None
        values: ValuesOutcome | bool | None = False  # False: not asked yet
        queued, waiting = 0, False
        for kind in kinds:
            start = period_start(kind, day)
            if day == start and early:
                waiting = True
                continue
            for chat_id in self._roster.chat_ids():
                chat = await self._store.chat_settings(chat_id)
                last = chat.last_weekly_report if kind == "weekly" else chat.last_monthly_report
                if last is not None and last >= start:
                    continue
                if chat.last_summary_day is None or chat.last_summary_day < day:
                    waiting = True  # after today's summary, which stores today's value
                    continue
                closing = self._clock().astimezone(UTC).date()
                if self._wait_close == closing:  # asked this UTC day: it has not closed yet
                    waiting = True
                    continue
                if values is False:
                    values = await self._daily_values()
                row = _period(values, kind, start)
                if row is WAIT:
                    waiting = True  # the period's last day has not closed yet
                    self._wait_close = closing
                    continue
                if isinstance(row, PeriodRow) and isinstance(values, ValuesOutcome):
                    queued += await self._queue_row(kind, chat_id, start, row, values)
                    continue
                if history is None:
                    history = await self._store.portfolio_history(day - timedelta(HISTORY_DAYS))
                queued += await self._queue(kind, chat_id, start, history)
        if not waiting:
            self._done_on = day
        if queued:
            log.info("%d report(s) queued", queued)
        return queued

    async def _daily_values(self) -> ValuesOutcome | None:
        """Return the daily values checked against the balances, None without them."""
        if self._values is None:
            return None
        portfolio = None
        if self._portfolio is not None:
            try:
                portfolio = (await self._portfolio.fetch_or_last()).portfolio
            except BtcTurkError:
                portfolio = None
        return await self._values.safely(portfolio, fresh=False)

    async def _queue_row(
        self, kind: str, chat_id: int, start: date, row: PeriodRow, values: ValuesOutcome
    ) -> int:
        """Queue one chat's report of the period that ended at `start`, from the daily values."""
        assert values.values is not None
        best, worst = value_moves(values.values, row.start, row.end)
        moves = [
            (key, move.asset, move.change)
            for key, move in (("report.best", best), ("report.worst", worst))
            if move is not None
        ]
        view = await self._views.view(chat_id)
        quote = self._settings.quote_currency
        text = period_report_message(row.kind, row, moves, quote, view)
        owed = notifications_for([chat_id], NotificationKind.REPORT, text)
        return int(await self._store.record_report(chat_id, kind, start, owed))

    async def _queue(
        self, kind: str, chat_id: int, start: date, history: list[DailyPortfolio]
    ) -> int:
        """Queue one chat's report of the period that ended at `start` (or mark it skipped)."""
        begin = previous_start(kind, start)
        figures = period_figures(history, begin, start)
        if figures is None:
            await self._store.record_report(chat_id, kind, start, [])
            log.info("%s report for %s skipped: fewer than two daily values", kind, begin)
            return 0
        view = await self._views.view(chat_id)
        text = report_message(kind, begin, start, figures, self._settings.quote_currency, view)
        owed = notifications_for([chat_id], NotificationKind.REPORT, text)
        return int(await self._store.record_report(chat_id, kind, start, owed))


WAIT = object()  # the period's figures wait for its last day to close


def _period(values: ValuesOutcome | bool | None, kind: str, start: date) -> PeriodRow | object:
    """Return the daily values' row of the period that ended the day before `start`, WAIT
    while its last day has not closed, None without daily values for it."""
    if not isinstance(values, ValuesOutcome) or values.values is None:
        return None
    history = values.values
    end = start - timedelta(days=1)
    if history.first is None or history.first > end:
        return None
    if history.last < end:
        return WAIT
    period: PeriodKind = "weekly" if kind == "weekly" else "monthly"
    first = previous_start(kind, start)
    return period_row(history, period, first, end, incomplete=values.incomplete)
