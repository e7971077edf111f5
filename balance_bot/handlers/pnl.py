"""/pnl: profit and loss from BTCTurk's history, per asset and for the portfolio."""

from __future__ import annotations

from datetime import date

from telegram import Chat, Update

from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.core.day_prices import SUPPORTED_QUOTES
from balance_bot.core.i18n import View
from balance_bot.core.periods import period_row
from balance_bot.core.texts.errors import exchange_error_message, stale_notice
from balance_bot.core.texts.periods import returns_lines
from balance_bot.core.texts.pnl import (
    history_read_until,
    pnl_loading_message,
    pnl_message,
    pnl_refused_message,
    pnl_unsupported_message,
)
from balance_bot.core.valuation import Portfolio
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.preamble import in_chat, with_typing
from balance_bot.handlers.replies import reply_html
from balance_bot.services.context import Services


@in_chat
async def pnl(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Show each asset's cost, price and P&L, and the totals."""
    services = context.services
    await reply_html(update, await with_typing(update, context, pnl_answer(services, view)))


async def pnl_answer(services: Services, view: View) -> str:
    """Return the /pnl text: the figures, or why there are none yet."""
    if services.pnl is None:
        return pnl_loading_message(None, view)
    try:
        latest = await services.account.portfolio.fetch_or_last()
    except BtcTurkError as error:
        return exchange_error_message(error, view)
    portfolio, stale = latest.portfolio, latest.error
    outcome = await services.pnl.report(portfolio)
    if outcome.refused:
        return pnl_refused_message(view)
    if outcome.unsupported:
        return pnl_unsupported_message(portfolio.quote, SUPPORTED_QUOTES, view)
    if not outcome.state.complete or outcome.report is None:
        return pnl_loading_message(outcome.state.first, view)  # the oldest record found
    notices = [] if stale is None else [stale_notice(stale, portfolio, view)]
    if outcome.read_until is not None:  # not read forward: say up to when, as /status does
        notices.append(history_read_until(outcome.read_until, outcome.read_refused, view))
    text = pnl_message(outcome.report, view, crowded=outcome.crowded, routes=portfolio.routes)
    returns = await _returns(services, portfolio, view)
    if returns:
        text += "\n\n" + "\n".join(returns)
    return "".join(f"{notice}\n\n" for notice in notices) + text


async def _returns(services: Services, portfolio: Portfolio, view: View) -> list[str]:
    """Return the market result of this year and of all time from the daily values, in the
    quote, in dollars and in bitcoin; nothing without them."""
    if services.values is None:
        return []
    outcome = await services.values.safely(portfolio, fresh=False)  # read forward just now
    if outcome is None or outcome.values is None:
        return []
    values, found, first = outcome.values, outcome.incomplete, outcome.values.first
    if first is None or not values.days:
        return []
    year = date(values.last.year, 1, 1)
    rows = []
    if first < year:
        row = period_row(values, "daily", year, values.last, incomplete=found)
        if row is not None:
            rows.append((str(year.year), row))
    whole = period_row(values, "daily", first, values.last, incomplete=found)
    if whole is not None:
        rows.append((view.t("pnl.returns_all"), whole))
    return returns_lines(rows, values.last, view)
