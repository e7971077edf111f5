"""/chart [30d|90d|1y|all]: a picture of the portfolio, its allocation, and its value and net
invested day by day from the daily values (the totals kept at each summary without them)."""

from __future__ import annotations

import contextlib

from telegram import Chat, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.core.chart_data import ValueLine, Window, history_since, read_window, value_line
from balance_bot.core.i18n import View
from balance_bot.core.periods import PeriodRow, period_row
from balance_bot.core.texts.chart import chart_caption, chart_without_prices
from balance_bot.core.texts.errors import exchange_error_message, stale_notice
from balance_bot.core.texts.periods import first_day_pending
from balance_bot.core.valuation import Portfolio
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.periods import missing_values
from balance_bot.handlers.preamble import in_chat
from balance_bot.handlers.replies import reply_html
from balance_bot.services.context import Services


@in_chat
async def chart(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Send the portfolio chart as a photo, with the total and the time of the data."""
    services, message = context.services, update.effective_message
    if message is None:
        return
    window = read_window(context.args or [])
    if window is None:
        await reply_html(update, view.t("chart.usage"))
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
    line, figures, extra = await chart_values(services, portfolio, window, view)
    today = view.now.astimezone(view.tz).date()
    history = [] if line else await services.store.portfolio_history(history_since(today))
    first = None if services.pnl is None else (await services.pnl.load_state()).first
    photo = await services.draw_chart(
        portfolio,
        history,
        view,
        summary_at=services.settings.daily_summary_time,
        history_from=None if first is None else first.astimezone(view.tz).date(),
        values=line,
    )
    window_figures = None if figures is None else (window, figures)
    caption = chart_caption(portfolio, view, notice=notice, window=window_figures, extra=extra)
    await message.reply_photo(photo, caption=caption, do_quote=False)


async def chart_values(
    services: Services, portfolio: Portfolio, window: Window, view: View
) -> tuple[ValueLine | None, PeriodRow | None, list[str]]:
    """Return the window's line of daily values and its figures, or, without them, the
    caption's line that says why (the history loading, refused, another quote currency)."""
    if services.values is None:
        return None, None, []
    outcome = await services.values.safely(portfolio)
    if outcome is None:
        return None, None, []
    values = outcome.values
    if values is None:
        return None, None, [missing_values(outcome, services, view)]
    if values.first is None:  # nothing on record: the totals kept say why the line is short
        return None, None, []
    line = value_line(values, window, outcome.incomplete)
    if line is None:
        return None, None, [first_day_pending(view)]
    row = period_row(values, "daily", line.start, line.end, incomplete=outcome.incomplete)
    return line, row, []
