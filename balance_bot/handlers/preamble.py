"""What every handler starts with: the chat the update came from, and how that chat reads.

`@in_chat` turns a handler that takes them, `(update, context, chat, view)`, into the
`(update, context)` callback python-telegram-bot calls. An update without a chat (nothing to
answer) reaches no handler. `with_typing` shows "typing…" while an answer takes a moment.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from telegram import Chat, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from balance_bot.core.i18n import View
from balance_bot.handlers.context import BotContext

TYPING_AFTER_S = 0.5
T = TypeVar("T")
log = logging.getLogger(__name__)

Callback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]  # what PTB calls
ChatHandler = Callable[[Update, BotContext, Chat, View], Awaitable[None]]


def in_chat(handler: ChatHandler) -> Callback:
    """Return `handler` as python-telegram-bot calls it, handed its chat and the chat's view."""

    @functools.wraps(handler)
    async def callback(update: Update, context: BotContext) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        view = await context.services.views.view(chat.id)
        await handler(update, context, chat, view)

    return callback


async def with_typing(update: Update, context: BotContext, work: Awaitable[T]) -> T:
    """Await `work`; if it takes a moment, show "typing…" in the chat meanwhile."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=TYPING_AFTER_S)
    chat = update.effective_chat
    if not done and chat is not None:
        try:
            await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        except TelegramError as error:  # cosmetic: never costs the answer
            log.debug("chat action failed: %s", error)
    return await task
