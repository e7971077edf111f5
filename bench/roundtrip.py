"""`/balance` round trip: update pushed into the fake Bot API -> the bot's sendMessage recorded.

Ours (`python -m balance_bot`) and the floor (`python -m bench.floor_bot`) are measured the same way
and in turns, so that whatever else the machine does weighs on both alike: each bot in its own
process with its own pair of fakes, warm-up requests, then requests one at a time from two
private chats, each sent only once the bot's next getUpdates is waiting. Requests are spaced
so that they stay under the 30 messages/s that the bot's own rate limiter allows: the figure
is the latency of one request, not throughput. A raw aiohttp echo loop (`bench.echo_bot`) is
measured alongside: its round trip is the share of the fake Bot API and the loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from balance_bot.fakes.telegram import FakeTelegram
from bench.harness import (
    BOT,
    ECHO_BOT,
    FLOOR_BOT,
    bot_env,
    bot_process,
    fakes,
    temp_dir,
    wait_polling,
)
from bench.table import Row, ms, percentile

CHATS = (100200300, 100200301)
REQUESTS = 200
WARMUP = 20
GAP_S = 0.05  # 20 requests/s: under the 30/s of the bot's rate limiter
REPLY_TIMEOUT_S = 10.0
P50_TARGET_S = 0.005
P95_TARGET_S = 0.012
FLOOR_FACTOR = 3.0


async def round_trips(
    bots: Mapping[str, Sequence[str]], *, requests: int = REQUESTS
) -> dict[str, list[float]]:
    """Return each bot's round trips in seconds, its requests taking turns with the others'."""
    samples: dict[str, list[float]] = {name: [] for name in bots}
    with temp_dir() as tmp:
        async with contextlib.AsyncExitStack() as stack:
            telegrams = {}
            for name, argv in bots.items():
                telegram, exchange = await stack.enter_async_context(fakes())
                env = bot_env(telegram, exchange, Path(tmp) / f"data-{name}", CHATS)
                bot = await stack.enter_async_context(bot_process(argv, env, Path(tmp)))
                await wait_polling(telegram, bot)
                telegrams[name] = telegram
            for i in range(WARMUP + requests):
                for name, telegram in telegrams.items():
                    await asyncio.sleep(GAP_S)
                    took = await one_round_trip(telegram, CHATS[i % len(CHATS)])
                    if i >= WARMUP:
                        samples[name].append(took)
    return samples


async def one_round_trip(telegram: FakeTelegram, chat_id: int) -> float:
    """Send /balance once the bot is waiting in getUpdates; return the time to its reply."""
    polls = telegram.calls["getUpdates"]
    await telegram.wait_until(
        lambda: telegram.pending_updates == 0 and telegram.calls["getUpdates"] >= polls,
        timeout=REPLY_TIMEOUT_S,
        what="the bot's next getUpdates",
    )
    since = len(telegram.sent)
    asked_at = time.monotonic()
    telegram.send_text(chat_id, "/balance")
    [reply, *_] = await telegram.wait_for_messages(chat_id, since=since, timeout=REPLY_TIMEOUT_S)
    # The next request waits for the long poll that follows this update's confirmation.
    await telegram.wait_until(lambda: telegram.calls["getUpdates"] > polls, timeout=REPLY_TIMEOUT_S)
    return reply.at - asked_at


async def run() -> list[Row]:
    """Measure ours and the floor; return their rows and the ratio at p50."""
    samples = await round_trips({"ours": BOT, "floor": FLOOR_BOT, "harness": ECHO_BOT})
    ours, floor, harness = samples["ours"], samples["floor"], samples["harness"]
    ours50, ours95 = percentile(ours, 50), percentile(ours, 95)
    floor50, floor95 = percentile(floor, 50), percentile(floor, 95)
    ratio = ours50 / floor50
    n = f"{len(ours)} req"
    return [
        Row(
            f"/balance round trip p50 ({n})",
            ms(ours50),
            f"≤ {ms(P50_TARGET_S)}",
            ours50 <= P50_TARGET_S,
        ),
        Row(
            f"/balance round trip p95 ({n})",
            ms(ours95),
            f"≤ {ms(P95_TARGET_S)}",
            ours95 <= P95_TARGET_S,
        ),
        Row("floor round trip p50 / p95 (bare PTB + signed GET)", f"{ms(floor50)} / {ms(floor95)}"),
        Row(
            "  harness alone p50 / p95 (raw aiohttp echo loop)",
            f"{ms(percentile(harness, 50))} / {ms(percentile(harness, 95))}",
        ),
        Row(
            "ours ÷ floor at p50", f"{ratio:.2f}×", f"≤ {FLOOR_FACTOR:.0f}×", ratio <= FLOOR_FACTOR
        ),
    ]
