"""Properties of alerts: a move never fires on an unchanged value, a move is the biggest from
any value seen, a cooldown bounds the messages, and every suggestion for a refused /alert is
itself a valid alert."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from balance_bot.core.alert_parse import parse_alert, suggest
from balance_bot.core.samples import Seen, SeenValues
from balance_bot.core.thresholds import (
    TOTAL,
    AlertSpec,
    AlertUsageError,
    Direction,
    Kind,
    biggest_move,
    decide,
    observe,
)
from balance_bot.core.typed_numbers import ENGLISH
from balance_bot.core.valuation import value_portfolio
from tests.kit.account import balance, ticker

T0 = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
KNOWN = ("BTC", "TRY", "USDT", "ETH")
PRICES = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10**8), places=4)
PERCENTS = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(1000), places=4)
WINDOWS = st.integers(min_value=1, max_value=168).map(lambda hours: timedelta(hours=hours))
GAPS = st.lists(st.integers(min_value=1, max_value=600), min_size=1, max_size=40)


@given(PRICES, st.sampled_from(["BTC", TOTAL]), PERCENTS, WINDOWS, GAPS)
def test_a_move_never_fires_on_an_unchanged_value(
    price: Decimal, target: str, percent: Decimal, window: timedelta, gaps: list[int]
) -> None:
    """Whatever the polls' spacing, the window and the percentage: nothing moved, no alert."""
    portfolio = value_portfolio(
        [balance("BTC", "2.5"), balance("TRY", "100", precision=2)],
        [ticker("BTC", "TRY", str(price))],
        "TRY",
        T0,
    )
    alert = AlertSpec(target, Direction.ABOVE, percent, Kind.MOVE, window, timedelta(0))
    btc = portfolio.position("BTC")
    value_now = portfolio.total if target == TOTAL else btc.value if btc else None
    assert value_now is not None
    values, taken = SeenValues(), T0 - window
    for gap in gaps:
        taken += timedelta(minutes=gap)
        values.see(target, Seen(taken, value_now))
    values.see(target, Seen(max(taken, T0), value_now))
    value, _ = observe(alert, portfolio, values.since(target, T0 - window))
    assert value is None or value == 0
    assert decide(alert, False, value, last_fired_at=None, now=T0) == (False, False)


@given(
    st.lists(st.tuples(st.integers(min_value=0, max_value=600), PRICES), min_size=1, max_size=60)
)
def test_a_move_is_the_biggest_from_any_value_seen(polls: list[tuple[int, Decimal]]) -> None:
    """Keeping only each span's lowest and highest loses no value a move is measured from."""
    values, taken, seen = SeenValues(), T0, []
    for gap, value in polls:
        taken += timedelta(seconds=gap)
        values.see(TOTAL, Seen(taken, value))
        seen.append(value)
    now = seen[-1]
    extremes = values.since(TOTAL, T0)
    assert extremes is not None
    move = biggest_move(extremes, now)
    assert move is not None and move.start in seen
    assert abs(move.percent) == max(abs((now - value) / value * 100) for value in seen)


@given(
    st.lists(st.one_of(st.none(), st.decimals(min_value=0, max_value=10, places=1)), max_size=60),
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=0, max_value=120),
)
def test_a_cooldown_spaces_the_messages(
    values: list[Decimal | None], step_minutes: int, cooldown_minutes: int
) -> None:
    """Two messages of one alert are never closer than its cooldown."""
    cooldown = timedelta(minutes=cooldown_minutes)
    alert = AlertSpec("BTC", Direction.BELOW, Decimal(5), cooldown=cooldown)
    triggered, last, fired_at = False, None, []
    for index, value in enumerate(values):
        now = T0 + index * timedelta(minutes=step_minutes)
        fire, triggered = decide(alert, triggered, value, last_fired_at=last, now=now)
        if fire:
            fired_at.append(now)
            last = now
    assert all(b - a >= cooldown for a, b in itertools.pairwise(fired_at))


WORDS = st.sampled_from(
    ["BTC", "btc", "BTX", "total", "totl", "price", "prise", "value", "move", "mvoe", "amount",
     "above", "abov", "below", "belwo", "5", "5%", "%5", "10", "0", "-1", "24", "24h", "7d",
     "cooldown", "coldown", "6h", "urgent", "urgnet", "nan", "1e99"]
)  # fmt: skip


@given(st.lists(WORDS, max_size=7))
def test_every_suggestion_is_a_valid_alert(args: list[str]) -> None:
    try:
        parse_alert(args, KNOWN, marks=ENGLISH)
    except AlertUsageError:
        suggestion = suggest(args, KNOWN, marks=ENGLISH)
        if suggestion is not None:
            parse_alert(suggestion, KNOWN, marks=ENGLISH)  # raises if the suggestion were not valid
            assert len(suggestion) <= len(args) + 1
    else:
        assert suggest(args, KNOWN, marks=ENGLISH) is None
