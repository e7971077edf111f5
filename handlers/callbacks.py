"""Inline buttons: Refresh on a /balance reply edits it in place with fresh figures."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from core.balance_reply import parse_balance_args
from core.split import split_message
from handlers.commands import REFRESH_PREFIX, balance_answer, chat_view, refresh_keyboard
from services.context import get_services

FRESH_ENOUGH_S = 1.0
NOT_EDITABLE_HINTS = ("not modified", "can't be edited", "no text in the message", "not found")


async def refresh_balance(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-read the balances and rewrite the message the button belongs to."""
    query = update.callback_query
    assert query is not None
    services = get_services(context)
    view = await chat_view(update, services)
    asset = (query.data or "").removeprefix(REFRESH_PREFIX) or None
    try:
        parse_balance_args([asset] if asset else [])
    except ValueError:  # not data this bot ever put on a button: refresh the whole portfolio
        asset = None
    args = [asset] if asset else []
    answer = await balance_answer(services, args, view, max_age_s=FRESH_ENOUGH_S)
    text = split_message(answer.text)[0]
    try:
        await query.edit_message_text(text, reply_markup=refresh_keyboard(asset, view))
    except BadRequest as error:  # unchanged, or a press on a message the bot cannot edit
        if not any(hint in error.message.lower() for hint in NOT_EDITABLE_HINTS):
            raise
    await query.answer(view.t("balance.refreshed"))
