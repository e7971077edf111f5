"""/chart: a picture of the portfolio, its allocation and the last 30 days of its total."""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from btcturk.errors import BtcTurkError
from core.chart_data import history_since
from core.texts.chart import chart_caption
from core.texts.errors import exchange_error_message, stale_notice
from handlers.commands import chat_view
from handlers.context import BotContext
from handlers.replies import reply_html


async def chart(update: Update, context: BotContext) -> None:
    """Send the portfolio chart as a photo, with the total and the time of the data."""
    services, chat, message = context.services, update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    view = await chat_view(update, services)
    try:  # BTCTurk failing: the last figures, with a notice, as /balance shows them
        fetch, stale = await services.portfolio.fetch_or_last()
    except BtcTurkError as never_read:
        await reply_html(update, exchange_error_message(never_read, view))
        return
    portfolio = fetch.portfolio
    with contextlib.suppress(TelegramError):  # only a hint while drawing: never worth the answer
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
    today = view.now.astimezone(view.tz).date()
    history = await services.store.portfolio_history(history_since(today))
    first = None if services.pnl is None else (await services.pnl.load_state()).first
    photo = await services.draw_chart(
        portfolio,
        history,
        view,
        summary_at=services.settings.daily_summary_time,
        history_from=None if first is None else first.astimezone(view.tz).date(),
    )
    notice = None if stale is None else stale_notice(stale, portfolio, view)
    caption = chart_caption(portfolio, view, notice=notice)
    await message.reply_photo(photo, caption=caption, do_quote=False)
