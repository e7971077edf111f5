"""/daily, /weekly, /monthly: the last periods of the daily values, one record each."""

from __future__ import annotations

from telegram import Chat, Update

from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.core.day_prices import SUPPORTED_QUOTES
from balance_bot.core.i18n import View
from balance_bot.core.periods import PeriodKind, recent_rows, span_row
from balance_bot.core.texts.periods import (
    first_day_pending,
    period_count,
    period_table,
    periods_usage,
    values_missing_message,
)
from balance_bot.core.texts.pnl import history_read_until
from balance_bot.core.valuation import Portfolio
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.preamble import in_chat, with_typing
from balance_bot.handlers.replies import reply_html
from balance_bot.services.context import Services
from balance_bot.services.values import ValuesOutcome


@in_chat
async def daily(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Show the last N days (7 by default): value, market result, money moved, trades."""
    await _periods(update, context, view, "daily")


@in_chat
async def weekly(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Show the last N weeks from Monday (8 by default)."""
    await _periods(update, context, view, "weekly")


@in_chat
async def monthly(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Show the last N months (6 by default)."""
    await _periods(update, context, view, "monthly")


async def _periods(update: Update, context: BotContext, view: View, kind: PeriodKind) -> None:
    count = period_count(kind, context.args or [])
    if count is None:
        await reply_html(update, periods_usage(kind, view))
        return
    answer = periods_answer(context.services, kind, count, view)
    await reply_html(update, await with_typing(update, context, answer))


async def periods_answer(services: Services, kind: PeriodKind, count: int, view: View) -> str:
    """Return the table of the last `count` periods of `kind`, or why there is none yet."""
    outcome = await checked_values(services)
    if outcome is None or outcome.values is None:
        return missing_values(outcome, services, view)
    values = outcome.values
    if values.first is None:  # nothing on record yet
        return view.t("periods.none")
    if not values.days:  # the first transaction is today's
        return first_day_pending(view)
    rows = recent_rows(values, kind, count, outcome.incomplete)
    span = span_row(rows, values, outcome.incomplete)
    table = period_table(kind, rows, span, values.quote, view, asked=count, first=values.first)
    if outcome.read_until is None:
        return table
    return f"{history_read_until(outcome.read_until, outcome.read_refused, view)}\n\n{table}"


async def checked_values(services: Services) -> ValuesOutcome | None:
    """Return the daily values checked against the balances now (the last ones read when
    BTCTurk does not answer; none at all when it never has); None without the service."""
    if services.values is None:
        return None
    portfolio: Portfolio | None
    try:
        portfolio = (await services.account.portfolio.fetch_or_last()).portfolio
    except BtcTurkError:
        portfolio = None  # the values are worth showing; the check waits for a read
    return await services.values.history(portfolio)


def missing_values(outcome: ValuesOutcome | None, services: Services, view: View) -> str:
    """Say why there are no daily values yet."""
    if outcome is None:
        return values_missing_message(view)
    return values_missing_message(
        view,
        refused=outcome.refused,
        unsupported=outcome.unsupported,
        back_to=outcome.state.oldest,
        quote=services.settings.quote_currency,
        supported=SUPPORTED_QUOTES,
    )
