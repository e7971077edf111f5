"""Start-up: process start -> the first getUpdates the fake Bot API receives.

`python -m balance_bot` is spawned with a fresh DATA_DIR against fakes in the bench process, then
stopped with SIGTERM; after one unmeasured run (to warm the file cache), `RUNS` runs are
timed. A bare python-telegram-bot app (`bench.floor_bot --bare`) is timed the same way, for
reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bench.harness import BARE_APP, BOT, bot_env, bot_process, fakes, temp_dir, wait_polling
from bench.table import Row, ms, percentile

CHAT = 100200300
RUNS = 5
TARGET_S = 0.8


async def start_times(argv: Sequence[str], runs: int = RUNS) -> list[float]:
    """Return the start-up time of each measured run, in seconds."""
    times = []
    with temp_dir() as tmp:
        async with fakes() as (telegram, exchange):
            for run in range(runs + 1):
                env = bot_env(telegram, exchange, Path(tmp) / f"data-{run}", [CHAT])
                before = telegram.calls["getUpdates"]
                async with bot_process(argv, env, Path(tmp)) as bot:
                    took = await wait_polling(telegram, bot, since=before)
                if run:
                    times.append(took)
    return times


async def run() -> list[Row]:
    """Return the rows: ours (median and worst) and the bare app for reference."""
    ours = await start_times(BOT)
    bare = await start_times(BARE_APP)
    median = percentile(ours, 50)
    return [
        Row(
            f"start-up → first getUpdates (median of {len(ours)})",
            f"{ms(median)} (max {ms(max(ours))})",
            f"≤ {ms(TARGET_S)}",
            median <= TARGET_S,
        ),
        Row("  bare python-telegram-bot app (median)", f"{ms(percentile(bare, 50))}"),
    ]
