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
    attempts: int = 2,
) -> LoginAnswer:
    """Connect to the feed, log in once, and say how it went, within about `timeout_s`.

    A connection that fails is tried again up to `attempts` in all (a login refused for its
    timestamp is tried again so), then the probe gives up: nothing is left retrying.
    """
    accepted = asyncio.Event()
    gave_up = asyncio.Event()
    tried = 1

    async def before_next(delay_s: float) -> None:
        nonlocal tried
        if tried >= attempts:
            gave_up.set()
            await asyncio.Future()  # until the probe is cancelled
        tried += 1
        await asyncio.sleep(delay_s)

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
        sleep=before_next,
        refusal_recheck_s=None,  # a refusal ends the run: the probe's answer
        connect_timeout_s=timeout_s,
        login_timeout_s=timeout_s,
    )
    running = asyncio.create_task(feed.run(), name="feed:probe")
    answered = asyncio.create_task(accepted.wait(), name="feed:probe-answer")
    given_up = asyncio.create_task(gave_up.wait(), name="feed:probe-gave-up")
    tasks = (running, answered, given_up)
    try:
        await asyncio.wait(set(tasks), timeout=2 * timeout_s, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    state = feed.state
    if accepted.is_set():
        return LoginAnswer(logged_in=True)
    if state.refused:
        return LoginAnswer(logged_in=False, refusal=state.refusal or "")
    return LoginAnswer(logged_in=False, error=state.last_error or "no answer to the login")
