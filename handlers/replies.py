"""Send HTML text back to the chat an update came from, split to Telegram's limit."""

from __future__ import annotations

from telegram import Message, Update

from core.split import split_message


async def reply_html(update: Update, text: str) -> list[Message]:
    """Reply with `text` in as many messages as Telegram's length limit requires."""
    message = update.effective_message
    if message is None:
        return []
    return [
        await message.reply_text(part, parse_mode="HTML", do_quote=False)
        for part in split_message(text)
    ]
