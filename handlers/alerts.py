"""/alert, /alerts and /unalert: threshold alerts of the chat that sets them."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from telegram import Update

from btcturk.errors import BtcTurkError
from core.alert_parse import parse_alert, suggest
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
    Kind,
    initial_triggered,
    observe,
)
from core.valuation import Portfolio
from handlers.commands import chat_view
from handlers.context import BotContext
from handlers.replies import reply_html
from services.context import Services
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
    spec = request.spec
    [(value, precision)] = await _current(services, [spec], fetch.portfolio)
    try:
        rule = await services.store.add_alert(
            chat.id, spec, triggered=initial_triggered(spec, value), urgent=request.urgent
        )
    except StoreError as error:
        log.error("could not save an alert of chat %d: %s", chat.id, error)
        await reply_html(update, view.t("alert.not_saved"))
        return
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
    specs = [rule.spec for rule in rules]
    currents: list[tuple[Decimal | None, int]]
    if portfolio is None:
        currents = [(None, DEFAULT_PRECISION)] * len(specs)
    else:
        currents = await _current(services, specs, portfolio)
    rows = []
    for rule, spec, (value, precision) in zip(rules, specs, currents, strict=True):
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


async def _current(
    services: Services, specs: Sequence[AlertSpec], portfolio: Portfolio
) -> list[tuple[Decimal | None, int]]:
    """Return what each alert watches now and the precision to show it with."""
    moves = {(s.target, s.move_window) for s in specs if s.kind is Kind.MOVE}
    starts: dict[tuple[str, timedelta], tuple[datetime, Decimal] | None] = {}
    if moves:
        with contextlib.suppress(StoreError):  # unreadable: the moves stay unknown
            starts = await services.store.window_starts(moves, portfolio.as_of)
    currents = []
    for spec in specs:
        precision = portfolio.precision(spec.target)
        value, _ = observe(spec, portfolio, starts.get((spec.target, spec.move_window)))
        currents.append((value, DEFAULT_PRECISION if precision is None else precision))
    return currents
