"""Change -> alert: a balance changed in the fake exchange -> the alert's sendMessage.

The bot polls every second (POLL_INTERVAL_SECONDS=1). After two polls have stored a
snapshot, BTC's balance is changed several times, each at a random moment of the poll cycle,
and the time from the change to the first "🔔" message is taken. The change has no history
row, so explaining is off (EXPLAIN_CHANGES=false; explain_delay measures it on).
"""

from __future__ import annotations

import asyncio
import random
import time
from decimal import Decimal

from bench.harness import (
    bot_on_fakes,
    jobs_present,
    wait_replies,
)
from bench.table import Row, ms, not_measured, percentile

CHAT = 100200300
POLL_INTERVAL_S = 1
SLACK_S = 0.5
CHANGES = 8
ALERT_TIMEOUT_S = 10.0
FIGURE = "change → alert (POLL_INTERVAL_SECONDS=1)"
TARGET = f"≤ {POLL_INTERVAL_S + SLACK_S:.1f} s"


async def latencies(changes: int = CHANGES, seed: int = 7) -> list[float | None]:
    """Return, for each change, the seconds to its alert (None when none came in time)."""
    jitter = random.Random(seed)  # noqa: S311 - a spread of moments, not a secret
    results: list[float | None] = []
    async with bot_on_fakes(
        [CHAT],
        POLL_INTERVAL_SECONDS=str(POLL_INTERVAL_S),
        EXPLAIN_CHANGES="false",
    ) as (telegram, exchange):
        await exchange.wait_until(lambda: exchange.calls["balances"] >= 2, timeout=ALERT_TIMEOUT_S)
        amount = Decimal("9.75")
        for _ in range(changes):
            await asyncio.sleep(jitter.uniform(0, POLL_INTERVAL_S))
            amount += Decimal("0.5")
            since = len(telegram.sent)
            changed_at = time.monotonic()
            exchange.set_balance("BTC", amount, locked="3.3109771999999998")
            alerts = await wait_replies(
                telegram, [CHAT], since=since, prefix="🔔", timeout=ALERT_TIMEOUT_S
            )
            results.append(alerts[0].at - changed_at if alerts else None)
    return results


async def run() -> list[Row]:
    """Return the row: the worst and the median delay over the changes."""
    if not jobs_present():
        return [not_measured(FIGURE, TARGET, "no poll job: handlers/jobs.py is absent")]
    results = await latencies()
    seen = [r for r in results if r is not None]
    if not seen:
        return [Row(FIGURE, f"no alert within {ALERT_TIMEOUT_S:.0f} s", TARGET, False)]
    worst = max(seen)
    missing = len(results) - len(seen)
    measured = f"max {ms(worst)}, p50 {ms(percentile(seen, 50))} ({len(results)} changes)"
    if missing:
        measured += f", {missing} without alert"
    met = not missing and worst <= POLL_INTERVAL_S + SLACK_S
    return [Row(FIGURE, measured, TARGET, met)]
