"""The chart server's request pace: 120 a minute and 600 in ten minutes for the whole host."""

from __future__ import annotations

import pytest

from balance_bot.btcturk.graph import GRAPH_QUOTAS, GraphPacer
from balance_bot.btcturk.rate import Quota
from tests.kit.clocks import ManualMonotonic, RecordedSleep


def sent_within(times: list[float], period_s: float) -> int:
    """Return the most requests sent in any span of `period_s` (arrivals up to 1 s late)."""
    return max(sum(1 for t in times if start <= t < start + period_s - 1) for start in times)


async def paced(
    pacer: GraphPacer, clock: ManualMonotonic, sleep: RecordedSleep, n: int, every_s: float
) -> list[float]:
    """Send `n` requests, one every `every_s` unless held; return when each went out."""
    sent = []
    for _ in range(n):
        await pacer.acquire()
        if sleep.delays:
            clock.now += sleep.delays.pop()  # the pause the pacer asked for
        sent.append(clock.now)
        clock.now += every_s
    return sent


async def test_a_burst_keeps_to_120_a_minute() -> None:
    clock, sleep = ManualMonotonic(), RecordedSleep()
    pacer = GraphPacer(monotonic=clock, sleep=sleep)
    sent = await paced(pacer, clock, sleep, 250, every_s=0.01)
    assert sent[119] - sent[0] < 2  # the first 120 go at once
    assert sent[120] - sent[0] >= 60  # the 121st waits for the minute
    assert sent_within(sent, 60) <= 120


async def test_an_hour_of_requests_keeps_to_600_in_ten_minutes() -> None:
    clock, sleep = ManualMonotonic(), RecordedSleep()
    pacer = GraphPacer(monotonic=clock, sleep=sleep)
    sent = await paced(pacer, clock, sleep, 1300, every_s=0.6)  # 100 a minute asked
    assert sent_within(sent, 60) <= 120
    assert sent_within(sent, 600) <= 600
    assert sent[600] - sent[0] >= 600  # the 601st waited for the ten minutes


def test_the_quotas_are_the_chart_servers() -> None:
    assert (Quota(120, 60.0), Quota(600, 600.0)) == GRAPH_QUOTAS
    with pytest.raises(ValueError, match="quota"):
        GraphPacer((Quota(0, 60.0),))
