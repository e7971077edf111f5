"""Command handlers: parse the arguments, ask the services, reply. Nothing else."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from btcturk.errors import BtcTurkError
from core.commands import BALANCE, parse_balance_args
from core.i18n import View
from core.refresh_button import REFRESH_PREFIX as REFRESH_PREFIX
from core.refresh_button import button_data
from core.texts.balance import balance_reply
from core.texts.errors import exchange_error_message, stale_notice
from core.texts.general import help_message, unknown_command_message, usage_message
from core.texts.pnl import asset_cost_line
from core.texts.status import FeedFacts, StatusFacts, can_check_again, status_message
from handlers.context import BotContext
from handlers.replies import KeyboardFor, reply_html
from services.context import Services

TYPING_AFTER_S = 0.5
CHECK_AGAIN = "recheck"  # the data of /status's Check again button
T = TypeVar("T")
log = logging.getLogger(__name__)


async def chat_view(update: Update, services: Services) -> View:
    """Return how the chat of `update` reads messages."""
    chat = update.effective_chat
    if chat is None:
        return services.views.default_view()
    return await services.views.view(chat.id)


async def start(update: Update, context: BotContext) -> None:
    """Greet the user with what the bot does and how to use it."""
    await help_command(update, context)


async def help_command(update: Update, context: BotContext) -> None:
    """List every command with its syntax."""
    services = context.services
    view = await chat_view(update, services)
    settings = services.settings
    summary_time = f"{settings.daily_summary_time:%H:%M}"
    await reply_html(update, help_message(settings.quote_currency, summary_time, view))


async def balance(update: Update, context: BotContext) -> None:
    """Show the portfolio, or one asset with `/balance BTC`, with a Refresh button."""
    services = context.services
    view = await chat_view(update, services)
    args = context.args or []
    try:
        asset = parse_balance_args(args)
    except ValueError:
        await reply_html(update, usage_message(BALANCE, view))
        return
    answer = await with_typing(update, context, balance_answer(services, asset, view))
    keyboard = refresh_keyboard(asset, view) if answer.refreshable else None
    await reply_html(update, answer.text, keyboard=keyboard)


class BalanceAnswer(NamedTuple):
    """The text of a /balance reply, and whether a Refresh button makes sense under it."""

    text: str
    refreshable: bool


async def balance_answer(
    services: Services, asset: str | None, view: View, *, max_age_s: float | None = None
) -> BalanceAnswer:
    """Return the /balance answer: fresh figures, else the last ones with a notice, else why.

    While BTCTurk refuses the key, the owner's command tries it at once (once a minute).
    """
    services.client.auth_backoff.owner_try()
    try:
        fetch, error = await services.portfolio.fetch_or_last(max_age_s)
    except BtcTurkError as never_read:
        return BalanceAnswer(exchange_error_message(never_read, view), refreshable=True)
    portfolio = fetch.portfolio
    notice = "" if error is None else stale_notice(error, portfolio, view) + "\n\n"
    listed = asset is None or asset in portfolio.known_assets  # no button under "no such asset"
    cost = None
    if asset is not None and services.pnl is not None and portfolio.position(asset) is not None:
        row = await services.pnl.asset_row(portfolio, asset)
        cost = None if row is None else asset_cost_line(row, portfolio.quote, view)
    text = balance_reply(asset, portfolio, view, cost_line=cost)
    return BalanceAnswer(notice + text, refreshable=listed)


def refresh_keyboard(asset: str | None, view: View) -> KeyboardFor:
    """Return the Refresh button of a /balance reply (for one asset or all) and its parts."""

    def keyboard(earlier_parts: list[int]) -> InlineKeyboardMarkup:
        data = button_data(asset, earlier_parts)
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(view.t("balance.refresh"), callback_data=data)]]
        )

    return keyboard


async def unknown(update: Update, context: BotContext) -> None:
    """Point the user to /help when a command or text means nothing to the bot."""
    view = await chat_view(update, context.services)
    await reply_html(update, unknown_command_message(view))


async def summary(update: Update, context: BotContext) -> None:
    """Send the daily summary now."""
    services = context.services
    view = await chat_view(update, services)
    try:
        text = await with_typing(update, context, services.summaries.on_demand(view))
    except BtcTurkError as error:
        text = exchange_error_message(error, view)
    await reply_html(update, text)


async def status(update: Update, context: BotContext) -> None:
    """Report whether BTCTurk answers, how fresh the data is and what is scheduled; with a
    Check again button while BTCTurk refuses the key or a permission."""
    services, chat = context.services, update.effective_chat
    assert chat is not None
    view = await chat_view(update, services)
    text, keyboard = await status_reply(services, chat.id, view)
    await reply_html(update, text, keyboard=keyboard)


async def status_reply(
    services: Services, chat_id: int, view: View
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Return the /status text, and its Check again button when something was refused."""
    portfolio, store = services.portfolio, services.store
    error = portfolio.last_error
    all_alerts = await store.count_alerts()
    facts = StatusFacts(
        reachable=error is None and services.monitor.answering,
        last_success_at=portfolio.last_success_at,
        last_latency_s=services.client.last_latency_s,
        last_error=None if error is None else exchange_error_message(error, view, advice=False),
        clock_offset_ms=services.client.clock_offset_ms,
        clock_stepped_s=services.client.clock_stepped_s,
        poll_interval_s=services.settings.poll_interval_s,
        chat_alerts=len(await store.alerts_for_chat(chat_id)),
        all_alerts=all_alerts,
        next_summary_at=services.summaries.next_time(),
        pending_notifications=await store.pending_count(),
        prices_available=portfolio.prices_error is None,
        key_retry_at=key_retry_at(services),
        data_notes=services.client.data_notes.summary(),
        history_refused=services.history.refused,
        feed=feed_facts(services, alerts=all_alerts),
        history=None if services.pnl is None else services.pnl.history_facts(),
    )
    keyboard = None
    if can_check_again(facts) and services.check_again is not None:
        button = InlineKeyboardButton(view.t("status.check_again"), callback_data=CHECK_AGAIN)
        keyboard = InlineKeyboardMarkup([[button]])
    return status_message(facts, view), keyboard


