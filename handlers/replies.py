"""Send HTML text back to the chat an update came from, split to Telegram's limit.

A part Telegram cannot parse is sent again as plain text, so the answer is never lost.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from core.plain import cannot_parse, plain_text
from core.split import split_message

log = logging.getLogger(__name__)


async def reply_html(
    update: Update, text: str, *, keyboard: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Reply with `text` in as many messages as needed; `keyboard` goes on the last one."""
    message = update.effective_message
    if message is None:
        return []
    parts = split_message(text)
    sent = []
    for index, part in enumerate(parts):
        markup = keyboard if index == len(parts) - 1 else None
        try:
            reply = await message.reply_text(
                part, parse_mode="HTML", do_quote=False, reply_markup=markup
            )
        except BadRequest as error:
            if not cannot_parse(error.message):
                raise
            log.error(
                "Telegram cannot parse a reply to chat %d (%s); sent as plain text",
                message.chat_id, error,
            )  # fmt: skip
            reply = await message.reply_text(
                plain_text(part), parse_mode=None, do_quote=False, reply_markup=markup
            )
        sent.append(reply)
    return sent
