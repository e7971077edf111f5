"""Send HTML text to a chat, split to Telegram's limit, or rewrite a reply sent that way.

A part Telegram cannot parse is sent again as plain text, so the answer is never lost.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from balance_bot.core.plain import cannot_parse, plain_text
from balance_bot.core.split import split_message

log = logging.getLogger(__name__)

# The keyboard of the last part, given the ids of the parts before it.
KeyboardFor = Callable[[list[int]], InlineKeyboardMarkup]
Keyboard = InlineKeyboardMarkup | KeyboardFor
# Send one part: its text, the keyboard it carries, and its parse mode (None: plain text).
Markup = InlineKeyboardMarkup | None
SendPart = Callable[[str, Markup, str | None], Awaitable[Message]]


async def reply_html(
    update: Update, text: str, *, keyboard: Keyboard | None = None
) -> list[Message]:
    """Reply with `text` in as many messages as needed; `keyboard` goes on the last one."""
    message = update.effective_message
    if message is None:
        return []

    def send(
        part: str, markup: InlineKeyboardMarkup | None, mode: str | None
    ) -> Awaitable[Message]:
        return message.reply_text(part, parse_mode=mode, do_quote=False, reply_markup=markup)

    return await _send_parts(send, message.chat_id, split_message(text), keyboard)


async def send_html(
    bot: Bot, chat_id: int, text: str, *, keyboard: Keyboard | None = None
) -> list[Message]:
    """Send `text` to `chat_id` in as many messages as needed; `keyboard` goes on the last one."""

    def send(
        part: str, markup: InlineKeyboardMarkup | None, mode: str | None
    ) -> Awaitable[Message]:
        return bot.send_message(chat_id, part, parse_mode=mode, reply_markup=markup)

    return await _send_parts(send, chat_id, split_message(text), keyboard)


async def edit_html(
    bot: Bot,
    chat_id: int,
    message_ids: Sequence[int],
    text: str,
    *,
    keyboard: Keyboard | None = None,
) -> bool:
    """Rewrite the messages of an earlier reply with `text`; False when that cannot be done.

    It cannot when the new text takes another number of messages, or when Telegram refuses
    an edit (the message was deleted, or is too old to edit).
    """
    parts = split_message(text)
    if not message_ids or len(parts) != len(message_ids):
        return False
    for index, (message_id, part) in enumerate(zip(message_ids, parts, strict=True)):
        last = index == len(parts) - 1
        markup = _markup(keyboard, list(message_ids[:-1])) if last else None
        try:
            await bot.edit_message_text(
                part, chat_id=chat_id, message_id=message_id, parse_mode="HTML", reply_markup=markup
            )
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                log.info("message %d in chat %d cannot be edited: %s", message_id, chat_id, error)
                return False
    return True


async def delete_messages(bot: Bot, chat_id: int, message_ids: Sequence[int]) -> None:
    """Delete the messages of an earlier reply, those Telegram still lets the bot delete."""
    for message_id in message_ids:
        try:
            await bot.delete_message(chat_id, message_id)
        except BadRequest as error:
            log.info("message %d in chat %d cannot be deleted: %s", message_id, chat_id, error)


async def mark_replaced(bot: Bot, chat_id: int, message_ids: Sequence[int], text: str) -> None:
    """Rewrite the bot's own messages of an earlier reply into `text`, without buttons."""
    for message_id in message_ids:
        try:
            await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
        except BadRequest as error:
            log.info("message %d in chat %d cannot be edited: %s", message_id, chat_id, error)


async def _send_parts(
    send: SendPart, chat_id: int, parts: list[str], keyboard: Keyboard | None
) -> list[Message]:
    sent: list[Message] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        markup = _markup(keyboard, [m.message_id for m in sent]) if last else None
        try:
            sent.append(await send(part, markup, "HTML"))
        except BadRequest as error:
            if not cannot_parse(error.message):
                raise
            log.error(
                "Telegram cannot parse a reply to chat %d (%s); sent as plain text", chat_id, error
            )
            sent.append(await send(plain_text(part), markup, None))
    return sent


def _markup(keyboard: Keyboard | None, earlier: list[int]) -> InlineKeyboardMarkup | None:
    if keyboard is None or isinstance(keyboard, InlineKeyboardMarkup):
        return keyboard
    return keyboard(earlier)
