"""The private feed as the bot uses it: an event wakes the poll, and the poll does the rest.

A fill or a balance update on BTCTurk's WebSocket feed starts a poll at once, so change
detection, explanations, thresholds and the outbox work as for any poll: one path for every
alert, whatever woke it. After every login (the first, and each reconnect) the bot polls once,
to cover what happened while the feed was down. While the feed is healthy the scheduled poll
runs only every FEED_POLL_INTERVAL_SECONDS, as a safety net.

Events are hints, not commands. Wake-ups coalesce: one woken poll runs at a time, at most one
waits, two start at least MIN_GAP_S (0.25 s) apart, and a token bucket (WOKEN_BURST, 10,
refilled at one a second) paces a sustained stream: a storm of events costs at most 70 balance
and 70 ticker reads in any minute (BTCTurk allows 120 and 600 per IP; the scheduled poll and
commands, cached 5 s, use the rest), a lone event is polled for at once, and a real change in
a storm waits at most a second. The exchange does not promise that an
event comes after the data it announces: after an event whose poll found no change, the bot
looks again RELOOK_S later (1, 3 and 8 s) before it trusts the safety poll. When those
checks fail (BTCTurk down), it goes on looking at RELOOK_FAILING_S (15, 30, 60 and 120 s
after the event) while they fail; and the safety interval counts only from a check that
worked, so after a failed one the scheduled poll runs at its own interval again.
"""

from __future__ import annotations

import asyncio
import logging
import random as random_module
import time
from collections.abc import Awaitable, Callable

import aiohttp

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.feed import (
    CONNECT_TIMEOUT_S,
    LOGIN_TIMEOUT_S,
    SILENCE_S,
    FeedState,
    PrivateFeed,
)
from balance_bot.btcturk.feed_messages import (
    BalanceUpdated,
    Connected,
    FeedEvent,
    Reconnected,
    UserTrade,
)
from balance_bot.core.notify import NotificationKind
from balance_bot.core.texts.status import feed_refused_notice
from balance_bot.services.chats import ChatViews
from balance_bot.services.monitor import PollOutcome
from balance_bot.services.periodic import stop_tasks
from balance_bot.services.told import ToldOnce
from balance_bot.store.models import NewNotification

log = logging.getLogger(__name__)

Poll = Callable[[], Awaitable[PollOutcome | None]]
Listener = Callable[[FeedEvent], Awaitable[None]]
_WAKING = (Connected, Reconnected, BalanceUpdated, UserTrade)
_HINTS = (BalanceUpdated, UserTrade)  # they say the account changed: look again if unseen
MIN_GAP_S = 0.25  # between the starts of two polls the feed wakes
WOKEN_BURST = 10  # woken polls that may start in a row (each MIN_GAP_S after the last)
WOKEN_PER_S = 1.0  # then one a second: with the burst, at most 70 in any minute
RELOOK_S = (1.0, 3.0, 8.0)  # after an event's poll that found no change, look again then
RELOOK_FAILING_S = (15.0, 30.0, 60.0, 120.0)  # and then, while the checks fail


