"""The answers a command and its button share: /balance and Refresh, /status and Check again.

`balance_answer` and `status_reply` build the text (and the button under it) from the
services; the command replies with it, the button rewrites its message with it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.core.i18n import View
from balance_bot.core.refresh_button import button_data
from balance_bot.core.texts.balance import balance_reply
from balance_bot.core.texts.errors import exchange_error_message, stale_notice
from balance_bot.core.texts.pnl import asset_cost_line
from balance_bot.core.texts.status import FeedFacts, StatusFacts, can_check_again, status_message
from balance_bot.handlers.replies import KeyboardFor
from balance_bot.services.context import Services

CHECK_AGAIN = "recheck"  # the data of /status's Check again button


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
    account = services.account
    account.client.auth_backoff.owner_try()
    try:
        latest = await account.portfolio.fetch_or_last(max_age_s)
    except BtcTurkError as never_read:
        return BalanceAnswer(exchange_error_message(never_read, view), refreshable=True)
    portfolio = latest.portfolio
    notice = "" if latest.error is None else stale_notice(latest.error, portfolio, view) + "\n\n"
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


async def status_reply(
    services: Services, chat_id: int, view: View
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Return the /status text, and its Check again button when something was refused."""
    account, store, orders = services.account, services.store, services.orders
    portfolio, client = account.portfolio, account.client
    error = portfolio.last_error
    all_alerts = await store.count_alerts()
    facts = StatusFacts(
        reachable=error is None and services.monitor.answering,
        last_success_at=portfolio.last_success_at,
        last_latency_s=client.last_latency_s,
        last_error=None if error is None else exchange_error_message(error, view, advice=False),
        clock_offset_ms=client.clock_offset_ms,
        clock_stepped_s=client.clock_stepped_s,
        poll_interval_s=services.settings.poll_interval_s,
        chat_alerts=len(await store.alerts_for_chat(chat_id)),
        all_alerts=all_alerts,
        next_summary_at=services.summaries.next_time(),
        pending_notifications=await store.pending_count(),
        prices_available=portfolio.prices_error is None,
        key_retry_at=key_retry_at(services),
        data_notes=client.data_notes.summary(),
        history_refused=account.history.refused,
        feed=feed_facts(services, alerts=all_alerts),
        history=None if services.pnl is None else services.pnl.history_facts(),
        **await guard_facts(services, view),
        orders_missing_since=None if orders is None else orders.book.missing_since,
        orders_relogin_at=None if orders is None else orders.book.relogin_after,
    )
    keyboard = None
    if can_check_again(facts) and services.check_again is not None:
        button = InlineKeyboardButton(view.t("status.check_again"), callback_data=CHECK_AGAIN)
        keyboard = InlineKeyboardMarkup([[button]])
    return status_message(facts, view), keyboard


async def guard_facts(services: Services, view: View) -> dict[str, Any]:
    """Return /status's facts of BTCTurk's own status and of the key: what is closed for the
    owner's coins, what the key lacks or should not have, the chats Telegram does not reach."""
    lacks = []
    if services.account.history.refused:
        lacks.append("account")
    feed = services.account.feed
    if feed is not None and not feed.refused_with_key:
        state = feed.state
        if state.refused and state.refusal_reason == "permission":
            lacks.append("websocket")
    watch, check = services.exchange, services.key_check
    return {
        "exchange_lines": () if watch is None else tuple(await watch.status_lines(view)),
        "exchange_unread_since": None if watch is None else watch.unread_since,
        "key_lacks": tuple(lacks),
        "key_can_trade": check is not None and check.can_trade is True,
        "unreachable_chats": () if check is None else tuple(p.chat_id for p in check.unreachable),
    }


def feed_facts(services: Services, *, alerts: int) -> FeedFacts | None:
    """Return what /status shows of the live feed, None when it is off; with `alerts` set,
    the regular poll goes on (they watch prices, which the feed does not tell of)."""
    feed = services.account.feed
    if feed is None:
        return None
    state = feed.state
    now = services.clock()
    midnight = now.astimezone(services.settings.timezone).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return FeedFacts(
        connected_since=_moment(state.connected_since) if feed.healthy else None,
        last_event_at=_moment(state.last_event_at),
        reconnects_today=state.reconnects_since(midnight.timestamp()),
        refused=state.refused,
        safety_poll_s=None if alerts else services.settings.feed_poll_interval_s,
        refusal_reason=state.refusal_reason,
        refusal=state.refusal,
        key_refused=feed.refused_with_key,
    )


def _moment(unix_s: float | None) -> datetime | None:
    return None if unix_s is None else datetime.fromtimestamp(unix_s, UTC)


def key_retry_at(services: Services) -> datetime | None:
    """Return when the next signed request may go out, if a key refusal paused them."""
    wait_s = services.account.client.auth_backoff.wait_s()
    return services.clock() + timedelta(seconds=wait_s) if wait_s > 0 else None
