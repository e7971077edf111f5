"""Deliver the outbox: send what is due, retry what failed for a passing reason, drop the rest.

A message is marked sent only after Telegram accepted it. Network errors, 5xx and 429 are
retried with backoff; a chat that blocked the bot or no longer exists is logged and skipped.
Messages to one chat keep their order: after a failure, that chat's later messages wait.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from store.models import OutboxItem
from store.store import Store

log = logging.getLogger(__name__)

BATCH = 50
MAX_BACKOFF_S = 300.0
GONE_CHAT_HINTS = ("chat not found", "user not found", "peer_id_invalid", "group chat was")


def retry_delay(attempts: int) -> float:
    """Return how long to wait after the `attempts`-th failure: 2, 4, 8 … 300 seconds."""
    return float(min(MAX_BACKOFF_S, 2 ** min(attempts + 1, 16)))


class Deliverer:
    """Send due outbox messages through the bot, one delivery round at a time."""

    def __init__(self, store: Store, bot: Bot, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._bot = bot
        self._clock = clock
        self._lock = asyncio.Lock()

    async def deliver_due(self) -> int:
        """Send every due message; return how many Telegram accepted."""
        async with self._lock:
            delivered = 0
            while True:
                items = await self._store.due_notifications(self._clock(), limit=BATCH)
                held_back: set[int] = set()
                for item in items:
                    if item.chat_id in held_back:
                        continue
                    if await self._deliver(item):
                        delivered += 1
                    else:
                        held_back.add(item.chat_id)
                if len(items) < BATCH or held_back:
                    return delivered

    async def _deliver(self, item: OutboxItem) -> bool:
        """Try one message; return True when it is finished (sent or dropped for good)."""
        try:
            if item.photo is not None:
                await self._bot.send_photo(item.chat_id, item.photo, caption=item.text)
            else:
                await self._bot.send_message(item.chat_id, item.text)
        except RetryAfter as error:
            await self._retry(item, _seconds(error.retry_after), error)
            return False
        except (Forbidden, ChatMigrated) as error:
            await self._drop(item, error)
            return True
        except BadRequest as error:  # retrying the same request cannot help
            if not any(hint in error.message.lower() for hint in GONE_CHAT_HINTS):
                log.error("Telegram refused %s message %d: %s", item.kind, item.id, error)
            await self._drop(item, error)
            return True
        except NetworkError as error:  # includes TimedOut and 5xx answers
            await self._retry(item, retry_delay(item.attempts), error)
            return False
        await self._store.mark_sent(item.id)
        return True

    async def _retry(self, item: OutboxItem, delay_s: float, error: Exception) -> None:
        log.warning(
            "delivery of %s message %d to chat %d failed (%s); retrying in %.0f s",
            item.kind, item.id, item.chat_id, error, delay_s,
        )  # fmt: skip
        when = self._clock() + timedelta(seconds=delay_s)
        await self._store.mark_retry(item.id, when, str(error))

    async def _drop(self, item: OutboxItem, error: Exception) -> None:
        log.warning("chat %d cannot receive messages (%s); skipped", item.chat_id, error)
        await self._store.mark_dropped(item.id, str(error))


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
