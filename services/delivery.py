"""Deliver the outbox: send what is due, retry what failed for a passing reason, drop the rest.

A message is marked sent only after Telegram accepted it. Network errors, 5xx and 429 are
retried with backoff; a chat that blocked the bot or no longer exists is logged and skipped.
Messages to one chat keep their order: after a failure, that chat's later messages wait.
During a chat's mute or the quiet hours, change and threshold alerts wait; when the hold
ends they go out as one digest. Urgent threshold alerts and summaries are never held.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum

from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from core.quiet import HELD_KINDS
from core.split import split_message
from services.chats import ChatViews
from services.quiet import QuietPolicy
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

    def __init__(
        self,
        store: Store,
        bot: Bot,
        clock: Callable[[], datetime],
        quiet: QuietPolicy | None = None,
        views: ChatViews | None = None,
    ) -> None:
        self._store = store
        self._bot = bot
        self._clock = clock
        self._quiet = quiet
        self._views = views
        self._lock = asyncio.Lock()

    async def deliver_due(self) -> int:
        """Send every due message; return how many Telegram accepted."""
        async with self._lock:
            delivered = 0
            while True:
                items = await self._store.due_notifications(self._clock(), limit=BATCH)
                stalled = False
                for chat_items in _by_chat(items).values():
                    sent, finished = await self._deliver_chat(await self._release(chat_items))
                    delivered += sent
                    stalled = stalled or not finished
                if len(items) < BATCH or stalled:
                    return delivered

    async def _release(self, items: list[OutboxItem]) -> list[OutboxItem]:
        """Hold what waits for the end of a mute or quiet hours; return what goes now."""
        if self._quiet is None:
            return items
        until = await self._quiet.held_until(items[0].chat_id, self._clock())
        if until is None:
            return items
        held = [i for i in items if i.kind in HELD_KINDS]
        if held:
            await self._store.hold([i.id for i in held], until)
        return [i for i in items if i.kind not in HELD_KINDS]

    async def _deliver_chat(self, items: list[OutboxItem]) -> tuple[int, bool]:
        """Send one chat's messages in order; stop at the first one that must be retried."""
        held = [i for i in items if i.held and i.kind in HELD_KINDS and i.photo is None]
        if len(held) > 1 and self._views is not None:
            if not await self._deliver_digest(held):
                return 0, False
            items = [i for i in items if i not in held]
            sent = 1
        else:
            sent = 0
        for item in items:
            if not await self._deliver(item):
                return sent, False
            sent += 1
        return sent, True

    async def _deliver_digest(self, held: list[OutboxItem]) -> bool:
        """Send alerts held by quiet hours or a mute as one message (split only if too long)."""
        assert self._views is not None
        first = held[0]
        view = await self._views.view(first.chat_id)
        text = "\n\n".join([view.t("digest.title", count=len(held)), *(i.text for i in held)])
        for part in split_message(text):
            outcome, error = await self._send(first.chat_id, part, None)
            if outcome is Outcome.RETRY:
                await self._retry(first, error)
                return False
            if outcome is Outcome.DROPPED:
                for item in held:
                    await self._store.mark_dropped(item.id, str(error))
                return True
        for item in held:
            await self._store.mark_sent(item.id)
        return True

    async def _deliver(self, item: OutboxItem) -> bool:
        """Try one message; return True when it is finished (sent or dropped for good)."""
        outcome, error = await self._send(item.chat_id, item.text, item.photo)
        if outcome is Outcome.RETRY:
            await self._retry(item, error)
            return False
        if outcome is Outcome.DROPPED:
            await self._store.mark_dropped(item.id, str(error))
        else:
            await self._store.mark_sent(item.id)
        return True

    async def _send(
        self, chat_id: int, text: str, photo: bytes | None
    ) -> tuple[Outcome, TelegramError | None]:
        """Send one message and classify the result."""
        try:
            if photo is not None:
                await self._bot.send_photo(chat_id, photo, caption=text)
            else:
                await self._bot.send_message(chat_id, text)
        except (Forbidden, ChatMigrated) as error:
            log.warning("chat %d cannot receive messages (%s); skipped", chat_id, error)
            return Outcome.DROPPED, error
        except BadRequest as error:  # retrying the same request cannot help
            if any(hint in error.message.lower() for hint in GONE_CHAT_HINTS):
                log.warning("chat %d cannot receive messages (%s); skipped", chat_id, error)
            else:
                log.error("Telegram refused a message to chat %d: %s", chat_id, error)
            return Outcome.DROPPED, error
        except (RetryAfter, NetworkError) as error:  # NetworkError: TimedOut and 5xx too
            return Outcome.RETRY, error
        return Outcome.SENT, None

    async def _retry(self, item: OutboxItem, error: TelegramError | None) -> None:
        if isinstance(error, RetryAfter):
            with warnings.catch_warnings():  # int seconds are deprecated in favour of timedelta
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                delay_s = _seconds(error.retry_after)
        else:
            delay_s = retry_delay(item.attempts)
        log.warning(
            "delivery of %s message %d to chat %d failed (%s); retrying in %.0f s",
            item.kind, item.id, item.chat_id, error, delay_s,
        )  # fmt: skip
        when = self._clock() + timedelta(seconds=delay_s)
        await self._store.mark_retry(item.id, when, str(error))


class Outcome(Enum):
    """What became of one attempt to send."""

    SENT = "sent"
    DROPPED = "dropped"
    RETRY = "retry"


def _by_chat(items: list[OutboxItem]) -> dict[int, list[OutboxItem]]:
    """Group items by chat, keeping each chat's order."""
    groups: dict[int, list[OutboxItem]] = {}
    for item in items:
        groups.setdefault(item.chat_id, []).append(item)
    return groups


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
