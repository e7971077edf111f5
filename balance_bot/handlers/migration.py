"""A group upgraded to a supergroup: follow it to its new ID, as Telegram announces."""

from __future__ import annotations

from telegram import Update

from balance_bot.handlers.context import BotContext


async def chat_migrated(update: Update, context: BotContext) -> None:
    """Move the group's alerts, settings and owed messages to the supergroup's ID."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old_id, new_id = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old_id, new_id = message.migrate_from_chat_id, message.chat.id
    else:
        return
    await context.services.roster.migrate(old_id, new_id)
