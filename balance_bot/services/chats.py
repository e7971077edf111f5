"""Per-chat reading preferences: each chat's language, with its time zone and clock."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo

from balance_bot.core.i18n import View, get_lang
from balance_bot.core.notify import NotificationKind
from balance_bot.services.notifications import notifications_for
from balance_bot.store.models import NewNotification
from balance_bot.store.store import Store


class ChatViews:
    """Know how each chat reads: its language (cached), the bot's time zone, the time now."""

    def __init__(
        self, store: Store, default_language: str, tz: tzinfo, clock: Callable[[], datetime]
    ) -> None:
        self._store = store
        self._default = default_language
        self._tz = tz
        self._clock = clock
        self._languages: dict[int, str] = {}

    def default_view(self) -> View:
        """Return the view of a chat with no preference (the configured language)."""
        return self.view_in(None)

    def view_in(self, language: str | None) -> View:
        """Return a view in `language` when the bot speaks it, else in the default one."""
        return View(get_lang(language, self._default), self._tz, self._clock())

    async def view(self, chat_id: int) -> View:
        """Return how `chat_id` reads messages now."""
        code = self._languages.get(chat_id)
        if code is None:
            code = (await self._store.chat_settings(chat_id)).language or self._default
            self._languages[chat_id] = code
        return self.view_in(code)

    async def set_language(self, chat_id: int, code: str) -> None:
        """Remember the chat's language."""
        await self._store.set_language(chat_id, code)
        self._languages[chat_id] = code

    async def notifications(
        self, chat_ids: Iterable[int], kind: NotificationKind, render: Callable[[View], str]
    ) -> list[NewNotification]:
        """Return the messages owed to each chat, each rendered in its chat's language."""
        owed: list[NewNotification] = []
        for chat_id in chat_ids:
            owed += notifications_for([chat_id], kind, render(await self.view(chat_id)))
        return owed
