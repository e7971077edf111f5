"""Fan-out: the daily summary to 200 whitelisted chats under Telegram's flood limits.

The fake Bot API enforces the limits (FakeTelegram(enforce_limits=True)): 30 messages in
any second overall, per chat a bucket of 3 refilled at 1 per second, 20 per minute per
group. The bot starts with DAILY_SUMMARY_TIME=00:00 and a fresh DATA_DIR, so it owes every
chat today's summary at once. The time from the first summary received to the last is
compared with the least time the limits allow for the same messages (`limits_allow_s`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from balance_bot.fakes.telegram_limits import FloodControl
from bench.harness import (
    BOT,
    bot_env,
    bot_process,
    fakes,
    jobs_present,
    quiet_summary_zone,
    temp_dir,
    wait_polling,
    wait_replies,
)
from bench.table import Row, not_measured

PRIVATE_CHATS = tuple(range(200_000_001, 200_000_181))
GROUP_CHATS = tuple(range(-1_002_000_000_020, -1_002_000_000_000))
CHATS = PRIVATE_CHATS + GROUP_CHATS
SUMMARY_PREFIXES = ("☀️", "📊")  # the morning greeting; after noon, "Daily summary"
FACTOR = 1.2
DELIVERY_TIMEOUT_S = 60.0
FIGURE = f"fan-out: daily summary to {len(CHATS)} chats"
TARGET = f"all, no 429, ≤ {FACTOR}× the limits"


def limits_allow_s(chat_ids: Sequence[int], limits: FloodControl) -> float:
    """Return the least time from the first to the last of these messages that `limits` allow."""
    times = fastest_schedule(chat_ids, limits)
    return times[-1][0] if times else 0.0


def fastest_schedule(chat_ids: Sequence[int], limits: FloodControl) -> list[tuple[float, int]]:
    """Return (seconds after the first, chat) of each message, as early as `limits` allow.

    `chat_ids` names each message's chat (a chat's messages keep their order). Every message
    is placed at the earliest moment the limits accept it; that greedy schedule is the
    fastest possible since each limit, once met, stays met as time goes on.
    """
    queues: dict[int, int] = {}
    for chat in chat_ids:
        queues[chat] = queues.get(chat, 0) + 1
    overall: list[float] = []
    groups: dict[int, list[float]] = {}
    buckets: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)
    now = 0.0
    schedule: list[tuple[float, int]] = []

    def earliest(chat: int) -> float:
        bound = now
        if len(overall) >= limits.overall_per_second:
            bound = max(bound, overall[-limits.overall_per_second] + 1.0)
        tokens, at = buckets.get(chat, (float(limits.chat_burst), 0.0))
        if tokens < 1.0:
            bound = max(bound, at + (1.0 - tokens) / limits.chat_per_second)
        sent = groups.get(chat, [])
        if chat < 0 and len(sent) >= limits.group_per_minute:
            bound = max(bound, sent[-limits.group_per_minute] + 60.0)
        return bound

    for _ in range(len(chat_ids)):
        chat = min((c for c, left in queues.items() if left), key=earliest)
        now = earliest(chat)
        queues[chat] -= 1
        tokens, at = buckets.get(chat, (float(limits.chat_burst), now))
        tokens = min(float(limits.chat_burst), tokens + (now - at) * limits.chat_per_second)
        buckets[chat] = (tokens - 1.0, now)
        overall.append(now)
        if chat < 0:
            groups.setdefault(chat, []).append(now)
        schedule.append((now, chat))
    return schedule


async def run() -> list[Row]:
    """Return the row: delivered chats, 429s, and the time against the least possible."""
    if not jobs_present():
        return [not_measured(FIGURE, TARGET, "no daily summary: handlers/jobs.py is absent")]
    with temp_dir() as tmp:
        async with fakes(enforce_limits=True) as (telegram, exchange):
            env = bot_env(
                telegram,
                exchange,
                Path(tmp) / "data",
                CHATS,
                TIMEZONE=quiet_summary_zone(),  # before noon there: the summary greets
                DAILY_SUMMARY_TIME="00:00",
            )
            async with bot_process(BOT, env, Path(tmp)) as bot:
                await wait_polling(telegram, bot)
                summaries = await wait_replies(
                    telegram, CHATS, since=0, prefix=SUMMARY_PREFIXES, timeout=DELIVERY_TIMEOUT_S
                )
            hits = telegram.rate_limit_hits
            limits = telegram.flood
    delivered = len({m.chat_id for m in summaries})
    if not summaries:
        return [Row(FIGURE, f"nothing within {DELIVERY_TIMEOUT_S:.0f} s", TARGET, False)]
    took = max(m.at for m in summaries) - min(m.at for m in summaries)
    allowed = limits_allow_s([m.chat_id for m in sorted(summaries, key=lambda m: m.at)], limits)
    ratio = took / allowed if allowed else float("inf")
    measured = (
        f"{delivered}/{len(CHATS)} chats, {len(summaries)} msgs, {hits} × 429, "
        f"{took:.2f} s vs {allowed:.2f} s allowed ({ratio:.2f}×)"
    )
    met = delivered == len(CHATS) and hits == 0 and ratio <= FACTOR
    return [Row(FIGURE, measured, TARGET, met)]
