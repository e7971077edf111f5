"""Inline buttons: Refresh on a /balance reply rewrites it with fresh figures."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ContextTypes

from core.refresh_button import parse_button_data
from handlers.commands import balance_answer, chat_view, refresh_keyboard
from handlers.replies import delete_messages, edit_html, send_html
from services.context import get_services

FRESH_ENOUGH_S = 1.0


async def refresh_balance(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-read the balances and rewrite every part of the reply the button belongs to.

    The parts are edited in place; when the new answer takes another number of messages, or
    Telegram refuses an edit (the message was deleted or is too old), the answer is sent anew
    and the old parts are deleted where Telegram still allows it.
    """
    query, chat = update.callback_query, update.effective_chat
    assert query is not None
    assert chat is not None
    services = get_services(context)
    view = await chat_view(update, services)
    target = parse_button_data(query.data or "")
    args = [target.asset] if target.asset else []
    answer = await balance_answer(services, args, view, max_age_s=FRESH_ENOUGH_S)
    keyboard = refresh_keyboard(target.asset, view)
    old = list(target.earlier_parts)
    if query.message is not None:
        old.append(query.message.message_id)
    editable = isinstance(query.message, Message)  # else deleted, or too old to be shown
    if not (
        editable and await edit_html(context.bot, chat.id, old, answer.text, keyboard=keyboard)
    ):
        await send_html(context.bot, chat.id, answer.text, keyboard=keyboard)
        await delete_messages(context.bot, chat.id, old)
    await query.answer(view.t("balance.refreshed"))
