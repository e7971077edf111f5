"""One login to BTCTurk's private feed, to tell whether the key may use it (the key check).

The same connection and login as the running feed (`PrivateFeed`): a login refused for its
timestamp is tried again after measuring the clock; any other refusal ends the probe with
BTCTurk's words. Nothing is kept open: the probe closes its connection once it is answered.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

import aiohttp

from balance_bot.btcturk.feed import PrivateFeed
from balance_bot.btcturk.feed_login import ExchangeClock
from balance_bot.btcturk.feed_messages import Connected, FeedEvent


@dataclass(frozen=True, slots=True)
class LoginAnswer:
    """How one login went: accepted, refused (BTCTurk's words), or not answered (why)."""

    logged_in: bool
    refusal: str | None = None
    error: str | None = None


async def try_login(
    session: aiohttp.ClientSession,
    url: str,
    api_key: str,
    api_secret: str,
    *,
    clock: ExchangeClock,
    timeout_s: float,
) -> LoginAnswer:
    """Connect to the feed, log in once, and say how it went, within about `timeout_s`."""
    accepted = asyncio.Event()

    async def on_event(event: FeedEvent) -> None:
        if isinstance(event, Connected):
            accepted.set()

    feed = PrivateFeed(
        session,
        url,
        api_key,
        api_secret,
        on_event=on_event,
        clock=clock,
        refusal_recheck_s=None,  # a refusal ends the run: the probe's answer
        connect_timeout_s=timeout_s,
        login_timeout_s=timeout_s,
    )
    running = asyncio.create_task(feed.run(), name="feed:probe")
    answered = asyncio.create_task(accepted.wait(), name="feed:probe-answer")
    try:
        await asyncio.wait(
            {running, answered}, timeout=2 * timeout_s, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        for task in (running, answered):
            task.cancel()
        for task in (running, answered):
            with contextlib.suppress(asyncio.CancelledError):
                await task
    state = feed.state
    if accepted.is_set():
        return LoginAnswer(logged_in=True)
    if state.refused:
        return LoginAnswer(logged_in=False, refusal=state.refusal or "")
    return LoginAnswer(logged_in=False, error=state.last_error or "no answer to the login")
