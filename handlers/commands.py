"""Command handlers: parse the arguments, ask the services, reply. Nothing else."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from btcturk.errors import BtcTurkError
from core.balance_reply import balance_reply, parse_balance_args
from core.format import exchange_error_message, stale_notice
from core.messages import help_message, unknown_command_message, usage_message
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
