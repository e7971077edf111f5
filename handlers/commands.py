"""Command handlers: parse the arguments, ask the services, reply. Nothing else."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from btcturk.errors import BtcTurkError
from core.balance_reply import balance_reply, parse_balance_args
from core.format import exchange_error_message, stale_notice
from core.messages import help_message, unknown_command_message, usage_message
from core.status import StatusFacts, status_message
from handlers.replies import reply_html
from services.context import get_services


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user with what the bot does and how to use it."""
    await help_command(update, context)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List every command with its syntax."""
    settings = get_services(context).settings
    await reply_html(update, help_message(settings.quote_currency))


async def balance(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the portfolio, or one asset with `/balance BTC`."""
    services = get_services(context)
    args = context.args or []
    try:
        parse_balance_args(args)
    except ValueError:
        await reply_html(update, usage_message("balance", "/balance btc"))
        return
    tz, now = services.settings.timezone, services.clock()
    notice = ""
    try:
        portfolio = await services.portfolio.portfolio()
    except BtcTurkError as error:
        last = services.portfolio.last_good
        if last is None:
            await reply_html(update, exchange_error_message(error))
            return
        portfolio = last.portfolio
        notice = stale_notice(error, portfolio.as_of, tz, now) + "\n\n"
    await reply_html(update, notice + balance_reply(args, portfolio, tz, now))


async def unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point the user to /help when a command or text means nothing to the bot."""
    await reply_html(update, unknown_command_message())


async def summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the daily summary now."""
    services = get_services(context)
    try:
        text = await services.summaries.on_demand()
    except BtcTurkError as error:
        text = exchange_error_message(error)
    await reply_html(update, text)


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Report whether BTCTurk answers, how fresh the data is and what is scheduled."""
    services, chat = get_services(context), update.effective_chat
    assert chat is not None
    portfolio, store = services.portfolio, services.store
    error = portfolio.last_error
    facts = StatusFacts(
        reachable=error is None and services.monitor.failures == 0,
        last_success_at=portfolio.last_success_at,
        last_latency_s=services.client.last_latency_s,
        last_error=None if error is None else exchange_error_message(error),
        clock_offset_ms=services.client.clock_offset_ms,
        poll_interval_s=services.settings.poll_interval_s,
        chat_alerts=len(await store.alerts_for_chat(chat.id)),
        all_alerts=await store.count_alerts(),
        next_summary_at=services.summaries.next_time(),
        pending_notifications=await store.pending_count(),
    )
    await reply_html(update, status_message(facts, services.settings.timezone, services.clock()))
