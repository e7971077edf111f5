"""Send HTML text back to the chat an update came from, split to Telegram's limit."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update

from core.split import split_message


async def reply_html(
    update: Update, text: str, *, keyboard: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Reply with `text` in as many messages as needed; `keyboard` goes on the last one."""
    message = update.effective_message
    if message is None:
        return []
    parts = split_message(text)
    return [
        await message.reply_text(
            part,
            parse_mode="HTML",
            do_quote=False,
            reply_markup=keyboard if index == len(parts) - 1 else None,
        )
        for index, part in enumerate(parts)
    ]
