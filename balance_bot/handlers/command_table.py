"""The command table: every command the bot answers, with its handler. Adding one is one entry.

The table registers the handlers (`add_commands`, called by app.py), and is the command menu
(`publish_menus`) and `/help`, in its order; `changes` and `shows_alone` say what a
read-only group member may run (handlers/access.py). A command's texts are its description
`command.<name>` and, with arguments, its syntax `args.<name>`, in both locales.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Chat, Update
from telegram.ext import Application, CommandHandler

from balance_bot.core.commands import BALANCE, Command
from balance_bot.core.i18n import View
from balance_bot.core.texts.general import help_message
from balance_bot.handlers import alerts, commands, periods, settings
from balance_bot.handlers.chart import chart
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.export import export
from balance_bot.handlers.history import history
from balance_bot.handlers.orders import orders
from balance_bot.handlers.pnl import pnl
from balance_bot.handlers.preamble import Callback, in_chat
from balance_bot.handlers.replies import reply_html


@dataclass(frozen=True, slots=True)
class Entry:
    """One command and the handler that answers it."""

    command: Command
    handler: Callback


@in_chat
async def help_command(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """List every command with its syntax."""
    config = context.services.settings
    summary_time = f"{config.daily_summary_time:%H:%M}"
    await reply_html(update, help_message(LISTED, config.quote_currency, summary_time, view))


async def start(update: Update, context: BotContext) -> None:
    """Greet the user with what the bot does and how to use it."""
    await help_command(update, context)


TABLE: tuple[Entry, ...] = (
    Entry(BALANCE, commands.balance),
    Entry(Command("summary"), commands.summary),
    Entry(Command("chart", arguments=True), chart),
    Entry(Command("history", arguments=True), history),
    Entry(Command("orders"), orders),
    Entry(Command("pnl"), pnl),
    Entry(Command("daily", arguments=True), periods.daily),
    Entry(Command("weekly", arguments=True), periods.weekly),
    Entry(Command("monthly", arguments=True), periods.monthly),
    Entry(Command("export", arguments=True), export),
    Entry(Command("alert", arguments=True, changes=True), alerts.set_alert),
    Entry(Command("alerts"), alerts.list_alerts),
    Entry(Command("unalert", arguments=True, changes=True), alerts.remove_alert),
    Entry(Command("mute", arguments=True, changes=True), settings.mute),
    Entry(Command("unmute", changes=True), settings.unmute),
    Entry(Command("settings"), settings.show_settings),
    Entry(Command("lang", arguments=True, changes=True), settings.set_language),
    Entry(Command("notify", arguments=True, changes=True, shows_alone=True), settings.notify),
    Entry(Command("quiet", arguments=True, changes=True), settings.quiet),
    Entry(Command("chart_in_summary", arguments=True, changes=True), settings.chart_in_summary),
    Entry(Command("status"), commands.status),
    Entry(Command("help"), help_command),
    Entry(Command("start", listed=False), start),
)

LISTED: tuple[Command, ...] = tuple(e.command for e in TABLE if e.command.listed)
CHANGING: frozenset[str] = frozenset(e.command.name for e in TABLE if e.command.changes)
SHOWN_ALONE: frozenset[str] = frozenset(e.command.name for e in TABLE if e.command.shows_alone)


def add_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Register a handler for every command of the table."""
    for entry in TABLE:
        application.add_handler(CommandHandler(entry.command.name, entry.handler))
