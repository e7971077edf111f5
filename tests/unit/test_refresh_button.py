"""The Refresh button's data: the asset and the earlier parts of a long reply, within 64 bytes."""

from __future__ import annotations

import pytest

from balance_bot.core.refresh_button import (
    MAX_DATA_BYTES,
    RefreshTarget,
    button_data,
    parse_button_data,
)


@pytest.mark.parametrize(
    ("asset", "earlier", "data"),
    [
        (None, [], "refresh:"),
        ("BTC", [], "refresh:BTC"),
        (None, [1041, 1042, 1043], "refresh:@1041.1.1"),
        (None, [7, 30], "refresh:@7.23"),
    ],
)
def test_data_round_trips(asset: str | None, earlier: list[int], data: str) -> None:
    assert button_data(asset, earlier) == data
    assert parse_button_data(data) == RefreshTarget(asset, tuple(earlier))


def test_the_oldest_parts_are_left_out_when_all_would_not_fit() -> None:
    earlier = [2_000_000_000 + 1000 * n for n in range(20)]
    data = button_data(None, earlier)
    assert len(data.encode()) <= MAX_DATA_BYTES
    kept = parse_button_data(data).earlier_parts
    assert kept and kept == tuple(earlier[-len(kept) :])


@pytest.mark.parametrize(
    "data",
    [
        "refresh:<b>",
        "refresh:<b>@1.1",
        "refresh:@x.1",
        "refresh:@5.0",
        "refresh:@1" + ".1" * 40,
        "🔥",
    ],
)
def test_data_this_bot_never_wrote_means_the_whole_portfolio_alone(data: str) -> None:
    assert parse_button_data(data) == RefreshTarget(None, ())


def test_a_bad_parts_list_keeps_the_asset() -> None:
    assert parse_button_data("refresh:btc@x") == RefreshTarget("BTC", ())
