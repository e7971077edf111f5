"""Inline buttons: Refresh on a /balance reply rewrites it with fresh figures; Check again on
/status asks BTCTurk again what it refused, then rewrites the status; the buttons under an
/alert question (a reading of an ambiguous number, "Set it anyway") set the alert."""

from __future__ import annotations

import math

from telegram import Chat, Message, Update
from telegram.constants import ChatType

from balance_bot.core.alert_commands import BUTTON_MARKS, BUTTON_UNITS, button_args
from balance_bot.core.i18n import View
from balance_bot.core.refresh_button import parse_button_data
from balance_bot.handlers.alerts import alert_answer
from balance_bot.handlers.answers import balance_answer, refresh_keyboard, status_reply
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.preamble import in_chat
from balance_bot.handlers.replies import (
    Keyboard,
    delete_messages,
    edit_html,
    mark_replaced,
    send_html,
)

FRESH_ENOUGH_S = 1.0


@in_chat
async def refresh_balance(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Re-read the balances and rewrite every part of the reply the button belongs to."""
    query = update.callback_query
    assert query is not None
    services = context.services
    target = parse_button_data(query.data or "")
    answer = await balance_answer(services, target.asset, view, max_age_s=FRESH_ENOUGH_S)
    parts = list(target.earlier_parts)
    if query.message is not None:
        parts.append(query.message.message_id)
    editable = isinstance(query.message, Message)  # else deleted, or too old to be shown
    keyboard = refresh_keyboard(target.asset, view)
    await rewrite(context, chat, parts, answer.text, keyboard, view, editable=editable)
    await query.answer(view.t("balance.refreshed"))


@in_chat
async def set_alert_from_button(
    update: Update, context: BotContext, chat: Chat, view: View
) -> None:
    """Run the /alert command a button carries, and send its answer to the chat."""
    query = update.callback_query
    assert query is not None
    services = context.services
    await query.answer()
    args = button_args(query.data or "")
    text, keyboard = await alert_answer(services, chat.id, args, view, BUTTON_MARKS, BUTTON_UNITS)
    await send_html(context.bot, chat.id, text, keyboard=keyboard)


@in_chat
async def check_again(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Try the refused key, the history and the live feed's login again; show the status."""
    query = update.callback_query
    assert query is not None
    services = context.services
    checker = services.check_again
    if checker is not None and checker.wait_s() > 0:
        seconds = math.ceil(checker.wait_s())
        await query.answer(view.t("status.checked_lately", seconds=seconds))
        return
    await query.answer(view.t("status.checking"))
    if checker is not None:
        await checker.run(services.clock())
    text, keyboard = await status_reply(services, chat.id, view)
    parts = [] if query.message is None else [query.message.message_id]
    editable = isinstance(query.message, Message)
    await rewrite(context, chat, parts, text, keyboard, view, editable=editable)


async def rewrite(
    context: BotContext,
    chat: Chat,
    parts: list[int],
    text: str,
    keyboard: Keyboard | None,
    view: View,
    *,
    editable: bool,
) -> None:
    """Edit the reply's messages in place, or send `text` anew and retire the old ones.

    Anew when the text takes another number of messages, or Telegram refuses an edit (the
    message was deleted, or is too old). The old parts are then deleted in a private chat; in
    a group they only point below, since a forged button must not make the bot delete other
    members' messages.
    """
    bot = context.bot
    if editable and await edit_html(bot, chat.id, parts, text, keyboard=keyboard):
        return
    await send_html(bot, chat.id, text, keyboard=keyboard)
    if chat.type == ChatType.PRIVATE:
        await delete_messages(bot, chat.id, parts)
    else:
        await mark_replaced(bot, chat.id, parts, view.t("balance.replaced"))
