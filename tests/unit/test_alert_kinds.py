"""Tests for core.thresholds and core.samples: what each alert kind watches, moves from the
lowest or highest value seen, the values kept of each span, cooldowns and re-arming."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from balance_bot.core.alert_parse import MAX_WINDOW
from balance_bot.core.samples import SAMPLE_EVERY, SAMPLE_RETENTION, Extremes, Seen, SeenValues
from balance_bot.core.thresholds import (
    TOTAL,
    AlertSpec,
    Direction,
    Kind,
    Move,
    biggest_move,
    decide,
    observe,
    watched_value,
)
from balance_bot.core.valuation import Portfolio, value_portfolio
from tests.kit.account import balance, ticker

D = Decimal
T0 = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
H = timedelta(hours=1)
ABOVE, BELOW = Direction.ABOVE, Direction.BELOW


def account(btc: str = "9", btc_try: str = "3500000", glmr_usdt: str = "0.08") -> Portfolio:
    """Return BTC, TRY and GLMR (priced only through USDT), with ETH listed but not held."""
    balances = [
        balance("BTC", btc),
        balance("TRY", "1000", precision=2),
        balance("GLMR", "250", precision=2),
        balance("ETH", "0"),
    ]
    tickers = [
        ticker("BTC", "TRY", btc_try),
        ticker("USDT", "TRY", "40"),
        ticker("GLMR", "USDT", glmr_usdt),
    ]
    return value_portfolio(balances, tickers, "TRY", T0)


def spec(target: str, kind: Kind, amount: str, direction: Direction = ABOVE) -> AlertSpec:
    return AlertSpec(target, direction, D(amount), kind)


# What each kind watches


def test_price_value_amount_and_total_are_watched() -> None:
    portfolio = account()
    assert watched_value(spec("BTC", Kind.PRICE, "1"), portfolio) == D(3500000)
    assert watched_value(spec("BTC", Kind.VALUE, "1"), portfolio) == D(31500000)
    assert watched_value(spec("BTC", Kind.AMOUNT, "1"), portfolio) == D(9)
    total = D(31500000) + D(1000) + D(250) * D("0.08") * D(40)
    assert watched_value(spec(TOTAL, Kind.VALUE, "1"), portfolio) == total
    assert watched_value(spec(TOTAL, Kind.MOVE, "1"), portfolio) == total


def test_a_price_without_a_try_pair_goes_through_usdt() -> None:
    portfolio = account(glmr_usdt="0.1")
    assert watched_value(spec("GLMR", Kind.PRICE, "1"), portfolio) == D("4.0")
    assert watched_value(spec("GLMR", Kind.VALUE, "1"), portfolio) == D("1000.0")


def test_a_listed_asset_not_held_is_worth_nothing_and_an_unlisted_one_unknown() -> None:
    portfolio = account()
    assert watched_value(spec("ETH", Kind.VALUE, "1"), portfolio) == 0
    assert watched_value(spec("ETH", Kind.PRICE, "1"), portfolio) is None  # no ETH price given
    assert watched_value(spec("DOGE", Kind.VALUE, "1"), portfolio) is None


def test_without_prices_only_amounts_are_known() -> None:
    portfolio = value_portfolio([balance("BTC", "9")], None, "TRY", T0)
    assert watched_value(spec("BTC", Kind.AMOUNT, "1"), portfolio) == D(9)
    assert watched_value(spec("BTC", Kind.PRICE, "1"), portfolio) is None
    assert watched_value(spec("BTC", Kind.VALUE, "1"), portfolio) is None
    assert watched_value(spec(TOTAL, Kind.VALUE, "1"), portfolio) is None


# Crossing, cooldown and re-arming


def run(alert: AlertSpec, values: Sequence[str | None], step: timedelta) -> list[bool]:
    """Observe `values` one `step` apart from T0; return which observations fired."""
    triggered, last_fired, fired = False, None, []
    for index, text in enumerate(values):
        now = T0 + index * step
        value = None if text is None else D(text)
        fire, triggered = decide(alert, triggered, value, last_fired_at=last_fired, now=now)
        if fire:
            last_fired = now
        fired.append(fire)
    return fired


def test_a_price_alert_fires_on_each_crossing_spaced_beyond_the_cooldown() -> None:
    alert = spec("BTC", Kind.PRICE, "4000000")
    values = ["3900000", "4100000", "4200000", "3900000", "4100000"]
    assert run(alert, values, step=2 * H) == [False, True, False, False, True]


def test_the_cooldown_holds_back_a_bounce_and_the_crossing_counts_as_told() -> None:
    alert = spec("BTC", Kind.VALUE, "30000000", BELOW)
    # 10-minute polls: falls below, bounces above, falls again within the hour, then stays.
    values = ["31000000", "29000000", "30500000", "29500000", "29000000"] + ["29000000"] * 8
    fired = run(alert, values, step=timedelta(minutes=10))
    assert fired.count(True) == 1 and fired[1]


def test_after_the_cooldown_a_new_crossing_fires_again() -> None:
    alert = AlertSpec("BTC", BELOW, D(5), cooldown=timedelta(minutes=30))
    values = ["6", "4", "6", "4", "6", "4"]
    assert run(alert, values, step=timedelta(minutes=10)) == [
        False, True, False, False, False, True,
    ]  # fmt: skip


def test_a_zero_cooldown_fires_on_every_crossing() -> None:
    alert = AlertSpec("BTC", BELOW, D(5), cooldown=timedelta(0))
    assert run(alert, ["4", "6", "4"], step=timedelta(seconds=1)) == [True, False, True]


def test_an_unknown_value_keeps_the_state() -> None:
    alert = spec("BTC", Kind.PRICE, "4000000")
    assert run(alert, ["4100000", None, "4200000", None], step=2 * H) == [True, False, False, False]
    assert decide(alert, True, None, last_fired_at=None, now=T0) == (False, True)
    assert decide(alert, False, None, last_fired_at=None, now=T0) == (False, False)


# Moves from the lowest or highest value seen


def seen(minutes: float, value: str) -> Seen:
    """Return a value seen `minutes` after T0."""
    return Seen(T0 + timedelta(minutes=minutes), D(value))


def test_a_rise_is_measured_from_the_lowest_value_seen() -> None:
    alert = AlertSpec("BTC", ABOVE, D(10), Kind.MOVE, 24 * H)
    portfolio = account(btc_try="3850000")  # 9 BTC: 34,650,000
    low, high = seen(0, "31500000"), seen(5, "34000000")
    value, move = observe(alert, portfolio, Extremes(low, high))
    assert move == Move(start=D(31500000), end=D(34650000), started_at=low.at)
    assert value == D(10) and move.rose
    assert decide(alert, False, value, last_fired_at=None, now=T0) == (True, True)


def test_a_fall_is_measured_from_the_highest_value_seen() -> None:
    alert = AlertSpec(TOTAL, ABOVE, D(5), Kind.MOVE)
    portfolio = account(btc_try="3000000")
    high = Seen(T0, portfolio.total * 2)
    value, move = observe(alert, portfolio, Extremes(Seen(T0, portfolio.total), high))
    assert move is not None and not move.rose
    assert (value, move.started_at) == (D(-50), T0)
    assert decide(alert, False, value, last_fired_at=None, now=T0) == (True, True)


def test_the_bigger_of_the_two_moves_is_told() -> None:
    extremes = Extremes(seen(0, "90"), seen(10, "120"))
    assert biggest_move(extremes, D(100)) == Move(D(120), D(100), extremes.high.at)  # -16.7%
    assert biggest_move(extremes, D(110)) == Move(D(90), D(110), extremes.low.at)  # +22.2%


@pytest.mark.parametrize(
    "extremes", [None, Extremes(seen(0, "0"), seen(0, "0")), Extremes(seen(0, "-5"), seen(1, "0"))]
)
def test_a_move_from_nothing_is_unknown(extremes: Extremes | None) -> None:
    alert = AlertSpec("BTC", ABOVE, D(10), Kind.MOVE)
    assert observe(alert, account(), extremes) == (None, None)


def test_a_move_re_arms_once_it_is_back_under_the_percentage() -> None:
    alert = AlertSpec("BTC", ABOVE, D(10), Kind.MOVE, cooldown=timedelta(0))
    moves = ["2", "-11", "-12", "-9.99", "10", "3"]
    assert run(alert, moves, step=H) == [False, True, False, False, True, False]


# The values kept of each span


def test_a_span_keeps_its_lowest_and_highest_value_with_their_times() -> None:
    values = SeenValues()
    for minutes, value in ((0, "100"), (1, "90"), (2, "130"), (3, "110")):
        assert values.see(TOTAL, seen(minutes, value)) == []
    kept = values.see(TOTAL, seen(5, "105"))  # the next span: the first one closes
    assert kept == [seen(1, "90"), seen(2, "130")]
    assert values.since(TOTAL, T0) == Extremes(seen(1, "90"), seen(2, "130"))


def test_only_values_seen_since_the_start_count() -> None:
    values = SeenValues()
    values.load(TOTAL, [seen(0, "50"), seen(30, "100"), seen(60, "150")])
    values.see(TOTAL, seen(90, "120"))
    assert values.since(TOTAL, T0 + timedelta(minutes=30)) == Extremes(
        seen(30, "100"), seen(60, "150")
    )
    assert values.since(TOTAL, T0 + timedelta(minutes=61)) == Extremes(
        seen(90, "120"), seen(90, "120")
    )
    assert values.since("BTC", T0) is None


def test_of_equal_values_the_first_seen_is_the_reference() -> None:
    values = SeenValues()
    values.load(TOTAL, [seen(0, "100"), seen(10, "100")])
    assert values.since(TOTAL, T0) == Extremes(seen(0, "100"), seen(0, "100"))


def test_the_value_an_alert_is_set_at_is_kept_on_its_own_and_starts_a_span() -> None:
    values = SeenValues()
    values.see(TOTAL, seen(0, "100"))
    values.see(TOTAL, seen(1, "80"))
    kept = values.mark(TOTAL, seen(2, "95"))  # not an extreme of its span, kept all the same
    assert kept == [seen(0, "100"), seen(1, "80"), seen(2, "95")]
    values.see(TOTAL, seen(3, "96"))
    assert values.since(TOTAL, T0 + timedelta(minutes=2)) == Extremes(seen(2, "95"), seen(3, "96"))


def test_a_clock_stepped_back_closes_the_span() -> None:
    values = SeenValues()
    values.see(TOTAL, seen(60, "100"))
    assert values.see(TOTAL, seen(1, "101")) == [seen(60, "100")]


def test_what_no_alert_watches_and_what_is_too_old_is_forgotten() -> None:
    values = SeenValues()
    values.load(TOTAL, [seen(0, "1"), seen(10, "2")])
    values.load("BTC", [seen(0, "3")])
    assert values.keep_only([TOTAL], T0 + timedelta(minutes=5))
    assert values.since(TOTAL, T0) == Extremes(seen(10, "2"), seen(10, "2"))
    assert values.since("BTC", T0) is None
    assert not values.keep_only([TOTAL], T0 + timedelta(minutes=5))


def test_a_clean_stop_keeps_the_open_spans() -> None:
    values = SeenValues()
    values.see(TOTAL, seen(0, "100"))
    values.see(TOTAL, seen(1, "90"))
    assert values.flush() == {TOTAL: [seen(0, "100"), seen(1, "90")]}
    assert values.flush() == {}


def test_the_values_are_kept_as_long_as_the_longest_window_and_a_span() -> None:
    assert SAMPLE_RETENTION >= MAX_WINDOW + SAMPLE_EVERY
