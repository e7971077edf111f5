"""The weekly and monthly reports: due once per period per chat, after that day's summary.

A weekly report is owed from Monday's DAILY_SUMMARY_TIME on, a monthly one from the 1st's;
each chat's last reported period is stored, so a restart repeats none and a report held up
(BTCTurk down at summary time) goes out later in the period. A period with fewer than two
stored daily values is skipped without a message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from balance_bot.core.notify import NotificationKind
from balance_bot.core.reports import REPORT_KINDS, period_figures, period_start, previous_start
from balance_bot.core.settings import Settings
from balance_bot.core.summary import DailyPortfolio
from balance_bot.core.texts.reports import report_message
from balance_bot.services.chats import ChatViews
from balance_bot.services.notifications import notifications_for
from balance_bot.services.roster import Roster
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
    ) -> None:
        self._settings = settings
        self._store = store
        self._views = views
        self._clock = clock
        self._roster = roster
        self._done_on: date | None = None  # every chat had what it is owed on this day

    async def send_due(self) -> int:
        """Queue each owed report; return how many were queued."""
        kinds = [k for k in REPORT_KINDS if k in self._settings.reports]
        local = self._clock().astimezone(self._settings.timezone)
        day = local.date()
        if not kinds or day == self._done_on:
            return 0
        early = local.time() < self._settings.daily_summary_time
        history: list[DailyPortfolio] | None = None
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
                if history is None:
                    history = await self._store.portfolio_history(day - timedelta(HISTORY_DAYS))
                queued += await self._queue(kind, chat_id, start, history)
        if not waiting:
            self._done_on = day
        if queued:
            log.info("%d report(s) queued", queued)
        return queued

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
