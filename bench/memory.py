"""Memory: resident set size over 10,000 polls of an account with 50 assets.

The bot runs in a child process (`python -m bench.memory --worker`) built like
`python -m balance_bot` builds it, against fakes in the bench process. The poll is shortened
for the run by calling the "poll" job back to back (`Job.run`, what the scheduler calls each
interval) instead of waiting a second between polls. The worker reports its RSS every
`SAMPLE_EVERY` polls.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from bench.accounts import account
from bench.harness import ROOT, bot_env, fakes, jobs_present, stop, temp_dir
from bench.table import Row, mib, not_measured

CHAT = 100200300
ASSETS = 50
POLLS = 10_000
SAMPLE_EVERY = 500
MAX_RSS = 80 * 2**20
MAX_GROWTH = 2**20  # "no growth": within 1 MiB, the allocator's own noise
RUN_TIMEOUT_S = 240.0
FIGURE = f"memory: RSS after {POLLS:,} polls, {ASSETS} assets"
TARGET = "≤ 80 MiB, no growth in 2nd half"


async def worker(polls: int) -> None:
    """Run the bot, call its poll job `polls` times, print RSS samples as JSON lines."""
    import psutil

    from balance_bot.config import load_settings
    from balance_bot.handlers.context import BotContext
    from balance_bot.handlers.jobs import poll_balances
    from balance_bot.lifecycle import open_bot
    from balance_bot.logs import configure_logging

    settings = load_settings(os.environ)
    configure_logging(settings.log_level, settings.secrets)
    process = psutil.Process()
    async with open_bot(settings) as bot:
        context = BotContext(bot.application)
        for done in range(1, polls + 1):
            await poll_balances(context)
            if done % SAMPLE_EVERY == 0:
                print(json.dumps({"polls": done, "rss": process.memory_info().rss}), flush=True)


async def samples(polls: int = POLLS) -> tuple[dict[int, int], int, str | None]:
    """Run the worker; return RSS by poll count, the exchange's balance calls, any error."""
    balances, tickers = account(ASSETS)
    rss: dict[int, int] = {}
    error = None
    with temp_dir() as tmp:
        async with fakes(balances=balances, tickers=tickers) as (telegram, exchange):
            env = bot_env(telegram, exchange, Path(tmp) / "data", [CHAT])
            with (Path(tmp) / "worker.log").open("wb") as log:
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bench.memory",
                    "--worker",
                    f"--polls={polls}",
                    cwd=ROOT,
                    env=env,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=log,
                )
            assert process.stdout is not None
            try:
                async with asyncio.timeout(RUN_TIMEOUT_S):
                    async for line in process.stdout:
                        record: dict[str, Any] = json.loads(line)
                        if "error" in record:
                            error = str(record["error"])
                        else:
                            rss[int(record["polls"])] = int(record["rss"])
                    await process.wait()
            except TimeoutError:
                error = f"not done within {RUN_TIMEOUT_S:.0f} s"
            finally:
                await stop(process)
            if process.returncode and error is None:
                tail = (Path(tmp) / "worker.log").read_text(errors="replace")[-600:]
                error = f"the worker exited with {process.returncode}: {tail}"
            calls = exchange.calls["balances"]
    return rss, calls, error


async def run() -> list[Row]:
    """Return the row: RSS at the end and its growth over the second half."""
    if not jobs_present():
        return [not_measured(FIGURE, TARGET, "no poll job: handlers/jobs.py is absent")]
    try:
        import psutil  # noqa: F401
    except ImportError:
        return [not_measured(FIGURE, TARGET, "psutil not installed")]
    rss, calls, error = await samples()
    if error is not None or POLLS not in rss or POLLS // 2 not in rss:
        return [not_measured(FIGURE, TARGET, error or "the worker stopped early")]
    end, half = rss[POLLS], rss[POLLS // 2]
    growth = end - half
    measured = (
        f"{mib(end)}, {growth / 2**10:+.0f} KiB over polls {POLLS // 2:,}→{POLLS:,} "
        f"(first sample {mib(rss[min(rss)])}; {calls:,} balance calls)"
    )
    return [Row(FIGURE, measured, TARGET, end <= MAX_RSS and growth <= MAX_GROWTH)]


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.memory --worker`: the child side of this figure."""
    parser = argparse.ArgumentParser(description="Run the bot's poll many times, report RSS.")
    parser.add_argument("--worker", action="store_true", required=True)
    parser.add_argument("--polls", type=int, default=POLLS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    asyncio.run(worker(args.polls))
    return 0


if __name__ == "__main__":
    sys.exit(main())
