"""Coalescing: 30 simultaneous /balance from 3 chats while the exchange takes 300 ms.

The bot starts, makes its start-up poll, and is left until its balance cache has expired;
then the 30 updates are pushed at once (one getUpdates answer) and the exchange's balance
calls are counted until the 30th reply.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bench.harness import BOT, bot_env, bot_process, fakes, temp_dir, wait_polling, wait_replies
from bench.table import Row, ms

CHATS = (100200300, 100200301, 100200302)
PER_CHAT = 10
LATENCY_S = 0.3
MAX_BALANCE_CALLS = 2
SETTLE_TIMEOUT_S = 20.0


async def run() -> list[Row]:
    """Return the row: answers, balance calls, and the time to the last answer."""
    from balance_bot.app import BALANCE_CACHE_S

    asked = len(CHATS) * PER_CHAT
    with temp_dir() as tmp:
        async with fakes(latency_s=LATENCY_S) as (telegram, exchange):
            env = bot_env(telegram, exchange, Path(tmp) / "data", CHATS)
            async with bot_process(BOT, env, Path(tmp)) as bot:
                await wait_polling(telegram, bot)
                # Let a start-up fetch (the first poll) finish and the balance cache expire.
                await asyncio.sleep(LATENCY_S + BALANCE_CACHE_S + 1.0)
                before, since = exchange.calls["balances"], len(telegram.sent)
                asked_at = time.monotonic()
                for i in range(asked):
                    telegram.send_text(CHATS[i % len(CHATS)], "/balance")
                replies = await wait_replies(
                    telegram, CHATS, since=since, per_chat=PER_CHAT, timeout=SETTLE_TIMEOUT_S
                )
                calls = exchange.calls["balances"] - before
    answered = len({(m.chat_id, m.message_id) for m in replies})
    last = max((m.at for m in replies), default=asked_at) - asked_at
    met = answered >= asked and calls <= MAX_BALANCE_CALLS
    return [
        Row(
            f"coalescing: {asked} × /balance, 3 chats, 300 ms exchange",
            f"{answered}/{asked} answered, {calls} balance call(s), last after {ms(last)}",
            f"all answered, ≤ {MAX_BALANCE_CALLS} calls",
            met,
        )
    ]
