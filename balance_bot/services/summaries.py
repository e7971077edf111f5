"""The daily summary: due once per chat per day at DAILY_SUMMARY_TIME, also on demand.

The wall clock can step (an NTP correction, a restored VM); the rules that keep one summary
per calendar day through that:
- a summary is owed only for a day later than the chat's last one, so a clock gone back an
  hour, or past midnight, repeats none;
- a chat's last summary dated after today (the clock was ahead when it went out) counts as
  today's, so the next day's is not skipped once the clock is right again;
- a scheduled summary follows the previous one by at least MIN_SUMMARY_GAP_S on the boot
  clock (which counts real time, suspend included), so a clock a day ahead sends no second
  summary in one real day.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.core.chart_data import DEFAULT_WINDOW, history_since, value_line
from balance_bot.core.flows import FlowSplit, SplitUnavailable, split_flows
from balance_bot.core.i18n import View
from balance_bot.core.notify import NotificationKind
from balance_bot.core.periods import PeriodRow, period_row
from balance_bot.core.pnl import PnlReport
from balance_bot.core.settings import Settings
from balance_bot.core.summary import day_values
from balance_bot.core.texts.chart import chart_caption
from balance_bot.core.texts.errors import stale_notice
from balance_bot.core.texts.periods import summary_period_lines
from balance_bot.core.texts.pnl import summary_pnl_line
from balance_bot.core.texts.summary import summary_message
from balance_bot.core.valuation import Portfolio
from balance_bot.services.charts import DrawChart, chart_png
from balance_bot.services.chats import ChatViews
from balance_bot.services.clock_steps import boot_time
from balance_bot.services.history import SLACK, HistoryAccess, to_ms
from balance_bot.services.notifications import notifications_for
from balance_bot.services.pnl import ProfitAndLoss
from balance_bot.services.portfolio import PortfolioService
from balance_bot.services.reports import Reports
from balance_bot.services.roster import Roster
from balance_bot.services.values import DailyValues, ValuesOutcome
from balance_bot.store.models import DailyPortfolio, NewNotification
from balance_bot.store.store import Store

log = logging.getLogger(__name__)

SUMMARY_DATA_MAX_AGE_S = 0.0  # once a day: always fresh figures
MIN_SUMMARY_GAP_S = 12 * 3600.0  # a day, less any daylight-saving change, with a margin
RETRY_AFTER_S = 30.0  # after BTCTurk failed: checked every second, asked every 30 s
UNREALIZED_KEY = "summary_unrealized_pnl"  # the last scheduled summary's unrealized P&L


class Summaries:
    """Build the summary and queue it for every chat that has not had today's."""

    def __init__(
        self,
        settings: Settings,
        portfolio: PortfolioService,
        store: Store,
        views: ChatViews,
        clock: Callable[[], datetime],
        roster: Roster,
        *,
        boot_clock: Callable[[], float] = boot_time,
        history: HistoryAccess | None = None,
        pnl: ProfitAndLoss | None = None,
        draw_chart: DrawChart = chart_png,
        values: DailyValues | None = None,
    ) -> None:
        self._history = history
        self._values = values
        self._draw_chart = draw_chart
        self._pnl = pnl
        self._settings = settings
        self._roster = roster
        self._views = views
        self._all_sent_on: date | None = None
        self._boot_clock = boot_clock
        self._seen_day: date | None = None  # the local day at the last check
        self._last_sent_at: float | None = None  # boot clock, last scheduled summary queued
        self._retry_at = float("-inf")  # boot clock, after BTCTurk failed
        self._portfolio = portfolio
        self._store = store
        self._clock = clock
        self.reports = Reports(
            settings, store, views, clock, self._roster, values=values, portfolio=portfolio
        )

    def next_time(self) -> datetime:
        """Return when the next scheduled summary is due (aware, in the bot's time zone)."""
        local = self._clock().astimezone(self._settings.timezone)
        today = datetime.combine(local.date(), self._settings.daily_summary_time, local.tzinfo)
        return today if local < today else today + timedelta(days=1)

    async def send_due(self) -> int:
        """Queue today's summary for each chat that is owed it; return how many chats."""
        local = self._clock().astimezone(self._settings.timezone)
        day = local.date()
        if self._seen_day is None or day < self._seen_day:  # start-up, or the clock went back
            await self._count_later_days_as(day)
        self._seen_day = day
        if local.time() < self._settings.daily_summary_time:
            return 0
        if day == self._all_sent_on:  # checked every second: once the day is done, ask nothing
            return 0
        booted = self._boot_clock()
        if booted < self._retry_at or (
            self._last_sent_at is not None and booted - self._last_sent_at < MIN_SUMMARY_GAP_S
        ):
            return 0
        owed = []
        for chat_id in self._roster.chat_ids():
            last = (await self._store.chat_settings(chat_id)).last_summary_day
            if last is None or last < day:
                owed.append(chat_id)
        if not owed:
            self._all_sent_on = day
            return 0
        try:
            portfolio = await self._portfolio.portfolio(max_age_s=SUMMARY_DATA_MAX_AGE_S)
        except BtcTurkError as error:
            log.warning("daily summary postponed, BTCTurk failed: %s", error)
            self._retry_at = booted + RETRY_AFTER_S
            return 0
        if not portfolio.prices_available:
            log.warning("daily summary postponed: prices unavailable")
            return 0
        previous = await self._store.portfolio_before(day)
        split = await self._split(previous, portfolio)
        if portfolio.total_complete:  # tomorrow compares with it: only a true total is kept
            await self._store.save_daily_portfolio(day_values(portfolio, day))
        pnl = await self._pnl_facts(portfolio, day, keep=True)
        values = await self._daily_values(portfolio, fresh=False)
        closed = _closed_day(values)
        sent = 0
        charts: dict[str, bytes | None] = {}  # one drawing per language
        for chat_id in owed:
            view = await self._views.view(chat_id)
            text = summary_message(
                portfolio,
                previous,
                view,
                scheduled=True,
                split=split,
                pnl_line=None if pnl is None else summary_pnl_line(*pnl, view),
                closed_day=() if closed is None else summary_period_lines(closed, view),
            )
            parts = notifications_for([chat_id], NotificationKind.SUMMARY, text)
            if await self._chart_wanted(chat_id):
                parts += await self._chart(chat_id, portfolio, day, view, charts, values)
            if "daily" not in self._settings.reports:  # the day's value is still kept
                parts = []
            if await self._store.record_summary(chat_id, day, parts):
                sent += 1
        log.info("daily summary queued for %d chat(s)", sent)
        if sent:
            self._last_sent_at = booted
        return sent

    async def _chart_wanted(self, chat_id: int) -> bool:
        """Tell whether the chat's summary comes with a chart (its choice, else SUMMARY_CHART)."""
        chat = await self._store.chat_settings(chat_id)
        return chat.summary_chart_or(self._settings.summary_chart)

    async def _count_later_days_as(self, day: date) -> None:
        """Take summaries dated after `day` (sent while the clock was ahead) as `day`'s."""
        moved = await self._store.forget_summaries_after(day)
        if moved:
            self._all_sent_on = None
            log.warning(
                "%d chat(s) had a summary dated after %s: the clock was ahead; it counts as "
                "today's",
                moved,
                day,
            )

    async def _chart(
        self,
        chat_id: int,
        portfolio: Portfolio,
        day: date,
        view: View,
        drawn: dict[str, bytes | None],
        values: ValuesOutcome | None = None,
    ) -> list[NewNotification]:
        """Return the chart that follows the summary, or nothing when it cannot be drawn: the
        daily values' last 30 days, as /chart draws them, else the totals kept."""
        code = view.lang.code
        line = None
        if values is not None and values.values is not None:
            line = value_line(values.values, DEFAULT_WINDOW, values.incomplete)
        if code not in drawn:
            try:
                history = [] if line else await self._store.portfolio_history(history_since(day))
                drawn[code] = await self._draw_chart(
                    portfolio,
                    history,
                    view,
                    summary_at=self._settings.daily_summary_time,
                    values=line,
                )
            except Exception:
                log.exception("summary chart could not be drawn; the text goes alone")
                drawn[code] = None
        photo = drawn[code]
        if photo is None:
            return []
        return [
            NewNotification(
                chat_id, NotificationKind.SUMMARY_CHART, chart_caption(portfolio, view), photo
            )
        ]

    async def on_demand(self, view: View) -> str:
        """Return the summary text now, compared with the last daily summary before today.

        While BTCTurk fails, the last figures read, under the notice /balance gives.
        """
        latest = await self._portfolio.fetch_or_last()
        portfolio = latest.portfolio
        day = view.now.astimezone(view.tz).date()
        previous = await self._store.portfolio_before(day)
        split = await self._split(previous, portfolio)
        pnl = await self._pnl_facts(portfolio, day, keep=False)
        line = None if pnl is None else summary_pnl_line(*pnl, view)
        closed = _closed_day(await self._daily_values(portfolio, fresh=True))
        text = summary_message(
            portfolio,
            previous,
            view,
            scheduled=False,
            split=split,
            pnl_line=line,
            closed_day=() if closed is None else summary_period_lines(closed, view),
        )
        if latest.error is None:
            return text
        return f"{stale_notice(latest.error, portfolio, view)}\n\n{text}"

    async def _daily_values(self, portfolio: Portfolio, *, fresh: bool) -> ValuesOutcome | None:
        """Return the daily values checked against `portfolio`, None without them."""
        if self._values is None:
            return None
        return await self._values.safely(portfolio, fresh=fresh)

    async def _pnl_facts(
        self, portfolio: Portfolio, day: date, *, keep: bool
    ) -> tuple[PnlReport, Decimal | None] | None:
        """Return the P&L report and the unrealized P&L of an earlier day's summary.

        `keep`: store today's figure, for tomorrow's comparison.
        """
        if self._pnl is None:
            return None
        report = await self._pnl.summary_report(portfolio)
        if report is None:
            return None
        # Stored as "<day> <unrealized> [<the day before's>]", for a second summary that day.
        stored = (await self._store.get_meta(UNREALIZED_KEY) or "").split()
        earlier = None
        if len(stored) >= 2 and stored[0] < day.isoformat():
            earlier = Decimal(stored[1])
        elif len(stored) == 3 and stored[0] == day.isoformat():
            earlier = Decimal(stored[2])
        if keep and not report.unrealized_without:  # only a whole figure is compared tomorrow
            kept = [day.isoformat(), str(report.unrealized)]
            await self._store.set_meta(
                UNREALIZED_KEY, " ".join(kept if earlier is None else [*kept, str(earlier)])
            )
        return report, earlier

    async def _split(
        self, previous: DailyPortfolio | None, portfolio: Portfolio
    ) -> FlowSplit | SplitUnavailable | None:
        """Split the change since the previous summary into money moved and the market."""
        if self._history is None or previous is None or not portfolio.total_complete:
            return None
        start = datetime.combine(
            previous.day, self._settings.daily_summary_time, self._settings.timezone
        )
        now = self._clock()
        try:
            history = await self._history.read(start, now, slack=timedelta(0))
        except BtcTurkError as error:
            log.info("summary without the market/deposits split: %s", error)
            return SplitUnavailable("unread")
        if history is None:
            return SplitUnavailable("permission")
        seen = await self._store.flows_between(start - SLACK, now + SLACK)
        then = {(f.asset, to_ms(f.at)): f.value / f.amount for f in seen if f.value and f.amount}
        return split_flows(
            previous.total,
            portfolio.total,
            history,
            portfolio.quote,
            portfolio.prices,
            lambda asset, at_ms: then.get((asset, at_ms)),
        )


def _closed_day(values: ValuesOutcome | None) -> PeriodRow | None:
    """Return the daily values' row of the last closed day, None without one."""
    if values is None or values.values is None or not values.values.days:
        return None
    last = values.values.last
    return period_row(values.values, "daily", last, last, incomplete=values.incomplete)
