"""The daily summary: due once per chat per day at DAILY_SUMMARY_TIME, also on demand."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from btcturk.errors import BtcTurkError
from config import Settings
from core.chart_data import chart_caption, history_since
from core.i18n import View
from core.summary import day_values, summary_message
from core.valuation import Portfolio
from services.charts import chart_png
from services.chats import ChatViews
from services.notifications import notifications_for
from services.portfolio import PortfolioService
from services.roster import Roster
from store.models import NewNotification
from store.store import Store

log = logging.getLogger(__name__)

SUMMARY_DATA_MAX_AGE_S = 0.0  # once a day: always fresh figures


class Summaries:
    """Build the summary and queue it for every chat that has not had today's."""

    def __init__(
        self,
        settings: Settings,
        portfolio: PortfolioService,
        store: Store,
        views: ChatViews,
        clock: Callable[[], datetime],
        roster: Roster | None = None,
    ) -> None:
        self._settings = settings
        self._roster = roster or Roster(settings.allowed_chat_ids)
        self._views = views
        self._all_sent_on: date | None = None
        self._portfolio = portfolio
        self._store = store
        self._clock = clock

    def next_time(self) -> datetime:
        """Return when the next scheduled summary is due (aware, in the bot's time zone)."""
        local = self._clock().astimezone(self._settings.timezone)
        today = datetime.combine(local.date(), self._settings.daily_summary_time, local.tzinfo)
        return today if local < today else today + timedelta(days=1)

    async def send_due(self) -> int:
        """Queue today's summary for each chat that is owed it; return how many chats."""
        now = self._clock()
        local = now.astimezone(self._settings.timezone)
        if local.time() < self._settings.daily_summary_time:
            return 0
        day = local.date()
        if day == self._all_sent_on:  # checked every 30 s: once the day is done, ask nothing
            return 0
        owed = [
            chat_id
            for chat_id in self._roster.chat_ids()
            if (await self._store.chat_settings(chat_id)).last_summary_day != day
        ]
        if not owed:
            self._all_sent_on = day
            return 0
        try:
            portfolio = await self._portfolio.portfolio(max_age_s=SUMMARY_DATA_MAX_AGE_S)
        except BtcTurkError as error:
            log.warning("daily summary postponed, BTCTurk failed: %s", error)
            return 0
        previous = await self._store.portfolio_before(day)
        await self._store.save_daily_portfolio(day_values(portfolio, day))
        sent = 0
        charts: dict[str, bytes | None] = {}  # one drawing per language
        for chat_id in owed:
            view = await self._views.view(chat_id)
            text = summary_message(portfolio, previous, view, scheduled=True)
            parts = notifications_for([chat_id], "summary", text)
            if self._settings.summary_chart:
                parts += await self._chart(chat_id, portfolio, day, view, charts)
            if await self._store.record_summary(chat_id, day, parts):
                sent += 1
        log.info("daily summary queued for %d chat(s)", sent)
        return sent

    async def _chart(
        self,
        chat_id: int,
        portfolio: Portfolio,
        day: date,
        view: View,
        drawn: dict[str, bytes | None],
    ) -> list[NewNotification]:
        """Return the chart that follows the summary, or nothing when it cannot be drawn."""
        code = view.lang.code
        if code not in drawn:
            try:
                history = await self._store.portfolio_history(history_since(day))
                drawn[code] = await chart_png(portfolio, history, view)
            except Exception:
                log.exception("summary chart could not be drawn; the text goes alone")
                drawn[code] = None
        photo = drawn[code]
        if photo is None:
            return []
        return [NewNotification(chat_id, "summary_chart", chart_caption(portfolio, view), photo)]

    async def on_demand(self, view: View) -> str:
        """Return the summary text now, compared with the last daily summary before today."""
        portfolio = await self._portfolio.portfolio()
        day = view.now.astimezone(view.tz).date()
        previous = await self._store.portfolio_before(day)
        return summary_message(portfolio, previous, view, scheduled=False)
