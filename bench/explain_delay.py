"""What explaining adds to change -> alert: the same changes with EXPLAIN_CHANGES off and on.

The bot polls every second. Each change is a deposit into BTC made through the fake
exchange's ledger, so its history row is listed at once, at a random moment of the poll
cycle, and is timed to the first "🔔" message; the added delay is taken from the poll that
saw the change (its balance request reaching the fake exchange) to that message, so the moment
of the poll cycle the change fell on does not weigh in. Off and on each run their own bot
process. A last run, explaining on, changes the balance with no history row: such a change
goes out at once without it, and is followed up (services/explainer.py).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from functools import partial

from balance_bot.fakes.exchange import FakeBtcTurk
from bench.harness import (
    bot_on_fakes,
    jobs_present,
    wait_replies,
)
from bench.table import Row, latency_summary, ms, not_measured, percentile

CHAT = 100200300
POLL_INTERVAL_S = 1
CHANGES = 12
UNEXPLAINED_CHANGES = 5
TIMEOUT_S = 10.0
OFF = "change → alert, 1 s polls, EXPLAIN_CHANGES=false"
ON = "change → alert, 1 s polls, EXPLAIN_CHANGES=true"
ADDED = "delay explaining adds (on − off)"
UNEXPLAINED = "change with no history row → alert, explaining on"
ADDED_LIMIT_S = 0.1
ADDED_TARGET = "≤ 100 ms at p50"


def polled_after(exchange: FakeBtcTurk, polls: int) -> bool:
    """Tell whether the bot asked for its balances more than `polls` times."""
    return exchange.calls["balances"] > polls


Timing = tuple[float, float] | None  # change -> alert, poll -> alert; None: no alert in time


async def latencies(
    *, explain: bool, with_history: bool = True, changes: int = CHANGES, seed: int = 11
) -> list[Timing]:
    """Return, for each change, the seconds from it and from its poll to its alert."""
    jitter = random.Random(seed)  # noqa: S311 - a spread of moments, not a secret
    results: list[Timing] = []
    async with bot_on_fakes(
        [CHAT],
        POLL_INTERVAL_SECONDS=str(POLL_INTERVAL_S),
        EXPLAIN_CHANGES="true" if explain else "false",
    ) as (telegram, exchange):
        await exchange.wait_until(lambda: exchange.calls["balances"] >= 2, timeout=TIMEOUT_S)
        for index in range(changes):
            await asyncio.sleep(jitter.uniform(0, POLL_INTERVAL_S))
            since, polls = len(telegram.sent), exchange.calls["balances"]
            changed_at = time.monotonic()
            if with_history:
                exchange.ledger.deposit("BTC", f"0.{index + 1:02d}")
            else:
                exchange.set_balance("BTC", f"{20 + index}", locked="3.3109771999999998")
            await exchange.wait_until(partial(polled_after, exchange, polls), timeout=TIMEOUT_S)
            polled_at = time.monotonic()  # this request reads the changed balance
            alerts = await wait_replies(
                telegram, [CHAT], since=since, prefix="🔔", timeout=TIMEOUT_S
            )
            at = alerts[0].at if alerts else None
            results.append(None if at is None else (at - changed_at, at - polled_at))
    return results


def summary(delays: Sequence[float | None]) -> tuple[str, list[float]]:
    """Return "p50 … / p95 …" (with any missing alerts) and the delays that were seen."""
    return latency_summary(delays, "changes", f"no alert within {TIMEOUT_S:.0f} s")


def rows(off: Sequence[Timing], on: Sequence[Timing], unexplained: Sequence[Timing]) -> list[Row]:
    """Return the rows: off and on, the delay explaining adds, and the unexplained change."""
    off_text, off_seen = summary([None if t is None else t[0] for t in off])
    on_text, on_seen = summary([None if t is None else t[0] for t in on])
    table = [Row(OFF, off_text), Row(ON, on_text)]
    off_poll = [t[1] for t in off if t is not None]
    on_poll = [t[1] for t in on if t is not None]
    complete = len(off_seen) == len(off) and len(on_seen) == len(on)
    if off_poll and on_poll:
        p50 = percentile(on_poll, 50) - percentile(off_poll, 50)
        p95 = percentile(on_poll, 95) - percentile(off_poll, 95)
        measured = (
            f"{p50 * 1000:+.0f} ms at p50, {p95 * 1000:+.0f} ms at p95 (poll → alert "
            f"{ms(percentile(off_poll, 50))} off, {ms(percentile(on_poll, 50))} on)"
        )
        table.append(Row(ADDED, measured, ADDED_TARGET, complete and p50 <= ADDED_LIMIT_S))
    else:
        table.append(Row(ADDED, "not measured (alerts missing)", ADDED_TARGET, False))
    table.append(Row(UNEXPLAINED, summary([None if t is None else t[0] for t in unexplained])[0]))
    return table


async def run() -> list[Row]:
    """Return the rows of this figure."""
    if not jobs_present():
        return [not_measured(ADDED, ADDED_TARGET, "no poll job: handlers/jobs.py is absent")]
    off = await latencies(explain=False)
    on = await latencies(explain=True)
    unexplained = await latencies(
        explain=True, with_history=False, changes=UNEXPLAINED_CHANGES, seed=13
    )
    return rows(off, on, unexplained)
