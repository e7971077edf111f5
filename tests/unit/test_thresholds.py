"""Tests for core.thresholds: parsing /alert arguments and edge-triggered firing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from balance_bot.core.alert_parse import parse_alert_args
from balance_bot.core.thresholds import (
    TOTAL,
    AlertSpec,
    AlertUsageError,
    Direction,
    Kind,
    Problem,
    evaluate,
    far_side,
    initial_triggered,
    is_met,
    same_watch,
)
from balance_bot.core.typed_numbers import ENGLISH

D = Decimal
KNOWN = ("BTC", "TRY", "USDT", "ETH")
ABOVE, BELOW = Direction.ABOVE, Direction.BELOW


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["BTC", "below", "5"], AlertSpec("BTC", BELOW, D(5))),
        (["btc", "ABOVE", "1500,5"], AlertSpec("BTC", ABOVE, D("1500.5"))),
        ([" usdt ", "Below", " 1500.25 "], AlertSpec("USDT", BELOW, D("1500.25"))),
        (["Total", "above", "35000000"], AlertSpec(TOTAL, ABOVE, D(35000000))),
        (["TOTAL", "below", "1e3"], AlertSpec(TOTAL, BELOW, D(1000))),
        (["BTC", "above", "0"], AlertSpec("BTC", ABOVE, D(0))),
        (["BTC", "above", "-0"], AlertSpec("BTC", ABOVE, D(0))),
        (["BTC", "above", "1.50000000000000000000"], AlertSpec("BTC", ABOVE, D("1.5"))),
        (["BTC", "below", "0.0000000000000001"], AlertSpec("BTC", BELOW, D("1e-16"))),
        (["BTC", "below", "1000000000000000"], AlertSpec("BTC", BELOW, D("1000000000000000"))),
        (["BTC", "below", "+7"], AlertSpec("BTC", BELOW, D(7))),
        (["BTC", "below", "1.500,5"], AlertSpec("BTC", BELOW, D("1500.5"))),
    ],
)
def test_parse_alert_args_accepts(args: list[str], expected: AlertSpec) -> None:
    spec = parse_alert_args(args, KNOWN, marks=ENGLISH)
    assert spec == expected
    assert str(spec.amount) == str(expected.amount)


def test_parse_alert_args_known_assets_compared_case_insensitively() -> None:
    assert parse_alert_args(["doge", "above", "1"], ["doge"], marks=ENGLISH).target == "DOGE"


def test_canonical_amount_has_no_exponent() -> None:
    assert str(parse_alert_args(["TOTAL", "above", "25E+2"], KNOWN, marks=ENGLISH).amount) == "2500"


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ([], Problem.USAGE),
        (["BTC", "below"], Problem.USAGE),
        (["BTC", "below", "5", "extra"], Problem.USAGE),
        (["DOGE", "below", "5"], Problem.UNKNOWN_ASSET),
        (["", "below", "5"], Problem.UNKNOWN_ASSET),
        (["BTC", "under", "5"], Problem.DIRECTION),
        (["BTC", ">", "5"], Problem.DIRECTION),
        (["BTC", "below", "five"], Problem.NOT_A_NUMBER),
        (["BTC", "below", "nan"], Problem.NOT_A_NUMBER),
        (["BTC", "below", "inf"], Problem.NOT_A_NUMBER),
        (["BTC", "below", "1,50,0"], Problem.NOT_A_NUMBER),
        (["BTC", "below", "1,500"], Problem.AMBIGUOUS),
        (["BTC", "below", "-5"], Problem.NEGATIVE),
        (["BTC", "below", "0"], Problem.ZERO_BELOW),
        (["BTC", "below", "0,000"], Problem.ZERO_BELOW),
        (["BTC", "above", "1000000000000000.1"], Problem.TOO_LARGE),
        (["BTC", "above", "1e16"], Problem.TOO_LARGE),
        (["BTC", "above", "0.00000000000000001"], Problem.TOO_PRECISE),
        (["BTC", "above", "1e-17"], Problem.TOO_PRECISE),
    ],
)
def test_parse_alert_args_refuses(args: list[str], problem: Problem) -> None:
    with pytest.raises(AlertUsageError) as caught:
        parse_alert_args(args, KNOWN, marks=ENGLISH)
    assert caught.value.problem is problem
    assert caught.value.reason == str(caught.value)
    assert 0 < len(caught.value.reason) <= 80


def test_usage_reason_shows_the_syntax() -> None:
    with pytest.raises(AlertUsageError, match=r"usage: /alert <ASSET\|total>"):
        parse_alert_args(["BTC"], KNOWN, marks=ENGLISH)


def test_unknown_asset_reason_is_short() -> None:
    with pytest.raises(AlertUsageError) as caught:
        parse_alert_args(["X" * 500, "above", "1"], KNOWN, marks=ENGLISH)
    assert len(caught.value.reason) < 50


@pytest.mark.parametrize(
    ("direction", "value", "amount", "met"),
    [
        (ABOVE, "5.01", "5", True),
        (ABOVE, "5", "5", False),
        (ABOVE, "4.99", "5", False),
        (ABOVE, "0.00000001", "0", True),
        (ABOVE, "0", "0", False),
        (BELOW, "4.99", "5", True),
        (BELOW, "5", "5", False),
        (BELOW, "5.01", "5", False),
    ],
)
def test_is_met_is_strict(direction: Direction, value: str, amount: str, met: bool) -> None:
    assert is_met(direction, D(value), D(amount)) is met


@pytest.mark.parametrize(
    ("triggered", "value", "expected"),
    [
        (False, "4", (True, True)),  # becomes true: fire once
        (True, "4", (False, True)),  # stays true: quiet
        (True, "6", (False, False)),  # false again: re-arm
        (False, "6", (False, False)),  # stays false
        (False, None, (False, False)),  # unknown value changes nothing
        (True, None, (False, True)),
    ],
)
def test_evaluate_is_edge_triggered(
    triggered: bool, value: str | None, expected: tuple[bool, bool]
) -> None:
    observed = None if value is None else D(value)
    assert evaluate(triggered, BELOW, observed, D(5)) == expected


def test_initial_triggered() -> None:
    spec = AlertSpec("BTC", BELOW, D(5))
    assert initial_triggered(spec, D(4)) is True
    assert initial_triggered(spec, D(6)) is False
    assert initial_triggered(spec, None) is False


TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["BTC", "btc", "total", "above", "below", "0", "-1", "1e999", "1,5", "NaN"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)


@given(st.lists(TEXT, max_size=5), st.lists(st.text(max_size=8), max_size=5))
def test_property_parse_raises_only_usage_errors(args: list[str], known: list[str]) -> None:
    try:
        spec = parse_alert_args(args, [*known, *KNOWN], marks=ENGLISH)
    except AlertUsageError:
        return  # the only exception allowed
    assert spec.amount >= 0
    assert spec.amount.is_finite()
    assert spec.target == TOTAL or spec.target == spec.target.upper()


@given(
    st.sampled_from(list(Direction)),
    st.lists(st.one_of(st.none(), st.decimals(min_value=0, max_value=10, places=1)), max_size=30),
)
def test_property_fires_once_per_crossing(
    direction: Direction, values: list[Decimal | None]
) -> None:
    amount = D(5)
    triggered = False
    fired = 0
    crossings = 0
    previously_met = False
    for value in values:
        fire, triggered = evaluate(triggered, direction, value, amount)
        fired += fire
        if value is not None:
            met = is_met(direction, value, amount)
            crossings += met and not previously_met
            previously_met = met
    assert fired == crossings


@pytest.mark.parametrize(
    ("amount", "value", "side"),
    [
        ("3.6", "3500000", BELOW),  # 3,600 read as 3.6: a thousand times under
        ("35000", "3500000", None),  # exactly 1/100: not far
        ("34999.99", "3500000", BELOW),
        ("350000000", "3500000", None),  # exactly 100 times
        ("350000000.01", "3500000", ABOVE),
        ("0", "3500000", None),  # "above 0": as soon as any is held
        ("5", "0", None),  # nothing held now: nothing to compare with
        ("5", None, None),  # unknown now
    ],
)
def test_a_line_far_from_the_value_now(
    amount: str, value: str | None, side: Direction | None
) -> None:
    spec = AlertSpec("BTC", ABOVE, D(amount), Kind.PRICE)
    assert far_side(spec, None if value is None else D(value)) is side


def test_a_move_is_never_far() -> None:
    assert far_side(AlertSpec("BTC", ABOVE, D(1000), Kind.MOVE), D("0.001")) is None


def test_the_same_line_whatever_the_cooldown_or_the_trailing_zeros() -> None:
    line = AlertSpec("BTC", ABOVE, D("3600000"), Kind.PRICE)
    assert same_watch(
        line, AlertSpec("BTC", ABOVE, D("3600000.00"), Kind.PRICE, None, timedelta(0))
    )
    assert not same_watch(line, AlertSpec("BTC", BELOW, D("3600000"), Kind.PRICE))
    assert not same_watch(line, AlertSpec("BTC", ABOVE, D("3600000"), Kind.VALUE))
    assert not same_watch(line, AlertSpec("ETH", ABOVE, D("3600000"), Kind.PRICE))
    move = AlertSpec("BTC", ABOVE, D(5), Kind.MOVE, timedelta(hours=1))
    assert not same_watch(move, AlertSpec("BTC", ABOVE, D(5), Kind.MOVE, timedelta(hours=2)))
    assert same_watch(AlertSpec(TOTAL, ABOVE, D(1)), AlertSpec(TOTAL, ABOVE, D(1), Kind.VALUE))