def feed_facts(services: Services, *, alerts: int) -> FeedFacts | None:
    """Return what /status shows of the live feed, None when it is off; with `alerts` set,
    the regular poll goes on (they watch prices, which the feed does not tell of)."""
    if services.feed is None:
        return None
    state = services.feed.state
    now = services.clock()
    midnight = now.astimezone(services.settings.timezone).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return FeedFacts(
        connected_since=_moment(state.connected_since) if services.feed.healthy else None,
        last_event_at=_moment(state.last_event_at),
        reconnects_today=state.reconnects_since(midnight.timestamp()),
        refused=state.refused,
        safety_poll_s=None if alerts else services.settings.feed_poll_interval_s,
        refusal_reason=state.refusal_reason,
        refusal=state.refusal,
        key_refused=services.feed.refused_with_key,
    )


def _moment(unix_s: float | None) -> datetime | None:
    return None if unix_s is None else datetime.fromtimestamp(unix_s, UTC)


def key_retry_at(services: Services) -> datetime | None:
    """Return when the next signed request may go out, if a key refusal paused them."""
    wait_s = services.client.auth_backoff.wait_s()
    return services.clock() + timedelta(seconds=wait_s) if wait_s > 0 else None


async def with_typing(update: Update, context: BotContext, work: Awaitable[T]) -> T:
    """Await `work`; if it takes a moment, show "typing…" in the chat meanwhile."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=TYPING_AFTER_S)
    chat = update.effective_chat
    if not done and chat is not None:
        try:
            await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        except TelegramError as error:  # cosmetic: never costs the answer
            log.debug("chat action failed: %s", error)
    return await task
