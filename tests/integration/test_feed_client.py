"""PrivateFeed over a real aiohttp session against the fake feed on 127.0.0.1.

Waits are event-driven (the recorder's and the fake's signals); the only real time that passes
is the fake's 20 ms heartbeat and, in the stall test, a 0.3 s silence. Reconnect delays are
recorded, not waited.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from decimal import Decimal
from typing import Any, Literal

import aiohttp
import pytest

from balance_bot.btcturk.feed import FeedState, PrivateFeed
from balance_bot.btcturk.feed_login import login_message, login_signature
from balance_bot.btcturk.feed_messages import (
    BalanceUpdated,
    Connected,
    FeedEvent,
    OrderEvent,
    Reconnected,
    UserTrade,
)
from balance_bot.btcturk.signing import decode_secret
from balance_bot.fakes._server import Signal
from balance_bot.fakes.feed import (
    INVALID_KEY,
    INVALID_SIGNATURE,
    INVALID_TIMESTAMP,
    FakeFeed,
    trade_row,
)
from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET
from tests.kit.clocks import RecordedSleep

TRADE_ROW: dict[str, Any] = {
    "price": "4135000.00",
    "numeratorSymbol": "BTC",
    "denominatorSymbol": "TRY",
    "orderType": "buy",
    "orderId": 19541227653,
    "id": 1633411442,
    "timestamp": 1735866257711,
    "amount": "0.00120000",
    "fee": "-9.9240",
    "tax": "-1.7863",
}
DEADLINE_S = 5.0  # a bound on waits for events, never asserted on


class Recorder:
    """Collect the feed's events; let the test wait for one."""

    def __init__(self, *, fail_on: type | None = None) -> None:
        self.events: list[FeedEvent] = []
        self._signal = Signal()
        self._fail_on = fail_on

    async def __call__(self, event: FeedEvent) -> None:
        self.events.append(event)
        self._signal.notify()
        if self._fail_on is not None and isinstance(event, self._fail_on):
            raise RuntimeError("the handler failed")

    def of(self, kind: type) -> list[FeedEvent]:
        return [event for event in self.events if isinstance(event, kind)]

    async def wait_for(self, kind: type, count: int = 1) -> None:
        if not await self._signal.wait_until(lambda: len(self.of(kind)) >= count, DEADLINE_S):
            raise TimeoutError(f"no {count} x {kind.__name__}; got {self.events}")


class BlockingSleep(RecordedSleep):
    """Record each delay; a delay of `block_from` seconds or more never ends."""

    def __init__(self, block_from: float) -> None:
        super().__init__()
        self.block_from = block_from
        self.blocked = Signal()

    async def __call__(self, delay: float) -> None:
        await super().__call__(delay)
        if delay >= self.block_from:
            self.blocked.notify()
            await asyncio.Event().wait()


@pytest.fixture
async def server() -> AsyncIterator[FakeFeed]:
    async with FakeFeed(heartbeat_s=0.02) as fake:
        yield fake


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
def make_feed(
    session: aiohttp.ClientSession, server: FakeFeed, recorder: Recorder, sleep: RecordedSleep
) -> Callable[..., PrivateFeed]:
    def make(**options: Any) -> PrivateFeed:
        settings: dict[str, Any] = {
            "on_event": recorder,
            "sleep": sleep,
            "random": lambda: 0.5,
            "login_timeout_s": DEADLINE_S,
        }
        settings.update(options)
        return PrivateFeed(session, server.ws_url, DEMO_API_KEY, DEMO_API_SECRET, **settings)

    return make


