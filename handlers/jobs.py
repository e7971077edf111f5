"""Scheduled work: the balance poll, the daily summary and outbox delivery."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import ContextTypes, JobQueue

from services.context import get_services
from services.heartbeat import write_heartbeat

DELIVERY_INTERVAL_S = 2.0
FIRST_RUN_S = 1.0
SUMMARY_CHECK_INTERVAL_S = 30.0
PRUNE_INTERVAL = timedelta(hours=6)
JOB_OPTIONS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


async def poll_balances(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Compare balances with the last snapshot, write the heartbeat, deliver what is owed."""
    services = get_services(context)
    outcome = await services.monitor.poll()
    services.store.db.check_present()  # a deleted DATA_DIR gets no heartbeat: unhealthy
    write_heartbeat(services.settings.data_dir, services.clock(), outcome.succeeded)
    if outcome.queued:
        await services.deliverer.deliver_due()


async def daily_summary(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue and deliver today's summary for the chats that are owed it."""
    services = get_services(context)
    if await services.summaries.send_due():
        await services.deliverer.deliver_due()


async def deliver_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send what is due in the outbox (retries and anything left from before a restart)."""
    await get_services(context).deliverer.deliver_due()


async def prune_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forget delivered messages after a week."""
    services = get_services(context)
    await services.store.prune(services.clock())


def schedule_jobs(job_queue: JobQueue, poll_interval_s: float) -> None:  # type: ignore[type-arg]
    """Start every repeating job; the first poll and delivery run right after start-up.

    `first` is a small delay rather than 0: a job whose start time has passed by the time the
    scheduler starts would otherwise wait a whole interval for its first run.
    """
    job_queue.run_repeating(
        poll_balances, poll_interval_s, first=FIRST_RUN_S, name="poll", job_kwargs=JOB_OPTIONS
    )
    job_queue.run_repeating(
        deliver_outbox,
        DELIVERY_INTERVAL_S,
        first=FIRST_RUN_S,
        name="deliver",
        job_kwargs=JOB_OPTIONS,
    )
    job_queue.run_repeating(
        daily_summary,
        SUMMARY_CHECK_INTERVAL_S,
        first=2 * FIRST_RUN_S,
        name="daily_summary",
        job_kwargs=JOB_OPTIONS,
    )
    job_queue.run_repeating(
        prune_outbox, PRUNE_INTERVAL, first=PRUNE_INTERVAL, name="prune", job_kwargs=JOB_OPTIONS
    )
