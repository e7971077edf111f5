"""Where the bot reads the time, waits, draws its jitter, and how long it waits for an answer.

Every clock, sleep, random source and timeout of the running bot comes from one `Clocks` and
one `Timeouts`, handed down from `open_bot()` (lifecycle.py) to each service that needs one;
nothing reads `time`, `asyncio.sleep` or `random` behind their back. Each concern has a
field of its own, so a test moves one clock (the balance cache's, the key's pauses…) or
records one sleep without touching the others. A test builds the bot with its own bundles
(tests/kit/wiring.py); the defaults are the host's clocks and the production timeouts.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from balance_bot.btcturk.feed import CONNECT_TIMEOUT_S, LOGIN_TIMEOUT_S, SILENCE_S
from balance_bot.services.clock_steps import boot_time
from balance_bot.services.delivery import PATIENT_TIMEOUT_S, SEND_TIMEOUT_S
from balance_bot.services.explainer import INLINE_S, READ_TIMEOUT_S
from balance_bot.services.recheck import FEED_ANSWER_S
from balance_bot.store.store import utc_now

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Clocks:
    """Every clock, sleep and random source of the bot; a test passes its own."""

    # The time of day, and real time.
    wall: Callable[[], datetime] = utc_now  # stamps, the day of a summary, quiet hours
    boot: Clock = boot_time  # a day that passed, suspended or not
    elapsed: Clock = boot_time  # real time, to tell the wall clock's steps
    # The exchange client.
    exchange_time: Clock = time.time  # the exchange requests' stamps
    auth: Clock = time.monotonic  # a refused key's pauses, permission re-checks, Check again
    budget: Clock = time.monotonic  # the history's requests a minute; a data note's day
    backoff: Sleep = asyncio.sleep  # between exchange retries, and for the request budget
    jitter: Callable[[], float] = random.random  # the retries' and the reconnects' jitter
    stopwatch: Clock = time.perf_counter  # an exchange request's latency, for /status
    cache: Clock = time.monotonic  # the age of the cached balances
    charts: Clock = time.monotonic  # the chart server's budget, pace and backoff
    backfill_sleep: Sleep = asyncio.sleep  # the history backfill's pace and its waits
    # The live feed.
    feed: Clock = time.monotonic  # reconnects, refused logins, the safety poll's interval
    feed_sleep: Sleep = asyncio.sleep  # the reconnect backoff, the wait after a refusal
    wake: Clock = time.monotonic  # the pacing of the polls the feed wakes
    wake_sleep: Sleep = asyncio.sleep  # their spacing, and the looks again after an event
    orders_sleep: Sleep = asyncio.sleep  # a round of order news waits for its events to settle
    # Telegram.
    guard: Clock = time.monotonic  # the strangers' refusal budget
    telegram_pace: Clock = time.monotonic  # the rate limiter's pace per chat and overall
    telegram_sleep: Sleep = asyncio.sleep  # waiting for a chat's turn
    token_retry: Sleep = asyncio.sleep  # a refused token, asked again
    connect_retry: Sleep = asyncio.sleep  # Telegram unreachable at start-up, asked again
    menu_retry: Sleep = asyncio.sleep  # a command menu Telegram refused, published again
    # The scheduled jobs.
    jobs: Clock = time.monotonic  # when each repeating job is due
    jobs_sleep: Sleep = asyncio.sleep  # waiting until then


@dataclass(frozen=True, slots=True)
class Timeouts:
    """How long the bot waits for an answer, in seconds; a test passes shorter ones.

    The exchange's own timeout is a setting (BTCTURK_TIMEOUT_SECONDS).
    """

    telegram_read_s: float = 20.0  # a Bot API answer: a slow one is waited for, not re-sent
    send_s: float = SEND_TIMEOUT_S  # the outbox's send (20 s), then it counts as unconfirmed
    patient_send_s: float = PATIENT_TIMEOUT_S  # the one retry of a send not answered (120 s)
    explain_inline_s: float = INLINE_S  # a poll waits this long for the history (1.5 s)
    explain_read_s: float = READ_TIMEOUT_S  # a follow-up's read of the history (5 s)
    feed_connect_s: float = CONNECT_TIMEOUT_S  # the feed's WebSocket handshake (10 s)
    feed_login_s: float = LOGIN_TIMEOUT_S  # the feed's answer to a login (10 s)
    feed_silence_s: float = SILENCE_S  # a feed that said nothing this long is dropped (30 s)
    check_again_feed_s: float = FEED_ANSWER_S  # Check again waits for the feed's login (15 s)


SYSTEM_CLOCKS: Final = Clocks()  # the host's clocks, and sleeps that wait
TIMEOUTS: Final = Timeouts()