@contextlib.asynccontextmanager
async def running(feed: PrivateFeed) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(feed.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@contextlib.contextmanager
def no_secrets_in(caplog: pytest.LogCaptureFixture, state: FeedState) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    yield
    signature = login_signature(DEMO_API_KEY, decode_secret(DEMO_API_SECRET))
    shown = caplog.text + repr(state)
    for secret in (DEMO_API_KEY, DEMO_API_SECRET, signature):
        assert secret not in shown


async def test_login_then_events_arrive(
    make_feed: Callable[..., PrivateFeed], server: FakeFeed, recorder: Recorder
) -> None:
    clock = ExchangeClock(server)
    stamp_ms = clock.stamp_ms()
    clock.stamp_ms = lambda: stamp_ms  # type: ignore[method-assign]
    feed = make_feed(clock=clock)
    async with running(feed):
        await recorder.wait_for(Connected)
        await server.wait_until(lambda: server.subscriptions["USDTTRY"] == 1, what="heartbeat")
        assert server.publish_balance_update() == 1
        assert server.publish_trade(TRADE_ROW) == 1
        assert server.publish_order(451, {"id": 7}) == 1
        await recorder.wait_for(OrderEvent)
    assert [type(e) for e in recorder.events] == [Connected, BalanceUpdated, UserTrade, OrderEvent]
    trade = recorder.events[2]
    assert isinstance(trade, UserTrade)
    assert trade.fill is not None
    assert (trade.fill.side, trade.fill.amount) == ("buy", Decimal("0.00120000"))
    assert trade.row["orderId"] == 19541227653
    assert server.last_login is not None
    assert server.last_login["timestamp"] == stamp_ms  # the injected, offset-corrected stamp
    assert (server.attempts, server.logins) == (1, 1)
    state = feed.state
    assert (state.logins, state.reconnects, state.refused) == (1, 0, False)
    assert state.connected_since is not None
    assert state.last_event_at is not None
    assert state.server_version == "5.2.0"
    assert not state.connected  # cancelled


async def test_garbage_and_unknown_frames_are_skipped(
    make_feed: Callable[..., PrivateFeed], server: FakeFeed, recorder: Recorder
) -> None:
    feed = make_feed()
    async with running(feed):
        await recorder.wait_for(Connected)
        server.publish_raw("<html>502 Bad Gateway</html>")
        server.publish_raw('[7777,{"type":7777}]')
        server.publish_raw('{"type":201}')
        server.publish_balance_update()
        await recorder.wait_for(BalanceUpdated)
    assert [type(e) for e in recorder.events] == [Connected, BalanceUpdated]
    assert server.connections == 1  # nothing of it cost the connection


async def test_a_failing_handler_does_not_stop_the_feed(
    make_feed: Callable[..., PrivateFeed], server: FakeFeed
) -> None:
    recorder = Recorder(fail_on=Connected)
    async with running(make_feed(on_event=recorder)):
        await recorder.wait_for(Connected)
        await server.wait_until(lambda: server.logged_in == 1, what="login")
        server.publish_balance_update()
        await recorder.wait_for(BalanceUpdated)
    assert server.connections == 1


async def test_a_refused_login_makes_one_attempt_and_reports_it(
    make_feed: Callable[..., PrivateFeed],
    server: FakeFeed,
    recorder: Recorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.websocket_permission = False
    feed = make_feed(refusal_recheck_s=None)
    with no_secrets_in(caplog, feed.state):
        await asyncio.wait_for(feed.run(), DEADLINE_S)  # returns: no loop of refusals
    assert (server.attempts, server.refusals, server.logins) == (1, 1, 0)
    assert feed.state.refused
    assert feed.state.stopped
    assert feed.state.refusal == INVALID_KEY
    assert feed.state.refusal_reason == "permission"
    assert recorder.events == []
    assert caplog.text.count("login refused") == 1


async def test_a_refused_login_waits_the_long_recheck(
    session: aiohttp.ClientSession, server: FakeFeed, recorder: Recorder
) -> None:
    server.websocket_permission = False
    sleep = BlockingSleep(block_from=600)
    feed = PrivateFeed(
        session, server.ws_url, DEMO_API_KEY, DEMO_API_SECRET, on_event=recorder, sleep=sleep
    )
    async with running(feed):
        assert await sleep.blocked.wait_until(lambda: bool(sleep.delays), DEADLINE_S)
        assert sleep.delays == [3600.0]
        assert server.attempts == 1
        assert feed.state.refused


async def test_after_the_recheck_an_accepted_login_clears_the_refusal(
    make_feed: Callable[..., PrivateFeed],
    server: FakeFeed,
    recorder: Recorder,
    sleep: RecordedSleep,
) -> None:
    server.inject("refuse")
    feed = make_feed(refusal_recheck_s=1800.0)
    async with running(feed):
        await recorder.wait_for(Connected)
    assert sleep.delays == [1800.0]
    assert (server.refusals, server.logins) == (1, 1)
    assert not feed.state.refused
    assert feed.state.refusal is None


class ExchangeClock:
    """The exchange's clock as the feed reads it: an offset, measured from the fake on demand."""

    def __init__(self, server: FakeFeed, *, measured: bool = True, cured: bool = True) -> None:
        self.server = server
        self.clock_measured = measured
        self.cured = cured  # measuring finds the fake's offset (else it keeps being wrong)
        self.offset_ms = 0
        self.syncs = 0

    def stamp_ms(self) -> int:
        return int(time.time() * 1000) + self.offset_ms

    async def sync_clock(self) -> int:
        self.syncs += 1
        if self.cured:
            self.offset_ms = self.server.now_ms() - int(time.time() * 1000)
        self.clock_measured = True
        return self.offset_ms


async def test_an_unknown_clock_offset_is_measured_before_the_first_login(
    make_feed: Callable[..., PrivateFeed], server: FakeFeed, recorder: Recorder
) -> None:
    server.clock_offset_s = 120.0  # the exchange's clock two minutes ahead
    clock = ExchangeClock(server, measured=False)
    async with running(make_feed(clock=clock)):
        await recorder.wait_for(Connected)
    assert (clock.syncs, server.refusals, server.logins) == (1, 0, 1)


async def test_a_login_refused_for_its_timestamp_is_retried_soon_after_measuring_again(
    make_feed: Callable[..., PrivateFeed],
    server: FakeFeed,
    recorder: Recorder,
    sleep: RecordedSleep,
) -> None:
    server.clock_offset_s = 120.0  # the exchange's clock moved since the offset was measured
    clock = ExchangeClock(server)
    feed = make_feed(clock=clock)
    async with running(feed):
        await recorder.wait_for(Connected)
    assert (clock.syncs, server.refusals, server.logins) == (1, 1, 1)
    assert sleep.delays == [0.75]  # the reconnect backoff: seconds, not the hour of a refusal
    assert feed.state.last_error == "login refused: Unauthorized - Invalid Timestamp"
    assert not feed.state.refused


async def test_a_timestamp_refusal_that_measuring_does_not_cure_waits_long(
    session: aiohttp.ClientSession, server: FakeFeed, recorder: Recorder
) -> None:
    server.clock_offset_s = 120.0
    clock = ExchangeClock(server, cured=False)
    sleep = BlockingSleep(block_from=600)
    feed = PrivateFeed(
        session, server.ws_url, DEMO_API_KEY, DEMO_API_SECRET, on_event=recorder, sleep=sleep,
        random=lambda: 0.5, clock=clock,
    )  # fmt: skip
    async with running(feed):
        assert await sleep.blocked.wait_until(lambda: bool(sleep.delays), DEADLINE_S)
        assert sleep.delays[-1] == 3600.0
    assert server.refusals == clock.syncs == 3  # measured again after each; then it waits
    assert feed.state.refused
    assert feed.state.refusal_reason == "timestamp"


async def test_check_again_wakes_a_refused_login(
    session: aiohttp.ClientSession, server: FakeFeed, recorder: Recorder
) -> None:
    server.websocket_permission = False
    sleep = BlockingSleep(block_from=600)
    feed = PrivateFeed(
        session, server.ws_url, DEMO_API_KEY, DEMO_API_SECRET, on_event=recorder, sleep=sleep
    )
    async with running(feed):
        assert await sleep.blocked.wait_until(lambda: bool(sleep.delays), DEADLINE_S)
        server.websocket_permission = True  # the owner granted it while the bot runs
        done = feed.recheck(owner=True)
        assert done is not None
        await asyncio.wait_for(done, DEADLINE_S)
        await recorder.wait_for(Connected)
        assert feed.recheck(owner=True) is None  # nothing refused now: nothing to ask
    assert (server.attempts, server.logins) == (2, 1)
    assert not feed.state.refused


async def test_the_owner_asks_a_refused_login_again_at_most_once_a_minute(
    session: aiohttp.ClientSession, server: FakeFeed, recorder: Recorder
) -> None:
    server.websocket_permission = False
    sleep = BlockingSleep(block_from=600)
    feed = PrivateFeed(
        session, server.ws_url, DEMO_API_KEY, DEMO_API_SECRET, on_event=recorder, sleep=sleep
    )
    async with running(feed):
        assert await sleep.blocked.wait_until(lambda: len(sleep.delays) == 1, DEADLINE_S)
        done = feed.recheck(owner=True)
        assert done is not None
        await asyncio.wait_for(done, DEADLINE_S)
        assert await sleep.blocked.wait_until(lambda: len(sleep.delays) == 2, DEADLINE_S)
        assert [feed.recheck(owner=True) for _ in range(20)] == [None] * 20
        woken = feed.recheck()  # a success elsewhere (the key works again): not the owner's limit
        assert woken is not None
        await asyncio.wait_for(woken, DEADLINE_S)
    assert server.attempts == 3
    assert feed.state.refusal_reason == "permission"


async def test_a_silent_stall_is_detected_and_recovered(
    make_feed: Callable[..., PrivateFeed],
    server: FakeFeed,
    recorder: Recorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.inject("stall")
    feed = make_feed(silence_s=0.3)
    with no_secrets_in(caplog, feed.state):
        async with running(feed):
            await recorder.wait_for(Reconnected)
            server.publish_balance_update()
            await recorder.wait_for(BalanceUpdated)
    assert [type(e) for e in recorder.events] == [Connected, Reconnected, BalanceUpdated]
    assert feed.state.last_error == "silent for 0.3 s"
    assert (server.connections, server.logins, feed.state.reconnects) == (2, 2, 1)


async def test_a_stall_while_open_is_detected(
    make_feed: Callable[..., PrivateFeed], server: FakeFeed, recorder: Recorder
) -> None:
    feed = make_feed(silence_s=0.3)
    async with running(feed):
        await recorder.wait_for(Connected)
        await server.wait_until(lambda: server.subscriptions["USDTTRY"] == 1, what="heartbeat")
        server.stall_now()
        await recorder.wait_for(Reconnected)
    assert feed.state.last_error == "silent for 0.3 s"


@pytest.mark.parametrize("how", ["drop_now", "inject_close"])
async def test_an_abrupt_close_reconnects(
    make_feed: Callable[..., PrivateFeed],
    server: FakeFeed,
    recorder: Recorder,
    sleep: RecordedSleep,
    how: str,
) -> None:
    feed = make_feed()
    if how == "inject_close":
        server.inject("close")
    async with running(feed):
        await recorder.wait_for(Connected)
        if how == "drop_now":
            server.drop_now()
        await recorder.wait_for(Reconnected)
        server.publish_trade(TRADE_ROW)
        await recorder.wait_for(UserTrade)
    assert (server.connections, feed.state.reconnects, len(feed.state.reconnect_times)) == (2, 1, 1)
    assert feed.state.reconnects_since(0.0) == 1
    assert sleep.delays == [0.75]  # one failure: between half and all of the 1 s step
    assert feed.state.last_error is not None
    assert "closed" in feed.state.last_error


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("kick", "before the login was answered"),
        ("mute", "no answer to the login"),
    ],
)
async def test_a_connection_lost_before_the_login_answer_is_retried(
    make_feed: Callable[..., PrivateFeed],
    server: FakeFeed,
    recorder: Recorder,
    sleep: RecordedSleep,
    fault: Literal["kick", "mute"],
    error: str,
) -> None:
    server.inject(fault)
    feed = make_feed(login_timeout_s=0.2)
    async with running(feed):
        await recorder.wait_for(Connected)
    assert feed.state.last_error is not None
    assert error in feed.state.last_error
    assert (server.attempts, server.logins, len(sleep.delays)) == (2, 1, 1)


async def test_503_and_429_handshakes_are_retried_with_backoff(
    make_feed: Callable[..., PrivateFeed],
    server: FakeFeed,
    recorder: Recorder,
    sleep: RecordedSleep,
) -> None:
    server.inject("503", times=2)
    server.inject("429")
    feed = make_feed()
    async with running(feed):
        await recorder.wait_for(Connected)
    assert sleep.delays == [0.75, 1.5, 60.0]  # backoff, then the exchange's 60 s block
    assert (server.attempts, server.connections) == (4, 1)
    assert feed.state.last_error == "handshake refused (HTTP 429)"
    assert [type(e) for e in recorder.events] == [Connected]  # not a reconnect: first login


async def test_an_unreachable_feed_backs_off(
    session: aiohttp.ClientSession, recorder: Recorder
) -> None:
    async with FakeFeed() as gone:
        url = gone.ws_url
    sleep = BlockingSleep(block_from=3.0)
    feed = PrivateFeed(
        session, url, DEMO_API_KEY, DEMO_API_SECRET, on_event=recorder, sleep=sleep,
        random=lambda: 1.0,
    )  # fmt: skip
    async with running(feed):
        assert await sleep.blocked.wait_until(lambda: len(sleep.delays) == 3, DEADLINE_S)
    assert sleep.delays == [1.0, 2.0, 4.0]
    assert feed.state.last_error == "cannot connect (ClientConnectorError)"
    assert recorder.events == []


# The fake itself


async def test_fake_refuses_a_wrong_signature(
    session: aiohttp.ClientSession, server: FakeFeed
) -> None:
    message = login_message(DEMO_API_KEY, b"another secret", 1, 3000)
    async with session.ws_connect(server.ws_url) as ws:
        assert json.loads(await ws.receive_str())[0] == 991
        await ws.send_json(message)
        answer = json.loads(await ws.receive_str())
    assert answer == [114, {"type": 114, "ok": False, "message": INVALID_SIGNATURE}]
    assert (server.refusals, server.logins) == (1, 0)


async def test_fake_refuses_a_timestamp_off_its_clock(
    session: aiohttp.ClientSession, server: FakeFeed
) -> None:
    server.clock_offset_s = 120.0  # the exchange's clock two minutes ahead
    async with session.ws_connect(server.ws_url) as ws:
        await ws.receive_str()
        await ws.send_json(login_message(DEMO_API_KEY, DEMO_API_SECRET, int(time.time() * 1000)))
        answer = json.loads(await ws.receive_str())
    assert answer == [114, {"type": 114, "ok": False, "message": INVALID_TIMESTAMP}]


async def test_fake_accepts_any_correctly_signed_nonce(
    session: aiohttp.ClientSession, server: FakeFeed
) -> None:
    async with session.ws_connect(server.ws_url) as ws:
        await ws.receive_str()
        await ws.send_json(login_message(DEMO_API_KEY, DEMO_API_SECRET, server.now_ms(), nonce=17))
        answer = json.loads(await ws.receive_str())
    assert answer[1]["ok"] is True


async def test_fake_drops_events_while_offline_unless_told_to_hold(
    make_feed: Callable[..., PrivateFeed], server: FakeFeed, recorder: Recorder
) -> None:
    assert server.publish_balance_update() == 0
    assert server.events_dropped == 1
    server.hold_while_offline = True
    server.publish_trade(TRADE_ROW)
    async with running(make_feed()):
        await recorder.wait_for(UserTrade)
    assert [type(e) for e in recorder.events] == [Connected, UserTrade]


async def test_fake_trade_rows_read_as_fills(
    make_feed: Callable[..., PrivateFeed], server: FakeFeed, recorder: Recorder
) -> None:
    row = trade_row(
        ("ETH", "TRY"), "sell", Decimal("0.5"), Decimal("151200"), at_ms=1, trade_id=2, order_id=3
    )
    assert (row["amount"], row["fee"], row["tax"]) == ("-0.5", "-151.2000", "-27.2160")
    async with running(make_feed()):
        await recorder.wait_for(Connected)
        server.publish_trade(row)
        await recorder.wait_for(UserTrade)
    trade = recorder.of(UserTrade)[0]
    assert isinstance(trade, UserTrade)
    assert trade.fill is not None
    assert (trade.fill.side, trade.fill.amount, trade.fill.fee) == (
        "sell",
        Decimal("0.5"),
        Decimal("151.2000"),
    )
