"""The whitelist: one guard in front of every handler, for every kind of update."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from core.i18n import DEFAULT_LANGUAGE, get_lang
from core.messages import refusal_message

log = logging.getLogger(__name__)

GUARD_GROUP = -100  # lower groups run first: nothing runs before the guard
REFUSAL_INTERVAL_S = 3600.0
MAX_REMEMBERED_STRANGERS = 10_000


class AccessGuard:
    """Let updates from whitelisted chats through and stop everything else."""

    def __init__(
        self,
        allowed_chat_ids: frozenset[int],
        *,
        default_language: str = DEFAULT_LANGUAGE,
        monotonic: Callable[[], float] = time.monotonic,
        migrated_chat_ids: Collection[int] = frozenset(),
    ) -> None:
        self.allowed_chat_ids = allowed_chat_ids
        self.migrated_chat_ids = migrated_chat_ids  # upgraded allowed groups, kept up to date
        self._default_language = default_language
        self._monotonic = monotonic
        self._last_refusal: dict[int, float] = {}

    def is_allowed(self, update: object) -> bool:
        """Tell whether `update` comes from a whitelisted chat (deny when there is no chat)."""
        if not isinstance(update, Update):
            return False
        chat, message = update.effective_chat, update.effective_message
        # Telegram's own notice in a supergroup that an allowed group became: let it through.
        origin = message.migrate_from_chat_id if message is not None else None
        return chat is not None and any(
            chat_id in self.allowed_chat_ids or chat_id in self.migrated_chat_ids
            for chat_id in (chat.id, origin)
            if chat_id is not None
        )

    async def check(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop a stranger's update before any other handler sees it."""
        if self.is_allowed(update):
            return
        chat_id, user_id = _ids(update)
        log.warning("refused update from chat_id=%s user_id=%s", chat_id, user_id)
        try:
            if isinstance(update, Update):
                await self._refuse(update, context, chat_id)
        except TelegramError as error:  # the refusal is a courtesy; the stop is not optional
            log.warning("could not send the refusal to chat %s: %s", chat_id, error)
        finally:
            raise ApplicationHandlerStop

    async def _refuse(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int | None
    ) -> None:
        """Answer at most once an hour per chat, with no figure, only the chat's own ID."""
        user = update.effective_user
        spoken = (user.language_code or "")[:2] if user else ""
        lang = get_lang(spoken, self._default_language)
        if update.callback_query is not None:
            await update.callback_query.answer(lang.t("refusal.short"))
        if chat_id is None or not self._due(chat_id) or not _asks_something(update):
            return
        await context.bot.send_message(chat_id, refusal_message(chat_id, lang), parse_mode="HTML")

    def _due(self, chat_id: int) -> bool:
        now = self._monotonic()
        last = self._last_refusal.get(chat_id)
        if last is not None and now - last < REFUSAL_INTERVAL_S:
            return False
        if len(self._last_refusal) >= MAX_REMEMBERED_STRANGERS:
            self._last_refusal = {
                chat: at for chat, at in self._last_refusal.items() if now - at < REFUSAL_INTERVAL_S
            }
        self._last_refusal[chat_id] = now
        return True


def install_guard(application: Application, guard: AccessGuard) -> None:  # type: ignore[type-arg]
    """Put `guard` in front of every handler of `application`."""
    application.add_handler(TypeHandler(object, guard.check), group=GUARD_GROUP)


def _ids(update: object) -> tuple[int | None, int | None]:
    if not isinstance(update, Update):
        return None, None
    chat, user = update.effective_chat, update.effective_user
    return (chat.id if chat else None), (user.id if user else None)


def _asks_something(update: Update) -> bool:
    """Tell whether a stranger's update deserves an answer: a command, or any private message."""
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return False
    text = message.text or ""
    return update.effective_chat.type == "private" or text.startswith("/")
