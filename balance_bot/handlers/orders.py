"""/orders: the open orders BTCTurk's live feed told of, checked against the balances."""

from __future__ import annotations

from telegram import Chat, Update

from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.core.i18n import View
from balance_bot.core.orders import FeedHealth
from balance_bot.core.texts.errors import exchange_error_message, stale_notice
from balance_bot.core.texts.orders import OrdersFacts, orders_message
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.preamble import in_chat, with_typing
from balance_bot.handlers.replies import reply_html
from balance_bot.services.context import Services


@in_chat
async def orders(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """List the open orders, what is in orders that they do not explain, and how far to trust
    the list."""
    services = context.services
    await reply_html(update, await with_typing(update, context, orders_answer(services, view)))


async def orders_answer(services: Services, view: View) -> str:
    """Return the /orders text, checked against balances read now (or the last ones)."""
    error: BtcTurkError | None = None
    try:
        latest = await services.account.portfolio.fetch_or_last()
    except BtcTurkError as failed:
        latest, error = None, failed
    watch = services.orders
    if watch is None:  # WEBSOCKET=off: what BTCTurk holds in orders, not itemised
        in_orders = {}
        if latest is not None:
            positions = latest.portfolio.positions
            in_orders = {p.asset: p.in_orders for p in positions if p.in_orders}
        facts = OrdersFacts(orders=(), feed=FeedHealth.OFF, in_orders=in_orders)
    else:
        if latest is not None and latest.error is None:
            await watch.polled(latest.portfolio, services.clock())
        facts = watch.facts()
        error = error or (None if latest is None else latest.error)
    text = orders_message(facts, view)
    if latest is not None and latest.error is not None:  # the last figures: say from when
        return stale_notice(latest.error, latest.portfolio, view) + "\n" + text
    if error is None:
        return text
    return exchange_error_message(error, view, advice=False) + "\n" + text
