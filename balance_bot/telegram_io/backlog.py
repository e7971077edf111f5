"""Updates run concurrently, but one chat's flood of commands never crowds out the others.

Each chat may have a few updates waiting for their answers. While the chat's replies must wait
their turn at Telegram, a command already waiting in that chat (the same text) is answered
once; beyond the limit, the chat's updates are dropped and the chat gets one short note, until
its backlog has drained.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

MAX_WAITING_PER_CHAT = 10  # half a minute of replies in a group (20 a minute)
MAX_CONCURRENT_UPDATES = 256


class ChatBacklog(BaseUpdateProcessor):
    """Process updates concurrently with a small backlog per chat of the chats it `applies` to."""

    def __init__(
        self,
        applies: Callable[[object], bool],
        slow_down: Callable[[int], Awaitable[None]],
        *,
        congested: Callable[[int], bool],
        per_chat: int = MAX_WAITING_PER_CHAT,
    ) -> None:
        """`congested` tells when a chat's replies wait their turn: then duplicates are merged."""
        super().__init__(MAX_CONCURRENT_UPDATES)
        self._applies = applies
        self._slow_down = slow_down
        self._congested = congested
        self._per_chat = per_chat
        self._waiting: dict[int, collections.Counter[str]] = {}
        self._noted: set[int] = set()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update, unless its chat already waits for the same or for too much."""
        chat_id = _chat_id(update) if self._applies(update) else None
        if chat_id is None:
            await coroutine
            return
        key = _key(update)
        waiting = self._waiting.setdefault(chat_id, collections.Counter())
        if key and waiting[key] and self._congested(chat_id):
            log.debug("chat %d: %r is already waiting for its answer; answered once", chat_id, key)
            _discard(coroutine)
            return
        if waiting.total() >= self._per_chat:
            _discard(coroutine)
            await self._drop(chat_id)
            return
        waiting[key] += 1
        try:
            await coroutine
        finally:
            waiting[key] -= 1
            if waiting.total() <= 0:
                del self._waiting[chat_id]
                self._noted.discard(chat_id)

    async def _drop(self, chat_id: int) -> None:
        """Tell the chat once that it sends faster than the bot may answer."""
        if chat_id in self._noted:
            return
        self._noted.add(chat_id)
        log.warning("chat %d sends more than the bot may answer; dropping the excess", chat_id)
        await self._slow_down(chat_id)


def _chat_id(update: object) -> int | None:
    chat = update.effective_chat if isinstance(update, Update) else None
    return None if chat is None else chat.id


def _key(update: object) -> str:
    """Return what makes two updates the same request: a message's text ("" for others)."""
    message = update.effective_message if isinstance(update, Update) else None
    text = (message.text or "") if message is not None else ""
    return " ".join(text.lower().split()) if text.startswith("/") else ""


def _discard(coroutine: Awaitable[Any]) -> None:
    """Close a coroutine that will never run (so no "never awaited" warning)."""
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
