"""/chart: a picture of the portfolio, its allocation and the last 30 days of its total."""

from __future__ import annotations

import contextlib

from telegram import Chat, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.core.chart_data import history_since
from balance_bot.core.i18n import View
from balance_bot.core.texts.chart import chart_caption, chart_without_prices
from balance_bot.core.texts.errors import exchange_error_message, stale_notice
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.preamble import in_chat
from balance_bot.handlers.replies import reply_html


@in_chat
async def chart(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Send the portfolio chart as a photo, with the total and the time of the data."""
    services, message = context.services, update.effective_message
    if message is None:
        return
    try:  # BTCTurk failing: the last figures, with a notice, as /balance shows them
        latest = await services.account.portfolio.fetch_or_last()
    except BtcTurkError as never_read:
        await reply_html(update, exchange_error_message(never_read, view))
        return
    portfolio, stale = latest.portfolio, latest.error
    notice = None if stale is None else stale_notice(stale, portfolio, view)
    if not portfolio.prices_available:  # no value, no bar: say why instead of a picture
        await reply_html(update, chart_without_prices(view, notice=notice))
        return
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
    caption = chart_caption(portfolio, view, notice=notice)
    await message.reply_photo(photo, caption=caption, do_quote=False)
