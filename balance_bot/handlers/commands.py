"""Command handlers: parse the arguments, ask the services, reply. Nothing else.

They are registered, listed in the menu and in /help by handlers/command_table.py.
"""

from __future__ import annotations

from telegram import Chat, Update

from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.core.commands import BALANCE, parse_balance_args
from balance_bot.core.i18n import View
from balance_bot.core.texts.errors import exchange_error_message
from balance_bot.core.texts.general import unknown_command_message, usage_message
from balance_bot.handlers.answers import balance_answer, refresh_keyboard, status_reply
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.preamble import in_chat, with_typing
from balance_bot.handlers.replies import reply_html


@in_chat
async def balance(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Show the portfolio, or one asset with `/balance BTC`, with a Refresh button."""
    services = context.services
    args = context.args or []
    try:
        asset = parse_balance_args(args)
    except ValueError:
        await reply_html(update, usage_message(BALANCE, view))
        return
    answer = await with_typing(update, context, balance_answer(services, asset, view))
    keyboard = refresh_keyboard(asset, view) if answer.refreshable else None
    await reply_html(update, answer.text, keyboard=keyboard)


@in_chat
async def unknown(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Point the user to /help when a command or text means nothing to the bot."""
    await reply_html(update, unknown_command_message(view))


@in_chat
async def summary(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Send the daily summary now."""
    services = context.services
    try:
        text = await with_typing(update, context, services.summaries.on_demand(view))
    except BtcTurkError as error:
        text = exchange_error_message(error, view)
    await reply_html(update, text)


@in_chat
async def status(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Report whether BTCTurk answers, how fresh the data is and what is scheduled; with a
    Check again button while BTCTurk refuses the key or a permission."""
    text, keyboard = await status_reply(context.services, chat.id, view)
    await reply_html(update, text, keyboard=keyboard)
