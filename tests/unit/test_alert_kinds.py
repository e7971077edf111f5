"""Tests for core.thresholds and core.samples: what each alert kind watches, moves over a
window with gaps in the samples, cooldowns and re-arming."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.samples import SAMPLE_EVERY, sample_due, sample_values, start_of_window
from core.thresholds import (
    TOTAL,
    AlertSpec,
    Direction,
    Kind,
    Move,
    decide,
    observe,
    watched_value,
)
from core.valuation import Portfolio, value_portfolio
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


# Moves over a window


def samples(*pairs: tuple[timedelta, str]) -> list[tuple[datetime, Decimal]]:
    """Return samples taken at T0 + offset."""
    return [(T0 + offset, D(value)) for offset, value in pairs]


def test_a_move_is_measured_from_the_newest_sample_at_or_before_the_window_start() -> None:
    now = T0 + 30 * H
    stored = samples((0 * H, "100"), (5 * H, "110"), (6 * H, "120"), (7 * H, "130"))
    assert start_of_window(stored, now, 24 * H) == (T0 + 6 * H, D(120))


def test_a_sample_exactly_at_the_start_is_used() -> None:
    stored = samples((0 * H, "100"))
    assert start_of_window(stored, T0 + 24 * H, 24 * H) == (T0, D(100))


def test_no_sample_old_enough_means_no_move() -> None:
    stored = samples((1 * H, "100"), (20 * H, "200"))  # the bot is younger than the window
    assert start_of_window(stored, T0 + 24 * H, 24 * H) is None


def test_a_gap_longer_than_two_windows_means_no_move() -> None:
    stored = samples((0 * H, "100"), (49 * H, "150"))  # down from 0 h to 49 h
    assert start_of_window(stored, T0 + 48 * H + timedelta(minutes=1), 24 * H) is None
    assert start_of_window(stored, T0 + 48 * H, 24 * H) == (T0, D(100))


def test_observe_a_move_and_its_direction() -> None:
    alert = AlertSpec("BTC", ABOVE, D(10), Kind.MOVE, 24 * H)
    portfolio = account(btc_try="3850000")  # 9 BTC: 34,650,000
    value, move = observe(alert, portfolio, (T0 - 24 * H, D(31500000)))
    assert move == Move(start=D(31500000), end=D(34650000), started_at=T0 - 24 * H)
    assert value == D(10) and move.rose
    fire, triggered = decide(alert, False, value, last_fired_at=None, now=T0)
    assert (fire, triggered) == (True, True)  # at least the percentage fires


def test_a_fall_is_a_move_too() -> None:
    alert = AlertSpec(TOTAL, ABOVE, D(5), Kind.MOVE)
    portfolio = account(btc_try="3000000")
    value, move = observe(alert, portfolio, (T0 - 24 * H, portfolio.total * 2))
    assert move is not None and not move.rose
    assert value == D(-50)
    assert decide(alert, False, value, last_fired_at=None, now=T0) == (True, True)


@pytest.mark.parametrize("start", [None, (T0, D(0)), (T0, D(-5))])
def test_a_move_from_nothing_is_unknown(start: tuple[datetime, Decimal] | None) -> None:
    alert = AlertSpec("BTC", ABOVE, D(10), Kind.MOVE)
    assert observe(alert, account(), start) == (None, None)


def test_a_move_re_arms_once_it_is_back_under_the_percentage() -> None:
    alert = AlertSpec("BTC", ABOVE, D(10), Kind.MOVE, cooldown=timedelta(0))
    moves = ["2", "-11", "-12", "-9.99", "10", "3"]
    assert run(alert, moves, step=H) == [False, True, False, False, True, False]


# Samples


def test_a_sample_holds_the_total_and_each_priced_holding() -> None:
    portfolio = account()
    values = sample_values(portfolio)
    assert values == {
        "BTC": D(31500000),
        "TRY": D(1000),
        "GLMR": D("800.00"),
        TOTAL: portfolio.total,
    }


def test_a_sample_without_prices_is_empty() -> None:
    assert sample_values(value_portfolio([balance("BTC", "9")], None, "TRY", T0)) == {}


def test_samples_are_taken_at_most_every_five_minutes() -> None:
    assert sample_due(None, T0)
    assert not sample_due(T0, T0 + SAMPLE_EVERY - timedelta(seconds=1))
    assert sample_due(T0, T0 + SAMPLE_EVERY)
    assert sample_due(T0, T0 - timedelta(minutes=1))  # the clock stepped back: re-anchor
