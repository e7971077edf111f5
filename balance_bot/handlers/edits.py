"""Edited messages: a command runs once, when it is sent; its edit is not a new request."""

from __future__ import annotations

from collections import OrderedDict

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from balance_bot.handlers.context import BotContext
from balance_bot.handlers.replies import reply_html
from balance_bot.telegram_io.access import addressed_to_bot

MAX_REMEMBERED_EDITS = 1_000


class EditedCommands:
    """Answer an edited command once per message, with a notice instead of running it."""

    def __init__(self) -> None:
        self._told: OrderedDict[tuple[int, int], None] = OrderedDict()

    async def notice(self, update: Update, context: BotContext) -> None:
        """Tell the chat, the first time a message is edited, that its command is not run again."""
        message = update.effective_message
        if (
            message is not None
            and addressed_to_bot(message, context.bot.username)
            and self._first_edit(message.chat_id, message.message_id)
        ):
            view = await context.services.views.view(message.chat_id)
            await reply_html(update, view.t("edited_command"))

    def _first_edit(self, chat_id: int, message_id: int) -> bool:
        key = (chat_id, message_id)
        if key in self._told:
            return False
        self._told[key] = None
        if len(self._told) > MAX_REMEMBERED_EDITS:
            self._told.popitem(last=False)
        return True


def install_edit_stop(application: Application) -> None:  # type: ignore[type-arg]
    """Keep edited messages from the commands: call it before adding them to the default group.

    Only the first handler of a group that accepts an update runs, so these two, added first,
    take every edit: edited commands get one short notice, other edits nothing.
    """
    edited = filters.UpdateType.EDITED
    application.add_handler(MessageHandler(edited & filters.COMMAND, EditedCommands().notice))
    application.add_handler(MessageHandler(edited, _ignore))


async def _ignore(update: Update, context: BotContext) -> None:
    """Let an edited message that is not a command pass without a word."""