class FeedWatch:
    """Run the private feed and poll whenever it says something changed."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        client: BtcTurkClient,
        url: str,
        api_key: str,
        api_secret: str,
        *,
        refusal_told: ToldOnce,
        safety_poll_s: float,
        time_source: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        random: Callable[[], float] = random_module.random,
        wake_clock: Callable[[], float] | None = None,
        wake_sleep: Callable[[float], Awaitable[None]] | None = None,
        connect_timeout_s: float = CONNECT_TIMEOUT_S,
        login_timeout_s: float = LOGIN_TIMEOUT_S,
        silence_s: float = SILENCE_S,
    ) -> None:
        """`refusal_told` keeps whether the chats were told of a refused login; `wake_clock`
        and `wake_sleep` pace the woken polls (by default `monotonic`, `sleep`)."""
        self._feed = PrivateFeed(
            session,
            url,
            api_key,
            api_secret,
            on_event=self._on_event,
            clock=client,  # the login is stamped on the exchange's clock, as measured
            time_source=time_source,
            monotonic=monotonic,
            sleep=sleep,
            random=random,
            connect_timeout_s=connect_timeout_s,
            login_timeout_s=login_timeout_s,
            silence_s=silence_s,
        )
        self._silence_s = silence_s
        self._time = time_source
        self._monotonic = monotonic
        self._safety_poll_s = safety_poll_s
        self._wake = asyncio.Event()
        self._wake_clock = wake_clock or monotonic
        self._wake_sleep = wake_sleep or sleep
        self._hinted = False  # an event (not only a login or a re-look) asks for the next poll
        self._relook: asyncio.Task[None] | None = None
        self.woken_polls = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._last_good_poll: float | None = None  # the last poll that read the account
        self._failing = False  # the last poll, whatever started it, failed
        self._refusal_told = refusal_told
        self._client = client
        self._asked_again: asyncio.Future[None] | None = None  # the login after the key's return
        client.on_key_back(self._key_back)  # a key that works again may log in again too
        self._listeners: list[Listener] = []
        self._accounted: Callable[[], bool] = lambda: False  # see `accounted_by`

    @property
    def state(self) -> FeedState:
        """Return what /status shows of the feed."""
        return self._feed.state

    @property
    def healthy(self) -> bool:
        """Tell whether the feed is logged in and heard from within its silence limit."""
        state = self._feed.state
        heard = state.last_message_at
        return state.connected and heard is not None and self._time() - heard < self._silence_s

    @property
    def refused_with_key(self) -> bool:
        """Tell whether the login is refused while BTCTurk refuses the key itself.

        BTCTurk answers a login "Invalid Public key" both for a key without the WebSocket
        permission and for a key it refuses altogether: while the balances' requests are
        refused too, the key is what is refused (and the login is tried again once it works).
        """
        return self._feed.state.refused and self._client.auth_backoff.paused

    def recheck(self, *, owner: bool = False) -> asyncio.Future[None] | None:
        """Try a refused login again now (see `PrivateFeed.recheck`)."""
        return self._feed.recheck(owner=owner)

    def listen(self, listener: Listener) -> None:
        """Hand every event of the feed to `listener` too (the order watch), before it wakes
        the poll."""
        self._listeners.append(listener)

    def accounted_by(self, accounted: Callable[[], bool]) -> None:
        """Ask `accounted` (the order watch) before looking again after an event whose poll
        found nothing: True when order events account for it (an edit moves no balance, the
        second poll of a fill finds what the first told), so no look is owed."""
        self._accounted = accounted

    def relogin(self) -> bool:
        """Close the connection to log in again (see `PrivateFeed.reconnect`)."""
        return self._feed.reconnect()

    def _key_back(self) -> None:
        """The key works again: log in again now; until that login is answered, the refusal
        on record may be the key's and is not told as the feed's own."""
        self._asked_again = self.recheck()

    def start(self, poll: Poll) -> None:
        """Start the feed, and the task that runs `poll` each time the feed wakes it."""
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._feed.run(), name="feed"),
            loop.create_task(self._poll_when_woken(poll), name="feed:poll"),
        ]

    async def stop(self) -> None:
        """Stop the feed and its polls."""
        tasks, self._tasks = self._tasks, []
        if self._relook is not None:
            tasks.append(self._relook)
            self._relook = None
        await stop_tasks(tasks)

    def polled(self, *, succeeded: bool) -> None:
        """Note that a poll ran, whatever started it, and whether it read the account."""
        self._failing = not succeeded
        if succeeded:
            self._last_good_poll = self._monotonic()

    def scheduled_poll_due(self) -> bool:
        """Tell whether the scheduled poll should run: always, unless the feed is healthy and
        a poll read the account within the safety interval, and none failed since."""
        if not self.healthy or self._failing or self._last_good_poll is None:
            return True
        return self._monotonic() - self._last_good_poll >= self._safety_poll_s

    async def refusal_notices(
        self,
        views: ChatViews,
        chats: list[int],
        poll_interval_s: int,
        *,
        read_ok: bool,
    ) -> list[NewNotification]:
        """Return the chats' notice when the feed was refused, once (across restarts too);
        after a login that worked, a later refusal is told again.

        Asked after a poll: only once `read_ok` (the poll read the balances: BTCTurk takes the
        key) is the login's reason its own. While the key itself is refused, the key's notice
        speaks for both, and the feed logs in again once the key works.
        """
        state = self._feed.state
        reason, words = state.refusal_reason, state.refusal  # before an await: the feed goes on
        asking = self._asked_again is not None and not self._asked_again.done()
        own = read_ok and not self.refused_with_key and not asking  # the refusal is the feed's
        cleared = bool(state.logins) and not state.refused
        if not await self._refusal_told.news(state.refused and own, cleared=cleared):
            return []
        return await views.notifications(
            chats,
            NotificationKind.STATUS,
            lambda view: feed_refused_notice(poll_interval_s, reason, view, words),
        )

    async def _on_event(self, event: FeedEvent) -> None:
        for listener in self._listeners:
            try:
                await listener(event)
            except Exception:
                log.exception("a listener of the live feed failed on %s", type(event).__name__)
        if isinstance(event, _WAKING):
            self._hinted = self._hinted or isinstance(event, _HINTS)
            self._wake.set()  # events that come while a poll runs wake one more poll

    async def _poll_when_woken(self, poll: Poll) -> None:
        """Run one poll per wake-up, coalesced: what wakes it while it waits or runs joins the
        next one; two start at least MIN_GAP_S apart, and a token bucket paces a stream."""
        tokens, last = float(WOKEN_BURST), None
        while True:
            await self._wake.wait()
            if last is not None:
                now = self._wake_clock()
                tokens = min(WOKEN_BURST, tokens + (now - last) * WOKEN_PER_S)
                wait_s = max(MIN_GAP_S - (now - last), (1.0 - tokens) / WOKEN_PER_S)
                if wait_s > 0:
                    await self._wake_sleep(wait_s)
                    tokens += wait_s * WOKEN_PER_S
            self._wake.clear()
            hinted, self._hinted = self._hinted, False
            last, tokens = self._wake_clock(), min(float(WOKEN_BURST), tokens) - 1.0
            self.woken_polls += 1
            try:
                outcome = await poll()
            except Exception:
                log.exception("the poll the feed woke failed")
                self.polled(succeeded=False)
                outcome = None
            if outcome is not None and outcome.changed:
                self._cancel_relook()  # the event's data has arrived
            elif hinted and outcome is not None and outcome.succeeded and self._accounted():
                self._cancel_relook()  # order events said what happened: no data is awaited
            elif hinted:
                self._cancel_relook()
                self._relook = asyncio.get_running_loop().create_task(
                    self._look_again(), name="feed:relook"
                )

    async def _look_again(self) -> None:
        """Wake the poll RELOOK_S after an event's poll that found nothing, then
        RELOOK_FAILING_S while the polls fail (each look waits longer)."""
        waited = 0.0
        for at_s in RELOOK_S + RELOOK_FAILING_S:
            if at_s > RELOOK_S[-1] and not self._failing:
                return  # a poll read the account: the event's data was not there, or was told
            await self._wake_sleep(at_s - waited)
            waited = at_s
            if at_s > RELOOK_S[-1] and not self._failing:
                return
            self._wake.set()

    def _cancel_relook(self) -> None:
        if self._relook is not None:
            self._relook.cancel()
            self._relook = None
