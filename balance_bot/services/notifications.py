"""Turn a text into outbox entries: one per Telegram-sized part, per chat."""

from __future__ import annotations

from collections.abc import Iterable

from balance_bot.core.notify import NotificationKind
from balance_bot.core.split import split_message
from balance_bot.store.models import NewNotification


def notifications_for(
    chat_ids: Iterable[int], kind: NotificationKind, text: str
) -> list[NewNotification]:
    """Return the messages that deliver `text` to each chat, split to Telegram's limit."""
    parts = split_message(text)
    return [NewNotification(chat_id, kind, part) for chat_id in chat_ids for part in parts]
