"""/alert, /alerts and /unalert: threshold alerts of the chat that sets them."""

from __future__ import annotations

import contextlib
import logging
import re

from telegram import Update

from btcturk.errors import BtcTurkError
from core.alert_parse import parse_alert, suggest
from core.samples import Extremes
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
    AlertUsageError,
    Kind,
    initial_triggered,
    observe,
    watched_value,
)
from handlers.commands import chat_view
from handlers.context import BotContext
from handlers.replies import reply_html
from store.database import StoreError

log = logging.getLogger(__name__)


async def set_alert(update: Update, context: BotContext) -> None:
    """Create an alert: /alert <ASSET|total> [price|value|move] ... [cooldown 6h] [urgent]."""
    services, chat = context.services, update.effective_chat
    assert chat is not None
    view = await chat_view(update, services)
    args = list(context.args or [])
    if len(args) < 3:
        await reply_html(update, alert_usage(None, args, view))
        return
    try:
        fetch, _ = await services.portfolio.fetch_or_last()
    except BtcTurkError as never_read:
        await reply_html(update, exchange_error_message(never_read, view))
        return
    known = fetch.portfolio.known_assets
    try:
        request = parse_alert(args, known)
    except AlertUsageError as error:
        await reply_html(update, alert_usage(error, args, view, suggest(args, known)))
        return
    spec, portfolio = request.spec, fetch.portfolio
    value = watched_value(spec, portfolio)  # a move's: the first value it compares with
    moves = spec.kind is Kind.MOVE
    try:
        rule = await services.store.add_alert(
            chat.id,
            spec,
            triggered=not moves and initial_triggered(spec, value),
            urgent=request.urgent,
            seen=value if moves else None,
        )
    except StoreError as error:
        log.error("could not save an alert of chat %d: %s", chat.id, error)
        await reply_html(update, view.t("alert.not_saved"))
        return
    with contextlib.suppress(StoreError):  # the alert and its first value are saved already
        await services.moves.alert_set(rule, value)
    precision = portfolio.precision(spec.target)
    precision = DEFAULT_PRECISION if precision is None else precision
    quote = services.settings.quote_currency
    await reply_html(
        update, alert_created(rule.id, spec, value, precision, quote, view, urgent=request.urgent)
    )


async def list_alerts(update: Update, context: BotContext) -> None:
    """List this chat's alerts with their IDs, kinds and the watched values now."""
    services, chat = context.services, update.effective_chat
    assert chat is not None
    view = await chat_view(update, services)
    rules = await services.store.alerts_for_chat(chat.id)
    portfolio = None
    if rules:
        with contextlib.suppress(BtcTurkError):  # never read: the values are unknown
            portfolio = (await services.portfolio.fetch_or_last())[0].portfolio
    quote = services.settings.quote_currency
    seen: dict[int, Extremes | None] = {}
    if portfolio is not None and any(rule.kind is Kind.MOVE for rule in rules):
        with contextlib.suppress(StoreError):  # unreadable: the moves stay unknown
            seen = await services.moves.known(rules, services.clock())
    rows = []
    for rule in rules:
        value, move, precision = None, None, DEFAULT_PRECISION
        if portfolio is not None:
            value, move = observe(rule.spec, portfolio, seen.get(rule.id))
            known = portfolio.precision(rule.target)
            precision = DEFAULT_PRECISION if known is None else known
        now = current_text(rule.spec, value, precision, quote, view, move)
        rows.append((rule.id, rule.spec, now, rule.urgent))
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
