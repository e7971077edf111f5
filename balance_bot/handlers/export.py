"""/export [year]: a CSV document of the year's records, for a spreadsheet or the tax office.

Asked while the history is still being read, the file follows by itself once it is complete
(`send_waiting_exports`, a job): the request is kept in SQLite, so a restart keeps it too.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date

from telegram import Chat, Update
from telegram.error import BadRequest, Forbidden, TelegramError

from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.core.commands import YearRefused, parse_export_year
from balance_bot.core.export import export_csv
from balance_bot.core.i18n import View
from balance_bot.core.texts.export import (
    csv_notes,
    export_caption,
    export_labels,
    export_loading,
    export_notes,
    export_usage,
)
from balance_bot.core.valuation import Portfolio
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.preamble import in_chat
from balance_bot.handlers.replies import reply_html
from balance_bot.services.context import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Document:
    """The CSV file of one year, and the message sent with it."""

    content: bytes
    filename: str
    caption: str


@in_chat
async def export(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Send the year's trades, deposits and withdrawals, and the daily values, as a CSV file."""
    services, message = context.services, update.effective_message
    if message is None:
        return
    try:
        year = parse_export_year(context.args or [], view.now.astimezone(view.tz).year)
    except YearRefused as refused:
        await reply_html(update, export_usage(view, refused))
        return
    pnl = services.pnl
    state = None if pnl is None else await pnl.load_state()
    if pnl is None or state is None or not state.complete:
        if services.exports is not None:
            await services.exports.add(chat.id, year)  # sent once the history is read
        await reply_html(update, export_loading(None if state is None else state.first, view))
        return
    made = await export_document(services, year, view)
    await message.reply_document(
        made.content,
        filename=made.filename,
        caption=made.caption,
        parse_mode="HTML",
        do_quote=False,
    )


async def send_waiting_exports(context: BotContext) -> None:
    """Send the files asked for while the history was loading, once it is complete."""
    services = context.services
    pnl, exports = services.pnl, services.exports
    if pnl is None or exports is None or not pnl.state.complete or not exports.maybe_waiting:
        return
    for chat_id, year in await exports.waiting():
        if chat_id not in services.roster.chat_ids():  # no longer allowed: nothing to send
            await exports.done(chat_id, year)
            continue
        made = await export_document(services, year, await services.views.view(chat_id))
        try:
            await context.bot.send_document(
                chat_id,
                made.content,
                filename=made.filename,
                caption=made.caption,
                parse_mode="HTML",
            )
        except (Forbidden, BadRequest) as error:  # blocked, or no such chat: it never will be
            log.warning("the %d export for chat %d cannot be sent: %s", year, chat_id, error)
        except TelegramError as error:
            log.info("the %d export for chat %d is sent again later: %s", year, chat_id, error)
            return
        await exports.done(chat_id, year)


async def export_document(services: Services, year: int, view: View) -> Document:
    """Return `year`'s file and its caption in the chat's language (the history complete)."""
    pnl = services.pnl
    assert pnl is not None
    try:  # the balances now: /pnl's totals leave out what the history does not account for
        held: Portfolio | None = (await services.account.portfolio.fetch_or_last(0)).portfolio
    except BtcTurkError:
        held = None  # never read: the caption says the history is not checked against them
    made = await pnl.export(year, held)
    daily = [
        (d.day.isoformat(), d.total)
        for d in await services.store.portfolio_history(date(year, 1, 1))
        if d.day.year == year
    ]
    quote = services.settings.quote_currency
    notes = export_notes(made, quote, view)
    labels = export_labels(quote, view)
    text = await asyncio.to_thread(export_csv, made.rows, daily, labels, view.tz, csv_notes(notes))
    return Document(
        text.encode("utf-8"),
        f"btcturk-{year}.csv",
        export_caption(made, quote, notes, view, daily=bool(daily)),
    )
