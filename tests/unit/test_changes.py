"""Tests for core.changes: diffing balance snapshots at display precision."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from balance_bot.btcturk.models import Balance
from balance_bot.core.changes import (
    BalanceChange,
    Holding,
    detect_changes,
    is_suspicious,
)
from balance_bot.core.numbers import quantize
from balance_bot.core.valuation import value_portfolio

D = Decimal


def holding(asset: str, total: str, locked: str = "0", precision: int = 8) -> Holding:
    """Build a holding whose free part is total minus locked."""
    return Holding(
        asset=asset,
        total=D(total),
        free=D(total) - D(locked),
        locked=D(locked),
        precision=precision,
    )


def test_quantize_rounds_half_even() -> None:
    assert quantize(D("3.3109771999999998"), 8) == D("3.31097720")
    assert quantize(D("27223.7283250757643288"), 2) == D("27223.73")
    assert quantize(D("0.125"), 2) == D("0.12")
    assert quantize(D("0.135"), 2) == D("0.14")
    assert quantize(D("7.9"), 0) == D("8")


def test_quantize_treats_negative_precision_as_zero() -> None:
    assert quantize(D("12.5"), -3) == D("12")


def test_quantize_stops_at_the_display_cap() -> None:
    assert quantize(D("0." + "1" * 30), 30) == D("0." + "1" * 18)
    a, b = holding("X", "1." + "0" * 20 + "1", precision=30), holding("X", "1", precision=30)
    assert detect_changes({"X": b}, {"X": a}) == []  # the same figure on screen


def test_quantize_handles_large_values_at_high_precision() -> None:
    value = D("123456789012345678901234567890.1234567890123456789")
    assert quantize(value, 18) == D("123456789012345678901234567890.123456789012345679")


def test_a_portfolio_snapshot_holds_each_held_rows_amounts() -> None:
    row = Balance(
        asset="BTC",
        asset_name="Bitcoin",
        balance=D("9.7502186644553258"),
        locked=D("3.3109771999999998"),
        free=D("6.439241464455326"),
        request_fund=D(0),
        precision=8,
    )
    expected = Holding("BTC", D("9.7502186644553258"), D("6.439241464455326"), row.locked, 8)
    empty = row._replace(asset="ETH", balance=D(0), locked=D(0), free=D(0))
    portfolio = value_portfolio([row, empty], None, "TRY", datetime(2025, 1, 3, tzinfo=UTC))
    assert portfolio.holdings() == {"BTC": expected}
    assert portfolio.precision("ETH") == 8


def test_identical_snapshots_report_nothing() -> None:
    snap = {"BTC": holding("BTC", "1.5"), "TRY": holding("TRY", "100", precision=2)}
    assert detect_changes(snap, dict(snap)) == []
    assert detect_changes({}, {}) == []


def test_reports_change_with_difference_quantize() -> None:
    before = {"BTC": holding("BTC", "9.7502186644553258")}
    after = {"BTC": holding("BTC", "10.2502186644553258")}
    [change] = detect_changes(before, after)
    assert change == BalanceChange(
        asset="BTC",
        precision=8,
        old_total=D("9.7502186644553258"),
        new_total=D("10.2502186644553258"),
        old_locked=D(0),
        new_locked=D(0),
    )
    assert change.difference == D("0.50000000")
    assert not change.is_order_move


def test_difference_is_between_displayed_amounts() -> None:
    before = {"TRY": holding("TRY", "1.234", precision=2)}
    after = {"TRY": holding("TRY", "1.2551", precision=2)}
    [change] = detect_changes(before, after)
    assert change.difference == D("0.03")  # 1.26 - 1.23, not the raw 0.0211


def test_sub_precision_noise_is_not_reported() -> None:
    before = {"TRY": holding("TRY", "27223.7283250757643288", precision=2)}
    after = {"TRY": holding("TRY", "27223.7299999999999999", precision=2)}
    assert detect_changes(before, after) == []


def test_missing_asset_counts_as_zero_on_either_side() -> None:
    appeared = detect_changes({}, {"USDT": holding("USDT", "1500.25", precision=2)})
    assert [(c.asset, c.old_total, c.new_total) for c in appeared] == [("USDT", D(0), D("1500.25"))]
    gone = detect_changes({"USDT": holding("USDT", "1500.25", precision=2)}, {})
    assert [(c.asset, c.difference) for c in gone] == [("USDT", D("-1500.25"))]
    assert gone[0].precision == 2


def test_zero_row_appearing_or_disappearing_is_not_a_change() -> None:
    assert detect_changes({}, {"DOGE": holding("DOGE", "0")}) == []
    assert detect_changes({"DOGE": holding("DOGE", "0.000000001")}, {}) == []


def test_changes_are_sorted_by_asset() -> None:
    before = {"USDT": holding("USDT", "1"), "BTC": holding("BTC", "1")}
    after = {"ETH": holding("ETH", "1"), "USDT": holding("USDT", "2"), "BTC": holding("BTC", "2")}
    assert [c.asset for c in detect_changes(before, after)] == ["BTC", "ETH", "USDT"]


def test_newest_precision_wins() -> None:
    before = {"X": holding("X", "1.004", precision=3)}
    after = {"X": holding("X", "1.0041", precision=2)}
    assert detect_changes(before, after) == []


def test_order_moves_only_when_asked() -> None:
    before = {"TRY": holding("TRY", "27223.73", locked="0", precision=2)}
    after = {"TRY": holding("TRY", "27223.73", locked="4874.36", precision=2)}
    assert detect_changes(before, after) == []
    [move] = detect_changes(before, after, include_order_moves=True)
    assert move.is_order_move
    assert move.difference == 0
    assert (move.old_locked, move.new_locked) == (D(0), D("4874.36"))


def test_sub_precision_locked_noise_is_not_an_order_move() -> None:
    before = {"TRY": holding("TRY", "10", locked="1.001", precision=2)}
    after = {"TRY": holding("TRY", "10", locked="1.004", precision=2)}
    assert detect_changes(before, after, include_order_moves=True) == []


def test_total_change_with_locked_change_is_not_an_order_move() -> None:
    before = {"BTC": holding("BTC", "1", locked="0.5")}
    after = {"BTC": holding("BTC", "0.9", locked="0.4")}
    [change] = detect_changes(before, after, include_order_moves=True)
    assert not change.is_order_move


def test_is_suspicious() -> None:
    held = {"BTC": holding("BTC", "1")}
    only_zero = {"BTC": holding("BTC", "0")}
    assert is_suspicious(held, {})
    assert not is_suspicious(held, held)
    assert not is_suspicious(only_zero, {})
    assert not is_suspicious({}, {})
    assert not is_suspicious(held, only_zero)


ASSETS = st.sampled_from(["BTC", "ETH", "TRY", "USDT", "XRP", "DOGE"])
AMOUNTS = st.decimals(min_value=0, max_value=10**9, places=16, allow_nan=False)
HOLDINGS = st.builds(
    lambda total, locked_share, precision: Holding(
        asset="",
        total=total,
        free=total - total * locked_share,
        locked=total * locked_share,
        precision=precision,
    ),
    AMOUNTS,
    st.sampled_from([D(0), D("0.5"), D(1)]),
    st.integers(min_value=0, max_value=18),
)
SNAPSHOTS = st.dictionaries(ASSETS, HOLDINGS, max_size=6).map(
    lambda d: {a: Holding(a, h.total, h.free, h.locked, h.precision) for a, h in d.items()}
)


@given(SNAPSHOTS)
def test_property_identical_snapshots_report_nothing(snap: dict[str, Holding]) -> None:
    assert detect_changes(snap, dict(snap), include_order_moves=True) == []


@given(SNAPSHOTS, SNAPSHOTS)
def test_property_every_real_change_reported_once(
    before: dict[str, Holding], after: dict[str, Holding]
) -> None:
    def shown(snap: dict[str, Holding], asset: str, precision: int) -> Decimal:
        h = snap.get(asset)
        return D(0) if h is None else quantize(h.total, precision)

    expected = []
    for asset in sorted(set(before) | set(after)):
        precision = (after.get(asset) or before[asset]).precision
        if shown(before, asset, precision) != shown(after, asset, precision):
            expected.append(asset)
    changes = detect_changes(before, after)
    assert [c.asset for c in changes] == expected
    assert all(c.difference != 0 and not c.is_order_move for c in changes)
