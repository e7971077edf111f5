"""Scheduled work: the balance poll, the history's follow-ups, the daily summary, delivery,
the /export files asked for while the history was loading, BTCTurk's status of its coins and
pairs, and the key check after start-up (then daily)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

from telegram.ext import Application

from balance_bot.handlers.context import BotContext
from balance_bot.handlers.export import send_waiting_exports
from balance_bot.services.clocks import Clocks
from balance_bot.services.heartbeat import write_heartbeat
from balance_bot.services.monitor import PollOutcome
from balance_bot.services.periodic import Periodic
from balance_bot.store.models import NewNotification

DELIVERY_INTERVAL_S = 2.0
FIRST_RUN_S = 1.0
SUMMARY_CHECK_INTERVAL_S = 1.0  # cheap until the summary is due: it goes out within a second
FOLLOW_UP_CHECK_INTERVAL_S = 1.0  # cheap until a look is due (no store read, no request)
EXPORT_CHECK_INTERVAL_S = 5.0  # cheap until the history is complete and an /export waits
PRUNE_INTERVAL = timedelta(hours=6)
EXCHANGE_FIRST_S = 3.0  # BTCTurk's status: first read once start-up has settled
KEY_CHECK_FIRST_S = 10.0  # after the first checks read the account (the key worked, or not)
KEY_CHECK_INTERVAL = timedelta(days=1)

JobCallback = Callable[[BotContext], Awaitable[object]]


async def poll_balances(context: BotContext, *, woken: bool = False) -> PollOutcome | None:
    """Compare balances with the last snapshot, write the heartbeat, deliver what is owed;
    return what the poll found (None: skipped).

    A scheduled poll is skipped while the private feed is healthy and a poll read the account
    within the safety interval (the feed `woken` it) and none failed since, unless an alert
    watches values that move with prices (the feed does not tell of those).
    """
    services = context.services
    feed = services.account.feed
    told: list[NewNotification] = []
    if (
        feed is not None
        and not woken
        and not feed.scheduled_poll_due()
        and not await services.store.count_alerts()  # alerts watch prices: poll as usual
    ):
        services.store.db.check_present()
        write_heartbeat(services.settings.data_dir, services.clock(), True)
        return None
    outcome = await services.monitor.poll()
    if feed is not None:
        feed.polled(succeeded=outcome.succeeded)  # the safety interval trusts only a read
        chats = services.roster.chat_ids()
        interval_s = services.settings.poll_interval_s
        told = await feed.refusal_notices(  # after the poll: did BTCTurk take the key?
            services.views, chats, interval_s, read_ok=outcome.succeeded
        )
        if told:
            await services.store.enqueue(told)
    services.store.db.check_present()  # a deleted DATA_DIR gets no heartbeat: unhealthy
    write_heartbeat(services.settings.data_dir, services.clock(), outcome.succeeded)
    if outcome.queued or told:
        await services.deliverer.deliver_due()
    return outcome


async def follow_up_history(context: BotContext) -> None:
    """Look at the history for alerts it did not explain yet; deliver the edits it allows."""
    services = context.services
    if await services.monitor.follow_up():
        await services.deliverer.deliver_due()


async def daily_summary(context: BotContext) -> None:
    """Queue and deliver today's summary, then the weekly and monthly reports owed."""
    services = context.services
    queued = await services.summaries.send_due()
    queued += await services.summaries.reports.send_due()
    if queued:
        await services.deliverer.deliver_due()


async def watch_exchange(context: BotContext) -> None:
    """Read BTCTurk's status of its coins and pairs; deliver what changed for the owner."""
    services = context.services
    if services.exchange is not None and await services.exchange.check():
        await services.deliverer.deliver_due()


async def check_key(context: BotContext) -> None:
    """Check the chats, the clock and whether the key can trade; log each problem."""
    if context.services.key_check is not None:
        await context.services.key_check.run(context.bot)


async def deliver_outbox(context: BotContext) -> None:
    """Send what is due in the outbox (retries and anything left from before a restart)."""
    await context.services.deliverer.deliver_due()


async def prune_outbox(context: BotContext) -> None:
    """Forget delivered messages after a week."""
    services = context.services
    await services.store.prune(services.clock())


@contextlib.asynccontextmanager
async def running_jobs(
    application: Application,  # type: ignore[type-arg]
    poll_interval_s: float,
    *,
    clocks: Clocks,
) -> AsyncIterator[None]:
    """Run every repeating job, the live feed and the history's backfill until the block ends;
    the first poll runs right after start-up.

    Not python-telegram-bot's JobQueue: its scheduler times runs by the wall clock, so a step
    of the system clock would stop the jobs (an hour back: an hour without polls) or bunch them.
    The jobs run on `clocks.jobs`, a monotonic clock.
    """

    async def run(job: JobCallback) -> None:
        await job(BotContext(application))

    async def report(error: Exception) -> None:
        await application.process_error(None, error)

    services = BotContext(application).services
    account = services.account
    periodic = Periodic(report, monotonic=clocks.jobs, sleep=clocks.jobs_sleep)
    try:
        if services.orders is not None:
            services.orders.start()  # before the feed: no order event waits for it
        if account.feed is not None:
            account.feed.start(lambda: poll_balances(BotContext(application), woken=True))
        account.backfill.start(first_s=services.settings.history_backfill_delay_s)
        _every(periodic, run, poll_interval_s)
        periodic.every(
            services.settings.exchange_status_interval_s,
            lambda: run(watch_exchange),
            first_s=EXCHANGE_FIRST_S,
            name="exchange_status",
        )
        periodic.every(
            KEY_CHECK_INTERVAL.total_seconds(),
            lambda: run(check_key),
            first_s=KEY_CHECK_FIRST_S,
            name="key_check",
        )
        yield
    finally:
        await periodic.stop()
        if account.feed is not None:
            await account.feed.stop()
        if services.orders is not None:
            await services.orders.stop()
        await account.backfill.stop()


def _every(
    periodic: Periodic, run: Callable[[JobCallback], Awaitable[None]], poll_interval_s: float
) -> None:
    """Start the repeating jobs on `periodic`."""
    periodic.every(poll_interval_s, lambda: run(poll_balances), first_s=FIRST_RUN_S, name="poll")
    periodic.every(
        DELIVERY_INTERVAL_S, lambda: run(deliver_outbox), first_s=FIRST_RUN_S, name="deliver"
    )
    periodic.every(
        FOLLOW_UP_CHECK_INTERVAL_S,
        lambda: run(follow_up_history),
        first_s=FOLLOW_UP_CHECK_INTERVAL_S,
        name="follow_up",
    )
    periodic.every(
        EXPORT_CHECK_INTERVAL_S,
        lambda: run(send_waiting_exports),
        first_s=EXPORT_CHECK_INTERVAL_S,
        name="waiting_exports",
    )
    periodic.every(
        SUMMARY_CHECK_INTERVAL_S,
        lambda: run(daily_summary),
        first_s=2 * FIRST_RUN_S,
        name="daily_summary",
    )
    periodic.every(
        PRUNE_INTERVAL.total_seconds(),
        lambda: run(prune_outbox),
        first_s=PRUNE_INTERVAL.total_seconds(),
        name="prune",
    )
