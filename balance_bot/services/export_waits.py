"""The /export requests made while the history was still being read: each is sent once the
history reaches the first transaction, once, also after a restart (they are kept in SQLite).
"""

from __future__ import annotations

import asyncio
import json
import logging

from balance_bot.store.store import Store

log = logging.getLogger(__name__)
KEY = "exports_waiting"  # a JSON list of [chat_id, year]

Wait = tuple[int, int]  # (chat_id, year)


class ExportWaits:
    """Remember who asked for which year's file while the history was loading."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = asyncio.Lock()
        self._waiting: list[Wait] | None = None  # None: not read from the store yet

    @property
    def maybe_waiting(self) -> bool:
        """Tell whether a request may wait (False only once the store said there is none)."""
        return self._waiting is None or bool(self._waiting)

    async def add(self, chat_id: int, year: int) -> None:
        """Remember that `chat_id` waits for `year`'s file (once, however often it asks)."""
        async with self._lock:
            waiting = await self._load()
            if (chat_id, year) not in waiting:
                await self._save([*waiting, (chat_id, year)])

    async def waiting(self) -> list[Wait]:
        """Return the requests that wait, oldest first."""
        async with self._lock:
            return list(await self._load())

    async def done(self, chat_id: int, year: int) -> None:
        """Forget a request: its file was sent, or it cannot be."""
        async with self._lock:
            waiting = await self._load()
            await self._save([w for w in waiting if w != (chat_id, year)])

    async def _load(self) -> list[Wait]:
        if self._waiting is None:
            self._waiting = _parsed(await self._store.get_meta(KEY))
        return self._waiting

    async def _save(self, waiting: list[Wait]) -> None:
        await self._store.set_meta(KEY, json.dumps(waiting) if waiting else None)
        self._waiting = waiting


def _parsed(stored: str | None) -> list[Wait]:
    """Return the stored requests; an unreadable value is logged and forgotten."""
    if stored is None:
        return []
    try:
        return [(int(chat_id), int(year)) for chat_id, year in json.loads(stored)]
    except (ValueError, TypeError) as error:
        log.warning("forgetting the /export requests stored as %r: %s", stored[:80], error)
        return []
