"""/export [year]: a CSV document of the year's records, for a spreadsheet or the tax office."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date

from telegram import Update

from btcturk.errors import BtcTurkError
from core.export import export_csv
from core.texts.export import (
    csv_notes,
    export_caption,
    export_labels,
    export_loading,
    export_notes,
    export_usage,
)
from core.valuation import Portfolio
from handlers.commands import chat_view
from handlers.context import BotContext
from handlers.replies import reply_html

FIRST_YEAR = 2013  # BTCTurk opened in 2013
_YEAR = re.compile(r"\d{4}")


async def export(update: Update, context: BotContext) -> None:
    """Send the year's trades, deposits and withdrawals, and the daily values, as a CSV file."""
    services, message = context.services, update.effective_message
    if message is None:
        return
    view = await chat_view(update, services)
    this_year = view.now.astimezone(view.tz).year
    args = context.args or []
    year = this_year if not args else int(args[0]) if _YEAR.fullmatch(args[0]) else 0
    if len(args) > 1 or not FIRST_YEAR <= year <= this_year:
        await reply_html(update, export_usage(view))
        return
    pnl = services.pnl
    state = None if pnl is None else await pnl.load_state()
    if pnl is None or state is None or not state.complete:
        await reply_html(update, export_loading(None if state is None else state.first, view))
        return
    try:  # the balances now: /pnl's totals leave out what the history does not account for
        fetch, _ = await services.portfolio.fetch_or_last(0)
        held: Portfolio | None = fetch.portfolio
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
    document = io.BytesIO(text.encode("utf-8"))
    await message.reply_document(
        document,
        filename=f"btcturk-{year}.csv",
        caption=export_caption(made, quote, notes, view),
        parse_mode="HTML",
        do_quote=False,
    )
