"""/history [N]: the last trades, deposits and withdrawals, newest first."""

from __future__ import annotations

from datetime import timedelta

from telegram import Chat, Update

from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.core.commands import HISTORY_DAYS
from balance_bot.core.i18n import View
from balance_bot.core.texts.errors import exchange_error_message
from balance_bot.core.texts.history import (
    history_count,
    history_message,
    history_needs_permission,
    history_usage,
)
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.preamble import in_chat, with_typing
from balance_bot.handlers.replies import reply_html
from balance_bot.services.context import Services


@in_chat
async def history(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """List the last N (default 10) transactions of the last 30 days in the chat's language."""
    services = context.services
    count = history_count(context.args or [])
    if count is None:
        await reply_html(update, history_usage(view))
        return
    try:
        text = await with_typing(update, context, _history_text(services, count, view))
    except BtcTurkError as error:
        text = exchange_error_message(error, view)
    await reply_html(update, text)


async def _history_text(services: Services, count: int, view: View) -> str:
    now = services.clock()
    read = await services.account.history.read(now - timedelta(days=HISTORY_DAYS), now)
    if read is None:
        return history_needs_permission(view)
    try:
        precisions = dict((await services.account.portfolio.fetch_or_last()).portfolio.precisions)
    except BtcTurkError:
        precisions = {}  # the list still reads well at each asset's usual precision
    return history_message(read, view, count=count, precisions=precisions)
