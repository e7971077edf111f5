"""AuthBackoff: a refused key is tried again within seconds, less and less often while the
refusals go on, and never often enough for BTCTurk to block the IP (about 50 refusals).

The day-long simulations move an injected clock a second at a time; every request they send is
refused, so each one counts against the exchange's patience.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from balance_bot.btcturk.auth_backoff import (
    BUDGET,
    FIRST_PAUSE_S,
    LONGEST_PAUSE_S,
    OWNER_GAP_S,
    WINDOW_S,
    AuthBackoff,
    PermissionLatch,
)
from tests.kit.clocks import ManualMonotonic

DAY_S = 86_400
EXCHANGE_BLOCKS_AFTER = 50
INLINE_WAIT_S = 8.0  # what the client waits for a try that is due within seconds


@dataclass
class Day:
    """A day of a refused key: callers ask every second, the exchange refuses every request."""

    backoff: AuthBackoff
    clock: ManualMonotonic
    sent: list[float] = field(default_factory=list)
    _due: float | None = None  # a reserved try, sent when the clock reaches it

    def run(self, *, poll_every_s: int, owner_every_s: int | None = None) -> list[float]:
        start = self.clock.now
        for second in range(DAY_S):
            self.clock.now = start + second
            if self._due is not None and self.clock.now >= self._due:
                self._due = None
                self._refused()
            if owner_every_s and second % owner_every_s == 0 and self.backoff.owner_try():
                assert self.backoff.reserve(max_wait_s=0.0) == 0.0
                self._refused()
            if second % poll_every_s == 0:
                wait = self.backoff.reserve(max_wait_s=INLINE_WAIT_S)
                if wait == 0.0:
                    self._refused()
                elif wait is not None:
                    self._due = self.clock.now + wait
        return [at - start for at in self.sent]

    def _refused(self) -> None:
        self.sent.append(self.clock.now)
        self.backoff.refused()


def most_in_any_hour(sent: list[float]) -> int:
    """Return the largest number of requests sent within any window of an hour."""
    return max(sum(1 for later in sent if at <= later < at + WINDOW_S) for at in sent)


def test_one_refusal_is_tried_again_within_seconds() -> None:
    clock = ManualMonotonic()
    backoff = AuthBackoff(clock)
    backoff.refused()
    assert 0 < backoff.wait_s() <= 5.0
    clock.now += backoff.wait_s()
    assert backoff.reserve(max_wait_s=0.0) == 0.0


def test_the_pause_doubles_while_refusals_go_on_up_to_an_hour() -> None:
    clock = ManualMonotonic()
    backoff = AuthBackoff(clock)
    pauses = []
    for _ in range(14):
        backoff.refused()
        pauses.append(backoff.wait_s())
        clock.now += backoff.wait_s()
    assert pauses[:4] == [FIRST_PAUSE_S, 2 * FIRST_PAUSE_S, 4 * FIRST_PAUSE_S, 8 * FIRST_PAUSE_S]
    assert pauses[-3:] == [LONGEST_PAUSE_S] * 3


def test_a_key_that_works_again_forgets_the_refusals_and_says_it_came_back() -> None:
    clock = ManualMonotonic()
    backoff = AuthBackoff(clock)
    assert backoff.accepted() is False  # nothing was refused: no news
    for _ in range(3):
        backoff.refused()
    assert backoff.accepted() is True
    assert (backoff.paused, backoff.wait_s()) == (False, 0.0)
    backoff.refused()
    assert backoff.wait_s() == FIRST_PAUSE_S  # a new run of refusals starts short again


def test_one_try_at_a_time_while_the_key_is_refused() -> None:
    clock = ManualMonotonic()
    backoff = AuthBackoff(clock)
    backoff.refused()
    assert backoff.reserve(max_wait_s=INLINE_WAIT_S) == FIRST_PAUSE_S
    assert backoff.reserve(max_wait_s=INLINE_WAIT_S) is None  # the first caller holds it
    backoff.release()  # its request ended without an answer about the key
    assert backoff.reserve(max_wait_s=INLINE_WAIT_S) == FIRST_PAUSE_S


def test_a_working_key_does_not_serialize_requests() -> None:
    backoff = AuthBackoff(ManualMonotonic())
    assert [backoff.reserve(max_wait_s=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]


def test_an_owners_command_tries_at_once_but_at_most_once_a_minute() -> None:
    clock = ManualMonotonic()
    backoff = AuthBackoff(clock)
    for _ in range(10):
        backoff.refused()
        clock.now += backoff.wait_s()
    backoff.refused()  # the next try is 40 minutes away
    assert backoff.wait_s() > 30 * 60
    assert backoff.owner_try() is True
    assert backoff.reserve(max_wait_s=0.0) == 0.0
    backoff.refused()
    assert [backoff.owner_try() for _ in range(30)] == [False] * 30  # a flood of /balance
    clock.now += OWNER_GAP_S
    assert backoff.owner_try() is True


def test_a_day_of_refusals_stays_well_under_the_ip_block() -> None:
    clock = ManualMonotonic()
    sent = Day(AuthBackoff(clock), clock).run(poll_every_s=1)
    assert sent[1] - sent[0] <= FIRST_PAUSE_S + 1  # tried again within seconds
    assert sum(1 for at in sent if at < 60) >= 3  # and again, while it may be a blip
    assert most_in_any_hour(sent) <= BUDGET < EXCHANGE_BLOCKS_AFTER // 2
    assert sent[-1] - sent[-2] == LONGEST_PAUSE_S  # an hour apart once refusals go on
    assert len(sent) <= 40  # over the whole day


def test_a_flood_of_owner_commands_all_day_stays_under_the_block() -> None:
    clock = ManualMonotonic()
    sent = Day(AuthBackoff(clock), clock).run(poll_every_s=60, owner_every_s=1)
    assert most_in_any_hour(sent) <= BUDGET < EXCHANGE_BLOCKS_AFTER // 2


def test_other_refusals_count_against_the_same_budget() -> None:
    clock = ManualMonotonic()
    backoff = AuthBackoff(clock)
    for _ in range(BUDGET):
        backoff.note_refusal()  # e.g. the history endpoints, refused for a permission
        clock.now += 1
    assert not backoff.paused
    assert backoff.wait_s() > WINDOW_S - BUDGET - 1  # the oldest must leave the hour first
    assert backoff.reserve(max_wait_s=INLINE_WAIT_S) is None


def test_a_permission_latch_reopens_on_request_the_owner_at_most_once_a_minute() -> None:
    clock = ManualMonotonic()
    latch = PermissionLatch(clock, recheck_s=6 * 3600.0)
    assert (latch.refused, latch.wait_s()) == (False, 0.0)
    latch.close()
    assert latch.refused
    assert latch.wait_s() == 6 * 3600.0
    assert latch.reopen(owner=True) is True
    assert latch.wait_s() == 0.0
    assert latch.refused  # until the exchange answers
    latch.close()
    assert latch.reopen(owner=True) is False  # asked less than a minute ago
    assert latch.reopen() is True  # a success elsewhere: no owner's limit
    latch.close()
    clock.now += OWNER_GAP_S
    assert latch.reopen(owner=True) is True
    latch.answered()
    assert (latch.refused, latch.reopen()) == (False, False)  # nothing to reopen
