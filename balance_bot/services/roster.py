"""The chats the bot serves: ALLOWED_CHAT_IDS, followed when Telegram upgrades a group.

A group upgraded to a supergroup gets a new ID. Only Telegram can tell the bot so (a 400 with
`migrate_to_chat_id`, or the service messages in both chats), so the new ID is allowed
because the old one was; the migration is stored and survives a restart.
"""

from __future__ import annotations

import logging

from balance_bot.store.store import Store

log = logging.getLogger(__name__)


class Roster:
    """Know the allowed chats under their current IDs."""

    def __init__(self, allowed: frozenset[int]) -> None:
        self.allowed = allowed
        self.migrated: set[int] = set()  # new IDs of allowed groups; the guard reads it live
        self._moves: dict[int, int] = {}
        self._store: Store | None = None

    async def load(self, store: Store) -> None:
        """Read the migrations recorded before; later ones are written to `store`."""
        self._store = store
        self._moves = await store.chat_migrations()
        self.migrated.clear()
        self.migrated.update(self.current(chat_id) for chat_id in self.allowed)
        self.migrated -= self.allowed

    def current(self, chat_id: int) -> int:
        """Return the ID `chat_id` has now (itself, unless its group was upgraded)."""
        seen: set[int] = set()
        while chat_id in self._moves and chat_id not in seen:
            seen.add(chat_id)
            chat_id = self._moves[chat_id]
        return chat_id

    def chat_ids(self) -> list[int]:
        """Return the allowed chats under their current IDs, sorted."""
        return sorted({self.current(chat_id) for chat_id in self.allowed})

    def serves(self, chat_id: int) -> bool:
        """Tell whether `chat_id` is allowed, directly or as an upgraded group."""
        return chat_id in self.allowed or chat_id in self.migrated

    async def migrate(self, old_id: int, new_id: int) -> bool:
        """Follow a group upgraded from `old_id` to `new_id`; False if the bot does not serve it."""
        if not self.serves(old_id) or old_id == new_id:
            return False
        if self._store is not None:  # again if known: moves what was still owed to the old ID
            await self._store.migrate_chat(old_id, new_id)
        if self._moves.get(old_id) == new_id:
            return True
        self._moves[old_id] = new_id
        self.migrated.add(new_id)
        log.warning(
            "Telegram upgraded group %d to supergroup %d; its alerts, settings and owed "
            "messages moved there. Replace %d with %d in ALLOWED_CHAT_IDS.",
            old_id, new_id, old_id, new_id,
        )  # fmt: skip
        return True
