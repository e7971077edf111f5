"""/alert, /alerts and /unalert: threshold alerts of the chat that sets them."""

from __future__ import annotations

import contextlib
import logging
import re
from decimal import Decimal

from telegram import Update

from btcturk.errors import BtcTurkError
from core.texts.alerts import (
    alert_created,
    alert_not_found,
    alert_removed,
    alert_usage,
    alerts_list,
    current_text,
    unalert_usage,
)
from core.texts.errors import exchange_error_message
from core.thresholds import (
    DEFAULT_PRECISION,
    AlertSpec,
    AlertUsageError,
    initial_triggered,
    observed_value,
    parse_alert_args,
)
from handlers.commands import chat_view
from handlers.context import BotContext
from handlers.replies import reply_html
from services.portfolio import Fetch
from store.database import StoreError

URGENT_WORDS = ("urgent", "acil")
log = logging.getLogger(__name__)


async def set_alert(update: Update, context: BotContext) -> None:
    """Create an alert: /alert <ASSET|total> <above|below> <amount> [urgent]."""
    services, chat = context.services, update.effective_chat
    assert chat is not None
    view = await chat_view(update, services)
    args = list(context.args or [])
    urgent = len(args) == 4 and args[3].lower() in URGENT_WORDS
    if urgent:
        args = args[:3]
    if len(args) != 3:
        await reply_html(update, alert_usage(None, args, view))
        return
    try:
        fetch, _ = await services.portfolio.fetch_or_last()
    except BtcTurkError as never_read:
        await reply_html(update, exchange_error_message(never_read, view))
        return
    try:
        spec = parse_alert_args(args, fetch.portfolio.known_assets)
    except AlertUsageError as error:
        await reply_html(update, alert_usage(error, args, view))
        return
    value, precision = _current(spec, fetch)
    try:
        rule = await services.store.add_alert(
            chat.id, spec, triggered=initial_triggered(spec, value), urgent=urgent
        )
    except StoreError as error:
        log.error("could not save an alert of chat %d: %s", chat.id, error)
        await reply_html(update, view.t("alert.not_saved"))
        return
    quote = services.settings.quote_currency
    await reply_html(
        update, alert_created(rule.id, spec, value, precision, quote, view, urgent=urgent)
    )


async def list_alerts(update: Update, context: BotContext) -> None:
    """List this chat's alerts with their IDs and the watched values now."""
    services, chat = context.services, update.effective_chat
    assert chat is not None
    view = await chat_view(update, services)
    rules = await services.store.alerts_for_chat(chat.id)
    fetch = None
    if rules:
        with contextlib.suppress(BtcTurkError):  # never read: the values are unknown
            fetch, _ = await services.portfolio.fetch_or_last()
    quote = services.settings.quote_currency
    rows = []
    for rule in rules:
        spec = AlertSpec(rule.target, rule.direction, rule.amount)
        value, precision = _current(spec, fetch) if fetch else (None, DEFAULT_PRECISION)
        now = current_text(spec, value, precision, quote, view)
        rows.append((rule.id, spec, now, rule.urgent))
    await reply_html(update, alerts_list(rows, quote, view))


async def remove_alert(update: Update, context: BotContext) -> None:
    """Delete one of this chat's alerts: /unalert <id>."""
    services, chat = context.services, update.effective_chat
    assert chat is not None
    view = await chat_view(update, services)
    args = context.args or []
    if len(args) != 1 or not re.fullmatch(r"#?\d{1,9}", args[0]):
        await reply_html(update, unalert_usage(view))
        return
    alert_id = int(args[0].lstrip("#"))
    removed = await services.store.remove_alert(chat.id, alert_id)
    text = alert_removed(alert_id, view) if removed else alert_not_found(alert_id, view)
    await reply_html(update, text)


def _current(spec: AlertSpec, fetch: Fetch) -> tuple[Decimal | None, int]:
    """Return the value the alert watches now and the precision to show it with."""
    precision = fetch.portfolio.precision(spec.target)
    value = observed_value(spec.target, fetch.portfolio)
    return value, DEFAULT_PRECISION if precision is None else precision
